import Foundation
import XCTest

@testable import ToyCore

/// Fixed training sets (`dataset=`): the step against a float64 transcription written here,
/// the set's law, determinism, and the options Henighan et al. train with.
final class TrainingSetTests: XCTestCase {
  func model(n: Int = 8, m: Int = 3, density: Float = 0.3, sizes: [Int], seed: UInt64 = 7) throws -> ToyModel {
    var model = try ToyModel(
      kind: .relu, n: n, m: m, importance: sizes.map { _ in (0..<n).map { Float(pow(0.8, Double($0))) } },
      density: sizes.map { _ in [Float](repeating: density, count: n) }, seed: seed)
    try model.useTrainingSets(sizes: sizes)
    return model
  }

  /// Full-batch AdamW with weight decay, a warm-up and cosine decay, transcribed naively in
  /// Double: x' = ReLU(WᵀWx + b), L = mean over examples and features of I_f(x'_f − x_f)².
  func testFullBatchStepsMatchAFloat64Transcription() throws {
    let trained = try model(n: 8, m: 3, sizes: [6])
    let examples = trained.trainingSet(instance: 0).map { $0.map(Double.init) }
    XCTAssertEqual(examples.count, 6)
    try assertStepsMatchTheTranscription(trained, examples: examples)
  }

  /// The note's setting: the same set rescaled to unit norm. The oracle rescales the raw
  /// set itself, in Double, and trains on that.
  func testStepsOnAUnitNormSetMatchAFloat64Transcription() throws {
    let raw = try model(n: 8, m: 3, density: 0.4, sizes: [6])
    var normalized = raw
    try normalized.useTrainingSets(sizes: [6], normalize: true)
    let examples = raw.trainingSet(instance: 0).map { row -> [Double] in
      let x = row.map(Double.init)
      let norm = x.reduce(0) { $0 + $1 * $1 }.squareRoot()
      return norm > 0 ? x.map { $0 / norm } : x
    }
    XCTAssertNotEqual(examples, raw.trainingSet(instance: 0).map { $0.map(Double.init) }, "a set that needs rescaling")
    try assertStepsMatchTheTranscription(normalized, examples: examples)
  }

  /// Trains `model` (one instance, full batch) 5 steps and compares W, b and the step losses
  /// with the same steps in Double on `examples`.
  func assertStepsMatchTheTranscription(
    _ model: ToyModel, examples: [[Double]], file: StaticString = #filePath, line: UInt = #line
  ) throws {
    let (n, m, size, steps) = (model.n, model.m, examples.count, 5)
    var trained = model
    let importance = trained.importance(instance: 0).map(Double.init)
    var w = trained.weights(instance: 0).map { $0.map(Double.init) }
    var b = trained.bias(instance: 0).map(Double.init)
    var options = TrainingOptions(steps: steps)
    options.batchSize = size
    options.learningRate = 0.05
    options.weightDecay = 0.1
    options.warmupSteps = 2
    options.schedule = .cosine
    try trained.train(options)

    var muW = [[Double]](repeating: [Double](repeating: 0, count: m), count: n), nuW = muW
    var muB = [Double](repeating: 0, count: n), nuB = muB
    var losses: [Double] = []
    for step in 0..<steps {
      var gw = [[Double]](repeating: [Double](repeating: 0, count: m), count: n)
      var gb = [Double](repeating: 0, count: n)
      var loss = 0.0
      for x in examples {
        var h = [Double](repeating: 0, count: m)
        for k in 0..<m { for f in 0..<n { h[k] += w[f][k] * x[f] } }
        for f in 0..<n {
          var z = b[f]
          for k in 0..<m { z += w[f][k] * h[k] }
          let out = max(0, z)
          loss += importance[f] * (out - x[f]) * (out - x[f])
          let delta = z > 0 ? 2 * importance[f] * (out - x[f]) / Double(size * n) : 0
          gb[f] += delta
          // z_f = b_f + Σ_k W_fk h_k with h_k = Σ_g W_gk x_g: W_fk appears in both factors.
          for k in 0..<m {
            gw[f][k] += delta * h[k]
            for g in 0..<n { gw[g][k] += delta * w[f][k] * x[g] }
          }
        }
      }
      losses.append(loss / Double(size * n))
      let scale = step < 2 ? Double(step + 1) / 2 : cos(0.5 * Double.pi * Double(step - 2) / Double(steps - 2 - 1))
      let rate = 0.05 * scale
      let t = Double(step + 1)
      func adam(_ p: inout Double, _ mu: inout Double, _ nu: inout Double, _ g: Double) {
        p *= 1 - rate * 0.1
        mu = 0.9 * mu + 0.1 * g
        nu = 0.999 * nu + 0.001 * g * g
        p -= rate / (1 - pow(0.9, t)) * mu / (nu.squareRoot() / (1 - pow(0.999, t)).squareRoot() + 1e-8)
      }
      for f in 0..<n {
        for k in 0..<m { adam(&w[f][k], &muW[f][k], &nuW[f][k], gw[f][k]) }
        adam(&b[f], &muB[f], &nuB[f], gb[f])
      }
    }
    let tolerance = 2e-5
    var worst = 0.0
    for (f, row) in trained.weights(instance: 0).enumerated() {
      for k in 0..<m { worst = max(worst, abs(Double(row[k]) - w[f][k])) }
      worst = max(worst, abs(Double(trained.bias(instance: 0)[f]) - b[f]))
    }
    XCTAssertLessThan(
      worst, tolerance, "max |fast − float64| over W and b: \(worst), tolerance \(tolerance)", file: file, line: line)
    let recorded = trained.recentLosses[0].map(Double.init)
    XCTAssertEqual(recorded.count, steps, file: file, line: line)
    for (fast, slow) in zip(recorded, losses) {
      XCTAssertEqual(
        fast, slow, accuracy: 1e-6 + 1e-5 * slow, "losses \(recorded) against \(losses)", file: file, line: line)
    }
    let trainLoss = try XCTUnwrap(trained.trainingSetLoss()[0], file: file, line: line)
    XCTAssertGreaterThan(trainLoss, 0, file: file, line: line)
  }

