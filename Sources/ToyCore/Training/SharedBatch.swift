import Synchronization

/// Training with every instance's batch shared by a team of threads, chunk by chunk: for
/// models with fewer instances than threads (one model on every core), or instances whose
/// work cannot be split evenly.
///
/// Shapes: I = instances, P = an instance's parameter floats, C = chunks per batch (of the
/// kernel's width), S = chunks per wave (all C unless that would take too much memory).
///
/// Each step runs in phases (`PhaseSequence`): each thread takes the units of its own block
/// of a phase first (the same chunks step after step, so their samples stay in its cache),
/// then what is left of the others', so a thread slowed by the machine's other work takes
/// less of them; the thread that finishes a phase plans the next.
/// 1. Draw: each chunk of each instance draws its samples (the data stream is counter-based,
///    and so is the reading of a fixed training set, so any thread can draw any chunk) and,
///    in the dense kernel, moves its all-zero samples aside. A chunk with few of those goes
///    through the model at once.
/// 2. Pool: the dense kernel's other chunks pool their active samples until a pool would
///    overflow, exactly where the sequential trainer's pool overflows (`ChunkKernel.runPooled`),
///    and each pool goes through the model. (Skipped when no chunk was pooled.)
/// 3. Reduce: each pass wrote its gradient to a partial of its own (`ChunkKernel+Partials.swift`);
///    each instance's partials are added up, in ranges of its parameters, in the order the
///    sequential trainer adds them, and the optimiser updates the range.
///
/// So every float sees the same additions in the same order as on one thread: the numbers
/// do not depend on the thread count, and match the instance split's bit for bit. A batch
/// too big for the wave's memory runs as several waves of S chunks, each drawn, pooled and
/// added up in turn, before the update.
///
/// A thread with nothing left to do in a phase draws chunks of the next step ahead
/// (`SharedBatch+Ahead.swift`): a draw does not depend on the weights, so the time a step
/// loses at its phases' ends (uneven units, the planner's work) goes to the next step.
final class SharedBatch: @unchecked Sendable {
  private let team: WorkerTeam
  let phases: PhaseSequence
  /// Each thread's scratch rows, kept from segment to segment.
  private let scratches: [ChunkKernel.Scratch]
  let kernel: ChunkKernel
  let instances: Int
  let n: Int
  /// Samples every instance reads in a step (`ToyModel.workSplit` shares no other batch).
  let batch: Int
  let parameterCount: Int
  let chunks: Int
  let waveChunks: Int
  /// Ranges each instance's parameters are reduced and updated in, and their length.
  let ranges: Int
  private let rangeLength: Int
  /// Whether the planner reduces a wave itself rather than as a phase of the team's.
  let reducesAlone: Bool

  /// Instances by expected work, most first: the first threads' blocks of a phase hold the
  /// longest units, and a thread out of units of its own takes the others' from the back,
  /// the shortest, so the last units to run are short and the threads finish together.
  let order: UnsafeMutablePointer<Int>
  /// Per instance, whether it reads a fixed training set (its samples numbered by step).
  let readsSet: UnsafeMutablePointer<Bool>
  /// Whether idle threads draw the next step's chunks ahead (dense kernel, one wave).
  let drawsAhead: Bool
  /// Rows drawn ahead, two sets by the parity of the step, and their states
  /// (`SharedBatch+Ahead.swift`).
  let aheadInputs: UnsafeMutablePointer<Float>
  let aheadStates: UnsafeMutablePointer<Atomic<Int>>
  /// Per slot, the rows holding the current step's samples (its own or those drawn ahead).
  let rowsUsed: UnsafeMutablePointer<UnsafeMutablePointer<Float>>
  /// The tag of the step whose chunks idle threads may draw ahead (0: none).
  let ahead = Atomic<Int>(0)
  var startStep = 0
  /// For tests: samplers with which the planner itself draws the whole next step ahead, so
  /// that every draw unit finds its rows drawn (idle threads do so only when they are idle).
  var plannerSamplers: [BatchSampler]?

