import ToyCore
import XCTest

/// The analytic attack and vulnerability (§3.9) against a naive recomputation from the
/// models' equations, and against what the baseline and a pentagon must give.
final class AnalysisAdversarialTests: XCTestCase {
  private let samples = 1_000

  /// The models' equations for one sample, written out from the notes' table.
  private func forward(_ model: ToyModel, instance: Int, _ x: [Double]) -> [Double] {
    let w = model.weights(instance: instance).map { $0.map(Double.init) }
    let wOut = model.outputWeights(instance: instance).map { $0.map(Double.init) }
    let b = model.bias(instance: instance).map(Double.init)
    let hiddenReLU = model.kind == .hiddenReLU || model.kind == .abs
    let h = (0..<model.m).map { k in
      let z = (0..<model.n).reduce(0.0) { $0 + w[$1][k] * x[$1] }
      return hiddenReLU ? max(z, 0) : z
    }
    return (0..<model.n).map { f in
      let z = b[f] + (0..<model.m).reduce(0.0) { $0 + wOut[f][$1] * h[$1] }
      return model.kind == .linear ? z : max(z, 0)
    }
  }

  /// The notebook loss of the outputs on x + 0.1‖x‖u against the clean |x|.
  private func attackedLoss(_ model: ToyModel, instance: Int, inputs: [[Float]], direction: [Double]) -> Double {
    let importance = model.importance(instance: instance).map(Double.init)
    var total = 0.0
    for sample in inputs {
      let x = sample.map(Double.init)
      let norm = x.reduce(0.0) { $0 + $1 * $1 }.squareRoot()
      let out = forward(model, instance: instance, zip(x, direction).map { $0 + 0.1 * norm * $1 })
      for f in 0..<model.n { total += importance[f] * (out[f] - Swift.abs(x[f])) * (out[f] - Swift.abs(x[f])) }
    }
    return total / Double(inputs.count * model.n)
  }

  private func meanNorm(_ inputs: [[Float]]) -> Double {
    inputs.reduce(0.0) { $0 + $1.reduce(0.0) { $0 + Double($1) * Double($1) }.squareRoot() } / Double(inputs.count)
  }

  private func meanSquaredNorm(_ inputs: [[Float]]) -> Double {
    inputs.reduce(0.0) { $0 + $1.reduce(0.0) { $0 + Double($1) * Double($1) } } / Double(inputs.count)
  }

  private func randomModel(kind: ModelKind, seed: UInt64) throws -> ToyModel {
    try ToyModel(
      kind: kind, n: 6, m: 3, importance: [[1, 0.9, 0.8, 0.7, 0.6, 0.5]],
      density: [[0.3, 0.3, 0.3, 0.3, 0.3, 0.3]], seed: seed, initialization: .instanceXavier)
  }

  func testAttackMatchesANaiveSearchForEveryKind() throws {
    for (index, kind) in ModelKind.allCases.enumerated() {
      let model = try randomModel(kind: kind, seed: UInt64(index + 1))
      let attack = model.adversarialAttack(instance: 0, samples: samples)
      let inputs = model.evaluationSamples(instance: 0, count: samples)
      let lambda = 0.1 * meanNorm(inputs)
      XCTAssertEqual(attack.budget, lambda, accuracy: 1e-12, "\(kind): mean ‖δ‖ = 0.1 × mean ‖x‖")

      // Row i of the attack map: (W_out,i · W_j)_j, i.e. (WᵀW)_i for tied kinds and (W₂W₁)_i for abs.
      let w = model.weights(instance: 0).map { $0.map(Double.init) }
      let wOut = model.outputWeights(instance: 0).map { $0.map(Double.init) }
      var losses: [Double] = []
      var directions: [[Double]] = []
      for i in 0..<model.n {
        let row = w.map { wj in zip(wOut[i], wj).reduce(0.0) { $0 + $1.0 * $1.1 } }
        let norm = row.reduce(0.0) { $0 + $1 * $1 }.squareRoot()
        directions.append(row.map { $0 / norm })
        losses.append(attackedLoss(model, instance: 0, inputs: inputs, direction: directions[i]))
      }
      let worst = losses.indices.max { losses[$0] < losses[$1] }!
      XCTAssertEqual(attack.feature, worst, "\(kind): the feature that hurts most, losses \(losses)")
      let difference = zip(attack.direction, directions[worst]).map { Swift.abs($0 - $1) }.max()!
      XCTAssert(difference < 1e-12, "\(kind): u max difference \(difference), tolerance 1e-12")
      // Each input gets a tenth of its own norm: the perturbations' mean norm is λ.
      let meanPerturbation =
        inputs.reduce(0.0) { total, x in
          total + attack.perturbation(of: x).reduce(0.0) { $0 + $1 * $1 }.squareRoot()
        } / Double(inputs.count)
      XCTAssertEqual(meanPerturbation, lambda, accuracy: 1e-12, "\(kind): mean ‖δ‖ = λ")
      XCTAssertEqual(attack.attackedLoss, losses[worst], accuracy: 1e-12, "\(kind): L′")
      let clean = attackedLoss(model, instance: 0, inputs: inputs, direction: [Double](repeating: 0, count: model.n))
      XCTAssertEqual(attack.cleanLoss, clean, accuracy: 1e-12, "\(kind): L")
      // The training kernel computes L in Float on the same batch.
      XCTAssertEqual(attack.cleanLoss, model.evaluationLoss(samples: samples)[0], accuracy: 1e-5 * max(clean, 1e-3))
    }
  }

