/// How a training call, a model's or an autoencoder's, is cut into segments: each at most
/// `longest` steps (bounding the per-step loss buffer at about a million numbers) and ending
/// at each observation, with cancellation checked between segments and within them.
///
///     var segments = TrainingSegments(options, instances: instanceCount)
///     while let length = segments.next(cancellation: cancellation) {
///       // run up to `length` steps from `segments.done`; throw on divergence
///       if let progress = segments.finish(taken: taken, length: length, losses: last) { observe(progress) }
///     }
///     return segments.outcome
struct TrainingSegments {
  let steps: Int
  let observeEvery: Int
  let longest: Int
  /// Steps taken in this call so far.
  private(set) var done = 0
  private(set) var cancelled = false
  private var lastLosses: [Float]

  init(_ options: TrainingOptions, instances: Int) {
    steps = options.steps
    observeEvery = options.observeEvery
    longest = max(1, min(4096, 1 << 20 / instances))
    lastLosses = [Float](repeating: .nan, count: instances)
  }

  /// The next segment's length, or nil when every step is taken or training is cancelled.
  mutating func next(cancellation: Cancellation?) -> Int? {
    guard done < steps && !cancelled else { return nil }
    if let cancellation, cancellation.isCancelled {
      cancelled = true
      return nil
    }
    var length = min(longest, steps - done)
    if observeEvery > 0 {
      length = min(length, observeEvery - done % observeEvery)
    }
    return length
  }

  /// Counts a segment that took `taken` of its `length` steps (fewer when cancelled within
  /// it), `losses` being the last step's; returns the progress to observe, if this is an
  /// observation, the end, or a cancellation after some steps.
  mutating func finish(taken: Int, length: Int, losses: [Float]?) -> TrainingProgress? {
    if let losses { lastLosses = losses }
    done += taken
    cancelled = taken < length
    let observing = observeEvery > 0 && done % observeEvery == 0
    guard taken > 0, observing || done == steps || cancelled else { return nil }
    return TrainingProgress(step: done, totalSteps: steps, losses: lastLosses)
  }

  var outcome: TrainingOutcome { TrainingOutcome(stepsTaken: done, cancelled: cancelled) }
}
