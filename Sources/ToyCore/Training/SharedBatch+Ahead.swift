import Synchronization

/// Drawing ahead: a thread that finds no unit left in a phase draws chunks of the next step:
/// first those of its own block of the step's draw units (`PhaseSequence`), which it will
/// most likely pass itself, then the others' from the back, which their owners reach last.
///
/// A step's phases end unevenly (four chunks on two threads finish at different times, and
/// the planner works alone between phases), and the waiting thread has nothing of this step
/// to do. The next step's draws depend on nothing but the data stream, so it draws those,
/// and the next step's draw units then find their samples ready. Only the draw moves; the
/// numbers are those the draw unit would have drawn.
///
/// Draws ahead go to rows of their own (two sets, by the parity of the step: a step's pools
/// still read its rows while the next step's are drawn), never to the rows a draw unit
/// fills itself, so a draw unit never waits: it takes the rows drawn ahead if they are
/// ready, and otherwise draws into its own and passes them over. Each slot's rows drawn ahead
/// have a state: the tag of the step they are for (its index in the whole training, plus
/// one) and whether they are being drawn, ready, passed over while being drawn, or passed
/// over and idle. A thread draws ahead into rows only after claiming them with a
/// compare-and-swap, and never while another thread (however late) is still drawing into them.
extension SharedBatch {
  /// A step's tag: its index in the whole training, plus one (0 means "never drawn").
  func tag(step: Int) -> Int { startStep + step + 1 }

  /// The position of the first sample of a chunk of an instance's step: in the data stream,
  /// or in the reading of its training set, as `StepContext.firstSample` numbers them.
  func firstSample(instance i: Int, step: Int, chunk: Int) -> UInt64 {
    let first =
      readsSet[i] ? UInt64(startStep + step) &* UInt64(batch) : startSamples &+ UInt64(step) &* UInt64(batch)
    return first &+ UInt64(chunk * kernel.width)
  }

  /// A state's codes (its low two bits; the rest is the tag).
  private static let drawing = 0
  private static let ready = 1
  private static let passedWhileDrawing = 2
  private static let passed = 3

  private func aheadSlot(step: Int, at: Int) -> Int { (tag(step: step) & 1) * instances * waveChunks + at }

  private func aheadRows(slot: Int) -> UnsafeMutablePointer<Float> { aheadInputs + slot * n * kernel.width }

  /// The rows holding slot `at`'s samples for the step: those drawn ahead if they are ready,
  /// else the slot's own rows, filled by `fill` (the rows drawn ahead, if being drawn, are
  /// passed over).
  func drawnRows(step: Int, at: Int, fill: (UnsafeMutablePointer<Float>) -> Void) -> UnsafeMutablePointer<Float> {
    let own = inputs + at * n * kernel.width
    guard drawsAhead else {
      fill(own)
      return own
    }
    let slot = aheadSlot(step: step, at: at)
    let state = aheadStates + slot
    let tag = tag(step: step)
    var current = state.pointee.load(ordering: .acquiring)
    if current == tag << 2 | Self.drawing {
      // Not ready: leave that draw to finish unused.
      let passed = state.pointee.compareExchange(
        expected: current, desired: tag << 2 | Self.passedWhileDrawing, ordering: .acquiring)
      current = passed.original
    }
    if current == tag << 2 | Self.ready { return aheadRows(slot: slot) }
    fill(own)
    return own
  }

  /// Opens the step after the current one to drawing ahead (from the current step's first
  /// draw on; the rows of its parity were last read by the step before the current one).
  func openAhead() {
    let next = step + 1
    let open = drawsAhead && next < length
    ahead.store(open ? tag(step: next) : 0, ordering: .releasing)
    if open, let samplers = plannerSamplers {
      // One member's cursor visits every unit: its own, then the others' from the back.
      var cursor = AheadCursor()
      while drawAhead(samplers: samplers, member: 0, cursor: &cursor) {}
    }
  }

  /// Where a member is in drawing ahead: the step (its tag) and its order of that step's draw
  /// units.
  struct AheadCursor {
    var tag = 0
    var order = PhaseSequence.Order(member: 0, members: 1, units: 0)
  }

  /// Draws one chunk of the next step, `member`'s own first (see above), if one is left;
  /// returns whether there was one.
  func drawAhead(samplers: [BatchSampler], member: Int, cursor: inout AheadCursor) -> Bool {
    let target = ahead.load(ordering: .acquiring)
    guard target > 0 else { return false }
    if cursor.tag != target {
      cursor.tag = target
      cursor.order = PhaseSequence.Order(member: member, members: phases.members, units: instances * chunks)
    }
    guard let unit = cursor.order.next() else { return false }
    let step = target - startStep - 1
    let (i, s) = drawUnit(unit, slots: chunks)
    let slot = aheadSlot(step: step, at: i * waveChunks + s)
    let state = aheadStates + slot
    let old = state.pointee.load(ordering: .acquiring)
    // Rows of an earlier step that nobody is drawing into any more.
    let idle = old == 0 || (old >> 2 < target && (old & 3 == Self.ready || old & 3 == Self.passed))
    guard idle, state.pointee.compareExchange(expected: old, desired: target << 2, ordering: .acquiring).exchanged
    else { return true }
    let count = min(kernel.width, batch - s * kernel.width)
    samplers[i].fill(
      first: firstSample(instance: i, step: step, chunk: s), count: count, width: kernel.width,
      into: aheadRows(slot: slot))
    let done = state.pointee.compareExchange(
      expected: target << 2 | Self.drawing, desired: target << 2 | Self.ready, ordering: .releasing)
    if !done.exchanged {  // passed over meanwhile
      state.pointee.store(target << 2 | Self.passed, ordering: .releasing)
    }
    return true
  }
}