  /// The baseline stores the top m features on axes: attacking one moves only its own
  /// output, by exactly 0.1‖x‖, so L′₀ − L₀ = max_i I_i·0.01·E‖x‖²/n over the stored features.
  func testBaselineLossIncreaseIsLambdaSquaredOnTheTopFeature() throws {
    for kind in [ModelKind.relu, .linear, .hiddenReLU] {
      let model = try ToyModel(
        kind: kind, n: 5, m: 2, importance: [[0.3, 0.8, 1, 0.2, 0.1]], density: [[0.1, 0.1, 0.1, 0.1, 0.1]])
      let baseline = try XCTUnwrap(model.orthogonalBaseline())
      let attack = baseline.adversarialAttack(instance: 0, samples: samples)
      let squared = meanSquaredNorm(model.evaluationSamples(instance: 0, count: samples))
      XCTAssertEqual(attack.feature, 2, "\(kind): the most important feature")
      XCTAssertEqual(attack.lossIncrease, 1 * 0.01 * squared / 5, accuracy: 1e-12, "\(kind)")
      XCTAssertEqual(baseline.vulnerability(instance: 0, samples: samples), 1, "\(kind): 1 by definition")
    }
  }

  func testBaselineStoresTheMostImportantFeaturesOnAxes() throws {
    let p: Float = 0.2
    let model = try ToyModel(
      kind: .relu, n: 6, m: 2, importance: [[0.2, 1, 0.5, 0.7, 0.1, 0.05]],
      density: [[Float](repeating: p, count: 6)],
      featureSets: [FeatureSet(.anticorrelated, features: 4..<6)])
    let baseline = try XCTUnwrap(model.orthogonalBaseline())
    XCTAssertEqual(baseline.weights(instance: 0), [[0, 0], [1, 0], [0, 0], [0, 1], [0, 0], [0, 0]])
    // E[x] = p/2, or p/(2k) in an anti-correlated set of k where only one member is active.
    XCTAssertEqual(baseline.bias(instance: 0), [p / 2, 0, p / 2, 0, p / 4, p / 4])
    XCTAssertEqual(baseline.importance, model.importance)
    XCTAssertEqual(baseline.density, model.density)
    XCTAssertNil(try ToyModel(kind: .abs, n: 2, m: 1, importance: [[1, 1]], density: [[1, 1]]).orthogonalBaseline())
  }

  /// A unit pentagon at low density: the attack's output shift is WᵀWδ = 0.1‖x‖√(5/2)·(WᵀW)_i,
  /// since (WᵀW)² = (5/2)WᵀW for this tight frame. An input with one active feature already
  /// feeds its two neighbours cos 72°·x > 0 through the ReLU, so shifting them up costs at
  /// first order in the budget, while the baseline (one axis per feature) loses only the
  /// second-order 0.01‖x‖² on the attacked feature: the ratio is about 3.5, and must pass 2.
  func testPentagonIsMoreVulnerableThanTheBaseline() throws {
    var model = try ToyModel(
      kind: .relu, n: 5, m: 2, importance: [[1, 1, 1, 1, 1]], density: [[0.05, 0.05, 0.05, 0.05, 0.05]])
    let pentagon = (0..<5).map { k in
      [Float(Double.cos(2 * Double.pi * Double(k) / 5)), Float(Double.sin(2 * Double.pi * Double(k) / 5))]
    }
    model.setParameters(instance: 0, weights: pentagon, bias: [0, 0, 0, 0, 0])
    let vulnerability = try XCTUnwrap(model.vulnerability(instance: 0, samples: 20_000))
    XCTAssertGreaterThan(vulnerability, 2, "pentagon vulnerability")
  }

  func testAbsAttackIsDefinedButVulnerabilityIsNot() throws {
    let model = try randomModel(kind: .abs, seed: 9)
    XCTAssertNotNil(model.adversarialAttack(instance: 0, samples: 500).feature)
    XCTAssertNil(model.vulnerability(instance: 0, samples: 500))
  }

  func testZeroWeightsHaveNothingToAttack() throws {
    var model = try randomModel(kind: .relu, seed: 1)
    model.setParameters(
      instance: 0, weights: [[Float]](repeating: [0, 0, 0], count: 6), bias: [Float](repeating: 0.1, count: 6))
    let attack = model.adversarialAttack(instance: 0, samples: 500)
    XCTAssertNil(attack.feature)
    XCTAssertEqual(attack.direction, [0, 0, 0, 0, 0, 0])
    XCTAssertEqual(attack.lossIncrease, 0)
  }
}
