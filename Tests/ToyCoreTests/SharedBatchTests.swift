import Dispatch
import Synchronization
import XCTest

@testable import ToyCore

/// Batches shared by the threads (`SharedBatch`): every thread count gives the numbers one
/// thread gives, bit for bit, for every kind, both kernels, pooled and carried samples,
/// divergence and Ctrl-C.
final class SharedBatchTests: XCTestCase {
  /// Densities that take every path of the dense kernel at n = 20: dense chunks, chunks with
  /// their all-zero samples moved aside and pooled, and pools that overflow mid-batch.
  static let densities: [Float] = [1, 0.1, 0.03, 0.01, 0.002]

  func model(kind: ModelKind, n: Int, m: Int = 5, instances: Int, seed: UInt64 = 7) throws -> ToyModel {
    try ToyModel(
      kind: kind, n: n, m: m,
      importance: Array(repeating: (0..<n).map { Float(pow(0.8, Double($0))) }, count: instances),
      density: (0..<instances).map { [Float](repeating: Self.densities[($0 + 1) % Self.densities.count], count: n) },
      seed: seed)
  }

  func options(steps: Int, batch: Int, threads: Int, rate: Double = 1e-2) -> TrainingOptions {
    var options = TrainingOptions(steps: steps)
    options.batchSize = batch
    options.threads = threads
    options.learningRate = rate
    options.schedule = .linear
    return options
  }

  /// One and two instances, with batches of whole chunks and with a short last chunk, on the
  /// dense (n = 20) and the wide (n = 40) kernel; 2, 3 and 4 threads share the batches.
  func testEveryThreadCountTrainsTheBitsOfOneThread() throws {
    for kind in ModelKind.allCases {
      for n in [20, 40] {
        for (instances, batch) in [(1, 1024), (2, 600)] {
          let start = try model(kind: kind, n: n, instances: instances)
          var one = start
          try one.train(options(steps: 6, batch: batch, threads: 1))
          for threads in [2, 3, 4] {
            if instances < threads {
              XCTAssertEqual(start.workSplit(threads: threads, batch: batch), .batches(threads: threads))
            }
            var shared = start
            try shared.train(options(steps: 6, batch: batch, threads: threads))
            assertSameBits(shared, one, "\(kind) n=\(n) ×\(instances) batch \(batch), \(threads) threads")
          }
          XCTAssertNotEqual(one.parameters, start.parameters)
        }
      }
    }
  }

  /// Models big enough that the team adds up their partials as a phase of its own, in
  /// ranges of parameters (n=100, m=20: 2100 floats, two ranges), rather than the planner
  /// alone.
  func testReductionsInRangesTrainTheSame() throws {
    for kind in [ModelKind.relu, .abs] {
      let start = try model(kind: kind, n: 100, m: 20, instances: 1)
      let team = SharedBatch(model: start, batch: 1024, threads: 2)
      XCTAssertFalse(team.reducesAlone)
      XCTAssertEqual(team.ranges, 2)
      team.close()
      var one = start
      try one.train(options(steps: 3, batch: 1024, threads: 1))
      for threads in [2, 3] {
        var shared = start
        try shared.train(options(steps: 3, batch: 1024, threads: threads))
        assertSameBits(shared, one, "\(kind), \(threads) threads")
      }
    }
  }

  /// Every density of the list, one instance each: the sparse ones pool their active
  /// samples across chunks, and the pools overflow where one thread's would.
  func testPooledSamplesOfSparseInstancesTrainTheSame() throws {
    let start = try model(kind: .relu, n: 20, instances: Self.densities.count)
    var one = start
    try one.train(options(steps: 4, batch: 3000, threads: 1))
    for threads in [2, 3] {
      var shared = start
      var opts = options(steps: 4, batch: 3000, threads: threads)
      opts.observeEvery = 3
      try shared.train(opts)
      assertSameBits(shared, one, "\(threads) threads")
    }
  }

