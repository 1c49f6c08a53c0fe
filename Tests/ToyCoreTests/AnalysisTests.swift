import RealModule
import ToyCore
import XCTest

/// Feature geometry against shapes whose measurements are known in closed form
/// (paper-notes §1 "Measurements", tight frames give D_i = d/N) and against a direct
/// recomputation from the definitions.
final class AnalysisTests: XCTestCase {
  private let tolerance = 1e-12

  private func assertAll(_ values: [Double], equal expected: Double, _ what: String, line: UInt = #line) {
    let worst = values.map { Swift.abs($0 - expected) }.max() ?? 0
    XCTAssert(
      worst <= tolerance, "\(what): max |difference| \(worst) from \(expected) exceeds \(tolerance) in \(values)",
      line: line)
  }

  /// N unit vectors evenly spaced on the circle.
  private func polygon(_ count: Int) -> [[Double]] {
    (0..<count).map { k in
      let angle = 2 * Double.pi * Double(k) / Double(count)
      return [Double.cos(angle), Double.sin(angle)]
    }
  }

  func testRegularPentagonSharesTwoDimensionsFiveWays() {
    let g = FeatureGeometry(rows: polygon(5))
    assertAll(g.dimensionality, equal: 2.0 / 5, "pentagon D_i")
    assertAll(g.norms, equal: 1, "pentagon norms")
    // A unit tight frame of 5 in 2-D has Σ_j cos²θ_ij = 5/2, so the others contribute 5/2 − 1.
    assertAll(g.superposition, equal: 1.5, "pentagon superposition")
    assertAll(g.polysemanticity, equal: 1.5.squareRoot(), "pentagon polysemanticity")
    XCTAssertEqual(g.frobeniusSquared, 5, accuracy: tolerance)
    XCTAssertEqual(g.dimensionsPerFeature, 2.0 / 5, accuracy: tolerance)
    XCTAssertEqual(g.dimensionality.reduce(0, +), 2, accuracy: tolerance, "ΣD_i = m for a tight frame")
  }

  func testPolygonsGiveTwoOverK() {
    for k in 3...8 {
      assertAll(FeatureGeometry(rows: polygon(k)).dimensionality, equal: 2.0 / Double(k), "\(k)-gon D_i")
    }
  }

  func testAntipodalPairSharesOneDimension() {
    let g = FeatureGeometry(rows: [[1], [-1]])
    assertAll(g.dimensionality, equal: 0.5, "digon D_i")
    assertAll(g.superposition, equal: 1, "digon superposition")
    XCTAssertEqual(g.interference, [[1, -1], [-1, 1]])
  }

  func testOrthogonalFeaturesHaveTheirOwnDimensionAndAZeroRowGetsZero() {
    // Three features on axes of a 4-D space, a fourth not stored at all.
    let rows: [[Double]] = [[0, 2, 0, 0], [0.5, 0, 0, 0], [0, 0, 0, -1], [0, 0, 0, 0]]
    let g = FeatureGeometry(rows: rows)
    XCTAssertEqual(g.dimensionality, [1, 1, 1, 0])
    XCTAssertEqual(g.superposition, [0, 0, 0, 0])
    XCTAssertEqual(g.norms, [2, 0.5, 1, 0])
    XCTAssertEqual(g.frobeniusSquared, 4 + 0.25 + 1)
    XCTAssertEqual(g.dimensionsPerFeature, 4 / 5.25, accuracy: tolerance)
    XCTAssertFalse(g.dimensionality.contains { $0.isNaN } || g.superposition.contains { $0.isNaN })
  }

  /// A dropped feature (‖W_i‖ ≈ 1e-3, as training leaves them) in a 2-D model whose two
  /// kept features span the plane: measured along its random direction Ŵ_i the others
  /// would give Σ_j(Ŵ_i·W_j)² = 1, "fully shared"; below `representedNorm` it is not
  /// represented and reads 0, as D_i does. The threshold sits between 0.099 and 0.101.
  func testDroppedFeaturesHaveNoSuperposition() {
    let angle = 0.7
    let dropped = [1e-3 * Double.cos(angle), 1e-3 * Double.sin(angle)]
    let g = FeatureGeometry(rows: [[1, 0], [0, 1], dropped])
    XCTAssertEqual(g.superposition[2], 0, "dropped: not represented, so not shared")
    XCTAssertEqual(g.dimensionality[2], 0)
    XCTAssertEqual(g.polysemanticity[2], 0)
    // The kept features still see the dropped one's (tiny) interference: (1e-3 cos 0.7)².
    XCTAssertEqual(g.superposition[0], dropped[0] * dropped[0], accuracy: 1e-18)
    XCTAssertEqual(g.dimensionality[0], 1 / (1 + dropped[0] * dropped[0]), accuracy: 1e-15)

    let threshold = FeatureGeometry.representedNorm
    XCTAssertEqual(threshold, 0.1)
    let below = FeatureGeometry(rows: [[1, 0], [0.99 * threshold, 0]])
    let above = FeatureGeometry(rows: [[1, 0], [1.01 * threshold, 0]])
    XCTAssertEqual(below.superposition[1], 0)
    XCTAssertEqual(below.dimensionality[1], 0)
    // Just above, the definition: (Ŵ_1·W_0)² = 1 and D_1 = ‖W_1‖²/(1 + ‖W_1‖²).
    XCTAssertEqual(above.superposition[1], 1, accuracy: 1e-12)
    let squared = 1.01 * threshold * 1.01 * threshold
    XCTAssertEqual(above.dimensionality[1], squared / (1 + squared), accuracy: 1e-12)
  }

