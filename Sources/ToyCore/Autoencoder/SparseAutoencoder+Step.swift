import CToyKernels

extension SparseAutoencoder {
  /// What the training kernel computes for one instance on a batch of hidden states.
  public struct KernelResult: Sendable {
    /// reconstruction + λ·sparsity (TopK: reconstruction).
    public var loss: Double
    /// The mean over samples and dimensions of (ĥ − h)².
    public var reconstruction: Double
    /// The mean over samples of Σ_j z_j.
    public var sparsity: Double
    /// ∂loss/∂parameters in the block layout (W_enc, b_enc, W_dec, b_dec).
    public var gradient: [Float]
    /// Per latent, the samples on which it was active.
    public var active: [Int]
  }

  /// An instance's loss and gradient on given hidden states (rows of m values), as the
  /// training kernel computes them, chunk by chunk. `path` picks the kernel's code path.
  ///
  /// This lets a test hold the fast kernel against the reference and an outside oracle.
  public func lossAndGradient(hidden: [[Float]], instance: Int, path: KernelPath = .best) -> KernelResult {
    let setting = settings[instance]
    let layout = blockLayout(instance: instance)
    let batch = hidden.count
    guard batch > 0 else {
      return KernelResult(
        loss: 0, reconstruction: 0, sparsity: 0, gradient: [Float](repeating: 0, count: layout.count),
        active: [Int](repeating: 0, count: layout.d))
    }
    let width = AutoencoderKernel.chunkWidth(latents: layout.d)
    let kernel = AutoencoderKernel(m: m, d: layout.d, variant: setting.variant, width: width, path: path.cPath)
    let scratch = AutoencoderKernel.Scratch(for: kernel)
    let h = UnsafeMutablePointer<Float>.allocate(capacity: m * kernel.width)
    defer { h.deallocate() }
    var gradient = [Float](repeating: 0, count: layout.count)
    var squares = 0.0
    var activation = 0.0
    let (m, base) = (m, offsets[instance])
    parameters.withUnsafeBufferPointer { all in
      let params = all.baseAddress! + base
      kernel.begin(params: params, batch: batch, scratch: scratch)
      var offset = 0
      while offset < batch {
        let count = min(kernel.width, batch - offset)
        for k in 0..<m {
          for lane in 0..<kernel.width { h[k * kernel.width + lane] = lane < count ? hidden[offset + lane][k] : 0 }
        }
        let sums = kernel.chunk(params: params, scratch: scratch, h: h, count: count)
        squares += sums.squared_error
        activation += sums.activation
        offset += count
      }
      gradient.withUnsafeMutableBufferPointer { kernel.end(params: params, scratch: scratch, grad: $0.baseAddress!) }
    }
    let reconstruction = squares / Double(batch * m)
    return KernelResult(
      loss: kernel.loss(squaredError: squares, activation: activation, batch: batch), reconstruction: reconstruction,
      sparsity: activation / Double(batch), gradient: gradient, active: (0..<layout.d).map { Int(scratch.active[$0]) })
  }