  /// A wave budget of a few chunks splits a batch into waves; the samples pooled when a
  /// wave ends are carried into the next, and the numbers stay those of one thread.
  func testBatchesInSeveralWavesTrainTheSame() throws {
    for n in [20, 40] {
      let start = try model(kind: .relu, n: n, instances: 3)
      var one = start
      try one.train(options(steps: 3, batch: 4000, threads: 1))
      let kernel = ChunkKernel(kind: .relu, n: n, m: 5, width: StepContext.chunkWidth(n: n))
      let slotBytes = 4 * ((kernel.wide ? 0 : n * kernel.width) + kernel.partialCount)
      for threads in [2, 3] {
        let team = SharedBatch(model: start, batch: 4000, threads: threads, waveBytes: 3 * 3 * slotBytes)
        defer { team.close() }
        var shared = start
        let segment = shared.runSegment(
          options: options(steps: 3, batch: 4000, threads: threads), callStep: 0, length: 3, team: team,
          cancellation: nil)
        XCTAssertEqual(segment.taken, 3)
        XCTAssertGreaterThan(team.waves, 1)
        let label = "n=\(n), \(threads) threads"
        assertSameBits(shared.parameters, one.parameters, "parameters, \(label)")
        assertSameBits(shared.firstMoment, one.firstMoment, "first moments, \(label)")
        assertSameBits(shared.secondMoment, one.secondMoment, "second moments, \(label)")
        let losses = (0..<3).flatMap { i in segment.losses.map { $0[i] } }  // instance-major, as the history
        assertSameBits(losses, one.history.losses.flatMap { $0 }, "losses, \(label)")
        XCTAssertEqual(shared.samplesDrawn, one.samplesDrawn)
      }
    }
  }

  /// Chunks drawn ahead (here by the planner, for the whole next step, before any draw unit
  /// of it runs) hold the samples their draw units would have drawn.
  func testChunksDrawnAheadTrainTheSame() throws {
    for kind in [ModelKind.relu, .abs] {
      let start = try model(kind: kind, n: 20, instances: 2)
      var one = start
      try one.train(options(steps: 5, batch: 1000, threads: 1))
      let team = SharedBatch(model: start, batch: 1000, threads: 2)
      defer { team.close() }
      XCTAssertTrue(team.drawsAhead)
      team.plannerSamplers = (0..<2).map {
        BatchSampler(model: start, instance: $0, stream: RandomStream(seed: start.seed, instance: $0, purpose: .data))
      }
      var shared = start
      let segment = shared.runSegment(
        options: options(steps: 5, batch: 1000, threads: 2), callStep: 0, length: 5, team: team, cancellation: nil)
      XCTAssertEqual(segment.taken, 5)
      assertSameBits(shared.parameters, one.parameters, "parameters, \(kind)")
      assertSameBits(shared.secondMoment, one.secondMoment, "second moments, \(kind)")
    }
  }

  /// A huge learning rate: shared batches stop at the same step as one thread, and the model
  /// keeps the same last finite state.
  func testDivergenceKeepsTheStateOneThreadKeeps() throws {
    let start = try model(kind: .relu, n: 20, instances: 1)
    var one = start
    XCTAssertThrowsError(try one.train(options(steps: 50, batch: 1024, threads: 1, rate: 1e37)))
    XCTAssertGreaterThan(one.steps, 0)
    for threads in [2, 3] {
      var shared = start
      XCTAssertThrowsError(try shared.train(options(steps: 50, batch: 1024, threads: threads, rate: 1e37))) {
        guard case .diverged(let instance, let step, _) = $0 as? ModelError else { return XCTFail("\($0)") }
        XCTAssertEqual(instance, 0)
        XCTAssertEqual(step, one.steps + 1)
      }
      assertSameBits(shared, one, "\(threads) threads")
    }
  }

