import Foundation
import XCTest

/// The claims of examples/04-phase-change.toy: the trained phases per grid point against the
/// closed-form candidates of paper-notes §3.4, derived here independently.
final class PhaseClaimTests: XCTestCase {
  struct Grid {
    let r: [Double]
    let s: [Double]
    /// phase[density row][importance column], dense rows first.
    let phase: [[String]]

    init(_ data: [String: Any]) throws {
      r = try XCTUnwrap(data["relative_importance"] as? [Double])
      s = try XCTUnwrap(data["density"] as? [Double])
      phase = try XCTUnwrap(data["phase"] as? [[String]])
    }

    /// The cheapest candidate at (r, s): per-example losses with s = 1−S.
    static func theory(features: Int, r: Double, s: Double) -> String {
      let dropped = s / 3 - s * s / 4
      var losses = ["not represented": r * dropped, "superposition": (1 + r) * s * s / 6]
      if features == 2 {
        losses["dedicated dimension"] = dropped
      } else {
        losses["dedicated, a regular dropped"] = dropped
        losses["dedicated, regular pair antipodal"] = s * s / 3
      }
      return losses.min { $0.value < $1.value }!.key
    }

    func theory(features: Int) -> [[String]] {
      s.map { s in r.map { Self.theory(features: features, r: $0, s: s) } }
    }

    /// The points where the trained phase is not the theory's.
    func disagreements(features: Int) -> [(row: Int, column: Int)] {
      let theory = theory(features: features)
      return phase.indices.flatMap { i in phase[i].indices.filter { theory[i][$0] != phase[i][$0] }.map { (i, $0) } }
    }
  }

  func grid(_ run: ToyRun, occurrence: Int) throws -> Grid {
    try Grid(try run.data("show phase", occurrence: occurrence))
  }

  /// "three regions meeting at sharp boundaries: the extra feature ignored (grey, unimportant
  /// and dense), given its own dimension (blue, important and dense), or stored in
  /// superposition with the other feature (red, sparse)".
  func testPhaseChangeHasThreeRegionsWithSharpBoundaries() throws {
    try checkClaim("04-phase-change") { run in
      let grid = try grid(run, occurrence: 0)
      let (ignored, own, shared) = ("not represented", "dedicated dimension", "superposition")
      XCTAssertEqual(grid.phase.first?.first, ignored, "dense and unimportant: ignored")
      XCTAssertEqual(grid.phase.first?.last, own, "dense and important: its own dimension")
      XCTAssertEqual(Set(grid.phase.last ?? []), [shared], "sparse: superposition")
      // Each row runs ignored → superposition → own dimension, each a single stretch.
      let order = [ignored, shared, own]
      for (i, row) in grid.phase.enumerated() {
        let ranks = row.map { order.firstIndex(of: $0) ?? -1 }
        XCTAssertFalse(ranks.contains(-1), "row \(i): \(row)")
        XCTAssertEqual(ranks, ranks.sorted(), "row \(i) has one boundary per pair of regions: \(row)")
      }
    }
  }

  /// "the trained diagram follows the theory's boundaries, off at most at a point or two
  /// next to a boundary".
  func testPhaseChangeTrainedFollowsTheTheory() throws {
    try checkClaim("04-phase-change") { run in
      let grid = try grid(run, occurrence: 0)
      let theory = grid.theory(features: 2)
      let off = grid.disagreements(features: 2)
      XCTAssertLessThanOrEqual(off.count, 2, "points off the theory: \(off)")
      for (i, j) in off {
        let neighbours = [(i - 1, j), (i + 1, j), (i, j - 1), (i, j + 1)].filter {
          theory.indices.contains($0.0) && theory[0].indices.contains($0.1)
        }
        XCTAssertTrue(neighbours.contains { theory[$0.0][$0.1] != theory[i][j] }, "(\(i), \(j)) is next to a boundary")
      }
    }
  }

