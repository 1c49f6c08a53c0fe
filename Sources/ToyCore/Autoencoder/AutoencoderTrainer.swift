import CToyKernels
import Dispatch

extension TrainingOptions {
  /// Options for training sparse autoencoders: plain Adam (no weight decay) with PyTorch's
  /// defaults, as Towards Monosemanticity; ARENA's toy autoencoders use β₁ = 0.
  public static func autoencoder(steps: Int) -> TrainingOptions {
    var options = TrainingOptions(steps: steps)
    options.optimizer = .adam
    options.weightDecay = 0
    return options
  }
}

extension SparseAutoencoder {
  /// Trains every instance for `options.steps` steps on fresh samples of `model`'s data, from
  /// the current parameters and optimiser state, as `ToyModel.train` does: instances are split
  /// across threads and each instance's numbers are the same whatever the thread count;
  /// `observe` runs on the caller's thread every `options.observeEvery` steps and at the end;
  /// `cancellation` is checked every step, and training stops at a step boundary with every
  /// instance at the same step. A non-finite loss or parameter stops training with
  /// `.diverged`, the autoencoder keeping the steps before it. `resampling` replaces dead
  /// latents (none without it).
  @discardableResult
  public mutating func train(
    on model: ToyModel, _ options: TrainingOptions, resampling: Resampling? = nil,
    cancellation: Cancellation? = nil, observe: ((TrainingProgress, SparseAutoencoder) -> Void)? = nil
  ) throws(AutoencoderError) -> TrainingOutcome {
    do {
      try options.validate()
      try ToyModel.checkBatch(options.batchSize, n: model.n, instances: instanceCount)
    } catch {
      throw .options(error)
    }
    guard options.steps <= ToyModel.stepLimit - steps else {
      throw .options(.stepsTooMany(steps: steps, more: options.steps, limit: ToyModel.stepLimit))
    }
    try resampling?.validate()
    try checkSources(model)
    let threads = max(1, min(options.threads ?? ToyModel.coreCount, instanceCount))
    let groups = workGroups(model: model, threads: threads)
    var segments = TrainingSegments(options, instances: instanceCount)
    while let length = segments.next(cancellation: cancellation) {
      let segment = AutoencoderSegment(
        autoencoder: self, model: model, options: options, resampling: resampling, callStep: segments.done,
        length: length)
      let workers = groups.map { AutoencoderWorker(group: $0, segment: segment) }
      DispatchQueue.concurrentPerform(iterations: workers.count) { t in
        workers[t].run(to: segment.length, cancellation: cancellation)
      }
      let (taken, divergence) = segment.settle(workers)
      for worker in workers { worker.store(into: &self) }
      steps += taken
      samplesDrawn &+= UInt64(taken) &* UInt64(options.batchSize)
      if taken > 0 { modelSteps = model.steps }
      let losses = (0..<taken).map { s in
        var row = [Float](repeating: 0, count: instanceCount)
        for worker in workers {
          for (g, instance) in worker.group.enumerated() { row[instance] = worker.losses[s * worker.group.count + g] }
        }
        return row
      }
      record(losses: losses)
      if let divergence {
        throw .diverged(instance: divergence.instance, step: steps + 1, loss: divergence.loss)
      }
      if let progress = segments.finish(taken: taken, length: length, losses: losses.last), let observe {
        observe(progress, self)
      }
    }
    return segments.outcome
  }

  private mutating func record(losses: [[Float]]) {
    for (s, row) in losses.enumerated() {
      let step = steps - losses.count + s + 1
      if history.wants(step: step) { history.record(step: step, losses: row) }
    }
    for i in 0..<instanceCount {
      let tail = losses.suffix(ToyModel.recentLossCapacity).map { $0[i] }
      recentLosses[i] = Array((recentLosses[i] + tail).suffix(ToyModel.recentLossCapacity))
    }
  }

  /// Splits the instances among `threads` workers, longest first, each to the least loaded.
  /// A sample costs the model's hidden state (n·m multiply-adds at most) and the autoencoder's
  /// two dense products (2·m·d) and a share of the sparse ones. The split never changes any
  /// instance's numbers.
  func workGroups(model: ToyModel, threads: Int) -> [[Int]] {
    let cost = settings.map { Double(model.n * m) + 3 * Double(m * $0.latents) }
    var groups = [[Int]](repeating: [], count: threads)
    var load = [Double](repeating: 0, count: threads)
    for i in (0..<instanceCount).sorted(by: { (cost[$0], $1) > (cost[$1], $0) }) {
      let t = load.indices.min(by: { load[$0] < load[$1] })!
      groups[t].append(i)
      load[t] += cost[i]
    }
    return groups.filter { !$0.isEmpty }
  }
}

