import CToyKernels

extension ToyModel {
  /// One optimiser step on given inputs instead of the data stream: `inputs[i]` holds
  /// instance i's batch, one row of n values per sample. `callStep` and `options.steps`
  /// place the step in its schedule. Returns each instance's loss before the update.
  ///
  /// This lets a test drive the trainer with the exact batches of an outside reference.
  /// The data stream does not advance.
  public mutating func step(
    inputs: [[[Float]]], options: TrainingOptions, callStep: Int = 0
  ) throws(ModelError) -> [Double] {
    try options.validate()
    guard steps < Self.stepLimit else { throw .stepsTooMany(steps: steps, more: 1, limit: Self.stepLimit) }
    guard inputs.count == instanceCount else {
      throw .rowLength(name: "inputs", instance: 0, count: inputs.count, expected: instanceCount)
    }
    for (instance, batch) in inputs.enumerated() {
      guard !batch.isEmpty else { throw .batchNotPositive(0) }
      for row in batch where row.count != n {
        throw .rowLength(name: "input row", instance: instance, count: row.count, expected: n)
      }
    }
    let count = parameterCount
    let rate = options.learningRate * options.schedule.scale(step: callStep, of: options.steps)
    let update = AdamUpdate(options: options, rate: rate, t: steps + 1)
    var losses: [Double] = []
    for (instance, batch) in inputs.enumerated() {
      let (loss, grad) = lossAndGradient(inputs: batch, instance: instance)
      losses.append(loss)
      parameters.withUnsafeMutableBufferPointer { params in
        firstMoment.withUnsafeMutableBufferPointer { mu in
          secondMoment.withUnsafeMutableBufferPointer { nu in
            update.apply(
              to: params.baseAddress! + instance * count, mu: mu.baseAddress! + instance * count,
              nu: nu.baseAddress! + instance * count, grad: grad, count: count)
          }
        }
      }
    }
    steps += 1
    return losses
  }

  /// An instance's loss and gradient on given inputs (rows of n values per sample), as the
  /// training kernel computes them, in one chunk; the gradient uses the parameter layout
  /// (`W`, `W2`, `b`). `path` picks the kernel's code path (default: the fastest).
  public func lossAndGradient(
    inputs: [[Float]], instance: Int, path: KernelPath = .best
  ) -> (loss: Double, gradient: [Float]) {
    guard !inputs.isEmpty else { return (0, [Float](repeating: 0, count: parameterCount)) }
    let kernel = ChunkKernel(kind: kind, n: n, m: m, width: inputs.count, path: path.cPath)
    let width = kernel.width
    let scratch = ChunkKernel.Scratch(for: kernel)
    for f in 0..<n {
      for j in 0..<inputs.count { scratch.x[f * width + j] = inputs[j][f] }
    }
    var grad = [Float](repeating: 0, count: parameterCount)
    let (count, n) = (parameterCount, n)
    let lossSum = parameters.withUnsafeBufferPointer { params in
      importance.withUnsafeBufferPointer { imp in
        grad.withUnsafeMutableBufferPointer { g in
          kernel.run(
            params: params.baseAddress! + instance * count, importance: imp.baseAddress! + instance * n,
            scale: 1 / Float(inputs.count * n), scratch: scratch, count: inputs.count, grad: g.baseAddress!)
        }
      }
    }
    return (lossSum / Double(inputs.count * n), grad)
  }
}

/// The training kernel's code paths; results agree within rounding.
public enum KernelPath: String, Sendable, CaseIterable {
  /// The x86-64 baseline (or the platform's default).
  case baseline
  /// AVX2 with fused multiply-add, where the CPU has it.
  case avx2
  /// The fastest this CPU runs.
  case best

  /// Whether this CPU can run the path.
  public var isAvailable: Bool {
    switch self {
    case .baseline, .best: return true
    case .avx2: return toy_kernel_path_available(TOY_KERNEL_AVX2) != 0
    }
  }

  var cPath: toy_kernel_path {
    switch self {
    case .baseline: return TOY_KERNEL_BASELINE
    case .avx2: return TOY_KERNEL_AVX2
    case .best: return ChunkKernel.defaultPath
    }
  }
}
