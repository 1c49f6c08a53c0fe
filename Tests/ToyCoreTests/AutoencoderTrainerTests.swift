import XCTest

@testable import ToyCore

/// Training autoencoders on a model's data: determinism, continuation, cancellation,
/// divergence, resampling, and the shape and option checks.
final class AutoencoderTrainerTests: XCTestCase {
  /// A small model trained a little, with two settings, and a sweep of autoencoders over it.
  func setUp(instances: Int = 6) throws -> (ToyModel, SparseAutoencoder) {
    var model = try ToyModel(
      kind: .relu, n: 8, m: 3, importance: Array(repeating: (0..<8).map { Float(pow(0.9, Double($0))) }, count: 2),
      density: [[Float](repeating: 0.1, count: 8), [Float](repeating: 0.3, count: 8)], seed: 4)
    try model.train(TrainingOptions(steps: 50))
    let variants: [SparseAutoencoder.Variant] = [.l1(0.05), .l1(0.3), .topK(2)]
    let settings = (0..<instances).map {
      SparseAutoencoder.Setting(latents: 4 + $0 % 3 * 3, variant: variants[$0 % 3], source: $0 % 2)
    }
    return (model, try SparseAutoencoder(for: model, settings: settings, seed: 9))
  }

  func options(steps: Int, threads: Int? = nil) -> TrainingOptions {
    var options = TrainingOptions.autoencoder(steps: steps)
    options.batchSize = 200
    options.threads = threads
    return options
  }

  func testTrainingIsTheSameForEveryThreadCountAndEveryWayOfSplittingTheCalls() throws {
    let (model, start) = try setUp()
    var one = start
    try one.train(on: model, options(steps: 30, threads: 1))
    var three = start
    try three.train(on: model, options(steps: 30, threads: 3))
    XCTAssertEqual(one, three, "the thread count changes no number")
    var split = start
    try split.train(on: model, options(steps: 12, threads: 2))
    try split.train(on: model, options(steps: 18, threads: 2))
    XCTAssertEqual(split.parameters, one.parameters, "12 + 18 steps are 30 steps")
    XCTAssertEqual(split.firstMoment, one.firstMoment)
    XCTAssertEqual(split.secondMoment, one.secondMoment)
    XCTAssertEqual(split.idleSteps, one.idleSteps)
    XCTAssertEqual(split.samplesDrawn, 30 * 200)
    XCTAssertEqual(split.steps, 30)
  }

  /// Instances are independent: an instance trains bit for bit the same whatever other
  /// instances train beside it.
  func testAnInstanceTrainsTheSameBesideFewerInstances() throws {
    let (model, sweep) = try setUp()
    var trained = sweep
    try trained.train(on: model, options(steps: 10))
    let instance = 4
    var fewer = try SparseAutoencoder(
      for: model, settings: (0...instance).map { sweep.settings[$0] }, seed: sweep.seed)
    try fewer.train(on: model, options(steps: 10))
    let range = trained.offsets[instance]..<trained.offsets[instance + 1]
    XCTAssertEqual(
      Array(fewer.parameters[fewer.offsets[instance]..<fewer.offsets[instance + 1]]), Array(trained.parameters[range]))
  }

  func testTrainingLowersTheLossAndRecordsIt() throws {
    let (model, start) = try setUp(instances: 3)
    var autoencoder = start
    var seen: [Int] = []
    var options = options(steps: 300)
    options.observeEvery = 100
    options.learningRate = 3e-3
    try autoencoder.train(on: model, options) { progress, _ in seen.append(progress.step) }
    XCTAssertEqual(seen, [100, 200, 300])
    XCTAssertEqual(autoencoder.history.steps.count, 300)
    for i in 0..<3 {
      let losses = autoencoder.history.losses[i]
      let first = losses.prefix(10).reduce(0, +) / 10
      let last = losses.suffix(10).reduce(0, +) / 10
      XCTAssertLessThan(last, 0.7 * first, "instance \(i) learns: \(first) → \(last)")
      XCTAssertEqual(autoencoder.recentLosses[i].count, 100)
    }
  }