/// What every worker of one segment reads: the autoencoder and model at the segment's start.
private struct AutoencoderSegment: @unchecked Sendable {
  let autoencoder: SparseAutoencoder
  let model: ToyModel
  let options: TrainingOptions
  let resampling: Resampling?
  /// Steps taken in this call before the segment.
  let callStep: Int
  let length: Int

  /// Brings every worker to one step: the furthest a cancelled worker reached or, after a
  /// divergence, the step before the first that diverged (replayed from the segment's start,
  /// which `autoencoder` still holds). Returns that step and the divergence.
  func settle(_ workers: [AutoencoderWorker]) -> (Int, Divergence?) {
    var target = workers.map(\.reached).max() ?? 0
    var first: Divergence?
    while true {
      for case let found? in workers.map(\.divergence)
      where (found.step, found.instance) < (first?.step ?? .max, first?.instance ?? .max) {
        first = found
      }
      if let first { target = min(target, first.step) }
      var again = false
      for worker in workers where worker.reached != target || worker.divergence != nil {
        if worker.reached > target || worker.divergence != nil { worker.load() }
        worker.run(to: target, cancellation: nil)
        again = again || worker.divergence != nil
      }
      if !again { return (target, first) }
    }
  }
}

/// One worker's copy of its instances' state through a segment, and how far it got.
private final class AutoencoderWorker: @unchecked Sendable {
  let group: [Int]
  let segment: AutoencoderSegment
  /// Where each group member's block starts in `theta`, `mu` and `nu`.
  let blockOffsets: [Int]
  var theta: [Float] = []
  var mu: [Float] = []
  var nu: [Float] = []
  var idle: [[Int]] = []
  var resampled: [Int] = []
  /// Losses of segment steps, step-major, `group.count` per step.
  var losses: [Float]
  var reached = 0
  var divergence: Divergence?

  init(group: [Int], segment: AutoencoderSegment) {
    self.group = group
    self.segment = segment
    var offsets = [0]
    for i in group { offsets.append(offsets.last! + segment.autoencoder.parameterCount(instance: i)) }
    blockOffsets = offsets
    losses = [Float](repeating: 0, count: max(1, segment.length * group.count))
    load()
  }

  /// Copies the segment's start of the group's instances into the worker's own arrays.
  func load() {
    let start = segment.autoencoder
    theta = []
    mu = []
    nu = []
    for i in group {
      let range = start.offsets[i]..<start.offsets[i + 1]
      theta += start.parameters[range]
      mu += start.firstMoment[range]
      nu += start.secondMoment[range]
    }
    idle = group.map { start.idleSteps[$0] }
    resampled = group.map { start.resampledLatents[$0] }
    reached = 0
    divergence = nil
  }

  func store(into autoencoder: inout SparseAutoencoder) {
    for (g, i) in group.enumerated() {
      let local = blockOffsets[g]
      let count = blockOffsets[g + 1] - local
      let global = autoencoder.offsets[i]
      autoencoder.parameters.replaceSubrange(global..<global + count, with: theta[local..<local + count])
      autoencoder.firstMoment.replaceSubrange(global..<global + count, with: mu[local..<local + count])
      autoencoder.secondMoment.replaceSubrange(global..<global + count, with: nu[local..<local + count])
      autoencoder.idleSteps[i] = idle[g]
      autoencoder.resampledLatents[i] = resampled[g]
    }
  }

  /// Trains the group from the step it reached up to segment step `to`; stops early on
  /// cancellation or at the first non-finite loss or parameter (recorded in `divergence`; the
  /// replay in `settle` restores the state before it).
  func run(to: Int, cancellation: Cancellation?) {
    let (autoencoder, options) = (segment.autoencoder, segment.options)
    let steppers = group.map {
      AutoencoderInstanceStep(
        autoencoder: autoencoder, instance: $0, model: segment.model, batch: options.batchSize,
        resampling: segment.resampling)
    }
    var step = reached
    while step < to {
      if let cancellation, cancellation.isCancelled { break }
      let globalStep = autoencoder.steps + step
      let rate = options.learningRate * options.schedule.scale(step: segment.callStep + step, of: options.steps)
      let update = AdamUpdate(options: options, rate: rate, t: globalStep + 1)
      let firstSample = autoencoder.samplesDrawn &+ UInt64(step) &* UInt64(options.batchSize)
      for (g, instance) in group.enumerated() {
        let range = blockOffsets[g]..<blockOffsets[g + 1]
        let outcome = theta.withUnsafeMutableBufferPointer { theta in
          mu.withUnsafeMutableBufferPointer { mu in
            nu.withUnsafeMutableBufferPointer { nu in
              steppers[g].step(
                params: theta.baseAddress! + range.lowerBound, mu: mu.baseAddress! + range.lowerBound,
                nu: nu.baseAddress! + range.lowerBound, idle: &idle[g], update: update, firstSample: firstSample,
                globalStep: globalStep + 1)
            }
          }
        }
        resampled[g] += outcome.resampled
        guard outcome.loss.isFinite, theta[range].allSatisfy(\.isFinite) else {
          if instance < divergence?.instance ?? .max {
            divergence = Divergence(instance: instance, step: step, loss: outcome.loss.isFinite ? nil : outcome.loss)
          }
          continue
        }
        losses[step * group.count + g] = outcome.loss
      }
      if divergence != nil { break }
      step += 1
    }
    reached = step
  }
}

