import Dispatch
import RealModule
import Synchronization

#if canImport(Glibc)
  import Glibc
#endif

/// What the observer sees during training.
public struct TrainingProgress: Sendable {
  /// Steps taken in this call so far, and the call's total.
  public var step: Int
  public var totalSteps: Int
  /// Each instance's loss at the latest step.
  public var losses: [Float]

  public init(step: Int, totalSteps: Int, losses: [Float]) {
    self.step = step
    self.totalSteps = totalSteps
    self.losses = losses
  }
}

/// A flag that stops training at the next step boundary; safe to set from any thread.
public final class Cancellation: Sendable {
  private let flag = Atomic<Bool>(false)
  public init() {}
  public func cancel() { flag.store(true, ordering: .relaxed) }
  public func reset() { flag.store(false, ordering: .relaxed) }
  public var isCancelled: Bool { flag.load(ordering: .relaxed) }
}

/// How a training call ended.
public struct TrainingOutcome: Sendable, Equatable {
  /// Steps actually taken (fewer than asked when cancelled).
  public var stepsTaken: Int
  public var cancelled: Bool
}

extension ToyModel {
  /// Trains every instance for `options.steps` steps from the current weights and optimiser
  /// state. Instances are independent, so they are split across threads; each instance's
  /// numbers are the same whatever the thread count. `observe` runs on the caller's thread
  /// every `options.observeEvery` steps and at the end. `cancellation` is checked every
  /// step: training stops at a step boundary with every instance at the same step.
  @discardableResult
  public mutating func train(
    _ options: TrainingOptions, cancellation: Cancellation? = nil,
    observe: ((TrainingProgress, ToyModel) -> Void)? = nil
  ) throws(ModelError) -> TrainingOutcome {
    try options.validate()
    try checkStep(batch: options.batchSize)
    guard options.steps <= Self.stepLimit - steps else {
      throw .stepsTooMany(steps: steps, more: options.steps, limit: Self.stepLimit)
    }
    let threads = max(1, min(options.threads ?? Self.coreCount, instanceCount))
    // Segments bound the per-step loss buffer (about a million numbers) and end at each
    // observation; the workers run a whole segment without meeting.
    let longest = max(1, min(4096, 1 << 20 / instanceCount))
    var done = 0
    var cancelled = false
    var lastLosses = [Float](repeating: .nan, count: instanceCount)
    while done < options.steps && !cancelled {
      if let cancellation, cancellation.isCancelled {
        cancelled = true
        break
      }
      var length = min(longest, options.steps - done)
      if options.observeEvery > 0 {
        length = min(length, options.observeEvery - done % options.observeEvery)
      }
      let segment = runSegment(
        options: options, callStep: done, length: length, threads: threads, cancellation: cancellation)
      let taken = segment.taken
      record(losses: segment.losses, steps: taken)
      if taken > 0 { lastLosses = segment.losses[taken - 1] }
      done += taken
      if let divergence = segment.divergence {
        // The model holds the state before the step that diverged.
        throw .diverged(instance: divergence.instance, step: steps + 1, loss: divergence.loss)
      }
      cancelled = taken < length
      let observing = options.observeEvery > 0 && done % options.observeEvery == 0
      if let observe, taken > 0, observing || done == options.steps || cancelled {
        observe(TrainingProgress(step: done, totalSteps: options.steps, losses: lastLosses), self)
      }
    }
    return TrainingOutcome(stepsTaken: done, cancelled: cancelled)
  }

  static var coreCount: Int {
    max(1, Int(sysconf(Int32(_SC_NPROCESSORS_ONLN))))
  }

  private mutating func record(losses: [[Float]], steps taken: Int) {
    for s in 0..<taken {
      let step = steps - taken + s + 1
      if history.wants(step: step) { history.record(step: step, losses: losses[s]) }
    }
    for i in 0..<instanceCount {
      let tail = losses.suffix(Self.recentLossCapacity).map { $0[i] }
      recentLosses[i] = Array((recentLosses[i] + tail).suffix(Self.recentLossCapacity))
    }
  }

  /// Splits the instances among `threads` workers with similar expected work: for two
  /// workers and up to 12 instances the split whose busier worker has the least (every
  /// split tried), otherwise longest first, each to the least loaded. The split never
  /// changes any instance's numbers.
  func workGroups(threads: Int) -> [[Int]] {
    let cost = workCosts()
    if threads == 2 && (2...12).contains(cost.count) { return Self.bestSplitInTwo(cost) }
    var groups = [[Int]](repeating: [], count: threads)
    var load = [Double](repeating: 0, count: threads)
    for i in (0..<instanceCount).sorted(by: { cost[$0] > cost[$1] }) {
      let t = load.indices.min(by: { load[$0] < load[$1] })!
      groups[t].append(i)
      load[t] += cost[i]
    }
    return groups
  }

  /// Each instance's expected work per step, in multiply-add equivalents (weights measured
  /// on Zen 3). A sample costs its data draws (and the scans over them) plus a pass through
  /// the model. In the wide kernel: three dense products and two whose cost follows the input
  /// density. In the dense kernel: five products, unless a quarter or more of the samples
  /// are all zero; then those are moved aside and the rest pooled, at a higher cost per
  /// sample kept. Masked data draws cost a little more than dense ones.
  ///
  /// With training sets, each instance's cost is per step, a sample's cost times T (full
  /// batch, the usual way a sweep over T trains).
  func workCosts() -> [Double] {
    let perSample = sampleCosts()
    guard hasTrainingSets else { return perSample }
    return perSample.enumerated().map { $1 * Double(max(1, trainingSetSize(instance: $0))) }
  }

