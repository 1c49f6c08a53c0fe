import ToyCore
import XCTest

/// The phase-change closed forms (§3.4) against Monte-Carlo losses of hand-built models
/// drawn from the model's own generator, and the winner map against hand-derived boundaries.
final class AnalysisPhaseChangeTests: XCTestCase {
  private let samples = 400_000

  /// One instance per candidate, built by hand from its description, evaluated on the
  /// fixed evaluation batch; returns (candidate, Monte-Carlo loss per example, closed form).
  ///
  /// The tolerance is 5σ of the sample mean with σ² bounded by E[L²] ≤ max(L)·E[L]: every
  /// output and target lies in [0, 1], so each squared error is at most 1 and the
  /// per-example loss at most ΣI_f.
  private func checkMonteCarlo(
    _ setting: PhaseChange, r: Float, s: Float,
    candidates: [(PhaseChange.Solution, weights: [[Float]], bias: [Float])],
    line: UInt = #line
  ) throws {
    let n = setting.featureCount
    var importance = [Float](repeating: 1, count: n)
    importance[n - 1] = r
    var model = try ToyModel(
      kind: .relu, n: n, m: setting.hiddenCount,
      importance: [[Float]](repeating: importance, count: candidates.count),
      density: [[Float]](repeating: [Float](repeating: s, count: n), count: candidates.count), seed: 3)
    for (instance, candidate) in candidates.enumerated() {
      model.setParameters(instance: instance, weights: candidate.weights, bias: candidate.bias)
    }
    // The notebook's per-instance loss averages over features: × n gives the paper's per-example sum.
    let measured = model.evaluationLoss(samples: samples).map { $0 * Double(n) }
    let point = setting.candidates(relativeImportance: Double(r), density: Double(s))
    XCTAssertEqual(Set(candidates.map(\.0)), Set(setting.solutions), "every candidate is checked", line: line)
    let maxLoss = Double(importance.reduce(0, +))
    for (instance, candidate) in candidates.enumerated() {
      let expected = try XCTUnwrap(point.loss(of: candidate.0))
      let tolerance = 5 * (maxLoss * expected / Double(samples)).squareRoot()
      XCTAssert(
        Swift.abs(measured[instance] - expected) <= tolerance,
        "\(setting) \(candidate.0) at r=\(r), s=\(s): Monte Carlo \(measured[instance]), closed form \(expected), "
          + "difference \(Swift.abs(measured[instance] - expected)), tolerance \(tolerance)", line: line)
    }
  }

  func testTwoInOneClosedFormsMatchMonteCarlo() throws {
    for (r, s) in [(Float(2), Float(0.3)), (0.5, 1)] {
      let mean = s / 2
      try checkMonteCarlo(
        .twoInOne, r: r, s: s,
        candidates: [
          (.ignoreExtra, weights: [[1], [0]], bias: [0, mean]),
          (.ignoreRegular, weights: [[0], [1]], bias: [mean, 0]),
          (.extraAntipodal, weights: [[1], [-1]], bias: [0, 0]),
        ])
    }
  }

  func testThreeInTwoClosedFormsMatchMonteCarlo() throws {
    let (r, s): (Float, Float) = (3, 0.3)
    let mean = s / 2
    // Each W is orthogonal to the vector that names the candidate: W·v = Σ_f v_f·row_f = 0.
    try checkMonteCarlo(
      .threeInTwo, r: r, s: s,
      candidates: [
        (.ignoreExtra, weights: [[1, 0], [0, 1], [0, 0]], bias: [0, 0, mean]),  // ⊥ [0,0,1]
        (.ignoreRegular, weights: [[0, 0], [1, 0], [0, 1]], bias: [mean, 0, 0]),  // ⊥ [1,0,0]
        (.extraAntipodal, weights: [[1, 0], [0, 1], [0, -1]], bias: [0, 0, 0]),  // ⊥ [0,1,1]
        (.regularAntipodal, weights: [[0, 1], [0, -1], [1, 0]], bias: [0, 0, 0]),  // ⊥ [1,1,0]
      ])
  }

