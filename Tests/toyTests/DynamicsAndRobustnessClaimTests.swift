import Foundation
import XCTest

/// The claims of examples/08-dynamics.toy and examples/09-adversarial.toy, read from the
/// numbers of their full runs (each example runs once; see `ToyRun`).
final class DynamicsAndRobustnessClaimTests: XCTestCase {
  struct Dynamics {
    let steps: [Double]
    /// dimensionality[record][feature]
    let dimensionality: [[Double]]
    let lossSteps: [Double]
    let loss: [Double]

    init(_ data: [String: Any]) throws {
      steps = try XCTUnwrap(data["steps"] as? [Double])
      dimensionality = try XCTUnwrap(data["dimensionality"] as? [[Double]])
      lossSteps = try XCTUnwrap(data["loss_steps"] as? [Double])
      loss = try XCTUnwrap(data["loss"] as? [Double])
    }

    /// The mean of the raw loss over steps in [from, to).
    func meanLoss(from: Double, to: Double) -> Double {
      Vectors.mean(zip(lossSteps, loss).filter { $0.0 >= from && $0.0 < to }.map(\.1))
    }

    func count(at record: Int, near fraction: Double, within tolerance: Double = 0.03) -> Int {
      dimensionality[record].filter { abs($0 - fraction) < tolerance }.count
    }
  }

  /// The energy model's dynamics, its first record with every feature at 2/5 (the pentagon),
  /// and the last record before that with two or more features at 1/2 (the digons).
  func energyLevels(_ run: ToyRun) throws -> (dynamics: Dynamics, pentagon: Int, digons: Int) {
    let dynamics = try Dynamics(try run.data("show dynamics"))
    let n = try XCTUnwrap(dynamics.dimensionality.first?.count)
    let pentagon = try XCTUnwrap(
      dynamics.dimensionality.indices.first { dynamics.count(at: $0, near: 2.0 / 5) == n },
      "the features reach 2/5 together")
    let digons = try XCTUnwrap(
      (0..<pentagon).last { dynamics.count(at: $0, near: 1.0 / 2) >= 2 }, "two or more features at 1/2 before")
    return (dynamics, pentagon, digons)
  }

  /// "for the first few thousand steps the model rests on a higher energy level: four
  /// features as two antipodal pairs (D_i near 1/2) and the fifth almost dropped, while the
  /// loss stays flat".
  func testDynamicsRestsOnTheDigonsBeforeTheJump() throws {
    try checkClaim("08-dynamics") { run in
      let (dynamics, _, digons) = try energyLevels(run)
      let end = dynamics.steps[digons]
      XCTAssertGreaterThanOrEqual(end, 2000, "the rest lasts a few thousand steps")
      // The 1,500 steps before the jump: four features near 1/2 and the fifth near 0.
      let window = dynamics.steps.indices.filter { dynamics.steps[$0] >= end - 1500 && dynamics.steps[$0] <= end }
      XCTAssertGreaterThan(window.count, 10)
      for record in window {
        let values = dynamics.dimensionality[record].sorted()
        XCTAssertLessThan(values[0], 0.15, "step \(dynamics.steps[record]): one feature almost dropped, \(values)")
        for value in values.dropFirst() {
          XCTAssertEqual(value, 0.5, accuracy: 0.07, "step \(dynamics.steps[record]): digons, \(values)")
        }
        XCTAssertGreaterThanOrEqual(dynamics.count(at: record, near: 0.5), 2, "at least two exactly at 1/2")
      }
      let earlier = dynamics.meanLoss(from: end - 1500, to: end - 500)
      let later = dynamics.meanLoss(from: end - 500, to: end)
      XCTAssertEqual(later / earlier, 1, accuracy: 0.1, "the loss stays flat on the level: \(earlier) → \(later)")
    }
  }

  /// "then, within a few hundred steps, every feature jumps to 2/5 (the pentagon) and the
  /// loss drops by more than a third".
  func testDynamicsJumpsToThePentagonWithALossDrop() throws {
    try checkClaim("08-dynamics") { run in
      let (dynamics, pentagon, digons) = try energyLevels(run)
      let (from, to) = (dynamics.steps[digons], dynamics.steps[pentagon])
      XCTAssertLessThanOrEqual(to - from, 600, "the jump takes a few hundred steps: \(from) → \(to)")
      let before = dynamics.meanLoss(from: from - 500, to: from)
      let after = dynamics.meanLoss(from: to, to: to + 500)
      XCTAssertLessThan(after / before, 2.0 / 3, "the loss drops by more than a third: \(before) → \(after)")
    }
  }