  // Buffers, per instance: S chunk inputs of n × width (dense kernel), S + 1 partials (the
  // last for the batch's final pool), an accumulator and a gradient, a carried pool of n ×
  // width (dense; the active samples waiting when a wave ends), per slot the samples,
  // those kept (not all zero) and the pass's loss.
  let inputs: UnsafeMutablePointer<Float>
  private let partials: UnsafeMutablePointer<Float>
  private let accumulators: UnsafeMutablePointer<Float>
  private let gradients: UnsafeMutablePointer<Float>
  let carriedSamples: UnsafeMutablePointer<Float>
  let sampleCounts: UnsafeMutablePointer<Int>
  let keptCounts: UnsafeMutablePointer<Int>
  let passLosses: UnsafeMutablePointer<Double>

  // The plan, written only between phases (by the thread that plans), read in phases.
  // (Raw buffers, like everything the threads read in a phase: reading an array from
  // several cores bumps its reference count from each, and that contention would cost more
  // than the reads.)
  /// Per instance and slot (S + 1 each): whether the slot's partial holds a pool's pass.
  let flushes: UnsafeMutablePointer<Bool>
  let pools: UnsafeMutablePointer<Pool>
  var poolCount = 0
  let diverged: UnsafeMutablePointer<Bool>
  var carried: [Int]
  var lossSums: [Double]
  /// The current phase: its kind, step and wave.
  var phase = Phase.draw
  var step = 0
  var wave = 0

  /// Set when a thread saw Ctrl-C inside a long step and left its units undone.
  let abandoned = Atomic<Bool>(false)

  // The segment being trained (set before the team starts on it).
  var context: StepContext!
  var state: WorkerState!
  var cancellation: Cancellation?
  var length = 0
  var theta = UnsafeMutablePointer<Float>(bitPattern: 16)!
  private var mu = UnsafeMutablePointer<Float>(bitPattern: 16)!
  private var nu = UnsafeMutablePointer<Float>(bitPattern: 16)!
  var importance = UnsafePointer<Float>(bitPattern: 16)!
  var startSamples: UInt64 = 0
  /// The step's update, set before its last reduction.
  var update: AdamUpdate?

  enum Phase {
    /// Draw each chunk; pass those that keep most of their samples.
    case draw
    /// Pass each pool of the dense kernel's active samples.
    case pool
    /// Add up the partials of a range of parameters; after a batch's last wave, update it.
    case reduce
  }

  /// A pool of active samples: those carried into the wave, then the kept samples of the
  /// pooled chunks in `from ..< to`; its pass goes to partial `slot` of `instance`.
  struct Pool {
    var instance: Int
    var slot: Int
    var carried: Int
    var from: Int
    var to: Int
  }

  /// The wave's memory budget for chunk inputs and partials, over all instances.
  static let waveBytes = 16 << 20

