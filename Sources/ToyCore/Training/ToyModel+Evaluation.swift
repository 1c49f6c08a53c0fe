extension ToyModel {
  /// Each instance's notebook loss (mean over samples and features of I_f·(x'−|x|)²)
  /// on `samples` rows of its fixed evaluation batch, computed by the training kernel.
  ///
  /// Every seed and instance of a setting sees the same inputs, so comparing these
  /// numbers picks the best seed fairly (see `bestOf`).
  public func evaluationLoss(samples: Int = 16_384) -> [Double] {
    (0..<instanceCount).map { loss(instance: $0, samples: samples) }
  }

  /// One instance's loss on `samples` rows of its fixed evaluation batch.
  public func loss(instance: Int, samples: Int) -> Double {
    loss(instance: instance, sampler: evaluationSampler(instance: instance), first: 0, count: samples)
  }

  /// One instance's loss over `count` samples of `sampler` starting at sample `first`.
  func loss(instance: Int, sampler: BatchSampler, first: UInt64, count: Int) -> Double {
    guard count > 0 else { return 0 }
    let kernel = ChunkKernel(kind: kind, n: n, m: m, width: 128)
    let width = kernel.width
    let scratch = ChunkKernel.Scratch(for: kernel)
    var total = 0.0
    parameters.withUnsafeBufferPointer { params in
      importance.withUnsafeBufferPointer { imp in
        var offset = 0
        while offset < count {
          let chunk = min(width, count - offset)
          sampler.fill(first: first &+ UInt64(offset), count: chunk, width: width, into: scratch.x)
          total += kernel.run(
            params: params.baseAddress! + instance * parameterCount,
            importance: imp.baseAddress! + instance * n, scale: 1, scratch: scratch,
            count: chunk, grad: nil)
          offset += chunk
        }
      }
    }
    return total / Double(count * n)
  }
}
