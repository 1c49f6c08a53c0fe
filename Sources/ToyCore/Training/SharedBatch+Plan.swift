/// Between a shared batch's phases: one thread plans the next phase while the others wait
/// for it (see `SharedBatch`). Everything here follows the sequential trainer's order: where
/// its pool overflows, in which order its losses and gradients add up.
extension SharedBatch {
  /// Plans the phase after the current one; returns its units, or nil when the segment ends.
  func plan() -> Int? {
    switch phase {
    case .draw:
      if abandon() { return nil }
      planPools()
      if poolCount > 0 {
        phase = .pool
        return poolCount
      }
      closePools()
    case .pool:
      if abandon() { return nil }
      closePools()
    case .reduce:
      return advance()
    }
    // A small reduction (the one-liner's: 120 parameters, four partials) costs less than
    // handing a phase to the team; the planner does it alone.
    if reducesAlone {
      for unit in 0..<instances * ranges { reduce(instance: unit / ranges, range: unit % ranges) }
      return advance()
    }
    phase = .reduce
    return instances * ranges
  }

  /// After a wave's reduction: the next wave, the next step, or the end of the segment.
  func advance() -> Int? {
    guard lastWave else {
      wave += 1
      phase = .draw
      return instances * slots(wave: wave)
    }
    if state.divergence != nil {
      state.reached = step
      return nil
    }
    state.reached = step + 1
    if step + 1 == length || cancellation?.isCancelled == true { return nil }
    (step, wave, phase) = (step + 1, 0, .draw)
    openAhead()
    return instances * slots(wave: 0)
  }

  /// After the draws: where the pools overflow, as the sequential trainer's pool would.
  func planPools() {
    let (slots, last) = (slots(wave: wave), lastWave)
    poolCount = 0
    for i in 0..<instances {
      let flush = i * (waveChunks + 1)
      for s in 0...waveChunks { flushes[flush + s] = false }
      guard !kernel.wide else { continue }
      var pooled = carried[i]
      var pool = Pool(instance: i, slot: 0, carried: pooled, from: 0, to: 0)
      for s in 0..<slots where isPooled(instance: i, slot: s) {
        let kept = keptCounts[i * waveChunks + s]
        if pooled + kept > kernel.width {
          flushes[flush + s] = true
          pool.slot = s
          pool.to = s
          pools[poolCount] = pool
          poolCount += 1
          pool = Pool(instance: i, slot: 0, carried: 0, from: s, to: 0)
          pooled = 0
        }
        pooled += kept
      }
      if last && pooled > 0 {
        flushes[flush + waveChunks] = true
        pool.slot = waveChunks
        pool.to = slots
        pools[poolCount] = pool
        poolCount += 1
      }
    }
  }

  /// After the pools' passes: carries the samples still pooled into the next wave, adds up
  /// the wave's losses and, after the last wave, records each instance's loss and prepares
  /// the step's update.
  func closePools() {
    let (slots, last) = (slots(wave: wave), lastWave)
    for i in 0..<instances {
      if !kernel.wide { carry(instance: i, slots: slots, last: last) }
      addLosses(instance: i, slots: slots, last: last)
    }
    guard last else { return }
    update = adamUpdate(step: step)
    let losses = state.losses + step * instances
    for i in 0..<instances {
      let loss = Float(lossSums[i] / Double(batch * n))
      lossSums[i] = 0
      diverged[i] = !loss.isFinite
      if diverged[i] {
        if state.divergence == nil { state.divergence = Divergence(instance: i, step: step, loss: loss) }
      } else {
        losses[i] = loss
      }
    }
  }

  /// Whether a thread left the step for Ctrl-C; then the step is not taken.
  func abandon() -> Bool {
    guard abandoned.load(ordering: .relaxed) else { return false }
    state.reached = step
    return true
  }

  /// The samples pooled since the wave's last overflow, kept for the next wave.
  func carry(instance i: Int, slots: Int, last: Bool) {
    guard !last else {
      carried[i] = 0
      return
    }
    let width = kernel.width
    let flush = i * (waveChunks + 1)
    // The pool after the last overflow: from that slot on, or the whole wave with the
    // samples carried in (they stay where they are).
    let from = (0..<slots).last { flushes[flush + $0] } ?? 0
    var count = flushes[flush + from] ? 0 : carried[i]
    for s in from..<slots where isPooled(instance: i, slot: s) {
      let kept = keptCounts[i * waveChunks + s]
      let source = rowsUsed[i * waveChunks + s]
      for f in 0..<n { (carriedSamples + (i * n + f) * width + count).update(from: source + f * width, count: kept) }
      count += kept
    }
    carried[i] = count
  }

  /// Adds the wave's losses to the instance's sum in the sequential trainer's order.
  func addLosses(instance i: Int, slots: Int, last: Bool) {
    let flush = i * (waveChunks + 1)
    let params = theta + i * parameterCount
    for s in 0..<slots {
      let at = i * waveChunks + s
      if keptCounts[at] == sampleCounts[at] {
        lossSums[i] += kernel.wide ? passLosses[flush + s] : 0 + passLosses[flush + s]
        continue
      }
      var total = kernel.zeroSampleLoss(
        sampleCounts[at] - keptCounts[at], params: params, importance: importance + i * n)
      if flushes[flush + s] { total += passLosses[flush + s] }
      lossSums[i] += total
    }
    if last { lossSums[i] += flushes[flush + waveChunks] ? passLosses[flush + waveChunks] : 0 }
  }
}
