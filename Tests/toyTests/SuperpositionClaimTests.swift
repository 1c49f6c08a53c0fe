import Foundation
import XCTest

/// The claims of examples 02 (linear against ReLU), 03 (the notebook's sweep) and 05 (uniform
/// geometry), read from the numbers of their full runs.
final class SuperpositionClaimTests: XCTestCase {
  /// The `index`-th display of `statement` as panels of `show wtw`: WᵀW and b per setting.
  func wtwPanels(_ run: ToyRun, _ statement: String, occurrence: Int = 0) throws -> [(wtw: [[Double]], b: [Double])] {
    let panels: [[String: Any]] = try run.data(statement, occurrence: occurrence)
    return try panels.map { (try XCTUnwrap($0["wtw"] as? [[Double]]), try XCTUnwrap($0["b"] as? [Double])) }
  }

  func normPanels(_ run: ToyRun, _ statement: String, occurrence: Int = 0) throws -> [(
    norms: [Double], superposition: [Double]
  )] {
    let panels: [[String: Any]] = try run.data(statement, occurrence: occurrence)
    return try panels.map {
      (try XCTUnwrap($0["norms"] as? [Double]), ($0["superposition"] as? [Any] ?? []).map { $0 as? Double ?? 0 })
    }
  }

  // MARK: 02-linear-vs-relu

  /// "the linear model keeps exactly the five most important features, whatever the
  /// sparsity (here 1−S = 0.001): WᵀW is the identity on them, zero elsewhere".
  func testLinearModelKeepsTheTopFiveOrthogonally() throws {
    try checkClaim("02-linear-vs-relu") { run in
      let (wtw, _) = try XCTUnwrap(try wtwPanels(run, "show wtw").first)
      for i in 0..<20 {
        for j in 0..<20 {
          let expected = i == j && i < 5 ? 1.0 : 0.0
          XCTAssertEqual(wtw[i][j], expected, accuracy: 0.1, "WᵀW[\(i)][\(j)]")
        }
      }
    }
  }

  /// "the ReLU model does the same when dense, then, as sparsity grows, lets less important
  /// features in, in superposition: off-diagonal entries appear, the bars past the mark grow,
  /// and the biases turn negative to filter out the interference".
  func testReLUModelSuperposesAsSparsityGrows() throws {
    try checkClaim("02-linear-vs-relu") { run in
      let panels = try wtwPanels(run, "show wtw instance=[0, 2, 4, 6]")
      let norms = try normPanels(run, "show norms", occurrence: 1)
      XCTAssertEqual(norms.count, 7)
      // Dense: the top five on their own, nothing else.
      for f in 0..<5 { XCTAssertEqual(norms[0].norms[f], 1, accuracy: 0.1, "dense: feature \(f) kept") }
      for f in 5..<20 { XCTAssertLessThan(norms[0].norms[f], 0.15, "dense: feature \(f) dropped") }
      // Sparser: more features past the mark, and larger off-diagonal entries.
      let pastMark = norms.map { $0.norms[5...].filter { $0 > 0.5 }.count }
      XCTAssertEqual(pastMark.first, 0)
      XCTAssertGreaterThanOrEqual(pastMark.last ?? 0, 5, "1−S = 0.001: \(pastMark)")
      XCTAssertEqual(pastMark, pastMark.sorted(), "the bars past the mark grow with sparsity: \(pastMark)")
      let offDiagonal = panels.map { panel in
        panel.wtw.indices.flatMap { i in panel.wtw.indices.filter { $0 != i }.map { abs(panel.wtw[i][$0]) } }.max() ?? 0
      }
      XCTAssertLessThan(offDiagonal[0], 0.1, "dense: no off-diagonal entries")
      XCTAssertGreaterThan(offDiagonal[3], 0.5, "sparse: off-diagonal entries appear")
      // The sparsest panel's represented features have negative biases, clearly below zero.
      let sparsest = try XCTUnwrap(panels.last)
      let represented = (0..<20).filter { sparsest.wtw[$0][$0] > 0.25 }
      let meanBias = Vectors.mean(represented.map { sparsest.b[$0] })
      XCTAssertLessThan(meanBias, -0.05, "sparse: negative biases, \(represented.map { sparsest.b[$0] })")
    }
  }

  // MARK: 03-notebook-sweep