  private func sampleCosts() -> [Double] {
    let wide = ChunkKernel.usesWide(n: n)
    return (0..<instanceCount).map { i -> Double in
      let pass = 2 * Double(n * m)
      let densities = density(instance: i)
      if wide {
        let p = densities.reduce(0.0) { $0 + Double($1) } / Double(n)
        let forward = p < 0.3 ? 2.7 * p : 1, gradient = p < 0.6 ? 1.7 * p : 1
        return Double(n) * 50 + pass * (3 + forward + gradient)
      }
      let allZero = densities.reduce(1.0) { $0 * (1 - Double($1)) }
      if allZero < 0.25 {
        return Double(n) * 25 + 5 * pass * (densities.allSatisfy { $0 >= 1 } ? 1 : 1.05)
      }
      return Double(n) * 20 + 9 * pass * (1 - allZero)
    }
  }

  /// The split of `cost`'s indices into two groups whose larger total is the least (the
  /// first such in subset order); the last index always goes to the second group.
  static func bestSplitInTwo(_ cost: [Double]) -> [[Int]] {
    let total = cost.reduce(0, +)
    var best = (subset: 0, load: Double.infinity)
    for subset in 0..<(1 << (cost.count - 1)) {
      var load = 0.0
      for i in cost.indices where subset >> i & 1 == 1 { load += cost[i] }
      let larger = max(load, total - load)
      if larger < best.load { best = (subset, larger) }
    }
    return [
      cost.indices.filter { best.subset >> $0 & 1 == 1 }, cost.indices.filter { best.subset >> $0 & 1 == 0 },
    ]
  }

  /// Runs up to `length` steps; returns steps taken, the per-step, per-instance losses, and
  /// the first non-finite loss or weight if training diverged.
  ///
  /// Workers train copies of their instances' state; the model's arrays keep the segment's
  /// start until every worker is done. When one diverges (rare), every worker replays the
  /// segment from that start up to the step before (training is deterministic), so the model
  /// keeps its last finite state at no cost to the fast path but a compare per step.
  private mutating func runSegment(
    options: TrainingOptions, callStep: Int, length: Int, threads: Int, cancellation: Cancellation?
  ) -> (taken: Int, losses: [[Float]], divergence: Divergence?) {
    let instances = instanceCount
    let count = parameterCount
    var losses = [Float](repeating: 0, count: length * instances)
    let samplers = (0..<instances).map { BatchSampler.training(model: self, instance: $0, batch: options.batchSize) }
    let batches = (0..<instances).map { stepBatch(instance: $0, batch: options.batchSize) }
    let startStep = steps
    let startSamples = samplesDrawn
    let workers = workGroups(threads: threads).map { WorkerState(group: $0, count: count, length: length) }
    defer { workers.forEach { $0.release() } }
    let (kind, n, m) = (kind, n, m)
    var target = 0
    var divergence: Divergence?

    parameters.withUnsafeMutableBufferPointer { params in
      firstMoment.withUnsafeMutableBufferPointer { mu in
        secondMoment.withUnsafeMutableBufferPointer { nu in
          importance.withUnsafeBufferPointer { imp in
            losses.withUnsafeMutableBufferPointer { lossOut in
              let context = StepContext(
                kind: kind, n: n, m: m, parameterCount: count, options: options,
                params: params.baseAddress!, mu: mu.baseAddress!, nu: nu.baseAddress!,
                importance: imp.baseAddress!, samplers: samplers, batches: batches, losses: lossOut.baseAddress!,
                instances: instances, startStep: startStep, startSamples: startSamples,
                callStep: callStep)
              // Each worker owns a group of instances: no sharing, no locks.
              DispatchQueue.concurrentPerform(iterations: threads) { t in
                context.load(workers[t])
                context.run(workers[t], to: length, cancellation: cancellation)
              }
              (target, divergence) = context.settle(workers)
              DispatchQueue.concurrentPerform(iterations: threads) { t in context.store(workers[t]) }
            }
          }
        }
      }
    }
    steps += target
    // The data stream position wraps at 2⁶⁴ like the sample indices drawn from it, so a
    // file may hold any position (docs/model-format.md) and training on never traps.
    samplesDrawn &+= UInt64(target) &* UInt64(options.batchSize)
    let perStep = (0..<target).map { s in Array(losses[s * instances..<(s + 1) * instances]) }
    return (target, perStep, divergence)
  }
}

/// The first sign of divergence a worker met: an instance's loss that is not finite at a
/// segment step (`loss` nil when the loss stayed finite but a weight did not).
struct Divergence: Sendable {
  var instance: Int
  var step: Int
  var loss: Float?
}

/// One worker's copy of its group's state through a segment, and how far it got.
private final class WorkerState: @unchecked Sendable {
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
private struct StepContext: @unchecked Sendable {
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
    let kernel = ChunkKernel(
      kind: kind, n: n, m: m, width: min(Self.chunkWidth(n: n), group.map { batches[$0] }.max() ?? 1))
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
      cancellation != nil && (group.map { batches[$0] }.max() ?? 0) * count >= Self.longStepWork
      ? .allocate(capacity: 3 * local) : nil
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
        // A training set's samples are numbered by the global step, so that training again
        // reads on from where it stopped; fresh data by the samples drawn so far.
        let firstSample =
          samplers[g].fixed != nil
          ? UInt64(globalStep) &* UInt64(batch) : startSamples &+ UInt64(step) &* UInt64(options.batchSize)
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
    guard worker.divergence == nil, step > 0 else { return }
    for (g, instance) in group.enumerated()
    where !UnsafeBufferPointer(start: theta + g * count, count: count).allSatisfy(\.isFinite) {
      worker.divergence = Divergence(instance: instance, step: step - 1, loss: nil)
      return
    }
  }
}
