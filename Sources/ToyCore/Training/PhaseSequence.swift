import Synchronization

/// Phases of work shared by a team of threads: each phase is a number of units that the
/// team's members take, one at a time, and the thread that finishes a phase's last unit plans
/// the next phase alone before any of its units is taken.
///
/// Each member owns a contiguous block of every phase's units (`Order`) and takes its own
/// units first, from the block's front; a member with none left takes the others' from
/// their backs. So in a steady run each member keeps working on the same units, step after
/// step (a unit's data stays in its core's cache: for the one-liner a chunk's 20 KB of
/// samples, drawn ahead by the member that will pass it), while on a machine shared with
/// other work a member the system has descheduled holds the team up only if it holds a
/// unit: the members that run take the rest of its share. No member waits for another to
/// *arrive*. What a unit or a plan writes is visible to every later unit and plan.
///
/// A unit is taken by a compare-and-swap on its own claim, which holds the number (plus one)
/// of the last phase that took it. Phase numbers (40 bits) only grow, from sequence to
/// sequence, so a claim from an earlier phase never passes for the current one, and a member
/// still looking at an ended phase can take none of the next one's units. (They start again
/// from 0, claims cleared, at a sequence's start, when no member is looking, once they pass
/// `restart`.) One atomic word holds the phase's number with its count of units, so a member
/// never pairs a phase's count with another phase's units.
final class PhaseSequence: @unchecked Sendable {
  /// Phase number (40 bits), units (24 bits).
  private let word = Atomic<UInt64>(0)
  private let finished = Atomic<Int>(0)
  private let waiting = SpinWait()
  /// Per unit, the number of the last phase that took it plus one (0: none yet).
  private let claims: UnsafeMutablePointer<Atomic<UInt64>>
  /// Units a phase may have, and the members sharing them.
  let capacity: Int
  let members: Int
  /// The next phase's number: phases of every sequence this object runs are numbered apart.
  private var next: UInt64 = 0
  /// The number past which the next sequence numbers its phases from 0 again (a variable
  /// for tests). A sequence, one segment of training, runs a few thousand steps' phases.
  var restart: UInt64 = 1 << 32

  /// The largest `capacity`: the most units any phase may have.
  static let maxUnits = (1 << 20) - 1
  /// The phase number that means "no more phases".
  private static let end: UInt64 = (1 << 40) - 1

  init(capacity: Int, members: Int) {
    precondition((1...Self.maxUnits).contains(capacity) && members >= 1)
    self.capacity = capacity
    self.members = members
    claims = .allocate(capacity: capacity)
    for unit in 0..<capacity { (claims + unit).initialize(to: Atomic(0)) }
  }

  deinit {
    claims.deinitialize(count: capacity)
    claims.deallocate()
  }

  private static func word(phase: UInt64, units: Int) -> UInt64 { phase << 24 | UInt64(units) }

  /// The order in which a member visits a phase's units: its own block's from the front,
  /// then the others' from the back. (Drawing ahead visits the next step's chunks so too.)
  struct Order {
    /// The member's own units: contiguous blocks, so that members rarely claim units on one
    /// cache line.
    let block: Range<Int>
    private var own: Int
    private var theirs: Int

    init(member: Int, members: Int, units: Int) {
      block = member * units / members..<(member + 1) * units / members
      own = block.lowerBound
      theirs = units - 1
    }

    /// The next unit to visit, or nil when every unit was.
    mutating func next() -> Int? {
      if own < block.upperBound {
        defer { own += 1 }
        return own
      }
      while block.contains(theirs) { theirs -= 1 }
      guard theirs >= 0 else { return nil }
      defer { theirs -= 1 }
      return theirs
    }

    /// Passes over the rest of the member's own block.
    mutating func leaveBlock() { own = block.upperBound }
  }

  /// Starts a sequence whose first phase has `units` units (1 … `capacity`). Call before the
  /// threads start on it (a barrier or thread start orders it before their first look).
  func start(units: Int) {
    precondition((1...capacity).contains(units))
    finished.store(0, ordering: .relaxed)
    if next >= restart {
      for unit in 0..<capacity { claims[unit].store(0, ordering: .relaxed) }
      next = 0
    }
    open(units: units)
  }

  /// Opens the next phase. Its number is taken before the word is stored: the moment it is,
  /// another member may finish the phase and open the one after.
  private func open(units: Int) {
    // A sequence of 2⁴⁰ − `restart` phases would reach the end marker.
    precondition(next < Self.end)
    let number = next
    next += 1
    word.store(Self.word(phase: number, units: units), ordering: .sequentiallyConsistent)
  }

  /// Takes and runs units until the sequence ends: `run(unit)` runs a unit of the current
  /// phase; `plan()` runs between phases and returns the next phase's units (1 …
  /// `capacity`), or nil to end the sequence. A member that finds no unit left calls
  /// `idle()` (work that no phase waits for) until it returns false, then waits for the
  /// next phase. Every member of the team calls this, each with its own `member` number.
  func serve(member: Int, run: (Int) -> Void, plan: () -> Int?, idle: () -> Bool = { false }) {
    precondition((0..<members).contains(member))
    var phase = UInt64.max
    var order = Order(member: member, members: members, units: 0)
    while true {
      let current = word.load(ordering: .acquiring)
      let seen = current >> 24
      if seen == Self.end { return }
      let count = Int(current & 0xFF_FFFF)
      if seen != phase {
        phase = seen
        order = Order(member: member, members: members, units: count)
      }
      guard let unit = take(phase: phase, order: &order) else {
        if idle() { continue }
        waiting.wait { word.load(ordering: .sequentiallyConsistent) >> 24 != phase }
        continue
      }
      run(unit)
      guard finished.add(1, ordering: .acquiringAndReleasing).newValue == count else { continue }
      // The phase's last unit: plan the next one, then open it.
      finished.store(0, ordering: .relaxed)
      if let units = plan() {
        precondition((1...capacity).contains(units))
        open(units: units)
      } else {
        word.store(Self.word(phase: Self.end, units: 0), ordering: .sequentiallyConsistent)
      }
      waiting.wake()
    }
  }

  /// Claims the next untaken unit of `phase` for this member: its own block's from the front,
  /// then the others' from the back; nil when none is left. A claim that succeeds means the
  /// phase has not ended (it ends only when all of its units ran), so the unit is the
  /// current phase's.
  private func take(phase: UInt64, order: inout Order) -> Int? {
    let tag = phase + 1
    while let unit = order.next() {
      if claim(unit, tag: tag) { return unit }
      // An own unit taken by a member working down from the back, which took or found taken
      // every unit above it: the rest of the block is gone.
      if order.block.contains(unit) { order.leaveBlock() }
    }
    return nil
  }

  /// Takes `unit` for the phase whose claims read `tag`, unless that phase or a later one
  /// already took it (tags only grow: a member still looking at an ended phase must not take
  /// a unit of the next one).
  private func claim(_ unit: Int, tag: UInt64) -> Bool {
    let old = claims[unit].load(ordering: .relaxed)
    guard old < tag else { return false }
    return claims[unit].compareExchange(expected: old, desired: tag, ordering: .acquiring).exchanged
  }
}
