import CToyKernels
import XCTest

@testable import ToyCore

/// The fixed-set kernel (`FixedSetTrainer`, `toy_fixed.c`) against the naive reference in
/// Double on small shapes with tails, with features it may skip; and its training against
/// the chunk kernels' trainer, bit identity across thread counts, and training on.
final class FixedSetTrainerTests: XCTestCase {
  func model(
    n: Int, m: Int, density: Float, sizes: [Int], seed: UInt64 = 5, importanceBase: Double = 0.9
  ) throws -> ToyModel {
    var model = try ToyModel(
      kind: .relu, n: n, m: m, importance: sizes.map { _ in (0..<n).map { Float(pow(importanceBase, Double($0))) } },
      density: sizes.map { _ in [Float](repeating: density, count: n) }, seed: seed)
    try model.useTrainingSets(sizes: sizes)
    return model
  }

  /// Gives every instance biases of both signs, some strongly negative with small weights
  /// (features the kernel may skip as certainly off) and some positive (on where x = 0).
  func spreadBiases(_ model: inout ToyModel) {
    let (n, m, count) = (model.n, model.m, model.parameterCount)
    for i in 0..<model.instanceCount {
      for f in 0..<n {
        let bias: Float = [-2, -0.05, 0.1, 0][f % 4]
        model.parameters[i * count + n * m + f] = bias
        if f % 4 == 0 {
          for k in 0..<m { model.parameters[i * count + f * m + k] *= 0.1 }
        }
      }
    }
  }

  /// Loss and gradient of every instance's whole set against `ReferenceKernel`, on both code
  /// paths, over shapes with tails of the 8-lane vectors, one chunk and several (T > 512),
  /// small m (unrolled) and larger (generic).
  func testLossAndGradientMatchTheReference() throws {
    let shapes: [(n: Int, m: Int, sizes: [Int])] = [
      (9, 1, [1, 7]), (13, 2, [8, 13]), (17, 3, [30, 5]), (11, 4, [9]), (21, 5, [600]), (33, 2, [1100, 3]),
      (10, 7, [17]),
    ]
    var skipped = 0
    for path in [TOY_KERNEL_BASELINE, TOY_KERNEL_AVX2] where toy_kernel_path_available(path) != 0 {
      for (n, m, sizes) in shapes {
        var model = try model(n: n, m: m, density: 0.2, sizes: sizes)
        spreadBiases(&model)
        let trainer = try XCTUnwrap(FixedSetTrainer(model: model, threads: 2, path: path))
        let sums = model.parameters.withUnsafeBufferPointer { params in
          model.importance.withUnsafeBufferPointer { imp in
            trainer.lossAndGradient(params: params.baseAddress!, importance: imp.baseAddress!)
          }
        }
        skipped += (0..<trainer.chunks.count).reduce(0) { $0 + Int(trainer.offFeatures[$1]) }
        for (i, size) in sizes.enumerated() {
          let batch = model.trainingSet(instance: i).map { $0.map(Double.init) }
          let parameters = model.referenceParameters(instance: i)
          let importance = model.importance(instance: i).map(Double.init)
          let loss = ReferenceKernel.loss(kind: .relu, parameters: parameters, importance: importance, batch: batch)
          let expected = ReferenceKernel.gradient(
            kind: .relu, parameters: parameters, importance: importance, batch: batch)
          let fast = UnsafeBufferPointer(start: trainer.gradient(instance: i), count: model.parameterCount)
          let reference = expected.w.flatMap { $0 } + expected.b
          let largest = reference.map(Swift.abs).max() ?? 0
          let worst = zip(fast, reference).map { Swift.abs(Double($0) - $1) }.max() ?? 0
          let tolerance = 1e-5 * largest + 1e-9
          let label = "n=\(n) m=\(m) T=\(size) path \(path.rawValue)"
          XCTAssertLessThanOrEqual(worst, tolerance, "\(label): max |∂ − reference| \(worst), tolerance \(tolerance)")
          let mean = sums[i] / Double(size * n)
          XCTAssertEqual(mean, loss, accuracy: 1e-6 * loss + 1e-12, "\(label): loss \(mean) against \(loss)")
        }
      }
    }
    XCTAssertGreaterThan(skipped, 0, "some features should be certainly off and skipped")
  }

