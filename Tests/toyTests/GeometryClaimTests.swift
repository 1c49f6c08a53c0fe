import Foundation
import XCTest

/// The claims of the examples drawn as 2-D geometry and as neurons: 01 (intro), 06
/// (non-uniform), 07 (correlated), 10 (privileged basis) and 12 (the tour), read from the
/// numbers of their full runs.
final class GeometryClaimTests: XCTestCase {
  /// The panels of a `show geometry` display: each feature's row W_i (2-D), per setting.
  func geometry(_ run: ToyRun, _ statement: String, occurrence: Int = 0) throws -> [[[Double]]] {
    try run.data(statement, occurrence: occurrence)
  }

  static func angle(_ v: [Double]) -> Double { atan2(v[1], v[0]) * 180 / .pi }

  /// The angle between two rows in degrees, 0…180.
  static func between(_ a: [Double], _ b: [Double]) -> Double {
    acos(max(-1, min(1, Vectors.cosine(a, b)))) * 180 / .pi
  }

  static func represented(_ panel: [[Double]]) -> [Int] { panel.indices.filter { Vectors.norm(panel[$0]) > 0.5 } }

  /// Whether `features` of a panel are two antipodal pairs on lines at right angles.
  static func isTwoAntipodalPairs(_ panel: [[Double]], _ features: [Int]) -> Bool {
    guard features.count == 4 else { return false }
    for f in features {
      let others = features.filter { $0 != f }
      let opposite = others.filter { between(panel[f], panel[$0]) > 170 }
      let square = others.filter { abs(between(panel[f], panel[$0]) - 90) < 10 }
      guard opposite.count == 1, square.count == 2 else { return false }
    }
    return true
  }

  /// Whether all five rows of a panel are represented and spread like a pentagon: the gaps
  /// between neighbouring angles are all 72° ± 10°.
  static func isPentagon(_ panel: [[Double]]) -> Bool {
    guard represented(panel).count == 5 else { return false }
    let angles = panel.map(angle).sorted()
    let gaps = angles.indices.map { i in i + 1 < angles.count ? angles[i + 1] - angles[i] : angles[0] + 360 - angles[i]
    }
    return gaps.allSatisfy { abs($0 - 72) < 10 }
  }

  // MARK: 01-intro

  /// "dense: the two most important features, at right angles; the other three dropped".
  func testIntroDenseKeepsTheTopTwoAtRightAngles() throws {
    try checkClaim("01-intro") { run in
      let dense = try XCTUnwrap(try geometry(run, "show geometry orient=canonical").first)
      XCTAssertEqual(Self.represented(dense), [0, 1])
      XCTAssertEqual(Self.between(dense[0], dense[1]), 90, accuracy: 5)
      for f in 2..<5 { XCTAssertLessThan(Vectors.norm(dense[f]), 0.1, "feature \(f) dropped") }
    }
  }

  /// "sparser: four features as two antipodal pairs (each pair shares a line)".
  func testIntroSparserFormsTwoAntipodalPairs() throws {
    try checkClaim("01-intro") { run in
      let panels = try geometry(run, "show geometry orient=canonical")
      let pairs = panels.indices.filter { Self.isTwoAntipodalPairs(panels[$0], Self.represented(panels[$0])) }
      XCTAssertGreaterThanOrEqual(pairs.count, 2, "settings with two antipodal pairs: \(pairs)")
      // Between the dense and the sparsest settings.
      XCTAssertTrue(pairs.allSatisfy { $0 > 0 && $0 < panels.count - 3 }, "\(pairs)")
    }
  }

  /// "sparsest: all five features as a pentagon: more features than dimensions".
  func testIntroSparsestIsAPentagon() throws {
    try checkClaim("01-intro") { run in
      let panels = try geometry(run, "show geometry orient=canonical")
      for (index, panel) in panels.enumerated().suffix(3) {
        XCTAssertTrue(Self.isPentagon(panel), "setting \(index): \(panel.map(Self.angle))")
      }
    }
  }

