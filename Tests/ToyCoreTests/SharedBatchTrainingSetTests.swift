import XCTest

@testable import ToyCore

/// Fixed training sets (`dataset=`) under the thread split: a shared batch reads each set as
/// the instance split does, bit for bit, and models whose instances read batches of different
/// sizes train by whole instances, the same for every thread count.
final class SharedBatchTrainingSetTests: XCTestCase {
  func model(n: Int, sizes: [Int], seed: UInt64 = 11) throws -> ToyModel {
    let densities = SharedBatchTests.densities
    var model = try ToyModel(
      kind: .relu, n: n, m: 5,
      importance: sizes.map { _ in (0..<n).map { Float(pow(0.8, Double($0))) } },
      density: sizes.indices.map { [Float](repeating: densities[($0 + 1) % densities.count], count: n) },
      seed: seed)
    try model.useTrainingSets(sizes: sizes)
    return model
  }

  func options(steps: Int, batch: Int, threads: Int) -> TrainingOptions {
    var options = TrainingOptions(steps: steps)
    options.batchSize = batch
    options.threads = threads
    options.learningRate = 1e-2
    options.warmupSteps = 2
    options.schedule = .cosine
    return options
  }

  /// Sets read in full batch (one instance, and two of the same size) and by minibatches,
  /// on the dense (n = 20) and wide (n = 40) kernel: 2 and 3 threads share the batch and train the bits of one thread, also when a
  /// second call reads on where the first stopped.
  func testSharedBatchesReadTheSetsAsOneThreadDoes() throws {
    let cases: [(sizes: [Int], batch: Int)] = [([1000], 1000), ([1000], 1500), ([700, 700], 700), ([5000], 600)]
    for n in [20, 40] {
      for (sizes, batch) in cases {
        let start = try model(n: n, sizes: sizes)
        let label = "n=\(n) sets \(sizes) batch \(batch)"
        var one = start
        try one.train(options(steps: 7, batch: batch, threads: 1))
        XCTAssertNotEqual(one.parameters, start.parameters, label)
        for threads in [2, 3] {
          if sizes.count < threads {
            XCTAssertEqual(start.workSplit(threads: threads, batch: batch), .batches(threads: threads), label)
          }
          var shared = start
          try shared.train(options(steps: 7, batch: batch, threads: threads))
          assertSameBits(shared, one, "\(label), \(threads) threads")
        }
        var (shared, alone) = (start, start)
        for steps in [3, 4] {
          try shared.train(options(steps: steps, batch: batch, threads: 2))
          try alone.train(options(steps: steps, batch: batch, threads: 1))
        }
        assertSameBits(shared, alone, "\(label), 3 then 4 steps")
      }
    }
  }

  /// A fresh-data instance beside a set read by minibatches of the same size shares the
  /// batch too: each reads its own samples, numbered its own way.
  func testASetBesideFreshDataSharesTheBatch() throws {
    let start = try model(n: 20, sizes: [0, 3000])
    var one = start
    try one.train(options(steps: 6, batch: 512, threads: 1))
    XCTAssertEqual(start.workSplit(threads: 3, batch: 512), .batches(threads: 3))
    var shared = start
    try shared.train(options(steps: 6, batch: 512, threads: 3))
    assertSameBits(shared, one, "fresh data and a set, 3 threads")
  }

  /// Chunks drawn ahead (by the planner, for the whole next step) read the set at the
  /// positions their draw units would read: one set in full batch and one by minibatches,
  /// beside fresh data, after steps of a larger batch (so that a set's positions, numbered
  /// by step, are not the data stream's, numbered by the samples drawn).
  func testChunksDrawnAheadReadTheSetsAsTheirDrawUnits() throws {
    for (sizes, batch) in [([1000, 1000, 1000], 1000), ([0, 4000, 2500], 1000)] {
      var start = try model(n: 20, sizes: sizes)
      try start.train(options(steps: 3, batch: batch + 500, threads: 1))
      var one = start
      try one.train(options(steps: 5, batch: batch, threads: 1))
      let team = SharedBatch(model: start, batch: batch, threads: 2)
      defer { team.close() }
      XCTAssertTrue(team.drawsAhead)
      team.plannerSamplers = sizes.indices.map { BatchSampler.training(model: start, instance: $0, batch: batch) }
      var shared = start
      let segment = shared.runSegment(
        options: options(steps: 5, batch: batch, threads: 2), callStep: 0, length: 5, team: team, cancellation: nil)
      XCTAssertEqual(segment.taken, 5)
      assertSameBits(shared.parameters, one.parameters, "parameters, sets \(sizes)")
      assertSameBits(shared.secondMoment, one.secondMoment, "second moments, sets \(sizes)")
    }
  }

  /// Sets of different sizes in full batch read batches of different sizes: whole instances
  /// per thread, and the numbers of one thread for any grouping of them.
  func testSetsOfDifferentSizesSplitByInstance() throws {
    let start = try model(n: 20, sizes: [100, 300, 1000])
    XCTAssertEqual(start.workSplit(threads: 2, batch: 1000), .instances(threads: 2))
    XCTAssertEqual(start.workSplit(threads: 8, batch: 1000), .instances(threads: 3))
    var one = start
    try one.train(options(steps: 6, batch: 1000, threads: 1))
    for threads in [2, 3] {
      var split = start
      try split.train(options(steps: 6, batch: 1000, threads: threads))
      assertSameBits(split, one, "sets [100, 300, 1000], \(threads) threads")
    }
  }
}