  func testAllZeroWeightsHaveNoNaN() {
    let g = FeatureGeometry(rows: [[Double]](repeating: [0, 0, 0], count: 4))
    XCTAssertEqual(g.dimensionality, [0, 0, 0, 0])
    XCTAssertEqual(g.polysemanticity, [0, 0, 0, 0])
    XCTAssertEqual(g.frobeniusSquared, 0)
    XCTAssertEqual(g.dimensionsPerFeature, .infinity)
  }

  func testRegularTetrahedronGivesThreeQuartersAtAnyScale() {
    let vertices: [[Double]] = [[1, 1, 1], [1, -1, -1], [-1, 1, -1], [-1, -1, 1]]
    for scale in [1 / 3.0.squareRoot(), 1.7] {
      let g = FeatureGeometry(rows: vertices.map { $0.map { $0 * scale } })
      assertAll(g.dimensionality, equal: 0.75, "tetrahedron D_i at scale \(scale)")
      XCTAssertEqual(g.dimensionality.reduce(0, +), 3, accuracy: tolerance)
    }
  }

  /// W with orthonormal columns is a Parseval frame: WWᵀ is a projection, so Σ_j(W_i·W_j)² =
  /// ‖W_i‖², D_i = ‖W_i‖² and ΣD_i = trace = m, even with unequal norms.
  func testParsevalFrameDimensionalitiesSumToM() {
    let (n, m) = (9, 4)
    let stream = RandomStream(key: 42)
    var columns = (0..<m).map { k in (0..<n).map { f in stream.normal(UInt64(k * n + f)) } }
    for k in 0..<m {
      for j in 0..<k {
        let dot = zip(columns[k], columns[j]).reduce(0) { $0 + $1.0 * $1.1 }
        columns[k] = zip(columns[k], columns[j]).map { $0 - dot * $1 }
      }
      let norm = columns[k].reduce(0) { $0 + $1 * $1 }.squareRoot()
      columns[k] = columns[k].map { $0 / norm }
    }
    let rows = (0..<n).map { f in (0..<m).map { k in columns[k][f] } }
    let g = FeatureGeometry(rows: rows)
    let worst = (0..<n).map { Swift.abs(g.dimensionality[$0] - g.norms[$0] * g.norms[$0]) }.max()!
    XCTAssert(worst < 1e-12, "D_i vs ‖W_i‖²: max difference \(worst), tolerance 1e-12")
    XCTAssertEqual(g.dimensionality.reduce(0, +), Double(m), accuracy: 1e-12)
    XCTAssertEqual(g.frobeniusSquared, Double(m), accuracy: 1e-12)
  }

  /// Every measurement recomputed from its definition on random rows.
  func testMeasurementsMatchTheirDefinitions() {
    let (n, m) = (7, 3)
    let stream = RandomStream(key: 7)
    let rows = (0..<n).map { f in (0..<m).map { k in stream.normal(UInt64(f * m + k)) } }
    let g = FeatureGeometry(rows: rows)
    let dot = { (a: [Double], b: [Double]) in zip(a, b).reduce(0) { $0 + $1.0 * $1.1 } }
    var worst = 0.0
    for i in 0..<n {
      let norm = dot(rows[i], rows[i]).squareRoot()
      let unit = rows[i].map { $0 / norm }
      let projections = rows.map { dot(unit, $0) * dot(unit, $0) }
      let others = projections.enumerated().filter { $0.offset != i }.reduce(0) { $0 + $1.element }
      worst = max(worst, Swift.abs(g.norms[i] - norm))
      worst = max(worst, Swift.abs(g.superposition[i] - others))
      worst = max(worst, Swift.abs(g.dimensionality[i] - norm * norm / projections.reduce(0, +)))
      for j in 0..<n { worst = max(worst, Swift.abs(g.interference[i][j] - dot(rows[i], rows[j]))) }
    }
    XCTAssert(worst < 1e-12, "max difference from the definitions \(worst), tolerance 1e-12")
    let entries = rows.flatMap { $0 }.reduce(0) { $0 + $1 * $1 }
    XCTAssertEqual(g.frobeniusSquared, entries, accuracy: 1e-12, "‖W‖_F² is the sum of squared entries")
    XCTAssertEqual(g.dimensionsPerFeature, Double(m) / entries, accuracy: 1e-12)
  }

  func testModelGeometryReadsTheStoredRows() throws {
    var model = try ToyModel(
      kind: .relu, n: 5, m: 2, importance: [[Float]](repeating: [1, 1, 1, 1, 1], count: 2),
      density: [[Float]](repeating: [0.05, 0.05, 0.05, 0.05, 0.05], count: 2))
    model.setParameters(instance: 1, weights: polygon(5).map { $0.map { Float($0) } }, bias: [0, 0, 0, 0, 0])
    let g = model.geometry(instance: 1)
    XCTAssertEqual(g.hiddenCount, 2)
    for d in g.dimensionality { XCTAssertEqual(d, 0.4, accuracy: 1e-6, "Float pentagon D_i") }

    // For abs the geometry is that of W₁ᵀ's rows, whatever W₂ holds.
    var abs = try ToyModel(kind: .abs, n: 2, m: 2, importance: [[1, 1]], density: [[1, 1]])
    abs.setParameters(instance: 0, weights: [[1, 0], [-1, 0]], outputWeights: [[1, 0], [0, 1]], bias: [0, 0])
    XCTAssertEqual(abs.geometry(instance: 0).dimensionality, [0.5, 0.5])
  }
}