  /// The set holds the data's law (density p, values U[0,1)) and does not depend on T: a
  /// larger set starts with the smaller one's examples.
  func testTheSetIsDrawnOnceWithTheDataLaw() throws {
    let small = try model(n: 50, density: 0.1, sizes: [40]).trainingSet(instance: 0)
    let large = try model(n: 50, density: 0.1, sizes: [4000]).trainingSet(instance: 0)
    XCTAssertEqual(small, Array(large.prefix(40)))
    let values = large.flatMap { $0 }
    let active = values.filter { $0 != 0 }
    let p = Double(active.count) / Double(values.count)
    // 200,000 draws: the standard error of p is 0.00067.
    XCTAssertEqual(p, 0.1, accuracy: 0.004)
    let mean = active.reduce(0.0) { $0 + Double($1) } / Double(active.count)
    XCTAssertEqual(mean, 0.5, accuracy: 0.01)
    XCTAssertTrue(active.allSatisfy { $0 > 0 && $0 < 1 })
  }

  /// A model without sets trains exactly as before; the sets' streams move nothing else.
  func testNoSetMeansFreshData() throws {
    var plain = try ToyModel(
      kind: .relu, n: 6, m: 2, importance: [[Float](repeating: 1, count: 6)],
      density: [[Float](repeating: 0.2, count: 6)], seed: 3)
    var zero = plain
    try zero.useTrainingSets(sizes: [0])
    XCTAssertFalse(zero.hasTrainingSets)
    var options = TrainingOptions(steps: 4)
    options.batchSize = 32
    try plain.train(options)
    try zero.train(options)
    XCTAssertEqual(plain, zero)
  }

  func testThreadCountAndMinibatchesAreDeterministic() throws {
    var one = try model(sizes: [3, 17, 40])
    var two = one
    var options = TrainingOptions(steps: 12)
    options.batchSize = 3
    options.threads = 1
    try one.train(options)
    options.threads = 2
    try two.train(options)
    XCTAssertEqual(one, two)
    // Training on continues the same run: 12 steps equal 5 then 7.
    var split = try model(sizes: [3, 17, 40])
    options.steps = 5
    try split.train(options)
    options.steps = 7
    try split.train(options)
    XCTAssertEqual(split.parameters, one.parameters)
  }

  func testBadSizesAndBatchesAreRefused() throws {
    var plain = try model(sizes: [0])
    XCTAssertThrowsError(try plain.useTrainingSets(sizes: [-1]))
    XCTAssertThrowsError(try plain.useTrainingSets(sizes: [ToyModel.trainingSetLimit + 1]))
    var small = try model(sizes: [4])
    var options = TrainingOptions(steps: 1)
    options.batchSize = 5
    XCTAssertThrowsError(try small.checkMinibatch(5)) { error in
      XCTAssertEqual(error as? ModelError, .batchLargerThanTrainingSet(batch: 5, instance: 0, size: 4))
    }
    // Asked of the trainer, a batch past the set's size is full batch.
    var full = small
    try small.train(options)
    options.batchSize = 4
    try full.train(options)
    XCTAssertEqual(small.parameters, full.parameters)
    XCTAssertEqual(small.secondMoment, full.secondMoment)
    options.batchSize = 4
    options.warmupSteps = 2
    XCTAssertThrowsError(try small.train(options))
  }

  /// D_t of hidden vectors: a regular k-gon gives 2/k each, a lone short vector 0.
  func testDimensionalityOfARegularPolygonIsTwoOverK() {
    for k in 3...7 {
      let points = (0..<k).map { j -> [Double] in
        let angle = 2 * Double.pi * Double(j) / Double(k)
        return [cos(angle), sin(angle)]
      }
      for d in Dimensionality.of(points) { XCTAssertEqual(d, 2 / Double(k), accuracy: 1e-12) }
    }
    // A short vector has no dimensionality of its own but still interferes: 1/(1 + 0.01²).
    let short = Dimensionality.of([[1, 0], [0.01, 0]])
    XCTAssertEqual(short[0], 1 / 1.0001, accuracy: 1e-12)
    XCTAssertEqual(short[1], 0)
    let rows: [[Double]] = [[1, 0.2], [-0.5, 0.9], [0.3, -0.7], [0.05, 0.01]]
    for (fast, gram) in zip(Dimensionality.of(rows), FeatureGeometry(rows: rows).dimensionality) {
      XCTAssertEqual(fast, gram, accuracy: 1e-12)
    }
  }
}