  /// Ctrl-C inside a long shared step leaves the model as it was before the step.
  func testCancellationInsideALongSharedStepKeepsTheModel() throws {
    let start = try ToyModel(
      kind: .relu, n: 5, m: 2, importance: [[1, 1, 1, 1, 1]], density: [[Float](repeating: 0.5, count: 5)],
      seed: 1)
    var model = start
    var options = TrainingOptions(steps: 3)
    options.batchSize = 1 << 24
    options.threads = 2
    XCTAssertEqual(start.workSplit(threads: 2, batch: options.batchSize), .batches(threads: 2))
    let cancellation = Cancellation()
    DispatchQueue.global().asyncAfter(deadline: .now() + 0.2) { cancellation.cancel() }
    let outcome = try model.train(options, cancellation: cancellation)
    XCTAssertTrue(outcome.cancelled)
    XCTAssertEqual(outcome.stepsTaken, 0)
    XCTAssertEqual(model, start)
  }

  /// Observation and cancellation at step boundaries work as with instances split.
  func testObservationAndCancellationStopAtTheSameStep() throws {
    let start = try model(kind: .relu, n: 20, instances: 1)
    var shared = start
    let cancellation = Cancellation()
    var opts = options(steps: 100, batch: 1024, threads: 2)
    opts.observeEvery = 4
    var seen: [Int] = []
    let outcome = try shared.train(opts, cancellation: cancellation) { progress, _ in
      seen.append(progress.step)
      if progress.step == 8 { cancellation.cancel() }
    }
    XCTAssertEqual(outcome.stepsTaken, 8)
    XCTAssertEqual(seen, [4, 8])
    var one = start
    let stopper = Cancellation()
    var partial = options(steps: 100, batch: 1024, threads: 1)
    partial.observeEvery = 8
    try one.train(partial, cancellation: stopper) { _, _ in stopper.cancel() }
    assertSameBits(shared, one, "cancelled at step 8")
  }

  /// Which split a call takes: instances when they go round evenly, shared batches when
  /// there are fewer instances than threads or the groups are uneven, never a batch of one
  /// chunk.
  func testTheSplitFollowsTheInstancesAndTheBatch() throws {
    let single = try model(kind: .relu, n: 20, instances: 1)
    XCTAssertEqual(single.workSplit(threads: 1, batch: 1024), .instances(threads: 1))
    XCTAssertEqual(single.workSplit(threads: 2, batch: 1024), .batches(threads: 2))
    XCTAssertEqual(single.workSplit(threads: 8, batch: 1024), .batches(threads: 4), "four chunks of 256")
    XCTAssertEqual(single.workSplit(threads: 2, batch: 100), .instances(threads: 1))
    let even = try ToyModel(
      kind: .relu, n: 20, m: 5, importance: [[Float]](repeating: [Float](repeating: 1, count: 20), count: 4),
      density: [[Float]](repeating: [Float](repeating: 0.1, count: 20), count: 4))
    XCTAssertEqual(even.workSplit(threads: 2, batch: 1024), .instances(threads: 2))
    XCTAssertEqual(even.workSplit(threads: 3, batch: 1024), .batches(threads: 3), "two instances on one thread")
  }
}

extension XCTestCase {
  /// The models hold the same numbers, bit for bit; a failure names the first that differs.
  func assertSameBits(_ a: ToyModel, _ b: ToyModel, _ label: String, line: UInt = #line) {
    assertSameBits(a.parameters, b.parameters, "parameters, \(label)", line: line)
    assertSameBits(a.firstMoment, b.firstMoment, "first moments, \(label)", line: line)
    assertSameBits(a.secondMoment, b.secondMoment, "second moments, \(label)", line: line)
    assertSameBits(a.history.losses.flatMap { $0 }, b.history.losses.flatMap { $0 }, "losses, \(label)", line: line)
    XCTAssertTrue(a == b, "the models differ elsewhere, \(label)", line: line)
  }

  func assertSameBits(_ a: [Float], _ b: [Float], _ label: String, line: UInt = #line) {
    guard a.count == b.count else { return XCTFail("\(a.count) numbers against \(b.count), \(label)", line: line) }
    guard let first = a.indices.first(where: { a[$0].bitPattern != b[$0].bitPattern }) else { return }
    let count = a.indices.filter { a[$0].bitPattern != b[$0].bitPattern }.count
    XCTFail("\(count) of \(a.count) differ, first at \(first): \(a[first]) against \(b[first]), \(label)", line: line)
  }
}

