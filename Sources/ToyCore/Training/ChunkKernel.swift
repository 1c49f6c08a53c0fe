import CToyKernels

/// One instance's forward and backward pass over one chunk of samples.
///
/// Shapes: F = n features, H = m hidden, W = chunk width (a multiple of 8 samples).
/// The arithmetic is the C kernel in `CToyKernels` (feature-major, SIMD along samples,
/// AVX2+FMA where the CPU has it), dense or wide by the model's shape. For the dense kernel
/// this wrapper first moves the chunk's all-zero samples out of the way: for them h = 0 and
/// x' = ReLU(b) whatever W is, so they cost one closed-form term for the loss and the bias
/// gradient instead of a pass through the model. Sparse narrow instances are mostly such
/// samples, and the trainer pools the few others across a batch's chunks (`runPooled`).
/// `ReferenceKernel` is the naive oracle.
struct ChunkKernel {
  let kind: ModelKind
  let n: Int
  let m: Int
  /// Floats per activation row (samples per chunk, padded to a multiple of 8).
  let width: Int
  let path: toy_kernel_path
  /// Whether the wide kernel runs (see `usesWide`).
  let wide: Bool

  init(
    kind: ModelKind, n: Int, m: Int, width: Int, path: toy_kernel_path = Self.defaultPath, wide: Bool? = nil
  ) {
    self.kind = kind
    self.n = n
    self.m = m
    self.width = (width + 7) / 8 * 8
    self.path = path
    // The wide kernel lists lanes as 16-bit indices: wider chunks take the dense kernel.
    self.wide = (wide ?? Self.usesWide(n: n)) && self.width <= 65_528
  }

  /// Models with many features take the wide kernel (`CToyKernels/toy_wide.c`): its
  /// register-blocked products keep up where the activations outgrow the first-level cache,
  /// and it skips the zero inputs one by one. Narrow models (the intro figure, n = 20) keep
  /// the dense kernel, whose all-zero samples are moved aside instead: with few features,
  /// many samples have none active. The choice depends on the shape alone.
  static func usesWide(n: Int) -> Bool { n >= 32 }

  /// The fastest code path this CPU runs.
  static let defaultPath = toy_kernel_best_path()

  /// Per-thread scratch rows for one kernel.
  final class Scratch {
    let x: UnsafeMutablePointer<Float>
    let h: UnsafeMutablePointer<Float>
    let z: UnsafeMutablePointer<Float>
    let g: UnsafeMutablePointer<Float>
    let valid: UnsafeMutablePointer<Float>
    let columns: UnsafeMutablePointer<Int32>
    /// The wide kernel's lists, sample-major rows, padded weights and gradient.
    let work: UnsafeMutableRawPointer
    /// Whether `work` holds a batch's padded weights and outstanding gradient (`runPooled`).
    var wideBatchOpen = false
    /// Kept samples of sparse chunks waiting for one kernel call (`runPooled`), and how many.
    let pool: UnsafeMutablePointer<Float>
    var pooled = 0

    /// Space for `kernel`'s chunks: the wide kernel's work space, or the dense kernel's
    /// compaction columns and sample pool. The kernel that does not run gets minimal
    /// stand-ins, which nothing touches.
    init(for kernel: ChunkKernel) {
      let (n, m, width) = (kernel.n, kernel.m, kernel.width)
      let workBytes = kernel.wide ? toy_wide_work_bytes(Int32(n), Int32(m), Int32(width)) : 32
      work = .allocate(byteCount: workBytes, alignment: 32)
      columns = .allocate(capacity: kernel.wide ? 1 : width)
      x = .allocate(capacity: n * width)
      h = .allocate(capacity: m * width)
      z = .allocate(capacity: n * width)
      g = .allocate(capacity: m * width)
      valid = .allocate(capacity: width)
      pool = .allocate(capacity: kernel.wide ? 1 : n * width)
    }

    deinit {
      x.deallocate()
      h.deallocate()
      z.deallocate()
      g.deallocate()
      valid.deallocate()
      columns.deallocate()
      work.deallocate()
      pool.deallocate()
    }
  }

  /// Where W₂ and b start in an instance's parameter block (as in `ToyModel`).
  var outputWeightsOffset: Int { kind.untied ? n * m : 0 }
  var biasOffset: Int { (kind.untied ? 2 : 1) * n * m }
  /// Floats in an instance's parameter block.
  var parameterCount: Int { biasOffset + n }

  var flags: Int32 {
    var flags: Int32 = 0
    if kind.hiddenReLU { flags |= Int32(TOY_HIDDEN_RELU) }
    if kind.outputReLU { flags |= Int32(TOY_OUTPUT_RELU) }
    if kind.untied { flags |= Int32(TOY_UNTIED) }
    if kind.signedInputs { flags |= Int32(TOY_ABS_TARGET) }
    return flags
  }

