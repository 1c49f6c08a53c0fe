/// One worker's copy of its group's state through a segment, and how far it got.
final class WorkerState: @unchecked Sendable {
  let group: [Int]
  let theta: UnsafeMutablePointer<Float>
  let mu: UnsafeMutablePointer<Float>
  let nu: UnsafeMutablePointer<Float>
  /// Losses of segment steps, step-major, `group.count` per step.
  let losses: UnsafeMutablePointer<Float>
  var reached = 0
  var divergence: Divergence?

  init(group: [Int], count: Int, length: Int) {
    self.group = group
    let local = group.count * count
    theta = .allocate(capacity: local)
    mu = .allocate(capacity: local)
    nu = .allocate(capacity: local)
    losses = .allocate(capacity: max(1, length * group.count))
  }

  func release() {
    for pointer in [theta, mu, nu, losses] { pointer.deallocate() }
  }
}

/// Everything a worker needs to train its instances, as raw pointers into the model.
struct StepContext: @unchecked Sendable {
  let kind: ModelKind
  let n: Int
  let m: Int
  let parameterCount: Int
  let options: TrainingOptions
  let params: UnsafeMutablePointer<Float>
  let mu: UnsafeMutablePointer<Float>
  let nu: UnsafeMutablePointer<Float>
  let importance: UnsafePointer<Float>
  let samplers: [BatchSampler]
  /// Samples per step of each instance: `options.batchSize`, or a training set's size.
  let batches: [Int]
  let losses: UnsafeMutablePointer<Float>
  let instances: Int
  let startStep: Int
  let startSamples: UInt64
  let callStep: Int

  /// Samples per kernel call: the largest power of two that keeps one chunk's inputs within
  /// 32 KiB (so the activations stay in cache), at least 128 and at most 1024. Fewer calls
  /// for small models; the width depends on n alone, never on the thread count.
  static func chunkWidth(n: Int) -> Int {
    var width = 128
    while width < 1024 && 2 * width * n <= 8192 { width *= 2 }
    return width
  }

  /// Samples × parameters in a step from which cancellation is checked within the step.
  static let longStepWork = 1 << 24

  /// Copies the model's state of the worker's instances (the segment's start) into its buffers.
  ///
  /// The worker trains its own copies: instances of different workers sit side by side in the
  /// model's arrays, and writing them in place would bounce shared cache lines between cores.
  func load(_ worker: WorkerState) {
    let count = parameterCount
    for (g, instance) in worker.group.enumerated() {
      worker.theta.advanced(by: g * count).update(from: params + instance * count, count: count)
      worker.mu.advanced(by: g * count).update(from: mu + instance * count, count: count)
      worker.nu.advanced(by: g * count).update(from: nu + instance * count, count: count)
    }
    worker.reached = 0
    worker.divergence = nil
  }

  /// Copies the worker's state and losses back into the model.
  func store(_ worker: WorkerState) {
    let count = parameterCount
    let group = worker.group
    for (g, instance) in group.enumerated() {
      (params + instance * count).update(from: worker.theta + g * count, count: count)
      (mu + instance * count).update(from: worker.mu + g * count, count: count)
      (nu + instance * count).update(from: worker.nu + g * count, count: count)
      for s in 0..<worker.reached { losses[s * instances + instance] = worker.losses[s * group.count + g] }
    }
  }