  // MARK: 06-nonuniform

  /// "k=1: the regular pentagon".
  func testNonUniformStartsAsARegularPentagon() throws {
    try checkClaim("06-nonuniform") { run in
      let panel = try XCTUnwrap(try geometry(run, "show geometry orient=canonical").first)
      XCTAssertTrue(Self.isPentagon(panel), "\(panel.map(Self.angle))")
    }
  }

  /// The angles from feature 0 to its two nearest neighbours, while it is represented.
  static func neighbourAngles(_ panel: [[Double]]) -> [Double] {
    (1..<5).map { between(panel[0], panel[$0]) }.sorted().prefix(2).map { $0 }
  }

  /// "as feature 0 gets sparser, its two neighbours close in on the space it leaves (their
  /// angle to it shrinks from 72° towards 66°)".
  func testNonUniformNeighboursCloseIn() throws {
    try checkClaim("06-nonuniform") { run in
      let panels = try geometry(run, "show geometry orient=canonical")
      let pentagons = panels.prefix { Vectors.norm($0[0]) > 0.5 }
      XCTAssertGreaterThanOrEqual(pentagons.count, 3)
      let angles = pentagons.map { Vectors.mean(Self.neighbourAngles($0)) }
      XCTAssertEqual(angles[0], 72, accuracy: 2)
      for (a, b) in zip(angles, angles.dropFirst()) { XCTAssertLessThan(b, a + 0.5, "shrinking: \(angles)") }
      XCTAssertLessThan(try XCTUnwrap(angles.last), 69, "closing in: \(angles)")
    }
  }

  /// "at some k the pentagon snaps: feature 0 drops to zero and the other four form two
  /// antipodal pairs (digons) at right angles. The crossing is abrupt, … here between k = 3
  /// and k = 4".
  func testNonUniformSnapsToDigonsBetweenThreeAndFour() throws {
    try checkClaim("06-nonuniform") { run in
      let panels = try geometry(run, "show geometry orient=canonical")
      let ks: [Double] = [1, 1.5, 2, 2.5, 3, 4, 6, 8]
      XCTAssertEqual(panels.count, ks.count)
      for (k, panel) in zip(ks, panels) {
        if k <= 3 {
          XCTAssertGreaterThan(Vectors.norm(panel[0]), 1, "k = \(k): feature 0 in the pentagon")
        } else {
          XCTAssertLessThan(Vectors.norm(panel[0]), 0.05, "k = \(k): feature 0 dropped")
          XCTAssertTrue(Self.isTwoAntipodalPairs(panel, [1, 2, 3, 4]), "k = \(k): two digons")
        }
      }
    }
  }

  // MARK: 07-correlated

  /// "two correlated pairs: the two members of a pair sit at right angles …, and each line
  /// is shared by one feature of each pair, antipodal".
  func testCorrelatedPairsSitAtRightAngles() throws {
    try checkClaim("07-correlated") { run in
      let panel = try XCTUnwrap(try geometry(run, "show geometry").first)
      XCTAssertEqual(Self.between(panel[0], panel[1]), 90, accuracy: 10)
      XCTAssertEqual(Self.between(panel[2], panel[3]), 90, accuracy: 10)
      for f in 0..<2 {
        let opposite = (2..<4).filter { Self.between(panel[f], panel[$0]) > 170 }
        XCTAssertEqual(opposite.count, 1, "feature \(f) shares its line with one of the other pair")
      }
    }
  }

  /// "two anti-correlated pairs: the two members of a pair are antipodal".
  func testAntiCorrelatedPairsAreAntipodal() throws {
    try checkClaim("07-correlated") { run in
      let panel = try XCTUnwrap(try geometry(run, "show geometry", occurrence: 1).first)
      XCTAssertGreaterThan(Self.between(panel[0], panel[1]), 170)
      XCTAssertGreaterThan(Self.between(panel[2], panel[3]), 170)
    }
  }