  init(model: ToyModel, batch: Int, threads: Int, waveBytes: Int = SharedBatch.waveBytes) {
    kernel = ChunkKernel(
      kind: model.kind, n: model.n, m: model.m, width: min(StepContext.chunkWidth(n: model.n), batch))
    instances = model.instanceCount
    n = model.n
    self.batch = batch
    parameterCount = model.parameterCount
    chunks = Self.chunkCount(n: model.n, batch: batch)
    let width = kernel.width
    let slotFloats = (kernel.wide ? 0 : n * width) + kernel.partialCount
    // A phase has at most `PhaseSequence.maxUnits` units: a wave's draws and pools stay below.
    let most = PhaseSequence.maxUnits / instances - 1
    waveChunks = max(1, min(chunks, waveBytes / (4 * slotFloats * instances), most))
    // Ranges of at least 1024 floats (a smaller update is not worth a thread's meeting),
    // whole cache lines apart.
    ranges = max(1, min(threads, parameterCount / 1024, PhaseSequence.maxUnits / instances))
    rangeLength = ((parameterCount + ranges - 1) / ranges + 15) / 16 * 16
    reducesAlone = instances * kernel.accumulatorCount * (waveChunks + 1) <= 1 << 12
    let slots = instances * waveChunks
    inputs = .allocate(capacity: kernel.wide ? 1 : slots * n * width)
    // Drawing ahead needs the whole batch in one wave, and twice its rows again.
    drawsAhead = !kernel.wide && waveChunks == chunks && 8 * slots * n * width <= waveBytes
    aheadInputs = .allocate(capacity: drawsAhead ? 2 * slots * n * width : 1)
    aheadStates = .allocate(capacity: 2 * slots)
    for k in 0..<2 * slots { (aheadStates + k).initialize(to: Atomic(0)) }
    rowsUsed = .allocate(capacity: slots)
    rowsUsed.initialize(repeating: inputs, count: slots)
    let cost = model.workCosts()
    order = .allocate(capacity: instances)
    readsSet = .allocate(capacity: instances)
    for i in 0..<instances { readsSet[i] = model.trainingSetSize(instance: i) > 0 }
    for (k, i) in (0..<instances).sorted(by: { cost[$0] > cost[$1] }).enumerated() { order[k] = i }
    partials = .allocate(capacity: instances * (waveChunks + 1) * kernel.partialCount)
    accumulators = .allocate(capacity: instances * kernel.accumulatorCount)
    gradients = .allocate(capacity: instances * parameterCount)
    carriedSamples = .allocate(capacity: kernel.wide ? 1 : instances * n * width)
    sampleCounts = .allocate(capacity: slots)
    keptCounts = .allocate(capacity: slots)
    passLosses = .allocate(capacity: instances * (waveChunks + 1))
    flushes = .allocate(capacity: instances * (waveChunks + 1))
    flushes.initialize(repeating: false, count: instances * (waveChunks + 1))
    pools = .allocate(capacity: instances * (waveChunks + 1))
    diverged = .allocate(capacity: instances)
    diverged.initialize(repeating: false, count: instances)
    carried = [Int](repeating: 0, count: instances)
    lossSums = [Double](repeating: 0, count: instances)
    team = WorkerTeam(size: threads)
    phases = PhaseSequence(capacity: instances * max(waveChunks + 1, ranges), members: team.size)
    let kernel = kernel
    scratches = (0..<team.size).map { _ in ChunkKernel.Scratch(for: kernel) }
  }

  /// Waves per batch.
  var waves: Int { (chunks + waveChunks - 1) / waveChunks }

  /// The most instances a team shares the batches of (each phase's units count instances).
  static let mostInstances = PhaseSequence.maxUnits / 2

  /// Chunks in a batch of `batch` samples for a model of `n` features.
  static func chunkCount(n: Int, batch: Int) -> Int {
    let width = (min(StepContext.chunkWidth(n: n), batch) + 7) / 8 * 8
    return (batch + width - 1) / width
  }

  /// Ends the team's threads and frees the buffers.
  func close() {
    team.close()
    inputs.deallocate()
    partials.deallocate()
    accumulators.deallocate()
    gradients.deallocate()
    carriedSamples.deallocate()
    sampleCounts.deallocate()
    keptCounts.deallocate()
    passLosses.deallocate()
    flushes.deallocate()
    pools.deallocate()
    diverged.deallocate()
    aheadInputs.deallocate()
    aheadStates.deinitialize(count: 2 * instances * waveChunks)
    aheadStates.deallocate()
    rowsUsed.deallocate()
    order.deallocate()
    readsSet.deallocate()
  }

