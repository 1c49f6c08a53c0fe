import CToyKernels

/// One autoencoder instance's forward and backward pass over a batch of hidden states, a
/// chunk at a time: `begin`, `chunk` for each chunk, `end`.
///
/// Shapes: H = m hidden, D = d latents, W = chunk width (a multiple of 8), B = batch,
/// mp = m rounded up to 8. The arithmetic is the C kernel `toy_sae_chunk` (dense encoder and
/// reconstruction gradient, the rest over the active latents where they are few; AVX2+FMA
/// where the CPU has it). The decoder's rows are normalised once per batch here, and the
/// normalisation's backward pass runs once per batch in `end`. `AutoencoderReference` is the
/// naive oracle.
struct AutoencoderKernel {
  let m: Int
  let d: Int
  let variant: SparseAutoencoder.Variant
  /// Floats per hidden-state row (samples per chunk, padded to a multiple of 8).
  let width: Int
  let path: toy_kernel_path

  init(m: Int, d: Int, variant: SparseAutoencoder.Variant, width: Int, path: toy_kernel_path) {
    self.m = m
    self.d = d
    self.variant = variant
    self.width = (width + 7) / 8 * 8
    self.path = path
  }

  /// Samples per chunk: the largest power of two, from 64 to 1024, that keeps a chunk's
  /// latents (d rows) within 32 KiB, so that each pass over them stays in cache. It depends on
  /// d alone, never on the thread count.
  static func chunkWidth(latents d: Int) -> Int {
    var width = 64
    while width < 1024 && 2 * width * d <= 8192 { width *= 2 }
    return width
  }

  var paddedM: Int { (m + 7) / 8 * 8 }

  /// Per-thread scratch: the C kernel's work space, the batch's unit decoder rows, gradient
  /// and activity counters.
  final class Scratch {
    let work: UnsafeMutableRawPointer
    let valid: UnsafeMutablePointer<Float>
    /// D×H unit rows, the same padded to D×mp, and the rows' lengths.
    let unit: UnsafeMutablePointer<Float>
    let unitPadded: UnsafeMutablePointer<Float>
    let norms: UnsafeMutablePointer<Float>
    /// λ/B in every entry (zeros for TopK).
    let l1Row: UnsafeMutablePointer<Float>
    /// ∂W_encᵀ and ∂D (D×mp), ∂b_enc (D), ∂b_dec's direct part (H).
    let gradEncoderT: UnsafeMutablePointer<Float>
    let gradUnit: UnsafeMutablePointer<Float>
    let gradEncoderBias: UnsafeMutablePointer<Float>
    let gradDecoderBias: UnsafeMutablePointer<Float>
    /// Samples of the batch on which each latent was active.
    let active: UnsafeMutablePointer<Int32>
    var batch = 0

    init(for kernel: AutoencoderKernel) {
      let (m, d, mp, width) = (kernel.m, kernel.d, kernel.paddedM, kernel.width)
      work = .allocate(byteCount: toy_sae_work_bytes(Int32(m), Int32(d), Int32(width)), alignment: 32)
      valid = .allocate(capacity: width)
      unit = .allocate(capacity: d * m)
      unitPadded = .allocate(capacity: d * mp)
      norms = .allocate(capacity: d)
      l1Row = .allocate(capacity: d)
      gradEncoderT = .allocate(capacity: d * mp)
      gradUnit = .allocate(capacity: d * mp)
      gradEncoderBias = .allocate(capacity: d)
      gradDecoderBias = .allocate(capacity: m)
      active = .allocate(capacity: d)
    }

    deinit {
      work.deallocate()
      for pointer in [valid, unit, unitPadded, norms, l1Row, gradEncoderT, gradUnit, gradEncoderBias, gradDecoderBias] {
        pointer.deallocate()
      }
      active.deallocate()
    }
  }

  private var layout: SparseAutoencoder.Layout { SparseAutoencoder.Layout(m: m, d: d) }