  /// "three correlated pairs: the pairs sit side by side, each pair's features next to each
  /// other round the circle".
  func testThreeCorrelatedPairsSitSideBySide() throws {
    try checkClaim("07-correlated") { run in
      let panel = try XCTUnwrap(try geometry(run, "show geometry", occurrence: 2).first)
      let order = (0..<6).sorted { Self.angle(panel[$0]) < Self.angle(panel[$1]) }
      for (i, f) in order.enumerated() {
        let neighbours = [order[(i + 5) % 6], order[(i + 1) % 6]]
        XCTAssertTrue(neighbours.contains(f ^ 1), "feature \(f) sits next to its partner, order \(order)")
      }
    }
  }

  // MARK: 10-privileged-basis

  /// One setting's features × neurons weights and what each neuron carries (a feature whose
  /// weight is at least a quarter of the neuron's largest, the example's definition).
  struct Neurons {
    let weights: [[Double]]

    func carried(by j: Int) -> [Int] {
      let largest = weights.map { abs($0[j]) }.max() ?? 0
      guard largest >= 0.05 else { return [] }
      return weights.indices.filter { abs(weights[$0][j]) >= 0.25 * largest }
    }

    var neurons: Range<Int> { 0..<(weights.first?.count ?? 0) }
    var represented: [Int] { weights.indices.filter { Vectors.norm(weights[$0]) > 0.5 } }
    /// The features with a neuron of their own (a neuron carrying them alone).
    var alone: Set<Int> { Set(neurons.compactMap { j in carried(by: j).count == 1 ? carried(by: j)[0] : nil }) }
  }

  func neurons(_ run: ToyRun) throws -> [Neurons] {
    let panels: [[[Double]]] = try run.data("show neurons")
    return panels.map(Neurons.init)
  }

  /// "dense (1): five monosemantic neurons, one for each of the five most important
  /// features; the other five features are dropped".
  func testPrivilegedBasisDenseNeuronsAreMonosemantic() throws {
    try checkClaim("10-privileged-basis") { run in
      let dense = try neurons(run)[0]
      XCTAssertEqual(dense.alone, [0, 1, 2, 3, 4])
      XCTAssertEqual(dense.represented, [0, 1, 2, 3, 4])
    }
  }

  /// "0.3: the three most important features keep neurons of their own while the next three
  /// share the other two neurons".
  func testPrivilegedBasisAtPointThreeTheNextThreeShareTwoNeurons() throws {
    try checkClaim("10-privileged-basis") { run in
      let setting = try neurons(run)[1]
      XCTAssertEqual(setting.alone, [0, 1, 2])
      let shared = setting.neurons.filter { setting.carried(by: $0).count > 1 }
      XCTAssertEqual(shared.count, 2, "two shared neurons")
      XCTAssertEqual(Set(shared.flatMap(setting.carried(by:))), [3, 4, 5], "carrying the next three")
    }
  }

  /// "0.1: sharing spreads; only the most important feature keeps a neuron of its own".
  func testPrivilegedBasisAtOneTenthOnlyTheTopFeatureIsAlone() throws {
    try checkClaim("10-privileged-basis") { run in
      XCTAssertEqual(try neurons(run)[2].alone, [0])
    }
  }

  /// "from 0.03 on: all ten features are represented on the five neurons, and every neuron is
  /// polysemantic".
  func testPrivilegedBasisSparseNeuronsArePolysemantic() throws {
    try checkClaim("10-privileged-basis") { run in
      for (index, setting) in try neurons(run).enumerated().dropFirst(3) {
        XCTAssertEqual(setting.represented.count, 10, "setting \(index): all ten represented")
        XCTAssertTrue(setting.alone.isEmpty, "setting \(index): no monosemantic neuron")
        for j in setting.neurons {
          XCTAssertGreaterThan(setting.carried(by: j).count, 1, "setting \(index): neuron \(j) polysemantic")
        }
      }
    }
  }

  // MARK: 12-tour

