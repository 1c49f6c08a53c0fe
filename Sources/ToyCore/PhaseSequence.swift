import Synchronization

/// Phases of work shared by a team of threads: each phase is a number of units that
/// whichever thread is running takes, one at a time, and the thread that finishes a phase's
/// last unit plans the next phase alone before any of its units is taken.
///
/// Compared with a barrier between phases, no thread waits for another to *arrive*: on a
/// machine shared with other work, a thread the system has descheduled holds the team up
/// only if it holds a unit, and the threads that run take its share. What a unit or a plan
/// writes is visible to every later unit and plan.
///
/// The phase word holds the phase's sequence number (high half) and its next untaken unit
/// (low half): a thread takes a unit by a compare-and-swap that fails if the phase moved on.
final class PhaseSequence: @unchecked Sendable {
  private let word = Atomic<UInt64>(0)
  /// Units of the current phase, and how many are finished.
  private let units = Atomic<Int>(0)
  private let finished = Atomic<Int>(0)
  private let waiting = SpinWait()
  /// The phase number that means "no more phases".
  private static let end: UInt64 = 0xFFFF_FFFF

  /// Starts a sequence whose first phase has `units` units (at least 1). Call before the
  /// threads start on it (a barrier or thread start orders it before their first look).
  func start(units count: Int) {
    units.store(count, ordering: .relaxed)
    finished.store(0, ordering: .relaxed)
    word.store(0, ordering: .sequentiallyConsistent)
  }

  /// Takes and runs units until the sequence ends: `run(unit)` runs a unit of the current
  /// phase; `plan()` runs between phases and returns the next phase's units (at least 1),
  /// or nil to end the sequence. Every thread of the team calls this.
  func serve(run: (Int) -> Void, plan: () -> Int?) {
    var exhausted: UInt64?
    while true {
      let current = word.load(ordering: .acquiring)
      let phase = current >> 32
      if phase == Self.end { return }
      if phase == exhausted {
        waiting.wait { word.load(ordering: .sequentiallyConsistent) >> 32 != phase }
        continue
      }
      let count = units.load(ordering: .relaxed)
      let unit = Int(current & 0xFFFF_FFFF)
      guard unit < count else {
        exhausted = phase
        continue
      }
      guard word.compareExchange(expected: current, desired: current + 1, ordering: .acquiring).exchanged else {
        continue
      }
      run(unit)
      guard finished.add(1, ordering: .acquiringAndReleasing).newValue == count else { continue }
      // The phase's last unit: plan the next one, then open it.
      finished.store(0, ordering: .relaxed)
      let next = plan()
      if let next { units.store(next, ordering: .relaxed) }
      word.store((next == nil ? Self.end : phase + 1) << 32, ordering: .sequentiallyConsistent)
      waiting.wake()
    }
  }
}
