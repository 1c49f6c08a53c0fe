import ToyCore
import XCTest

/// Reading a trained seed's candidate from its weights (§3.4), against hand-built solutions,
/// and the per-point summary: the best seed and the fraction of seeds in each candidate.
final class AnalysisTrainedPhaseTests: XCTestCase {
  private let c = 0.5.squareRoot()

  func testTwoInOneCandidatesFromHandBuiltWeights() {
    let setting = PhaseChange.twoInOne
    XCTAssertEqual(setting.solution(of: [[1], [0]]), .ignoreExtra)
    XCTAssertEqual(setting.solution(of: [[-0.98], [0.03]]), .ignoreExtra, "sign and small noise do not matter")
    XCTAssertEqual(setting.solution(of: [[0], [1]]), .ignoreRegular)
    XCTAssertEqual(setting.solution(of: [[1], [-1]]), .extraAntipodal)
    XCTAssertEqual(setting.solution(of: [[-0.9], [0.7]]), .extraAntipodal)
    XCTAssertNil(setting.solution(of: [[c], [c]]), "McGrath's confused feature: both on one side")
    XCTAssertNil(setting.solution(of: [[0.1], [0.2]]), "nothing represented")
    XCTAssertNil(setting.solution(of: [[1], [0], [0]]), "three rows are not this setting")
  }

  func testThreeInTwoCandidatesFromHandBuiltWeights() {
    let setting = PhaseChange.threeInTwo
    // Each named by the vector W is orthogonal to (paper-notes §3.4), in a rotated basis.
    XCTAssertEqual(setting.solution(of: [[c, c], [-c, c], [0, 0]]), .ignoreExtra, "⊥ [0,0,1]")
    XCTAssertEqual(setting.solution(of: [[0, 0], [1, 0], [0, 1]]), .ignoreRegular, "⊥ [1,0,0]")
    XCTAssertEqual(setting.solution(of: [[1, 0], [0, 0], [0, -1]]), .ignoreRegular, "⊥ [0,1,0]: the other regular")
    XCTAssertEqual(setting.solution(of: [[0, 1], [1, 0], [-1, 0]]), .extraAntipodal, "⊥ [0,1,1]")
    XCTAssertEqual(setting.solution(of: [[1, 0], [0, 1], [-1, 0]]), .extraAntipodal, "⊥ [1,0,1]")
    XCTAssertEqual(setting.solution(of: [[1, 0], [-1, 0], [0, 1]]), .regularAntipodal, "⊥ [1,1,0]")
    // Not candidates: the excluded triangle ⊥ [1,1,1], the regular pair antipodal with the
    // extra ignored, and two features along one direction.
    let third = 2 * Double.pi / 3
    XCTAssertNil(setting.solution(of: (0..<3).map { [cos(third * Double($0)), sin(third * Double($0))] }))
    XCTAssertNil(setting.solution(of: [[1, 0], [-1, 0], [0, 0]]))
    XCTAssertNil(setting.solution(of: [[1, 0], [1, 0], [0, 1]]))
  }