  func tourWtW(_ run: ToyRun) throws -> (wtw: [[Double]], b: [Double]) {
    let panels: [[String: Any]] = try run.data("show wtw")
    let panel = try XCTUnwrap(panels.first)
    return (try XCTUnwrap(panel["wtw"] as? [[Double]]), try XCTUnwrap(panel["b"] as? [Double]))
  }

  /// "the most important feature, 0, keeps a dimension of its own".
  func testTourTopFeatureHasADimensionOfItsOwn() throws {
    try checkClaim("12-tour") { run in
      let (wtw, _) = try tourWtW(run)
      XCTAssertEqual(wtw[0][0], 1, accuracy: 0.1)
      for j in 1..<20 { XCTAssertEqual(wtw[0][j], 0, accuracy: 0.1, "nothing shares feature 0's direction") }
    }
  }

  /// "the next eight share the other four dimensions as antipodal pairs …: a −1 square off
  /// the diagonal (here 1 with 6, 2 with 3, 4 with 5, 7 with 8)".
  func testTourNextEightFormFourAntipodalPairs() throws {
    try checkClaim("12-tour") { run in
      let (wtw, _) = try tourWtW(run)
      var pairs: Set<[Int]> = []
      for i in 0..<20 {
        for j in (i + 1)..<20 where wtw[i][j] < -0.9 { pairs.insert([i, j]) }
      }
      XCTAssertEqual(pairs, [[1, 6], [2, 3], [4, 5], [7, 8]])
      for f in 1...8 { XCTAssertEqual(wtw[f][f], 1, accuracy: 0.1, "feature \(f) kept") }
    }
  }

  /// "the other eleven are dropped: their bias (the b column) is their mean value, 0.05".
  func testTourDroppedFeaturesAnswerTheirMean() throws {
    try checkClaim("12-tour") { run in
      let (wtw, b) = try tourWtW(run)
      for f in 9..<20 {
        XCTAssertLessThan(wtw[f][f], 0.01, "feature \(f) dropped")
        XCTAssertEqual(b[f], 0.05, accuracy: 0.005, "b = E[x] = p/2")
      }
    }
  }

  /// "past the mark at feature 5 there is no room left, yet four more features have a norm
  /// near 1, coloured as sharing their direction".
  func testTourFourFeaturesPastTheMark() throws {
    try checkClaim("12-tour") { run in
      let panels: [[String: Any]] = try run.data("show norms")
      let norms = try XCTUnwrap(panels.first?["norms"] as? [Double])
      let superposition = try XCTUnwrap(panels.first?["superposition"] as? [Double])
      let past = (5..<20).filter { norms[$0] > 0.9 }
      XCTAssertEqual(past.count, 4, "\(norms)")
      for f in past { XCTAssertGreaterThan(superposition[f], 0.5, "feature \(f) shares its direction") }
    }
  }

  /// "dense: the model keeps the top two at right angles and drops the rest".
  func testTourDenseKeepsTheTopTwo() throws {
    try checkClaim("12-tour") { run in
      let dense = try XCTUnwrap(try geometry(run, "show geometry orient=canonical").first)
      XCTAssertEqual(Self.represented(dense), [0, 1])
      XCTAssertEqual(Self.between(dense[0], dense[1]), 90, accuracy: 5)
    }
  }

  /// "sparser (0.3): four features as two antipodal pairs at right angles".
  func testTourSparserFormsTwoPairs() throws {
    try checkClaim("12-tour") { run in
      let panel = try geometry(run, "show geometry orient=canonical")[1]
      XCTAssertTrue(Self.isTwoAntipodalPairs(panel, Self.represented(panel)), "\(panel.map(Self.angle))")
    }
  }

  /// "sparse (0.1 and 0.03): all five as a pentagon".
  func testTourSparseIsAPentagon() throws {
    try checkClaim("12-tour") { run in
      for panel in try geometry(run, "show geometry orient=canonical").suffix(2) {
        XCTAssertTrue(Self.isPentagon(panel), "\(panel.map(Self.angle))")
      }
    }
  }
}