  /// "at the end every feature is at 2/5".
  func testDynamicsEndsAsAPentagon() throws {
    try checkClaim("08-dynamics") { run in
      let values = try XCTUnwrap(try run.printed("print dimensionality").first)
      XCTAssertEqual(values.count, 5)
      for value in values { XCTAssertEqual(value, 0.4, accuracy: 0.02, "D_i = 2/5: \(values)") }
    }
  }

  /// "at the end every feature is at D_i = 1/2: three antipodal pairs on three orthogonal
  /// lines, an octahedron".
  func testDynamicsCorrelatedSetsEndAsAnOctahedron() throws {
    try checkClaim("08-dynamics") { run in
      let values = try XCTUnwrap(try run.printed("print dimensionality", occurrence: 1).first)
      XCTAssertEqual(values.count, 6)
      for value in values { XCTAssertEqual(value, 0.5, accuracy: 0.02, "D_i = 1/2: \(values)") }
      let wtw = try wtw(run)
      for i in 0..<6 {
        XCTAssertEqual(wtw[i][i], 1, accuracy: 0.05, "unit norms")
        let partners = (0..<6).filter { wtw[i][$0] < -0.95 }
        XCTAssertEqual(partners.count, 1, "feature \(i) has one antipodal partner")
        for j in 0..<6 where j != i && !partners.contains(j) {
          XCTAssertEqual(wtw[i][j], 0, accuracy: 0.1, "the three lines are orthogonal")
        }
      }
    }
  }

  /// "each antipodal pair joins a feature of one set with a feature of the other …, and
  /// features of the same set sit at right angles".
  func testDynamicsOctahedronPairsMixTheSets() throws {
    try checkClaim("08-dynamics") { run in
      let wtw = try wtw(run)
      let sets = [0..<3, 3..<6]
      for set in sets {
        for i in set {
          for j in set where j != i { XCTAssertEqual(wtw[i][j], 0, accuracy: 0.1, "same set: right angles") }
          let partner = try XCTUnwrap((0..<6).first { wtw[i][$0] < -0.95 })
          XCTAssertFalse(set.contains(partner), "feature \(i)'s partner \(partner) is in the other set")
        }
      }
    }
  }

  func wtw(_ run: ToyRun) throws -> [[Double]] {
    let panels: [[String: Any]] = try run.data("show wtw")
    return try XCTUnwrap(panels.first?["wtw"] as? [[Double]])
  }

  // MARK: 09-adversarial

  func vulnerability(_ run: ToyRun) throws -> (
    vulnerability: [Double], features: [Double], inverseDensity: [Double]
  ) {
    let data: [String: Any] = try run.data("show vulnerability")
    return (
      try XCTUnwrap(data["vulnerability"] as? [Double]), try XCTUnwrap(data["features_per_dimension"] as? [Double]),
      try XCTUnwrap(data["inverse_density"] as? [Double])
    )
  }

  /// "left, vulnerability starts at 1 when the features are dense and rises to about 4 as
  /// features go into superposition".
  func testVulnerabilityRisesFromOneToAboutFour() throws {
    try checkClaim("09-adversarial") { run in
      let (vulnerability, _, inverseDensity) = try vulnerability(run)
      let dense = try XCTUnwrap(inverseDensity.indices.min { inverseDensity[$0] < inverseDensity[$1] })
      XCTAssertEqual(inverseDensity[dense], 1, accuracy: 1e-9)
      XCTAssertEqual(vulnerability[dense], 1, accuracy: 0.1, "dense: no worse than the baseline")
      let peak = try XCTUnwrap(vulnerability.max())
      XCTAssertEqual(peak, 4, accuracy: 0.75, "rises to about 4: \(vulnerability)")
      // It rises, rather than peaking and falling back: the sparsest third stays above 3.
      let sparse = inverseDensity.indices.sorted { inverseDensity[$0] > inverseDensity[$1] }.prefix(4)
      for i in sparse { XCTAssertGreaterThan(vulnerability[i], 3, "1/(1−S) = \(inverseDensity[i])") }
    }
  }

  /// "right, the features per dimension ‖W‖_F²/m rise from 1 to about 5: the two curves
  /// rise together".
  func testVulnerabilityTracksFeaturesPerDimension() throws {
    try checkClaim("09-adversarial") { run in
      let (vulnerability, features, inverseDensity) = try vulnerability(run)
      let dense = try XCTUnwrap(inverseDensity.indices.min { inverseDensity[$0] < inverseDensity[$1] })
      XCTAssertEqual(features[dense], 1, accuracy: 0.1)
      XCTAssertEqual(try XCTUnwrap(features.max()), 5, accuracy: 0.75, "\(features)")
      let r = Vectors.correlation(vulnerability, features)
      XCTAssertGreaterThan(r, 0.9, "the curves rise together: correlation \(r)")
    }
  }
}