  /// Runs the first `count` samples in `scratch.x` (feature-major rows of `width`) through
  /// the instance whose parameter block is `params`. Adds the gradient of the loss, scaled by
  /// `scale` (1/(B·F) for the notebook's mean), to `grad` when it is non-nil, and returns
  /// Σ I_f·(x'−target)² over the samples. May reorder the samples in `scratch.x`.
  func run(
    params: UnsafePointer<Float>, importance: UnsafePointer<Float>, scale: Float,
    scratch: Scratch, count: Int, grad: UnsafeMutablePointer<Float>?
  ) -> Double {
    if wide {
      beginWide(params: params, scratch: scratch)
      let total = pass(
        params: params, importance: importance, scale: scale, scratch: scratch, x: scratch.x, count: count, grad: grad)
      endWide(scratch: scratch, grad: grad)
      return total
    }
    let kept = compact(scratch: scratch, count: count)
    return pass(
      params: params, importance: importance, scale: scale, scratch: scratch, x: scratch.x, count: kept, grad: grad)
      + zeroSamples(count - kept, params: params, importance: importance, scale: scale, grad: grad)
  }

  /// `run` for one chunk of a batch whose chunks all see the same parameters. The dense
  /// kernel's kept samples of a chunk with all-zero samples moved aside wait in
  /// `scratch.pool`, and go through the model when the pool would overflow or at `flush`: a
  /// sparse instance's few active samples then take one kernel call per batch instead of one
  /// per chunk. The wide kernel keeps the weights' gradient in its padded rows until `flush`.
  /// Call `flush` after the batch's last chunk; until then part of the batch's loss and
  /// gradient is outstanding.
  func runPooled(
    params: UnsafePointer<Float>, importance: UnsafePointer<Float>, scale: Float,
    scratch: Scratch, count: Int, grad: UnsafeMutablePointer<Float>?
  ) -> Double {
    if wide {
      if !scratch.wideBatchOpen {
        beginWide(params: params, scratch: scratch)
        scratch.wideBatchOpen = true
      }
      return pass(
        params: params, importance: importance, scale: scale, scratch: scratch, x: scratch.x, count: count, grad: grad)
    }
    let kept = compact(scratch: scratch, count: count)
    var total = zeroSamples(count - kept, params: params, importance: importance, scale: scale, grad: grad)
    if kept == count {
      return total
        + pass(
          params: params, importance: importance, scale: scale, scratch: scratch, x: scratch.x, count: kept, grad: grad)
    }
    if scratch.pooled + kept > width {
      total += flush(params: params, importance: importance, scale: scale, scratch: scratch, grad: grad)
    }
    for f in 0..<n {
      (scratch.pool + f * width + scratch.pooled).update(from: scratch.x + f * width, count: kept)
    }
    scratch.pooled += kept
    return total
  }

  /// Runs the samples waiting in `scratch.pool`, or adds the wide kernel's outstanding
  /// gradient to `grad` (see `runPooled`), and ends the batch.
  func flush(
    params: UnsafePointer<Float>, importance: UnsafePointer<Float>, scale: Float,
    scratch: Scratch, grad: UnsafeMutablePointer<Float>?
  ) -> Double {
    if wide {
      if scratch.wideBatchOpen { endWide(scratch: scratch, grad: grad) }
      scratch.wideBatchOpen = false
      return 0
    }
    let count = scratch.pooled
    scratch.pooled = 0
    return pass(
      params: params, importance: importance, scale: scale, scratch: scratch, x: scratch.pool, count: count, grad: grad)
  }

  /// Pads the input weights into the wide kernel's work space and zeroes its gradient.
  func beginWide(params: UnsafePointer<Float>, scratch: Scratch) {
    toy_wide_begin(Int32(n), Int32(m), Int32(width), params, scratch.work)
  }

  /// Adds the wide kernel's outstanding weight gradient to `grad` (∂b is already there).
  private func endWide(scratch: Scratch, grad: UnsafeMutablePointer<Float>?) {
    guard let grad else { return }
    toy_wide_end(Int32(n), Int32(m), Int32(width), scratch.work, grad, grad + outputWeightsOffset)
  }

  /// Moves the chunk's samples with any active feature to the front of `scratch.x` (the
  /// dense kernel's compaction); returns how many there are.
  private func compact(scratch: Scratch, count: Int) -> Int {
    compact(x: scratch.x, count: count, scratch: scratch)
  }

  /// The compaction of the first `count` samples of `x` (rows of `width`).
  func compact(x: UnsafeMutablePointer<Float>, count: Int, scratch: Scratch) -> Int {
    Int(toy_compact_samples(path, Int32(n), Int32(count), Int32(width), x, scratch.columns))
  }