  /// The notes' two statistic checks, on the notebook's per-instance loss directly.
  func testNotebookPerInstanceLossIsThePerExampleLossOverN() throws {
    let (r, p): (Float, Float) = (0.5, 0.2)
    var model = try ToyModel(kind: .relu, n: 2, m: 1, importance: [[1, r], [1, r]], density: [[p, p], [p, p]])
    model.setParameters(instance: 0, weights: [[1], [-1]], bias: [0, 0])
    model.setParameters(instance: 1, weights: [[0], [0]], bias: [p / 2, p / 2])
    let measured = model.evaluationLoss(samples: samples)
    let (rd, pd) = (Double(r), Double(p))
    let expected = [(1 + rd) * pd * pd / 12, (1 + rd) * (pd / 3 - pd * pd / 4) / 2]
    for i in 0..<2 {
      // Per-instance loss ≤ ΣI/n per sample, so σ² ≤ (ΣI/n)·mean.
      let tolerance = 5 * ((1 + rd) / 2 * expected[i] / Double(samples)).squareRoot()
      XCTAssertEqual(measured[i], expected[i], accuracy: tolerance, "instance \(i), tolerance \(tolerance)")
    }
  }

  /// Boundaries solved by hand for n = 2: ignore extra = antipodal at r = 2s/(4 − 5s);
  /// ignore feature 0 = antipodal at r = 2/s − 5/2; the two "ignore" solutions tie at r = 1.
  func testTwoInOneWinnersEitherSideOfHandDerivedBoundaries() {
    let s = 0.1
    let extraVsAntipodal = 2 * s / (4 - 5 * s)
    let regularVsAntipodal = 2 / s - 2.5
    let cases: [(r: Double, s: Double, winner: PhaseChange.Solution)] = [
      (extraVsAntipodal * 0.9, s, .ignoreExtra),
      (extraVsAntipodal * 1.1, s, .extraAntipodal),
      (regularVsAntipodal * 0.9, s, .extraAntipodal),
      (regularVsAntipodal * 1.1, s, .ignoreRegular),
      (0.9, 1, .ignoreExtra),  // dense: one slot, keep the more important feature
      (1.1, 1, .ignoreRegular),
      (1, 0.01, .extraAntipodal),
    ]
    for c in cases {
      XCTAssertEqual(
        PhaseChange.twoInOne.candidates(relativeImportance: c.r, density: c.s).winner, c.winner,
        "r=\(c.r), s=\(c.s)")
    }
  }

  /// n = 3, m = 2: dense and r = 2 drops a regular feature (1/12 < 2/12 < 1/3 < 1/2); very
  /// sparse, an unimportant extra feature pairs with a regular one ((1+r)s²/6 < s²/3 when
  /// r < 1), an important one gets its own dimension and the regular pair goes antipodal.
  func testThreeInTwoWinnersAtHandCheckedPoints() {
    let cases: [(r: Double, s: Double, winner: PhaseChange.Solution)] = [
      (2, 1, .ignoreRegular),
      (0.5, 1, .ignoreExtra),
      (0.1, 0.01, .extraAntipodal),
      (10, 0.01, .regularAntipodal),
    ]
    for c in cases {
      XCTAssertEqual(
        PhaseChange.threeInTwo.candidates(relativeImportance: c.r, density: c.s).winner, c.winner,
        "r=\(c.r), s=\(c.s)")
    }
  }

  func testCandidatesFollowTheSettingAndTiesGoToTheEarlierOne() {
    let point = PhaseChange.twoInOne.candidates(relativeImportance: 1, density: 1)
    XCTAssertEqual(point.candidates.map(\.solution), [.ignoreExtra, .ignoreRegular, .extraAntipodal])
    XCTAssertNil(point.loss(of: .regularAntipodal))
    XCTAssertEqual(point.winner, .ignoreExtra, "at r = 1 both ignore solutions cost 1/12")
    XCTAssertEqual(PhaseChange.threeInTwo.solutions.count, 4)
    XCTAssertEqual(PhaseChange.threeInTwo.featureCount, 3)
    XCTAssertEqual(PhaseChange.threeInTwo.hiddenCount, 2)
  }
}