/// One instance's training step: its batch drawn from the model instance it reads, the hidden
/// states, the kernel's loss and gradient, Adam, the activity counters and resampling.
final class AutoencoderInstanceStep {
  let layout: SparseAutoencoder.Layout
  let batch: Int
  let sampler: BatchSampler
  let hidden: HiddenStateKernel
  let hiddenScratch: HiddenStateKernel.Scratch
  let kernel: AutoencoderKernel
  let scratch: AutoencoderKernel.Scratch
  let resampler: LatentResampler?
  /// The batch's hidden states: one block of H rows of `width` per chunk.
  let states: UnsafeMutablePointer<Float>
  let grad: UnsafeMutablePointer<Float>

  init(
    autoencoder: SparseAutoencoder, instance: Int, model: ToyModel, batch: Int, resampling: Resampling?,
    path: toy_kernel_path = ChunkKernel.defaultPath
  ) {
    let setting = autoencoder.settings[instance]
    let layout = autoencoder.blockLayout(instance: instance)
    self.layout = layout
    self.batch = batch
    let width = min(AutoencoderKernel.chunkWidth(latents: setting.latents), batch)
    kernel = AutoencoderKernel(m: autoencoder.m, d: setting.latents, variant: setting.variant, width: width, path: path)
    scratch = AutoencoderKernel.Scratch(for: kernel)
    hidden = HiddenStateKernel(model: model, instance: setting.source, width: kernel.width, path: path)
    hiddenScratch = HiddenStateKernel.Scratch(for: hidden)
    sampler = BatchSampler(
      model: model, instance: setting.source,
      stream: RandomStream(seed: autoencoder.seed, instance: instance, purpose: .autoencoderData), path: path
    ).isolatedCopy()
    resampler = resampling.map {
      LatentResampler(
        resampling: $0, layout: layout, topK: setting.variant.k, seed: autoencoder.seed, instance: instance)
    }
    let chunks = (batch + kernel.width - 1) / kernel.width
    states = .allocate(capacity: chunks * autoencoder.m * kernel.width)
    grad = .allocate(capacity: layout.count)
  }

  deinit {
    states.deallocate()
    grad.deallocate()
  }

  /// The loss and gradient (in `grad`) of the batch from sample `firstSample` at `params`.
  func lossAndGradient(params: UnsafePointer<Float>, firstSample: UInt64) -> Double {
    let width = kernel.width
    kernel.begin(params: params, batch: batch, scratch: scratch)
    var squares = 0.0
    var activation = 0.0
    var offset = 0
    while offset < batch {
      let count = min(width, batch - offset)
      sampler.fill(first: firstSample &+ UInt64(offset), count: count, width: width, into: hiddenScratch.x)
      let h = states + offset / width * layout.m * width
      hidden.run(scratch: hiddenScratch, count: count, into: h)
      let sums = kernel.chunk(params: params, scratch: scratch, h: h, count: count)
      squares += sums.squared_error
      activation += sums.activation
      offset += count
    }
    kernel.end(params: params, scratch: scratch, grad: grad)
    return kernel.loss(squaredError: squares, activation: activation, batch: batch)
  }

  /// One optimiser step at global step `globalStep` (counted from 1): returns the loss before
  /// the update and how many latents resampling replaced after it. A non-finite loss skips
  /// the update.
  func step(
    params: UnsafeMutablePointer<Float>, mu: UnsafeMutablePointer<Float>, nu: UnsafeMutablePointer<Float>,
    idle: inout [Int], update: AdamUpdate, firstSample: UInt64, globalStep: Int
  ) -> (loss: Float, resampled: Int) {
    let loss = Float(lossAndGradient(params: params, firstSample: firstSample))
    guard loss.isFinite else { return (loss, 0) }
    update.apply(to: params, mu: mu, nu: nu, grad: grad, count: layout.count)
    for j in 0..<layout.d { idle[j] = scratch.active[j] > 0 ? 0 : idle[j] + 1 }
    guard let resampler, resampler.isDue(step: globalStep) else { return (loss, 0) }
    let replaced = resampler.resample(
      step: globalStep, params: params, mu: mu, nu: nu, idle: &idle, hidden: states, batch: batch, width: kernel.width)
    return (loss, replaced)
  }
}
