import CToyKernels
import Synchronization

/// Drawing ahead: a thread that finds no unit left in a phase draws chunks of the next step.
///
/// A step's phases end unevenly (four chunks on two threads finish at different times, and
/// the planner works alone between phases), and the waiting thread has nothing of this step
/// to do. The next step's draws depend on nothing but the data stream, so it draws those,
/// and the next step's draw units then find their samples ready. Only the draw moves; the
/// numbers are those the draw unit would have drawn.
///
/// Each slot has two sets of input rows, by the parity of the step, and a fill state per set:
/// the tag of the step whose samples the rows hold (a step's tag is its index in the whole
/// training, plus one), times two, plus one once they are drawn. A thread draws a slot's
/// rows only after claiming them for its step with a compare-and-swap, and waits while
/// another thread's draw into them is under way, so two draws never share rows, even when a
/// thread that claimed a slot long ago (and was descheduled since) finishes late.
extension SharedBatch {
  /// A step's tag: its index in the whole training, plus one (0 means "never drawn").
  func tag(step: Int) -> Int { startStep + step + 1 }

  /// The data stream's index of the first sample of a chunk of a step.
  func firstSample(step: Int, chunk: Int) -> UInt64 {
    startSamples &+ UInt64(step) &* UInt64(batch) &+ UInt64(chunk * kernel.width)
  }

  /// The input rows of slot `at` (instance × S + slot) for a step.
  func input(step: Int, at: Int) -> UnsafeMutablePointer<Float> {
    inputs + ((tag(step: step) & 1) * instances * waveChunks + at) * n * kernel.width
  }

  private func fillState(step: Int, at: Int) -> UnsafeMutablePointer<Atomic<Int>> {
    fillStates + (tag(step: step) & 1) * instances * waveChunks + at
  }

  /// Makes slot `at`'s rows hold the step's samples: uses them if drawn ahead, waits if a
  /// draw of them is under way, else claims them and runs `fill`.
  func acquire(step: Int, at: Int, fill: () -> Void) {
    let state = fillState(step: step, at: at)
    let claimed = tag(step: step) << 1
    while true {
      let current = state.pointee.load(ordering: .acquiring)
      if current == claimed | 1 { return }
      // Drawing for this step, or (late) for an earlier one: wait for it to finish.
      if current & 1 == 0 && current != 0 {
        toy_spin_pause()
        continue
      }
      if state.pointee.compareExchange(expected: current, desired: claimed, ordering: .acquiring).exchanged {
        fill()
        state.pointee.store(claimed | 1, ordering: .releasing)
        return
      }
    }
  }

  /// Opens the step after the current one to drawing ahead (from the current step's first
  /// draw on; the rows of its parity were last read by the step before the current one).
  func openAhead() {
    let next = step + 1
    let open = drawsAhead && next < length
    ahead.store(open ? tag(step: next) << 20 : 0, ordering: .releasing)
    if open, let samplers = plannerSamplers {
      while drawAhead(samplers: samplers) {}
    }
  }

  /// Draws one chunk of the next step, if one is left; returns whether there was one.
  func drawAhead(samplers: [BatchSampler]) -> Bool {
    let current = ahead.load(ordering: .acquiring)
    let target = current >> 20
    let unit = current & 0xF_FFFF
    guard target > 0, unit < instances * chunks else { return false }
    guard ahead.compareExchange(expected: current, desired: current + 1, ordering: .acquiring).exchanged else {
      return true
    }
    let step = target - startStep - 1
    let (i, s) = drawUnit(unit, slots: chunks)
    let at = i * waveChunks + s
    let state = fillState(step: step, at: at)
    let old = state.pointee.load(ordering: .acquiring)
    // Rows already claimed for this step or a later one, or an earlier draw still under way:
    // leave them to their draw unit.
    guard old >> 1 < target, old & 1 == 1 || old == 0,
      state.pointee.compareExchange(expected: old, desired: target << 1, ordering: .acquiring).exchanged
    else { return true }
    let count = min(kernel.width, batch - s * kernel.width)
    samplers[i].fill(
      first: firstSample(step: step, chunk: s), count: count, width: kernel.width, into: input(step: step, at: at))
    state.pointee.store(target << 1 | 1, ordering: .releasing)
    return true
  }
}
