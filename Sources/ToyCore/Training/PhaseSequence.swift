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
/// One atomic word holds the phase's number, its count of units and its next untaken unit,
/// so a thread takes a unit by a compare-and-swap that fails if the phase moved on: a phase's
/// count can never be paired with another phase's units (as it could if the count lived in
/// a word of its own, stored before or after the phase's number).
final class PhaseSequence: @unchecked Sendable {
  /// Phase number (24 bits), units (20 bits), next unit (20 bits).
  private let word = Atomic<UInt64>(0)
  private let finished = Atomic<Int>(0)
  private let waiting = SpinWait()

  /// The most units a phase may have.
  static let maxUnits = (1 << 20) - 1
  /// The phase number that means "no more phases"; numbers wrap below it.
  private static let end: UInt64 = (1 << 24) - 1

  private static func word(phase: UInt64, units: Int) -> UInt64 { phase << 40 | UInt64(units) << 20 }

  /// Starts a sequence whose first phase has `units` units (1 … `maxUnits`). Call before the
  /// threads start on it (a barrier or thread start orders it before their first look).
  func start(units: Int) {
    precondition((1...Self.maxUnits).contains(units))
    finished.store(0, ordering: .relaxed)
    word.store(Self.word(phase: 0, units: units), ordering: .sequentiallyConsistent)
  }

  /// Takes and runs units until the sequence ends: `run(unit)` runs a unit of the current
  /// phase; `plan()` runs between phases and returns the next phase's units (1 …
  /// `maxUnits`), or nil to end the sequence. A thread that finds no unit left calls
  /// `idle()` (work that no phase waits for) until it returns false, then waits for the
  /// next phase. Every thread of the team calls this.
  func serve(run: (Int) -> Void, plan: () -> Int?, idle: () -> Bool = { false }) {
    while true {
      let current = word.load(ordering: .acquiring)
      let phase = current >> 40
      if phase == Self.end { return }
      let count = Int(current >> 20 & 0xF_FFFF)
      let unit = Int(current & 0xF_FFFF)
      guard unit < count else {
        if idle() { continue }
        waiting.wait { word.load(ordering: .sequentiallyConsistent) >> 40 != phase }
        continue
      }
      guard word.compareExchange(expected: current, desired: current + 1, ordering: .acquiring).exchanged else {
        continue
      }
      run(unit)
      guard finished.add(1, ordering: .acquiringAndReleasing).newValue == count else { continue }
      // The phase's last unit: plan the next one, then open it.
      finished.store(0, ordering: .relaxed)
      if let next = plan() {
        precondition((1...Self.maxUnits).contains(next))
        word.store(Self.word(phase: (phase + 1) % Self.end, units: next), ordering: .sequentiallyConsistent)
      } else {
        word.store(Self.word(phase: Self.end, units: 0), ordering: .sequentiallyConsistent)
      }
      waiting.wake()
    }
  }
}