  /// Trains `state` (every instance, loaded with the segment's start) for up to `length`
  /// steps; afterwards `state.reached` and `state.divergence` say how far it got and why it
  /// stopped, as `StepContext.run` leaves them.
  func train(_ context: StepContext, _ state: WorkerState, length: Int, cancellation: Cancellation?) {
    self.context = context
    self.state = state
    self.cancellation = cancellation
    self.length = length
    (theta, mu, nu, importance) = (state.theta, state.mu, state.nu, context.importance)
    startSamples = context.startSamples
    startStep = context.startStep
    abandoned.store(false, ordering: .relaxed)
    for i in 0..<instances { (carried[i], lossSums[i]) = (0, 0) }
    state.reached = 0
    state.divergence = nil
    (phase, step, wave) = (.draw, 0, 0)
    openAhead()
    if length > 0 {
      phases.start(units: instances * slots(wave: 0))
      team.run { member in self.work(member: member, scratch: self.scratches[member]) }
    }
    context.checkWeightsFinite(state)
    self.context = nil
    self.state = nil
  }

  // MARK: The phases

  /// One thread's part of the segment: units of every phase, until the plan says stop.
  private func work(member: Int, scratch: ChunkKernel.Scratch) {
    let samplers = context.samplers.map { $0.isolatedCopy() }
    let longStep = cancellation != nil && batch * parameterCount >= StepContext.longStepWork
    var cursor = AheadCursor()
    phases.serve(
      member: member,
      run: { unit in
        switch phase {
        case .draw, .pool:
          if longStep, cancellation?.isCancelled == true {
            abandoned.store(true, ordering: .relaxed)
          } else if phase == .draw {
            let (i, s) = drawUnit(unit, slots: slots(wave: wave))
            draw(instance: i, slot: s, chunk: wave * waveChunks + s, samplers: samplers, scratch: scratch)
          } else {
            pass(pools[unit], scratch: scratch)
          }
        case .reduce:
          reduce(instance: order[unit / ranges], range: unit % ranges)
        }
      }, plan: plan, idle: { drawAhead(samplers: samplers, member: member, cursor: &cursor) })
  }

  /// The instance and slot of a wave's draw unit: every chunk of the costliest instance first.
  func drawUnit(_ unit: Int, slots: Int) -> (instance: Int, slot: Int) {
    (order[unit / slots], unit % slots)
  }

  /// Chunks in a wave.
  func slots(wave: Int) -> Int { min(waveChunks, chunks - wave * waveChunks) }

  /// Whether the current wave is the batch's last.
  var lastWave: Bool { wave == waves - 1 }

  /// Draws a chunk of an instance's batch into its slot and, when it keeps most of its
  /// samples, runs it through the model (the dense kernel's other chunks wait for the pool).
  private func draw(instance i: Int, slot s: Int, chunk c: Int, samplers: [BatchSampler], scratch: ChunkKernel.Scratch)
  {
    let width = kernel.width
    let offset = c * width
    let count = min(width, batch - offset)
    let at = i * waveChunks + s
    let first = firstSample(instance: i, step: step, chunk: c)
    let x: UnsafeMutablePointer<Float>
    if kernel.wide {
      x = scratch.x
      samplers[i].fill(first: first, count: count, width: width, into: x)
    } else {
      x = drawnRows(step: step, at: at) { samplers[i].fill(first: first, count: count, width: width, into: $0) }
      rowsUsed[at] = x
    }
    let kept = kernel.wide ? count : kernel.compact(x: x, count: count, scratch: scratch)
    sampleCounts[at] = count
    keptCounts[at] = kept
    if kept == count {
      passLosses[i * (waveChunks + 1) + s] = kernel.passApart(
        params: theta + i * parameterCount, importance: importance + i * n, scale: scale,
        scratch: scratch, x: x, count: count, partial: partial(instance: i, slot: s))
    }
  }