  func testCancellationStopsEveryInstanceAtTheSameStep() throws {
    let (model, start) = try setUp()
    var autoencoder = start
    let cancellation = Cancellation()
    var options = options(steps: 1000)
    options.observeEvery = 7
    let outcome = try autoencoder.train(on: model, options, cancellation: cancellation) { progress, _ in
      if progress.step >= 14 { cancellation.cancel() }
    }
    XCTAssertTrue(outcome.cancelled)
    XCTAssertEqual(outcome.stepsTaken, 14)
    XCTAssertEqual(autoencoder.steps, 14)
    var again = start
    try again.train(on: model, self.options(steps: 14))
    XCTAssertEqual(autoencoder.parameters, again.parameters, "a cancelled run keeps whole steps")
  }

  func testDivergenceKeepsTheStepsBeforeIt() throws {
    let (model, start) = try setUp(instances: 3)
    var autoencoder = start
    var options = options(steps: 50)
    options.learningRate = 1e30
    var diverged: Int?
    do {
      try autoencoder.train(on: model, options)
    } catch .diverged(_, let step, _) {
      diverged = step
    }
    let step = try XCTUnwrap(diverged, "a learning rate of 1e30 diverges")
    XCTAssertGreaterThan(step, 1)
    XCTAssertEqual(autoencoder.steps, step - 1)
    XCTAssertTrue(autoencoder.parameters.allSatisfy(\.isFinite), "the autoencoder keeps its last finite state")
    var replay = start
    options.steps = step - 1
    try replay.train(on: model, options)
    XCTAssertEqual(replay.parameters, autoencoder.parameters, "the state is the one before the step that diverged")
  }

  /// A latent pushed out of reach (a large negative encoder bias) never fires; resampling
  /// gives it a new direction, a zero bias and zero moments, and it fires again.
  func testResamplingRevivesADeadLatent() throws {
    for method in Resampling.Method.allCases {
      let (model, start) = try setUp(instances: 1)
      var autoencoder = start
      var bias = autoencoder.encoderBias(instance: 0)
      bias[2] = -100
      autoencoder.setParameters(
        instance: 0, encoder: autoencoder.encoderWeights(instance: 0), encoderBias: bias,
        decoder: autoencoder.decoderWeights(instance: 0), decoderBias: autoencoder.decoderBias(instance: 0))
      var withoutResampling = autoencoder
      try withoutResampling.train(on: model, options(steps: 40))
      XCTAssertEqual(withoutResampling.idleSteps[0][2], 40, "latent 2 is dead")
      XCTAssertEqual(withoutResampling.metrics(instance: 0, model: model, samples: 2000).latentDensity[2], 0)

      let resampling = Resampling(method: method, every: 20, window: 15)
      try autoencoder.train(on: model, options(steps: 40), resampling: resampling)
      XCTAssertEqual(autoencoder.resampledLatents[0], 1, "\(method): only latent 2 was dead")
      XCTAssertGreaterThan(autoencoder.encoderBias(instance: 0)[2], -1, "\(method): its bias was reset")
      XCTAssertLessThan(autoencoder.idleSteps[0][2], 15, "\(method): it fires again")
      XCTAssertGreaterThan(
        autoencoder.metrics(instance: 0, model: model, samples: 2000).latentDensity[2], 0, "\(method): it fires")
    }
  }