/// The phase sequence under the trainer: every unit of every phase runs exactly once, the
/// plans run in order, and the team never stalls, whatever the thread count.
final class PhaseSequenceTests: XCTestCase {
  /// Thousands of short sequences of phases of 1–6 tiny units (every other sequence with
  /// units of uneven length and idle members looking again a few times, the others as short
  /// as can be, so that phases open and end within a few instructions of each other): a
  /// thread that read one phase's word must never take a unit
  /// with another phase's count (two words stored one after the other let it, and the team
  /// stalled within a few thousand sequences), nor a unit of the next phase (a phase number
  /// read after the phase was opened let it), and every unit must run exactly once, also
  /// when the phases' numbers start again from 0.
  func testEveryUnitRunsOnceAndTheTeamNeverStalls() throws {
    for threads in [2, 3, 4] {
      let done = DispatchSemaphore(value: 0)
      let outcome = Outcome()
      DispatchQueue.global().async {
        outcome.failure = Self.runSequences(threads: threads, count: 6000)
        done.signal()
      }
      // A guard against a stall, not a speed target: the run takes well under a second.
      guard done.wait(timeout: .now() + 120) == .success else {
        return XCTFail("the team stalled with \(threads) threads")
      }
      XCTAssertNil(outcome.failure, "\(threads) threads")
    }
  }

  private final class Outcome: @unchecked Sendable {
    var failure: String?
  }

  private final class Tally: @unchecked Sendable {
    let ran = Atomic<Int>(0)
    /// The units of the current phase that ran, a bit each.
    let units = Atomic<UInt64>(0)
    /// Busy work's results and idle looks, so that neither is optimised away.
    let sink = Atomic<Int>(0)
    var phases: [Int] = []
    var planned = 0
    var failure: String?
  }

  private static func runSequences(threads: Int, count: Int) -> String? {
    let team = WorkerTeam(size: threads)
    defer { team.close() }
    let sequence = PhaseSequence(capacity: 6, members: team.size)
    // Numbering from 0 again every few sequences, as a long training call would after 2³².
    sequence.restart = 100
    var state: UInt64 = 7
    func draw(_ n: Int) -> Int {
      state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
      return 1 + Int(state >> 33) % n
    }
    for index in 0..<count {
      let uneven = index % 2 == 1
      let tally = Tally()
      tally.phases = (0..<draw(30)).map { _ in draw(6) }
      sequence.start(units: tally.phases[0])
      team.run { member in
        sequence.serve(
          member: member,
          run: { unit in
            if uneven {  // so that members finish out of step
              var work = 0
              for k in 0..<(unit * 37 + member * 11 + tally.planned * 5) % 64 { work &+= k }
              tally.sink.add(work, ordering: .relaxed)
            }
            tally.ran.add(1, ordering: .relaxed)
            tally.units.bitwiseOr(1 << UInt64(unit), ordering: .relaxed)
          },
          plan: {
            let ran = tally.ran.exchange(0, ordering: .relaxed)
            let units = tally.units.exchange(0, ordering: .relaxed)
            let count = tally.phases[tally.planned]
            if ran != count || units != (1 << UInt64(count)) - 1, tally.failure == nil {
              tally.failure = "phase \(tally.planned) ran \(ran) units (\(String(units, radix: 2))) of \(count)"
            }
            tally.planned += 1
            return tally.planned < tally.phases.count ? tally.phases[tally.planned] : nil
          },
          idle: { uneven && tally.sink.add(1, ordering: .relaxed).newValue % 4 != 0 })
      }
      if let failure = tally.failure { return failure }
      if tally.planned != tally.phases.count { return "ended after \(tally.planned) of \(tally.phases.count) phases" }
    }
    return nil
  }
}