  /// Starts a batch of `batch` samples through the parameter block `params`: normalises the
  /// decoder's rows (lengths summed in Double) and zeroes the gradient and counters.
  func begin(params: UnsafePointer<Float>, batch: Int, scratch: Scratch) {
    let (m, d, mp) = (m, d, paddedM)
    let decoder = params + layout.decoder
    for j in 0..<d {
      var sum = 0.0
      for k in 0..<m { sum += Double(decoder[j * m + k]) * Double(decoder[j * m + k]) }
      let norm = Float(sum.squareRoot())
      scratch.norms[j] = norm
      for k in 0..<mp {
        let value = k < m && norm > 0 ? decoder[j * m + k] / norm : 0
        if k < m { scratch.unit[j * m + k] = value }
        scratch.unitPadded[j * mp + k] = value
      }
    }
    scratch.l1Row.initialize(repeating: variant.k == nil ? variant.l1Coefficient / Float(batch) : 0, count: d)
    scratch.gradEncoderT.initialize(repeating: 0, count: d * mp)
    scratch.gradUnit.initialize(repeating: 0, count: d * mp)
    scratch.gradEncoderBias.initialize(repeating: 0, count: d)
    scratch.gradDecoderBias.initialize(repeating: 0, count: m)
    scratch.active.initialize(repeating: 0, count: d)
    scratch.batch = batch
  }

  /// Runs the first `count` samples of `h` (H rows of `width` floats) through the instance,
  /// adding to the batch's gradient when `gradient`; returns Σ (ĥ − h)² and Σ z over them.
  func chunk(
    params: UnsafePointer<Float>, scratch: Scratch, h: UnsafePointer<Float>, count: Int, gradient: Bool = true
  ) -> toy_sae_sums {
    let lanes = (count + 7) / 8 * 8
    let padded = count < lanes
    if padded {
      for j in 0..<lanes { scratch.valid[j] = j < count ? 1 : 0 }
    }
    var args = toy_sae_args(
      m: Int32(m), d: Int32(d), k: Int32(variant.k ?? 0), error_scale: 2 / Float(scratch.batch * m),
      w_enc: params + layout.encoder, b_enc: params + layout.encoderBias, dec: scratch.unit,
      dec_padded: scratch.unitPadded, b_dec: params + layout.decoderBias, l1_row: scratch.l1Row,
      g_enc_t: gradient ? scratch.gradEncoderT : nil, g_benc: scratch.gradEncoderBias,
      g_dec: scratch.gradUnit, g_bdec: scratch.gradDecoderBias, active: scratch.active)
    return toy_sae_chunk(
      path, &args, Int32(lanes), Int32(width), h, padded ? UnsafePointer(scratch.valid) : nil, scratch.work)
  }

  /// Writes the batch's gradient to `grad` in the block layout: ∂W_enc from its transpose,
  /// ∂W_dec through the normalisation (∂W_j = (∂D_j − D_j·(D_j·∂D_j))/‖W_j‖, zero for a zero
  /// row), and ∂b_dec = Σ e − W_enc·∂b_enc (b_dec is subtracted before encoding).
  func end(params: UnsafePointer<Float>, scratch: Scratch, grad: UnsafeMutablePointer<Float>) {
    let (m, d, mp, layout) = (m, d, paddedM, layout)
    let encoder = params + layout.encoder
    for j in 0..<d {
      for k in 0..<m { grad[layout.encoder + k * d + j] = scratch.gradEncoderT[j * mp + k] }
      grad[layout.encoderBias + j] = scratch.gradEncoderBias[j]
      let norm = scratch.norms[j]
      var along: Float = 0
      for k in 0..<m { along += scratch.unit[j * m + k] * scratch.gradUnit[j * mp + k] }
      for k in 0..<m {
        grad[layout.decoder + j * m + k] =
          norm > 0 ? (scratch.gradUnit[j * mp + k] - scratch.unit[j * m + k] * along) / norm : 0
      }
    }
    for k in 0..<m {
      var through: Float = 0
      for j in 0..<d { through += encoder[k * d + j] * scratch.gradEncoderBias[j] }
      grad[layout.decoderBias + k] = scratch.gradDecoderBias[k] - through
    }
  }