  /// "dense: exactly the twenty most important features are kept (bars up to the mark), each
  /// in its own dimension (WᵀW is the identity there)".
  func testNotebookSweepDenseKeepsTheTopTwenty() throws {
    try checkClaim("03-notebook-sweep") { run in
      let dense = try XCTUnwrap(try normPanels(run, "show norms instance=[0, 4, 8, 12, 16, 19]").first)
      for f in 0..<20 { XCTAssertGreaterThan(dense.norms[f], 0.9, "feature \(f) kept") }
      XCTAssertLessThan(dense.norms[20...].max() ?? 0, 0.5, "no feature past the mark is kept")
      XCTAssertLessThan(Vectors.mean(Array(dense.norms[20...])), 0.05)
      let (wtw, _) = try XCTUnwrap(try wtwPanels(run, "show wtw instance=[0, 10, 19]").first)
      for i in 0..<20 {
        for j in 0..<20 where j != i { XCTAssertEqual(wtw[i][j], 0, accuracy: 0.1, "identity on the top 20") }
      }
    }
  }

  /// "sparser: more and more features past the mark get a norm near 1, coloured as sharing
  /// their direction; WᵀW grows off-diagonal structure, mostly among the less important ones".
  func testNotebookSweepSparserFeaturesShareDirections() throws {
    try checkClaim("03-notebook-sweep") { run in
      let panels = try normPanels(run, "show norms instance=[0, 4, 8, 12, 16, 19]")
      let pastMark = panels.map { $0.norms[20...].filter { $0 > 0.8 }.count }
      XCTAssertEqual(pastMark, pastMark.sorted(), "more and more: \(pastMark)")
      XCTAssertGreaterThanOrEqual(pastMark.last ?? 0, 20)
      for panel in panels.dropFirst() {
        let kept = (20..<100).filter { panel.norms[$0] > 0.8 }
        let sharing = kept.filter { panel.superposition[$0] > 0.5 }
        XCTAssertGreaterThan(2 * sharing.count, kept.count, "most of them share their direction")
      }
      for (wtw, _) in try wtwPanels(run, "show wtw instance=[0, 10, 19]").dropFirst() {
        var top = 0.0
        var rest = 0.0
        for i in 0..<100 {
          for j in 0..<100 where j != i {
            if i < 20 && j < 20 { top += abs(wtw[i][j]) } else { rest += abs(wtw[i][j]) }
          }
        }
        XCTAssertGreaterThan(rest, 2 * top, "off-diagonal mass mostly among the less important")
      }
    }
  }

  // MARK: 05-uniform-geometry

  /// "dimensions per feature m/‖W‖_F² against 1/(1−S) is sticky: it sits at 1 while the
  /// features are dense, then drops to a long plateau at 1/2 …, before falling further".
  func testUniformGeometryIsStickyAtOneAndOneHalf() throws {
    try checkClaim("05-uniform-geometry") { run in
      let data: [String: Any] = try run.data("show dims")
      let dims = try XCTUnwrap(data["dimensions_per_feature"] as? [Double])
      XCTAssertEqual(dims[0], 1, accuracy: 0.02, "dense: one dimension per feature")
      XCTAssertEqual(dims[1], 1, accuracy: 0.02, "and sticky there")
      var longest = 0
      var run = 0
      for d in dims {
        run = abs(d - 0.5) < 0.03 ? run + 1 : 0
        longest = max(longest, run)
      }
      XCTAssertGreaterThanOrEqual(longest, 3, "a plateau at 1/2: \(dims)")
      XCTAssertLessThan(try XCTUnwrap(dims.last), 0.25, "then falls further")
    }
  }

  /// "each feature's dimensionality D_i clusters at the fractions of tight frames …, and 0
  /// for features not learned".
  func testUniformGeometryDimensionalitiesClusterAtFractions() throws {
    try checkClaim("05-uniform-geometry") { run in
      let data: [String: Any] = try run.data("show dimensionality")
      let x = try XCTUnwrap(data["inverse_density"] as? [Double])
      let d = try XCTUnwrap(data["dimensionality"] as? [Double])
      let settings = Set(x).sorted()
      for (name, fraction) in [("2/3", 2.0 / 3), ("1/2", 0.5), ("2/5", 0.4), ("3/8", 0.375), ("1/3", 1.0 / 3)] {
        let cluster = settings.map { s in zip(x, d).filter { $0.0 == s && abs($0.1 - fraction) < 0.02 }.count }.max()
        XCTAssertGreaterThanOrEqual(cluster ?? 0, 8, "a cluster of D_i at \(name)")
      }
      let zeros = zip(x, d).filter { $0.0 == settings.last && $0.1 < 0.02 }.count
      XCTAssertGreaterThan(zeros, 40, "features not learned at D_i = 0")
    }
  }
}