  /// Gathers a pool's samples and runs them through the model.
  private func pass(_ pool: Pool, scratch: ChunkKernel.Scratch) {
    let width = kernel.width
    let (i, x) = (pool.instance, scratch.pool)
    var count = pool.carried
    for f in 0..<n {
      (x + f * width).update(from: carriedSamples + (i * n + f) * width, count: pool.carried)
    }
    for s in pool.from..<pool.to where isPooled(instance: i, slot: s) {
      let kept = keptCounts[i * waveChunks + s]
      let source = rowsUsed[i * waveChunks + s]
      for f in 0..<n { (x + f * width + count).update(from: source + f * width, count: kept) }
      count += kept
    }
    passLosses[i * (waveChunks + 1) + pool.slot] = kernel.passApart(
      params: theta + i * parameterCount, importance: importance + i * n, scale: scale,
      scratch: scratch, x: x, count: count, partial: partial(instance: i, slot: pool.slot))
  }

  /// Adds an instance's partials of the wave into its accumulator over one range of its
  /// parameters, in the sequential trainer's order; after the batch's last wave, turns the
  /// range into the gradient and applies the update (unless the instance's loss diverged).
  func reduce(instance i: Int, range r: Int) {
    let (slots, last) = (slots(wave: wave), lastWave)
    let range = r * rangeLength..<min(parameterCount, (r + 1) * rangeLength)
    guard !range.isEmpty else { return }
    let acc = accumulators + i * kernel.accumulatorCount
    let params = theta + i * parameterCount
    let weights = importance + i * n
    if wave == 0 {
      for e in range { acc[e] = 0 }
      if kernel.accumulatorCount > parameterCount {
        for e in range.clamped(to: 0..<kernel.accumulatorCount - parameterCount) { acc[parameterCount + e] = 0 }
      }
    }
    for s in 0..<slots {
      let at = i * waveChunks + s
      if keptCounts[at] == sampleCounts[at] {
        kernel.addPartial(partial(instance: i, slot: s), to: acc, range: range)
        continue
      }
      kernel.addZeroSamples(
        sampleCounts[at] - keptCounts[at], params: params, importance: weights, scale: scale, to: acc,
        range: range)
      if flushes[i * (waveChunks + 1) + s] {
        kernel.addPartial(partial(instance: i, slot: s), to: acc, range: range)
      }
    }
    guard last, let update else { return }
    if flushes[i * (waveChunks + 1) + waveChunks] {
      kernel.addPartial(partial(instance: i, slot: waveChunks), to: acc, range: range)
    }
    guard !diverged[i] else { return }
    let grad = gradients + i * parameterCount
    kernel.finish(acc, into: grad, range: range)
    let offset = i * parameterCount + range.lowerBound
    update.apply(
      to: theta + offset, mu: mu + offset, nu: nu + offset, grad: grad + range.lowerBound,
      count: range.count)
  }

  // MARK: Helpers

  var scale: Float { 1 / Float(batch * n) }

  func partial(instance i: Int, slot s: Int) -> UnsafeMutablePointer<Float> {
    partials + (i * (waveChunks + 1) + s) * kernel.partialCount
  }

  /// Whether a chunk of the wave pooled its samples (it kept fewer than all of them).
  func isPooled(instance i: Int, slot s: Int) -> Bool {
    keptCounts[i * waveChunks + s] != sampleCounts[i * waveChunks + s]
  }

  func adamUpdate(step: Int) -> AdamUpdate {
    let options = context.options
    let rate = options.learningRate * options.rateScale(step: context.callStep + step)
    return AdamUpdate(options: options, rate: rate, t: context.startStep + step + 1)
  }
}

extension ToyModel {
  /// Runs up to `length` steps with every instance's batch shared by `team` (see
  /// `runSegment(options:callStep:length:groups:cancellation:train:)`).
  mutating func runSegment(
    options: TrainingOptions, callStep: Int, length: Int, team: SharedBatch, cancellation: Cancellation?
  ) -> (taken: Int, losses: [[Float]], divergence: Divergence?) {
    runSegment(
      options: options, callStep: callStep, length: length, groups: [Array(0..<instanceCount)],
      cancellation: cancellation
    ) { context, workers in
      context.load(workers[0])
      team.train(context, workers[0], length: length, cancellation: cancellation)
    }
  }
}