  /// The batch's loss from the chunks' sums: mean over samples of [mean over H of (ĥ − h)²
  /// + λ·Σ z] (TopK: the first term alone).
  func loss(squaredError: Double, activation: Double, batch: Int) -> Double {
    let reconstruction = squaredError / Double(batch * m)
    guard variant.k == nil else { return reconstruction }
    return reconstruction + Double(variant.l1Coefficient) * activation / Double(batch)
  }
}

/// One model instance's hidden states for chunks of its inputs: h = xW, then ReLU for the
/// kinds with a hidden ReLU (hidden_relu, abs). Shapes: F = n, H = m, W = chunk width.
/// The arithmetic is `toy_hidden_chunk` (over the non-zero inputs for wide, sparse chunks).
struct HiddenStateKernel {
  let n: Int
  let m: Int
  let width: Int
  let hiddenReLU: Bool
  let path: toy_kernel_path
  /// The instance's W (F×H), and its rows zero-padded to mp.
  let weights: [Float]
  let padded: [Float]

  init(model: ToyModel, instance: Int, width: Int, path: toy_kernel_path) {
    n = model.n
    m = model.m
    self.width = (width + 7) / 8 * 8
    hiddenReLU = model.kind.hiddenReLU
    self.path = path
    let base = instance * model.parameterCount + model.weightsOffset
    let weights = Array(model.parameters[base..<base + model.n * model.m])
    let mp = (model.m + 7) / 8 * 8
    var padded = [Float](repeating: 0, count: model.n * mp)
    for f in 0..<model.n {
      for k in 0..<model.m { padded[f * mp + k] = weights[f * model.m + k] }
    }
    self.weights = weights
    self.padded = padded
  }

  /// A copy with storage of its own, for one worker thread (see `BatchSampler.isolatedCopy`).
  func isolatedCopy() -> HiddenStateKernel {
    HiddenStateKernel(
      n: n, m: m, width: width, hiddenReLU: hiddenReLU, path: path, weights: weights.map { $0 },
      padded: padded.map { $0 })
  }

  private init(
    n: Int, m: Int, width: Int, hiddenReLU: Bool, path: toy_kernel_path, weights: [Float], padded: [Float]
  ) {
    self.n = n
    self.m = m
    self.width = width
    self.hiddenReLU = hiddenReLU
    self.path = path
    self.weights = weights
    self.padded = padded
  }

  /// The inputs of a chunk (F rows of `width`) and the C kernel's work space.
  final class Scratch {
    let x: UnsafeMutablePointer<Float>
    let work: UnsafeMutableRawPointer

    init(for kernel: HiddenStateKernel) {
      x = .allocate(capacity: kernel.n * kernel.width)
      work = .allocate(
        byteCount: toy_hidden_work_bytes(Int32(kernel.n), Int32(kernel.m), Int32(kernel.width)), alignment: 32)
    }

    deinit {
      x.deallocate()
      work.deallocate()
    }
  }

  /// Writes the hidden states of the first `count` samples in `scratch.x` (zero past them) to
  /// `h`, H rows of `width`.
  func run(scratch: Scratch, count: Int, into h: UnsafeMutablePointer<Float>) {
    let lanes = Int32((count + 7) / 8 * 8)
    weights.withUnsafeBufferPointer { w in
      padded.withUnsafeBufferPointer { p in
        toy_hidden_chunk(
          path, hiddenReLU ? 1 : 0, Int32(n), Int32(m), lanes, Int32(width), w.baseAddress!, p.baseAddress!,
          scratch.x, h, scratch.work)
      }
    }
  }
}