  /// The resampled direction: unit decoder row, encoder column along it, moments zeroed; for
  /// loss-weighted, the direction of a sample of the batch.
  func testResampledLatentsTakeTheDocumentedDirections() throws {
    let m = 3
    var autoencoder = try SparseAutoencoder(m: m, settings: [.init(latents: 4, variant: .l1(0.1), source: 0)], seed: 2)
    let hidden: [[Float]] = [[0, 0, 0], [2, 0, 0], [0, 0, 0]]  // only sample 1 is badly reconstructed
    autoencoder.idleSteps[0] = [0, 30, 0, 0]
    autoencoder.firstMoment = autoencoder.firstMoment.map { _ in 1 }
    autoencoder.secondMoment = autoencoder.secondMoment.map { _ in 1 }
    let before = autoencoder
    let replaced = try autoencoder.resample(
      instance: 0, Resampling(method: .lossWeighted, every: 1, window: 30, scale: 0.5), step: 5, hidden: hidden)
    XCTAssertEqual(replaced, 1)
    let bias = autoencoder.decoderBias(instance: 0).map(Double.init)
    let centred = [2 - bias[0], -bias[1], -bias[2]]
    let norm = centred.reduce(0) { $0 + $1 * $1 }.squareRoot()
    assertClose(
      autoencoder.decoderWeights(instance: 0)[1].map(Double.init), centred.map { $0 / norm }, absolute: 1e-6,
      relative: 0, "decoder row 1: the centred sample, unit length")
    let live = [0, 2, 3].map { j in
      before.encoderWeights(instance: 0).reduce(0.0) { $0 + Double($1[j] * $1[j]) }.squareRoot()
    }
    let scale = 0.5 * live.reduce(0, +) / 3
    assertClose(
      autoencoder.encoderWeights(instance: 0).map { Double($0[1]) }, centred.map { scale * $0 / norm }, absolute: 1e-6,
      relative: 0, "encoder column 1")
    XCTAssertEqual(autoencoder.encoderBias(instance: 0)[1], 0)
    XCTAssertEqual(autoencoder.idleSteps[0], [0, 0, 0, 0])
    // Moments of latent 1's parameters are zero, every other moment untouched.
    let layout = autoencoder.blockLayout(instance: 0)
    var touched: Set<Int> = [layout.encoderBias + 1]
    for k in 0..<m {
      touched.insert(layout.decoder + m + k)
      touched.insert(layout.encoder + k * 4 + 1)
    }
    for index in 0..<layout.count {
      XCTAssertEqual(autoencoder.firstMoment[index], touched.contains(index) ? 0 : 1, "moment \(index)")
    }
    for index in 0..<layout.count where !touched.contains(index) {
      XCTAssertEqual(autoencoder.parameters[index], before.parameters[index], "parameter \(index) is not latent 1's")
    }
  }

  func testBadSettingsAndOptionsAreNamedErrors() throws {
    let (model, _) = try setUp(instances: 1)
    XCTAssertThrowsError(try SparseAutoencoder(for: model, settings: [.init(latents: 4, variant: .topK(5), source: 0)]))
    {
      XCTAssertEqual($0 as? AutoencoderError, .topKOutOfRange(instance: 0, k: 5, latents: 4))
    }
    XCTAssertThrowsError(try SparseAutoencoder(for: model, settings: [.init(latents: 4, variant: .l1(-1), source: 0)]))
    {
      XCTAssertEqual($0 as? AutoencoderError, .l1CoefficientInvalid(instance: 0, value: -1))
    }
    XCTAssertThrowsError(try SparseAutoencoder(for: model, settings: [.init(latents: 4, variant: .l1(1), source: 2)])) {
      XCTAssertEqual($0 as? AutoencoderError, .sourceOutOfRange(instance: 0, source: 2, modelInstances: 2))
      XCTAssertEqual(
        ($0 as? AutoencoderError)?.description,
        "autoencoder instance 0 reads model instance 2; the model has instances 0 to 1")
    }
    XCTAssertThrowsError(try SparseAutoencoder(m: 3, settings: [.init(latents: 0, variant: .l1(1), source: 0)])) {
      XCTAssertEqual($0 as? AutoencoderError, .latentsNotPositive(instance: 0, value: 0))
    }
    XCTAssertThrowsError(try SparseAutoencoder(m: 3, settings: [.init(latents: 1 << 40, variant: .l1(1), source: 0)])) {
      guard case .sizeTooLarge = $0 as? AutoencoderError else { return XCTFail("\($0)") }
    }
    var autoencoder = try SparseAutoencoder(m: 4, settings: [.init(latents: 4, variant: .l1(1), source: 0)])
    XCTAssertThrowsError(try autoencoder.train(on: model, options(steps: 1))) {
      XCTAssertEqual($0 as? AutoencoderError, .hiddenSizeMismatch(autoencoder: 4, model: 3))
    }
    var fine = try SparseAutoencoder(for: model, settings: [.init(latents: 4, variant: .l1(1), source: 0)])
    XCTAssertThrowsError(try fine.train(on: model, options(steps: -1))) {
      XCTAssertEqual($0 as? AutoencoderError, .options(.stepsNegative(-1)))
    }
    XCTAssertThrowsError(
      try fine.train(on: model, options(steps: 1), resampling: Resampling(method: .random, every: 0))
    ) {
      XCTAssertEqual($0 as? AutoencoderError, .resampleEveryNotPositive(0))
    }
  }
}