  /// A model the fixed-set kernel trains (n ≥ 1024, full batch), sets of sizes across the
  /// chunk boundary.
  func wideModel() throws -> ToyModel {
    try model(n: 1100, m: 2, density: 0.01, sizes: [600, 40, 1030], importanceBase: 1)
  }

  func options(steps: Int, threads: Int) -> TrainingOptions {
    var options = TrainingOptions(steps: steps)
    options.batchSize = 1030
    options.learningRate = 0.01
    options.threads = threads
    return options
  }

  func testItTrainsWideReLUModelsInFullBatchOnly() throws {
    let wide = try wideModel()
    XCTAssertTrue(FixedSetTrainer.applies(to: wide, batch: 1030))
    XCTAssertFalse(FixedSetTrainer.applies(to: wide, batch: 100), "minibatches")
    XCTAssertFalse(FixedSetTrainer.applies(to: try model(n: 100, m: 2, density: 0.1, sizes: [50]), batch: 50))
    XCTAssertFalse(FixedSetTrainer.applies(to: try model(n: 1100, m: 2, density: 0.01, sizes: [50, 0]), batch: 50))
  }

  /// The same bits for one, two and three threads, and 7 steps then 5 equal 12.
  func testThreadCountsAndTrainingOnGiveTheSameBits() throws {
    var one = try wideModel()
    var two = one
    var three = one
    var split = one
    try one.train(options(steps: 12, threads: 1))
    try two.train(options(steps: 12, threads: 2))
    try three.train(options(steps: 12, threads: 3))
    XCTAssertEqual(one, two)
    XCTAssertEqual(one, three)
    try split.train(options(steps: 7, threads: 2))
    try split.train(options(steps: 5, threads: 1))
    XCTAssertEqual(split.parameters, one.parameters)
    XCTAssertEqual(split.recentLosses, one.recentLosses)
  }

  /// Training through the fixed-set kernel follows the chunk kernels' trainer (the instance
  /// split, run directly) within rounding, loss by loss and weight by weight.
  func testTrainingFollowsTheChunkKernelsTrainer() throws {
    var fast = try wideModel()
    var slow = fast
    let options = options(steps: 10, threads: 2)
    try fast.train(options)
    let segment = slow.runSegment(options: options, callStep: 0, length: 10, threads: 2, cancellation: nil)
    XCTAssertNil(segment.divergence)
    XCTAssertEqual(segment.taken, 10)
    for (s, losses) in segment.losses.enumerated() {
      for (i, loss) in losses.enumerated() {
        let got = fast.recentLosses[i][s]
        XCTAssertEqual(got, loss, accuracy: 1e-5 * loss, "step \(s) instance \(i): \(got) against \(loss)")
      }
    }
    let worst = zip(fast.parameters, slow.parameters).map { Swift.abs($0 - $1) }.max() ?? 0
    let tolerance: Float = 1e-5
    XCTAssertLessThan(worst, tolerance, "max |fast − chunk kernels| over the weights: \(worst), tolerance \(tolerance)")
    XCTAssertEqual(fast.steps, slow.steps)
    XCTAssertEqual(fast.samplesDrawn, slow.samplesDrawn)
  }

  /// A step whose loss is not finite leaves every instance as it was before that step.
  func testDivergenceKeepsTheStepBefore() throws {
    var model = try wideModel()
    try model.train(options(steps: 2, threads: 2))
    let before = model
    model.parameters[model.parameterCount + 3] = .infinity
    let poisoned = model
    XCTAssertThrowsError(try model.train(options(steps: 3, threads: 2))) { error in
      guard case ModelError.diverged(let instance, let step, _) = error else {
        return XCTFail("expected divergence, got \(error)")
      }
      XCTAssertEqual(instance, 1)
      XCTAssertEqual(step, before.steps + 1)
    }
    XCTAssertEqual(model.parameters, poisoned.parameters)
    XCTAssertEqual(model.steps, before.steps)
  }
}