  /// "the trained diagram matches the theory at most points but not all: where it differs,
  /// the fourth candidate is involved".
  func testPhaseChangeThreeInTwoDiffersOnlyOverTheFourthCandidate() throws {
    try checkClaim("04-phase-change") { run in
      let grid = try grid(run, occurrence: 1)
      let theory = grid.theory(features: 3)
      let off = grid.disagreements(features: 3)
      XCTAssertGreaterThan(off.count, 0, "not all points")
      XCTAssertLessThanOrEqual(off.count, 25, "most points agree: \(off.count) of 100 differ")
      let fourth = "dedicated, regular pair antipodal"
      for (i, j) in off {
        XCTAssertTrue(
          theory[i][j] == fourth || grid.phase[i][j] == fourth,
          "(\(i), \(j)): theory \(theory[i][j]), trained \(grid.phase[i][j])")
      }
    }
  }

  /// Paper §3.4: toy's theory panel is the cheapest candidate, derived here from the
  /// candidates' losses; trained models far from the boundaries land in the theory's phase.
  func testPhaseChangeOnAFourPointGridFarFromTheBoundaries() throws {
    let script = """
      model n=2 m=1 importance=[1, r] density=s seeds=10 for r in [0.1, 10], s in [1, 0.01]
      train 10000
      show phase
      model n=3 m=2 importance=[1, 1, r] density=s seeds=4 for r in [0.1, 10], s in [1, 0.01]
      train 3000
      show phase
      """
    let run = try ToyRun.of(["-e", script])
    for (occurrence, features) in [(0, 2), (1, 3)] {
      let data: [String: Any] = try run.data("show phase", occurrence: occurrence)
      let theory = try XCTUnwrap(data["theory"] as? [String: Any])
      let rs = try XCTUnwrap(theory["relative_importance"] as? [Double])
      let ss = try XCTUnwrap(theory["density"] as? [Double])
      let cells = try XCTUnwrap(theory["cells"] as? [[Double]])
      let names = try XCTUnwrap(theory["categories"] as? [String])
      var agree = 0
      for (row, rowDensity) in ss.enumerated() {
        // Rows past density 1 (the axes reach half a step past the sweep) are the theory at 1.
        let s = min(rowDensity, 1)
        for (column, r) in rs.enumerated() {
          // The cheapest candidate in closed form (paper-notes §3.4), derived in the test.
          let best = Grid.theory(features: features, r: r, s: s)
          if names[Int(cells[row][column])] == best { agree += 1 }
        }
      }
      XCTAssertGreaterThanOrEqual(Double(agree), 0.99 * Double(rs.count * ss.count), "n=\(features) theory")
      guard features == 2 else { continue }
      // Empirical rows run from dense to sparse, columns from r = 0.1 to 10.
      let norm = try XCTUnwrap(data["norm"] as? [[Double]])
      let superposition = try XCTUnwrap(data["superposition"] as? [[Double]])
      XCTAssertLessThan(norm[0][0], 0.25, "dense, unimportant: the extra feature is ignored")
      XCTAssertGreaterThan(norm[0][1], 0.75, "dense, important: a dimension of its own")
      XCTAssertLessThan(superposition[0][1], 0.5, "dense, important: not shared")
      XCTAssertGreaterThan(norm[1][1], 0.75, "sparse, important: represented")
      XCTAssertGreaterThan(superposition[1][1], 0.5, "sparse, important: in superposition")
      // The best seed's candidate, and the fraction of the ten seeds in each.
      let phase = try XCTUnwrap(data["phase"] as? [[String]])
      XCTAssertEqual(phase[0], ["not represented", "dedicated dimension"])
      XCTAssertEqual(phase[1][1], "superposition")
      let fractions = try XCTUnwrap(data["fractions"] as? [String: [[Double]]])
      for (row, column) in [(0, 0), (0, 1), (1, 0), (1, 1)] {
        let total = fractions.values.reduce(0) { $0 + $1[row][column] }
        XCTAssertEqual(total, 1, accuracy: 1e-9, "the fractions at (\(row), \(column)) add up")
        XCTAssertGreaterThanOrEqual(try XCTUnwrap(fractions[phase[row][column]])[row][column], 0.1)
      }
    }
  }
}
