import Dispatch
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
  /// state. The work is split across threads by instance, or by chunks of every instance's
  /// batch when there are too few instances to go round (`workSplit`); each instance's
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
    let runner = segmentRunner(options)
    defer { if case .team(let team) = runner { team.close() } }
    // Split by instance, the workers run a whole segment without meeting.
    var segments = TrainingSegments(options, instances: instanceCount)
    while let length = segments.next(cancellation: cancellation) {
      let done = segments.done
      let segment: (taken: Int, losses: [[Float]], divergence: Divergence?)
      switch runner {
      case .fixedSets(let trainer):
        segment = runSegment(
          options: options, callStep: done, length: length, trainer: trainer, cancellation: cancellation)
      case .instances(let threads):
        segment = runSegment(
          options: options, callStep: done, length: length, threads: threads, cancellation: cancellation)
      case .team(let team):
        segment = runSegment(
          options: options, callStep: done, length: length, team: team, cancellation: cancellation)
      }
      let taken = segment.taken
      record(losses: segment.losses, steps: taken)
      if let divergence = segment.divergence {
        // The model holds the state before the step that diverged.
        throw .diverged(instance: divergence.instance, step: steps + 1, loss: divergence.loss)
      }
      let last = taken > 0 ? segment.losses[taken - 1] : nil
      if let progress = segments.finish(taken: taken, length: length, losses: last), let observe {
        observe(progress, self)
      }
    }
    return segments.outcome
  }

  /// How one training call runs its segments: full batches of fixed sets in a wide ReLU model
  /// through their sparse structure, built once; otherwise as `workSplit` splits the work,
  /// a shared batch with a team of threads that lives for the call.
  private func segmentRunner(_ options: TrainingOptions) -> SegmentRunner {
    let threads = options.threads ?? Self.coreCount
    if options.steps > 0 && FixedSetTrainer.applies(to: self, batch: options.batchSize),
      let trainer = FixedSetTrainer(model: self, threads: threads)
    {
      return .fixedSets(trainer)
    }
    switch workSplit(threads: threads, batch: options.batchSize) {
    case .instances(let threads):
      return .instances(threads: threads)
    case .batches(let threads):
      return .team(SharedBatch(model: self, batch: stepBatch(instance: 0, batch: options.batchSize), threads: threads))
    }
  }

  static var coreCount: Int {
    max(1, Int(sysconf(Int32(_SC_NPROCESSORS_ONLN))))
  }

  /// Runs up to `length` steps; returns steps taken, the per-step, per-instance losses, and
  /// the first non-finite loss or weight if training diverged. `train` brings each worker
  /// state (one per group of instances) from the segment's start as far as it gets.
  ///
  /// Workers train copies of their instances' state; the model's arrays keep the segment's
  /// start until every worker is done. When one diverges (rare), every worker replays the
  /// segment from that start up to the step before (training is deterministic), so the model
  /// keeps its last finite state at no cost to the fast path but a compare per step.
  mutating func runSegment(
    options: TrainingOptions, callStep: Int, length: Int, groups: [[Int]], cancellation: Cancellation?,
    train: (StepContext, [WorkerState]) -> Void
  ) -> (taken: Int, losses: [[Float]], divergence: Divergence?) {
    let instances = instanceCount
    let count = parameterCount
    var losses = [Float](repeating: 0, count: length * instances)
    let samplers = (0..<instances).map { BatchSampler.training(model: self, instance: $0, batch: options.batchSize) }
    let batches = (0..<instances).map { stepBatch(instance: $0, batch: options.batchSize) }
    let startStep = steps
    let startSamples = samplesDrawn
    let workers = groups.map { WorkerState(group: $0, count: count, length: length) }
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
              train(context, workers)
              (target, divergence) = context.settle(workers)
              if workers.count == 1 {
                context.store(workers[0])  // a shared batch's one state: no dispatch for it
              } else {
                DispatchQueue.concurrentPerform(iterations: workers.count) { t in context.store(workers[t]) }
              }
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

  /// How a training call with batches of `batch` samples splits its work among `threads`.
  ///
  /// By instance, each worker trains a group of whole instances through whole segments and
  /// the workers never meet: the cheapest split, when the groups' expected work is even.
  /// With fewer instances than threads, or groups that cannot be made even, the workers
  /// share every instance's batch instead, chunk by chunk, and meet a few times per step
  /// (`SharedBatch`). A batch of one chunk cannot be shared. The split never changes a number.
  ///
  /// A shared batch has one size for every instance: with fixed training sets, the samples
  /// each instance reads in a step (`stepBatch`: a set's size T in full batch, else `batch`)
  /// must agree, or the model splits by instance. A sweep over T, whose sets differ, has
  /// many instances, so whole instances keep the threads busy.
  func workSplit(threads requested: Int, batch: Int) -> WorkSplit {
    let shared = stepBatch(instance: 0, batch: batch)
    let uniform = (0..<instanceCount).allSatisfy { stepBatch(instance: $0, batch: batch) == shared }
    let chunks = SharedBatch.chunkCount(n: n, batch: shared)
    guard requested > 1, chunks > 1, instanceCount <= SharedBatch.mostInstances, uniform else {
      return .instances(threads: max(1, min(requested, instanceCount)))
    }
    if instanceCount >= requested {
      let cost = workCosts()
      let busiest = workGroups(threads: requested).map { $0.reduce(0.0) { $0 + cost[$1] } }.max() ?? 0
      if busiest <= Self.evenEnough * cost.reduce(0, +) / Double(requested) {
        return .instances(threads: requested)
      }
    }
    return .batches(threads: min(requested, instanceCount * chunks))
  }

  /// How much more than an even share the busiest instance group may expect before the
  /// workers share batches instead.
  static let evenEnough = 1.15

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
}

/// The first sign of divergence a worker met: an instance's loss that is not finite at a
/// segment step (`loss` nil when the loss stayed finite but a weight did not).
struct Divergence: Sendable {
  var instance: Int
  var step: Int
  var loss: Float?
}

/// How a training call splits its work among threads (`ToyModel.workSplit`).
/// What runs a training call's segments (`segmentRunner`).
private enum SegmentRunner {
  case fixedSets(FixedSetTrainer)
  case instances(threads: Int)
  case team(SharedBatch)
}

enum WorkSplit: Equatable {
  /// Groups of whole instances, one per thread.
  case instances(threads: Int)
  /// Chunks of every instance's batch, shared by the threads.
  case batches(threads: Int)
}
