import Foundation
import XCTest

@testable import ToyCore

/// The trainer's contract: determinism, continuation, cancellation, observation, history.
final class TrainerTests: XCTestCase {
  func smallModel(
    kind: ModelKind = .relu, instances: Int = 3, seed: UInt64 = 1, initialization: Initialization? = nil
  ) throws -> ToyModel {
    let n = 5
    let densities: [Float] = [1, 0.3, 0.05, 0.5, 0.1, 0.02].prefix(instances).map { $0 }
    return try ToyModel(
      kind: kind, n: n, m: 2,
      importance: Array(repeating: (0..<n).map { Float(pow(0.9, Double($0))) }, count: instances),
      density: densities.map { [Float](repeating: $0, count: n) }, seed: seed, initialization: initialization)
  }

  func options(steps: Int, batch: Int = 100, threads: Int? = nil) -> TrainingOptions {
    var options = TrainingOptions(steps: steps)
    options.batchSize = batch
    options.threads = threads
    return options
  }

  func testThreadCountDoesNotChangeAnyNumber() throws {
    for kind in ModelKind.allCases {
      var one = try smallModel(kind: kind, instances: 5)
      var two = one
      var many = one
      try one.train(options(steps: 20, threads: 1))
      try two.train(options(steps: 20, threads: 2))
      try many.train(options(steps: 20, threads: 5))
      XCTAssertEqual(one, two, "\(kind)")
      XCTAssertEqual(one, many, "\(kind)")
    }
  }

  /// The two-worker split puts every instance in exactly one group, and no other split has a
  /// smaller busier worker (checked against every assignment, enumerated recursively).
  func testTwoWorkerSplitIsTheBestBalance() throws {
    var state: UInt64 = 5
    for count in 2...9 {
      let cost = (0..<count).map { _ -> Double in
        state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
        return 1 + Double(state >> 40)
      }
      let groups = ToyModel.bestSplitInTwo(cost)
      XCTAssertEqual(groups.count, 2)
      XCTAssertEqual((groups[0] + groups[1]).sorted(), Array(0..<count))
      let chosen = groups.map { $0.reduce(0.0) { $0 + cost[$1] } }.max()!
      func least(_ i: Int, _ a: Double, _ b: Double) -> Double {
        i == count ? max(a, b) : min(least(i + 1, a + cost[i], b), least(i + 1, a, b + cost[i]))
      }
      XCTAssertEqual(chosen, least(0, 0, 0), "\(cost)")
    }
    // The paper's seven sparsities at n = 20: three instances cost about as much as four.
    let sweep = try ToyModel(
      kind: .relu, n: 20, m: 5, importance: Array(repeating: Array(repeating: 1, count: 20), count: 7),
      density: [1, 0.3, 0.1, 0.03, 0.01, 0.003, 0.001].map { [Float](repeating: $0, count: 20) })
    let groups = sweep.workGroups(threads: 2)
    XCTAssertEqual((groups[0] + groups[1]).sorted(), Array(0..<7))
    XCTAssertEqual(sweep.workGroups(threads: 3).flatMap { $0 }.sorted(), Array(0..<7))
  }

  func testAnInstanceTrainsTheSameWithOrWithoutNeighbours() throws {
    // Per-instance Xavier: the notebook's default init depends on the instance count by design.
    var three = try smallModel(instances: 3, initialization: .instanceXavier)
    var alone = try smallModel(instances: 1, initialization: .instanceXavier)
    try three.train(options(steps: 15))
    try alone.train(options(steps: 15))
    XCTAssertEqual(Array(three.parameters.prefix(three.parameterCount)), alone.parameters)
  }

  func testTrainingAgainContinuesExactlyAsOneLongerCall() throws {
    var straight = try smallModel()
    var split = straight
    try straight.train(options(steps: 30))
    try split.train(options(steps: 12))
    try split.train(options(steps: 18))
    XCTAssertEqual(split.parameters, straight.parameters)
    XCTAssertEqual(split.firstMoment, straight.firstMoment)
    XCTAssertEqual(split.secondMoment, straight.secondMoment)
    XCTAssertEqual(split.steps, 30)
    XCTAssertEqual(split.samplesDrawn, 3000)
  }

