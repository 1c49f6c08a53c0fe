import XCTest

@testable import ToyCore

/// Unit-norm examples (`normalize=unit`, Henighan et al. 2023 rescale x so that ‖x‖ = 1):
/// the set's rows and the test batch, each against the raw draw rescaled here in Double.
final class TrainingSetNormalizationTests: XCTestCase {
  func model(n: Int, density: Float, sizes: [Int], normalize: Bool, kind: ModelKind = .relu) throws -> ToyModel {
    var model = try ToyModel(
      kind: kind, n: n, m: 2, importance: sizes.map { _ in (0..<n).map { Float(pow(0.9, Double($0))) } },
      density: sizes.map { _ in [Float](repeating: density, count: n) }, seed: 11)
    try model.useTrainingSets(sizes: sizes, normalize: normalize)
    return model
  }

  /// x/‖x‖ in Double, and a row with no active feature as it is.
  static func rescaled(_ row: [Float]) -> [Double] {
    let x = row.map(Double.init)
    let norm = x.reduce(0) { $0 + $1 * $1 }.squareRoot()
    return norm > 0 ? x.map { $0 / norm } : x
  }

  /// Each row is the raw row over its norm (so of norm 1, the same direction, the same
  /// active features); a row with no active feature stays zero. At n = 4 and density 0.15,
  /// about half the rows are empty, so both cases are met.
  func testEveryRowIsTheRawRowOverItsNorm() throws {
    for kind in [ModelKind.relu, .abs] {
      let raw = try model(n: 4, density: 0.15, sizes: [300], normalize: false, kind: kind).trainingSet(instance: 0)
      let unit = try model(n: 4, density: 0.15, sizes: [300], normalize: true, kind: kind).trainingSet(instance: 0)
      XCTAssertEqual(unit.count, raw.count)
      var empty = 0
      var worst = 0.0
      for (r, u) in zip(raw, unit) {
        if r.allSatisfy({ $0 == 0 }) {
          empty += 1
          XCTAssertEqual(u, r, "an example with no active feature stays 0")
          continue
        }
        let norm = u.reduce(0.0) { $0 + Double($1) * Double($1) }.squareRoot()
        worst = max(worst, abs(norm - 1))
        for (value, expected) in zip(u, Self.rescaled(r)) { worst = max(worst, abs(Double(value) - expected)) }
      }
      XCTAssertGreaterThan(empty, 50, "\(kind): the sample meets empty rows")
      XCTAssertLessThan(empty, 250, "\(kind): and non-empty ones")
      XCTAssertLessThan(worst, 1e-6, "\(kind): max |row − raw/‖raw‖| and |‖row‖ − 1|: \(worst), tolerance 1e-6")
    }
  }

  /// The test batch of a normalising model is the fixed evaluation batch rescaled, and
  /// `testLoss` is the notebook's loss on it: against a forward pass in Double on the raw
  /// batch rescaled here.
  func testTheTestLossIsOnTheRescaledEvaluationBatch() throws {
    let (n, samples) = (6, 512)
    var unit = try model(n: n, density: 0.3, sizes: [12], normalize: true)
    var options = TrainingOptions(steps: 20)
    options.batchSize = 12
    options.learningRate = 0.05
    try unit.train(options)
    let raw = try model(n: n, density: 0.3, sizes: [12], normalize: false)
    let batch = raw.evaluationSamples(instance: 0, count: samples).map(Self.rescaled)
    var worst = 0.0
    for (row, expected) in zip(unit.evaluationSamples(instance: 0, count: samples), batch) {
      for (value, e) in zip(row, expected) { worst = max(worst, abs(Double(value) - e)) }
    }
    XCTAssertLessThan(worst, 1e-6, "max |sample − raw/‖raw‖|: \(worst)")

    let w = unit.weights(instance: 0).map { $0.map(Double.init) }
    let b = unit.bias(instance: 0).map(Double.init)
    let importance = unit.importance(instance: 0).map(Double.init)
    var total = 0.0
    for x in batch {
      let h = (0..<2).map { k in (0..<n).reduce(0.0) { $0 + w[$1][k] * x[$1] } }
      for f in 0..<n {
        let out = max(0, b[f] + w[f][0] * h[0] + w[f][1] * h[1])
        total += importance[f] * (out - x[f]) * (out - x[f])
      }
    }
    let expected = total / Double(samples * n)
    let fast = unit.testLoss(samples: samples)[0]
    XCTAssertEqual(fast, expected, accuracy: 1e-6 * expected, "test loss \(fast), float64 \(expected)")
    XCTAssertNotEqual(fast, raw.testLoss(samples: samples)[0], "the raw batch gives another loss")
  }

  /// Unit norm rescales fixed sets only: every instance needs one.
  func testUnitNormNeedsASetForEveryInstance() throws {
    var model = try model(n: 3, density: 0.5, sizes: [4, 5], normalize: false)
    XCTAssertThrowsError(try model.useTrainingSets(sizes: [4, 0], normalize: true)) { error in
      XCTAssertEqual(error as? ModelError, .normalizationWithoutTrainingSet(instance: 1))
    }
    XCTAssertThrowsError(try model.useTrainingSets(sizes: [0, 0], normalize: true))
    XCTAssertFalse(model.normalizesExamples, "a refused call changes nothing")
    XCTAssertEqual(model.trainingSetSizes, [4, 5])
    try model.useTrainingSets(sizes: [4, 5], normalize: true)
    XCTAssertTrue(model.normalizesExamples)
    try model.useTrainingSets(sizes: [4, 5])
    XCTAssertFalse(model.normalizesExamples)
  }

  /// A window of a normalising model normalises too, so a sweep trained in parts matches.
  func testAWindowTrainsAsTheWholeDoes() throws {
    var whole = try model(n: 5, density: 0.4, sizes: [3, 7, 9], normalize: true)
    var window = try whole.initialWindow(1..<3)
    XCTAssertTrue(window.normalizesExamples)
    var options = TrainingOptions(steps: 6)
    options.batchSize = 9
    try whole.train(options)
    try window.train(options)
    let block = whole.parameterCount
    XCTAssertEqual(Array(whole.parameters[block...]), window.parameters)
  }
}