  /// Brings every worker to one step: the furthest a cancelled worker reached or, after a
  /// divergence, the step before the first that diverged (replayed from the segment's start,
  /// which the model's arrays still hold). Returns that step and the divergence.
  func settle(_ workers: [WorkerState]) -> (Int, Divergence?) {
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
        if worker.reached > target || worker.divergence != nil { load(worker) }
        run(worker, to: target, cancellation: nil)
        // Weights that went non-finite without a non-finite loss: keep the segment's start.
        if let late = worker.divergence, late.loss == nil, late.step >= target - 1, target > 0 {
          worker.divergence!.step = 0
        }
        again = again || worker.divergence != nil
      }
      if !again { return (target, first) }
    }
  }

  /// Trains the worker's instances from the step it reached up to segment step `to`, and
  /// stops early on cancellation or at the first non-finite loss (before that step's update,
  /// recorded in `worker.divergence`). At the end it checks the weights are still finite.
  func run(_ worker: WorkerState, to: Int, cancellation: Cancellation?) {
    let group = worker.group
    let largest = group.map { batches[$0] }.max() ?? 1
    let kernel = ChunkKernel(kind: kind, n: n, m: m, width: min(Self.chunkWidth(n: n), largest))
    let width = kernel.width
    let scratch = ChunkKernel.Scratch(for: kernel)
    let count = parameterCount
    let grad = UnsafeMutablePointer<Float>.allocate(capacity: count)
    defer { grad.deallocate() }
    let (theta, mu1, nu1) = (worker.theta, worker.mu, worker.nu)
    let samplers = group.map { self.samplers[$0].isolatedCopy() }
    // A long step (a huge batch on a big model) also heeds Ctrl-C between chunks of samples,
    // and then puts back the state it started from, kept aside at each step; ordinary steps
    // take a fraction of a second and skip both.
    let local = group.count * count
    let stepStart: UnsafeMutablePointer<Float>? =
      cancellation != nil && largest * count >= Self.longStepWork ? .allocate(capacity: 3 * local) : nil
    defer { stepStart?.deallocate() }
    var step = worker.reached
    steps: while step < to {
      if let cancellation, cancellation.isCancelled { break }
      if let stepStart {
        stepStart.update(from: theta, count: local)
        (stepStart + local).update(from: mu1, count: local)
        (stepStart + 2 * local).update(from: nu1, count: local)
      }
      let globalStep = startStep + step
      let rate = options.learningRate * options.rateScale(step: callStep + step)
      let update = AdamUpdate(options: options, rate: rate, t: globalStep + 1)
      for (g, instance) in group.enumerated() {
        let batch = batches[instance]
        let scale = 1 / Float(batch * n)
        let firstSample = firstSample(instance: instance, step: step)
        let block = theta + g * count
        grad.initialize(repeating: 0, count: count)
        var lossSum = 0.0
        var offset = 0
        while offset < batch {
          if let stepStart, cancellation?.isCancelled == true {
            theta.update(from: stepStart, count: local)
            mu1.update(from: stepStart + local, count: local)
            nu1.update(from: stepStart + 2 * local, count: local)
            break steps
          }
          let chunk = min(width, batch - offset)
          samplers[g].fill(
            first: firstSample &+ UInt64(offset), count: chunk, width: width, into: scratch.x)
          lossSum += kernel.runPooled(
            params: block, importance: importance + instance * n, scale: scale,
            scratch: scratch, count: chunk, grad: grad)
          offset += chunk
        }
        lossSum += kernel.flush(
          params: block, importance: importance + instance * n, scale: scale, scratch: scratch, grad: grad)
        let loss = Float(lossSum / Double(batch * n))
        guard loss.isFinite else {
          // The lowest such instance is reported, whatever the grouping; the others of the
          // group have taken this step, so `settle` replays the worker.
          if instance < worker.divergence?.instance ?? .max {
            worker.divergence = Divergence(instance: instance, step: step, loss: loss)
          }
          continue
        }
        worker.losses[step * group.count + g] = loss
        update.apply(to: block, mu: mu1 + g * count, nu: nu1 + g * count, grad: grad, count: count)
      }
      if worker.divergence != nil { break }
      step += 1
    }
    worker.reached = step
    checkWeightsFinite(worker)
  }

  /// The position of the first sample an instance reads at segment step `step`. A training
  /// set's samples are numbered by the global step, so that training again reads on from
  /// where it stopped; fresh data by the samples drawn so far.
  func firstSample(instance: Int, step: Int) -> UInt64 {
    if samplers[instance].fixed != nil { return UInt64(startStep + step) &* UInt64(batches[instance]) }
    return startSamples &+ UInt64(step) &* UInt64(options.batchSize)
  }

  /// Records a divergence at the worker's last step if a weight it trained is not finite
  /// (a loss that stayed finite can still hide one).
  func checkWeightsFinite(_ worker: WorkerState) {
    guard worker.divergence == nil, worker.reached > 0 else { return }
    let count = parameterCount
    for (g, instance) in worker.group.enumerated()
    where !UnsafeBufferPointer(start: worker.theta + g * count, count: count).allSatisfy(\.isFinite) {
      worker.divergence = Divergence(instance: instance, step: worker.reached - 1, loss: nil)
      return
    }
  }
}