  func testBatchesSpanningChunksMatchOneExplicitStep() throws {
    // 600 samples run as chunks of 256, 256 and 88 (n = 20, the dense kernel, whose sparse
    // instances pool their active samples across chunks) or of 128 ×4 and 88 (n = 40, the
    // wide kernel); the explicit step takes them in one chunk.
    for n in [20, 40] {
      let densities: [Float] = [1, 0.3, 0.05, 0.01]
      var trained = try ToyModel(
        kind: .relu, n: n, m: 5, importance: Array(repeating: (0..<n).map { Float(pow(0.9, Double($0))) }, count: 4),
        density: densities.map { [Float](repeating: $0, count: n) }, seed: 4)
      var explicit = trained
      try trained.train(options(steps: 1, batch: 600))
      let inputs = (0..<4).map { explicit.trainingSamples(instance: $0, first: 0, count: 600) }
      let explicitLosses = try explicit.step(inputs: inputs, options: options(steps: 1, batch: 600))
      for (a, b) in zip(trained.parameters, explicit.parameters) {
        XCTAssertEqual(a, b, accuracy: 1e-6, "n=\(n)")
      }
      for i in 0..<4 {
        let loss = Double(trained.history.losses[i][0])
        XCTAssertEqual(loss, explicitLosses[i], accuracy: 1e-6 * max(1, explicitLosses[i]), "n=\(n) instance \(i)")
      }
    }
  }

  func testOneStepCallsWorkUnderEverySchedule() throws {
    for schedule in Schedule.allCases {
      var model = try smallModel()
      var opts = options(steps: 1)
      opts.schedule = schedule
      let before = model.parameters
      try model.train(opts)
      XCTAssertNotEqual(model.parameters, before, "\(schedule): one step must move the weights")
      XCTAssertTrue(model.parameters.allSatisfy(\.isFinite))
    }
    XCTAssertEqual(Schedule.linear.scale(step: 5, of: 10), 0.5)
    XCTAssertEqual(Schedule.cosine.scale(step: 9, of: 10), 0, accuracy: 1e-15)
  }

  func testCancellationStopsAtAStepBoundaryAndKeepsTheModel() throws {
    var model = try smallModel(instances: 4)
    let cancellation = Cancellation()
    var opts = options(steps: 1000, threads: 2)
    opts.observeEvery = 10
    var observed: [Int] = []
    let outcome = try model.train(opts, cancellation: cancellation) { progress, _ in
      observed.append(progress.step)
      if progress.step == 30 { cancellation.cancel() }
    }
    XCTAssertTrue(outcome.cancelled)
    XCTAssertEqual(outcome.stepsTaken, 30)
    XCTAssertEqual(model.steps, 30)
    XCTAssertEqual(observed, [10, 20, 30])

    // The stopped model equals one trained for exactly those steps (same schedule length).
    var reference = try smallModel(instances: 4)
    var partial = options(steps: 1000)
    partial.observeEvery = 30
    let stopper = Cancellation()
    try reference.train(partial, cancellation: stopper) { _, _ in stopper.cancel() }
    XCTAssertEqual(reference.parameters, model.parameters)
  }

  func testObserverSeesProgressAndTheModel() throws {
    var model = try smallModel()
    var opts = options(steps: 25)
    opts.observeEvery = 10
    var seen: [(Int, Int)] = []
    try model.train(opts) { progress, snapshot in
      seen.append((progress.step, snapshot.steps))
      XCTAssertEqual(progress.losses.count, 3)
      XCTAssertTrue(progress.losses.allSatisfy { $0.isFinite && $0 >= 0 })
    }
    XCTAssertEqual(seen.map(\.0), [10, 20, 25])
    XCTAssertEqual(seen.map(\.1), [10, 20, 25])
  }

  func testObservationsLandOnTheirStepsAcrossLongRuns() throws {
    var model = try smallModel(instances: 1)
    var opts = options(steps: 9000, batch: 1)
    opts.observeEvery = 5000
    var seen: [Int] = []
    try model.train(opts) { progress, _ in seen.append(progress.step) }
    XCTAssertEqual(seen, [5000, 9000])
  }

  func testLossHistoryStaysBoundedAndRecentLossAveragesTheLastHundredSteps() throws {
    var model = try smallModel(instances: 1)
    try model.train(options(steps: 2500, batch: 8))
    XCTAssertLessThanOrEqual(model.history.steps.count, LossHistory.capacity)
    XCTAssertGreaterThan(model.history.steps.count, LossHistory.capacity / 4)
    XCTAssertEqual(model.history.steps.last.map { 2500 - $0 < model.history.stride } ?? false, true)
    XCTAssertEqual(model.recentLosses[0].count, 100)
    let mean = model.recentLosses[0].reduce(0.0) { $0 + Double($1) } / 100
    XCTAssertEqual(model.recentLoss(instance: 0)!, mean, accuracy: 1e-12)
  }

