import CToyKernels

extension PeakThroughput {
  /// GFLOP/s of the autoencoder kernel's two dense products alone (the encoder and the
  /// reconstruction's gradient, 4·m·d FLOPs a sample) on `threads` threads, each over one
  /// chunk of the trainer's width for d latents: best of three runs of about 0.1 s, as
  /// `measure`, so that the benchmark can set the products' rate beside the FMA peak.
  public static func autoencoderProducts(m: Int, latents d: Int, threads: Int) -> Double {
    let width = AutoencoderKernel.chunkWidth(latents: d)
    let flops = 4 * Double(m * d * width)
    let iterations = max(1, Int(1e10 / flops))
    let floats = 2 * m * d + d + 2 * m * width + 2 * d * width
    let path = ChunkKernel.defaultPath
    return bestRate(threads: threads, flopsPerThread: flops * Double(iterations)) {
      let buffer = UnsafeMutablePointer<Float>.allocate(capacity: floats)
      defer { buffer.deallocate() }
      let sink = toy_sae_dense_loop(path, Int32(m), Int32(d), Int32(width), iterations, buffer)
      precondition(sink.isFinite)
    }
  }
}