  /// Where a pass adds its gradient: the running gradient in the parameter layout, or one
  /// pass's own (see `ChunkKernel+Partials.swift`).
  struct Targets {
    /// ∂W (∂W₁ for abs) and ∂W₂ (∂W again for tied kinds), dense kernel.
    var input: UnsafeMutablePointer<Float>
    var output: UnsafeMutablePointer<Float>
    var bias: UnsafeMutablePointer<Float>
    /// The wide kernel's padded accumulators (nil: its work space's own).
    var wide:
      (input: UnsafeMutablePointer<Float>, input2: UnsafeMutablePointer<Float>, output: UnsafeMutablePointer<Float>)?
  }

  /// The kernel over the first `count` samples of `x` (rows of `width`), padded to whole
  /// vectors with zero samples that the `valid` mask leaves out.
  private func pass(
    params: UnsafePointer<Float>, importance: UnsafePointer<Float>, scale: Float,
    scratch: Scratch, x: UnsafeMutablePointer<Float>, count: Int, grad: UnsafeMutablePointer<Float>?
  ) -> Double {
    let targets = grad.map { Targets(input: $0, output: $0 + outputWeightsOffset, bias: $0 + biasOffset) }
    return pass(
      params: params, importance: importance, scale: scale, scratch: scratch, x: x, count: count, targets: targets)
  }

  /// `pass` adding its gradient (when `targets` is non-nil) where `targets` says.
  func pass(
    params: UnsafePointer<Float>, importance: UnsafePointer<Float>, scale: Float,
    scratch: Scratch, x: UnsafeMutablePointer<Float>, count: Int, targets: Targets?
  ) -> Double {
    guard count > 0 else { return 0 }
    let (n, m, width) = (n, m, width)
    let lanes = (count + 7) / 8 * 8
    for f in 0..<n {
      for j in count..<lanes { x[f * width + j] = 0 }
    }
    let padded = count < lanes
    if padded {
      for j in 0..<lanes { scratch.valid[j] = j < count ? 1 : 0 }
    }
    let bias = params + biasOffset
    let wout = params + outputWeightsOffset
    let valid = padded ? UnsafePointer(scratch.valid) : nil
    if wide {
      return toy_wide_kernel(
        path, flags, Int32(n), Int32(m), Int32(lanes), Int32(width), params, wout, bias, importance,
        scale, x, scratch.h, scratch.z, scratch.g, valid, targets == nil ? 0 : 1, targets?.bias, scratch.work,
        targets?.wide?.input, targets?.wide?.input2, targets?.wide?.output)
    }
    return toy_chunk_kernel(
      path, flags, Int32(n), Int32(m), Int32(lanes), Int32(width), params, wout, bias, importance,
      scale, x, scratch.h, scratch.z, scratch.g, valid, targets?.input, targets?.output, targets?.bias)
  }

  /// All-zero samples: h = 0, so x' = ReLU(b) (b for the linear model) and the target is 0.
  private func zeroSamples(
    _ zeros: Int, params: UnsafePointer<Float>, importance: UnsafePointer<Float>, scale: Float,
    grad: UnsafeMutablePointer<Float>?
  ) -> Double {
    guard zeros > 0 else { return 0 }
    var zeroLoss: Float = 0
    for f in 0..<n {
      let out = zeroSampleOutput(f, params: params)
      zeroLoss += importance[f] * out * out
      grad?[biasOffset + f] += Self.zeroSampleBiasGradient(zeros, importance: importance[f], output: out, scale: scale)
    }
    return Double(zeros) * Double(zeroLoss)
  }

  /// The output of an all-zero sample at feature f.
  func zeroSampleOutput(_ f: Int, params: UnsafePointer<Float>) -> Float {
    let b = params[biasOffset + f]
    return kind.outputReLU ? max(b, 0) : b
  }

  /// What `zeros` all-zero samples whose output at a feature is `output` add to its ∂b (one
  /// formula for every caller, so that the trainer's paths agree bit for bit).
  static func zeroSampleBiasGradient(_ zeros: Int, importance: Float, output: Float, scale: Float) -> Float {
    Float(zeros) * (2 * scale * importance * output)
  }

  /// The loss of `zeros` all-zero samples, Σ I_f·ReLU(b_f)² each (as `zeroSamples` sums it).
  func zeroSampleLoss(_ zeros: Int, params: UnsafePointer<Float>, importance: UnsafePointer<Float>) -> Double {
    guard zeros > 0 else { return 0 }
    var zeroLoss: Float = 0
    for f in 0..<n {
      let out = zeroSampleOutput(f, params: params)
      zeroLoss += importance[f] * out * out
    }
    return Double(zeros) * Double(zeroLoss)
  }
}