  /// Two settings of four seeds, built by hand with known losses: setting 0 splits two and
  /// two between the antipodal pair and ignoring the extra feature; setting 1 agrees.
  func testSeedsThatSplitShowTheirFractionsAndTheBestSeed() throws {
    let (p, r): (Float, Float) = (0.05, 1)
    let (settings, seeds) = (2, 4)
    var model = try ToyModel(
      kind: .relu, n: 2, m: 1, importance: [[Float]](repeating: [1, r], count: settings * seeds),
      density: [[Float]](repeating: [p, p], count: settings * seeds))
    // At p = 0.05 and r = 1 the antipodal pair ((1+r)p²/6 ≈ 0.0008) beats ignoring a feature
    // (r(p/3 − p²/4) ≈ 0.016); a weaker antipodal pair costs more than the full one.
    let antipodal = (weights: [[Float(1)], [-1]], bias: [Float(0), 0])
    let weakAntipodal = (weights: [[Float(0.8)], [-0.8]], bias: [Float(0), 0])
    let ignoreExtra = (weights: [[Float(1)], [0]], bias: [Float(0), p / 2])
    let candidates =
      [ignoreExtra, weakAntipodal, ignoreExtra, antipodal] + [antipodal, weakAntipodal, antipodal, antipodal]
    for (instance, candidate) in candidates.enumerated() {
      model.setParameters(instance: instance, weights: candidate.weights, bias: candidate.bias)
    }
    let points = PhaseChange.twoInOne.trainedPoints(model, seeds: seeds, samples: 8_192)
    XCTAssertEqual(points.count, 2)
    XCTAssertEqual(points[0].seeds.map(\.instance), [0, 1, 2, 3])
    XCTAssertEqual(points[0].seeds.map(\.solution), [.ignoreExtra, .extraAntipodal, .ignoreExtra, .extraAntipodal])
    XCTAssertEqual(points[0].best, 3, "the full antipodal pair has the lowest loss")
    XCTAssertEqual(points[0].solution, .extraAntipodal)
    XCTAssertEqual(points[0].fraction(of: .extraAntipodal), 0.5)
    XCTAssertEqual(points[0].fraction(of: .ignoreExtra), 0.5)
    XCTAssertEqual(points[0].fraction(of: .ignoreRegular), 0)
    XCTAssertEqual(points[0].fraction(of: nil), 0)
    XCTAssertEqual(points[0].bestSeed.norm, 1, accuracy: 1e-6)
    XCTAssertEqual(points[0].bestSeed.superposition, 1, accuracy: 1e-6)
    XCTAssertEqual(points[1].seeds.map(\.instance), [4, 5, 6, 7])
    XCTAssertEqual(points[1].fraction(of: .extraAntipodal), 1)
    XCTAssertEqual(points[1].best, 0, "ties go to the lower seed")
    // The best seed is the one every other view shows.
    XCTAssertEqual(points.map { $0.bestSeed.instance }, model.bestOf(seeds: seeds, samples: 8_192))
  }

  /// The one rule for a point's phase: the seed with the lowest loss on the evaluation batch
  /// (not the loss of the last training steps, which a model set by hand does not have; not an
  /// average). Three hand-built seeds whose losses are known in closed form, per example and
  /// feature: at s = 0.05, r = 2, dropping the extra feature costs r(s/3 − s²/4)/2 ≈ 0.0160,
  /// dropping the regular one (s/3 − s²/4)/2 ≈ 0.0080, the antipodal pair (1+r)s²/6/2 ≈ 0.00063.
  func testThePointIsTheSeedWithTheLowestEvaluationLoss() throws {
    let (s, r): (Double, Double) = (0.05, 2)
    var model = try ToyModel(
      kind: .relu, n: 2, m: 1, importance: [[Float]](repeating: [1, Float(r)], count: 3),
      density: [[Float]](repeating: [Float(s), Float(s)], count: 3))
    let seeds = [
      (weights: [[Float(1)], [0]], bias: [Float(0), Float(s / 2)]),
      (weights: [[Float(0)], [1]], bias: [Float(s / 2), 0]),
      (weights: [[Float(1)], [-1]], bias: [Float(0), 0]),
    ]
    for (instance, seed) in seeds.enumerated() {
      model.setParameters(instance: instance, weights: seed.weights, bias: seed.bias)
    }
    XCTAssertNil(model.recentLoss(instance: 0), "set by hand: no training loss to rank by")
    let dropped = s / 3 - s * s / 4
    let expected = [r * dropped / 2, dropped / 2, (1 + r) * s * s / 6 / 2]
    let point = PhaseChange.twoInOne.trainedPoints(model, seeds: 3, samples: 65_536)[0]
    for (seed, want) in zip(point.seeds, expected) {
      // About 160 samples have both features on: the antipodal loss is good to about 10%.
      XCTAssertEqual(seed.loss, want, accuracy: 0.3 * want, "seed \(seed.instance): \(seed.loss) vs \(want)")
    }
    XCTAssertEqual(point.seeds.map(\.solution), [.ignoreExtra, .ignoreRegular, .extraAntipodal])
    XCTAssertEqual(point.best, 2)
    XCTAssertEqual(point.solution, .extraAntipodal)
    XCTAssertEqual(point.best, SeedSelection.best(losses: point.seeds.map(\.loss), seeds: 3)[0])
  }
}