  /// One optimiser step on given hidden states instead of the model's data: `hidden[i]` holds
  /// instance i's batch, rows of m values. `callStep` and `options.steps` place the step in
  /// its schedule. Returns each instance's loss before the update. The data stream does not
  /// advance, the activity counters do, and resampling does not run.
  ///
  /// This lets a test drive the optimiser with the exact batches of an outside reference.
  public mutating func step(
    hidden: [[[Float]]], options: TrainingOptions, callStep: Int = 0
  ) throws(AutoencoderError) -> [Double] {
    do { try options.validate() } catch { throw .options(error) }
    guard steps < ToyModel.stepLimit else {
      throw .options(.stepsTooMany(steps: steps, more: 1, limit: ToyModel.stepLimit))
    }
    guard hidden.count == instanceCount else {
      throw .rowLength(name: "hidden states", instance: 0, count: hidden.count, expected: instanceCount)
    }
    for (instance, batch) in hidden.enumerated() {
      guard !batch.isEmpty else { throw .options(.batchNotPositive(0)) }
      for row in batch where row.count != m {
        throw .rowLength(name: "hidden state", instance: instance, count: row.count, expected: m)
      }
    }
    let rate = options.learningRate * options.schedule.scale(step: callStep, of: options.steps)
    let update = AdamUpdate(options: options, rate: rate, t: steps + 1)
    var losses: [Double] = []
    for (instance, batch) in hidden.enumerated() {
      let result = lossAndGradient(hidden: batch, instance: instance)
      losses.append(result.loss)
      let (base, count) = (offsets[instance], parameterCount(instance: instance))
      parameters.withUnsafeMutableBufferPointer { params in
        firstMoment.withUnsafeMutableBufferPointer { mu in
          secondMoment.withUnsafeMutableBufferPointer { nu in
            update.apply(
              to: params.baseAddress! + base, mu: mu.baseAddress! + base, nu: nu.baseAddress! + base,
              grad: result.gradient, count: count)
          }
        }
      }
      for j in 0..<result.active.count {
        idleSteps[instance][j] = result.active[j] > 0 ? 0 : idleSteps[instance][j] + 1
      }
    }
    steps += 1
    return losses
  }

  /// Replaces an instance's dead latents now, as training would after global step `step`,
  /// with `hidden` (rows of m values) as the batch that `lossWeighted` reads. Returns how many
  /// it replaced.
  @discardableResult
  mutating func resample(
    instance: Int, _ resampling: Resampling, step: Int, hidden: [[Float]]
  ) throws(AutoencoderError) -> Int {
    try resampling.validate()
    for row in hidden where row.count != m {
      throw .rowLength(name: "hidden state", instance: instance, count: row.count, expected: m)
    }
    let layout = blockLayout(instance: instance)
    let resampler = LatentResampler(
      resampling: resampling, layout: layout, topK: settings[instance].variant.k, seed: seed, instance: instance)
    // One chunk as wide as the batch, in the trainer's layout.
    let width = max(1, hidden.count)
    var states = [Float](repeating: 0, count: m * width)
    for (lane, row) in hidden.enumerated() {
      for k in 0..<m { states[k * width + lane] = row[k] }
    }
    let base = offsets[instance]
    var idle = idleSteps[instance]
    let replaced = parameters.withUnsafeMutableBufferPointer { params in
      firstMoment.withUnsafeMutableBufferPointer { mu in
        secondMoment.withUnsafeMutableBufferPointer { nu in
          states.withUnsafeBufferPointer { states in
            resampler.resample(
              step: step, params: params.baseAddress! + base, mu: mu.baseAddress! + base,
              nu: nu.baseAddress! + base, idle: &idle, hidden: states.baseAddress!, batch: hidden.count,
              width: width)
          }
        }
      }
    }
    idleSteps[instance] = idle
    resampledLatents[instance] += replaced
    return replaced
  }
}

extension ToyModel {
  /// The hidden states of given inputs (rows of n values) for one instance, as the
  /// autoencoders' trainer computes them: h = xW, then ReLU for hidden_relu and abs.
  public func hiddenStates(inputs: [[Float]], instance: Int, path: KernelPath = .best) -> [[Float]] {
    guard !inputs.isEmpty else { return [] }
    let kernel = HiddenStateKernel(model: self, instance: instance, width: min(inputs.count, 1024), path: path.cPath)
    let scratch = HiddenStateKernel.Scratch(for: kernel)
    let width = kernel.width
    let h = UnsafeMutablePointer<Float>.allocate(capacity: m * width)
    defer { h.deallocate() }
    var states: [[Float]] = []
    for first in stride(from: 0, to: inputs.count, by: width) {
      let count = min(width, inputs.count - first)
      for f in 0..<n {
        for lane in 0..<width { scratch.x[f * width + lane] = lane < count ? inputs[first + lane][f] : 0 }
      }
      kernel.run(scratch: scratch, count: count, into: h)
      states += (0..<count).map { lane in (0..<m).map { h[$0 * width + lane] } }
    }
    return states
  }
}