  func testStepLossIsTheNotebookMeanOfTheBatch() throws {
    // The loss reported for a step is the mean over batch and features of I·(x'−x)²,
    // computed here independently from the drawn batch and the naive reference.
    var model = try smallModel(instances: 2)
    let before = model
    try model.train(options(steps: 1, batch: 64))
    for i in 0..<2 {
      let batch = before.trainingSamples(instance: i, first: 0, count: 64).map { $0.map(Double.init) }
      let p = ReferenceKernel.Parameters(
        w: before.weights(instance: i).map { $0.map(Double.init) }, b: before.bias(instance: i).map(Double.init))
      let expected = ReferenceKernel.loss(
        kind: .relu, parameters: p, importance: before.importance(instance: i).map(Double.init), batch: batch)
      XCTAssertEqual(Double(model.history.losses[i][0]), expected, accuracy: 1e-6 * max(1, expected))
    }
  }

  func testBadOptionsAndShapesAreErrorsNotTraps() throws {
    var model = try smallModel()
    XCTAssertThrowsError(try model.train(options(steps: -1)))
    XCTAssertThrowsError(try model.train(options(steps: 1, batch: 0)))
    var nanRate = options(steps: 1)
    nanRate.learningRate = .nan
    XCTAssertThrowsError(try model.train(nanRate))
    XCTAssertThrowsError(try ToyModel(kind: .relu, n: 0, m: 2, importance: [[]], density: [[]]))
    XCTAssertThrowsError(try ToyModel(kind: .relu, n: 2, m: 0, importance: [[1, 1]], density: [[1, 1]]))
    XCTAssertThrowsError(try ToyModel(kind: .relu, n: 2, m: 1, importance: [[1, 1]], density: [[0, 1]]))
    XCTAssertThrowsError(try ToyModel(kind: .relu, n: 2, m: 1, importance: [[1, 1]], density: [[1.5, 1]]))
    XCTAssertThrowsError(try ToyModel(kind: .relu, n: 2, m: 1, importance: [[1]], density: [[1, 1]]))
    XCTAssertThrowsError(try ToyModel(kind: .relu, n: 1 << 40, m: 1 << 40, importance: [[1]], density: [[1]])) {
      guard case .sizeTooLarge = $0 as? ModelError else { return XCTFail("\($0)") }
    }
    XCTAssertThrowsError(
      try ToyModel(
        kind: .relu, n: 3, m: 1, importance: [[1, 1, 1]], density: [[1, 1, 1]],
        featureSets: [FeatureSet(.correlated, features: 2..<4)]))
    XCTAssertEqual(model.steps, 0, "failed calls leave the model untouched")
  }

  func testInitialisationScalesFollowTheirFormulas() throws {
    // The notebook's xavier_normal_ on [I, n, m]: std √(2/(m(n+I))); sample std of the weights.
    let model = try ToyModel(
      kind: .relu, n: 200, m: 20, importance: Array(repeating: [Float](repeating: 1, count: 200), count: 20),
      density: Array(repeating: [Float](repeating: 1, count: 200), count: 20))
    XCTAssertEqual(model.initialScale, 0.0213, accuracy: 5e-5, "the notes' figure for n=200, m=20, I=20")
    let weights = (0..<20).flatMap { model.weights(instance: $0).flatMap { $0 } }.map(Double.init)
    let std = (weights.map { $0 * $0 }.reduce(0, +) / Double(weights.count)).squareRoot()
    XCTAssertEqual(std, 0.0213, accuracy: 5 * 0.0213 / Double(2 * weights.count).squareRoot())
    XCTAssertTrue(
      model.parameters.enumerated().allSatisfy { $0.offset % model.parameterCount < 200 * 20 || $0.element == 0 },
      "biases start at zero")

    let abs = try ToyModel(
      kind: .abs, n: 100, m: 40, importance: [[Float](repeating: 1, count: 100)],
      density: [[Float](repeating: 1, count: 100)])
    let bound = (6.0 / 4000).squareRoot()
    let absWeights = abs.parameters.prefix(2 * 4000).map(Double.init)
    XCTAssertTrue(absWeights.allSatisfy { Swift.abs($0) <= bound })
    XCTAssertGreaterThan(absWeights.map(Swift.abs).max()!, 0.95 * bound)
  }
}
