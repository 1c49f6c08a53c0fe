import Foundation
import ToyTestSupport
import XCTest

@testable import ToyPlot

/// The 2-D feature geometry (paper §3.1): arrows point where their vectors do, at equal
/// aspect, so pentagons and antipodal pairs are recognisable.
final class VectorPlotTests: XCTestCase {
  /// Five unit vectors at 72° steps, turned by `phase` radians: the 90%-sparsity solution.
  static func pentagon(phase: Double = 0) -> [[Double]] {
    (0..<5).map { k in
      let angle = phase + 2 * Double.pi * Double(k) / 5
      return [cos(angle), sin(angle)]
    }
  }

  /// The 80% solution: features 0 and 2 antipodal, 1 and 3 antipodal at 90° to them, 4 unlearned.
  static func twoPairs(phase: Double) -> [[Double]] {
    let (c, s) = (cos(phase), sin(phase))
    return [[c, s], [-s, c], [-c, -s], [s, -c], [0, 0]]
  }

  static let importance = (0..<5).map { pow(0.9, Double($0)) }

  static let heads: Set<Character> = ["→", "↗", "↑", "↖", "←", "↙", "↓", "↘", ">", "<", "^", "v"]

  /// The cells holding arrow heads, and the origin's cell, as the text rendering draws them.
  static func headCells(_ plot: VectorPlot, _ options: TextOptions) -> (heads: [(Int, Int)], origin: (Int, Int)) {
    let grid = plot.textGrid(options)
    let layout = VectorPlot.TextLayout(
      rows: plot.rows(options, notes: 0), width: options.width, kind: DotCanvas.Kind(options), extent: plot.extent)
    var heads: [(Int, Int)] = []
    for row in 0..<layout.rows {
      for column in 0..<layout.columns where Self.heads.contains(grid[column, row].glyph) {
        heads.append((column, row))
      }
    }
    return (heads, (layout.origin.column, layout.origin.row))
  }

  // MARK: Direction and aspect

  func testAnArrowsTipLiesInTheDirectionOfItsVector() {
    for options in [
      TextOptions(width: 40), TextOptions(width: 40, canvas: .quadrant), TextOptions(width: 40, ascii: true),
    ] {
      for (vector, expected) in [([1.0, 0.0], (1, 0)), ([-1, 0], (-1, 0)), ([0, 1], (0, -1)), ([0, -1], (0, 1))] {
        let (heads, origin) = Self.headCells(VectorPlot([vector]), options)
        XCTAssertEqual(heads.count, 1, "\(vector)")
        guard let head = heads.first else { continue }
        let (dx, dy) = (head.0 - origin.0, head.1 - origin.1)
        XCTAssertEqual(
          dx.signum(), expected.0, "\(vector) \(DotCanvas.Kind(options)): head at \(head), origin \(origin)")
        XCTAssertEqual(
          dy.signum(), expected.1, "\(vector) \(DotCanvas.Kind(options)): head at \(head), origin \(origin)")
      }
    }
  }

  func testEqualAspectMakesUnitVectorsEquallyLong() {
    for options in [
      TextOptions(width: 40), TextOptions(width: 40, canvas: .quadrant), TextOptions(width: 40, ascii: true),
    ] {
      let right = Self.headCells(VectorPlot([[1, 0]]), options)
      let up = Self.headCells(VectorPlot([[0, 1]]), options)
      let across = Double(right.heads[0].0 - right.origin.0)
      // A cell is twice as tall as wide: one row up is two columns across.
      let down = 2 * Double(up.origin.1 - up.heads[0].1)
      XCTAssertEqual(across, down, accuracy: 2.01, "\(DotCanvas.Kind(options)): \(across) columns vs \(down)")
    }
  }

  /// The five heads of a pentagon sit at 72° steps around the origin, at one distance, in
  /// physical units (a row is two columns tall).
  func testAPentagonIsRegularInText() {
    let plot = VectorPlot(Self.pentagon(phase: 0.3), importance: Self.importance)
    let (heads, origin) = Self.headCells(plot, TextOptions(width: 100, height: 50))
    XCTAssertEqual(heads.count, 5)
    let polar = heads.map { head -> (angle: Double, radius: Double) in
      let (x, y) = (Double(head.0 - origin.0), 2 * Double(origin.1 - head.1))
      return (atan2(y, x), (x * x + y * y).squareRoot())
    }
    let angles = polar.map(\.angle).sorted()
    for k in 0..<5 {
      let step = k < 4 ? angles[k + 1] - angles[k] : angles[0] + 2 * .pi - angles[4]
      XCTAssertEqual(step * 180 / .pi, 72, accuracy: 8, "angles \(angles)")
    }
    let radii = polar.map(\.radius)
    XCTAssertLessThan(radii.max()! / radii.min()!, 1.15, "radii \(radii)")
    let text = plot.plainText(TextOptions(width: 40))
    for k in 0..<5 { XCTAssertEqual(text.filter { $0 == Character(String(k)) }.count, 1, "label \(k) once") }
  }

  // MARK: Canonical orientation

  func testCanonicalOrientationPutsTheTopFeatureRightAndTheNextAbove() {
    for phase in [0.0, 0.4, 2.0, -2.7] {
      for mirrored in [false, true] {
        var vectors = Self.pentagon(phase: phase)
        if mirrored { vectors = vectors.map { [$0[0], -$0[1]] } }
        let canonical = VectorPlot.canonical(vectors, importance: Self.importance)
        XCTAssertEqual(canonical[0][0], 1, accuracy: 1e-12)
        XCTAssertEqual(canonical[0][1], 0, accuracy: 1e-12)
        XCTAssertGreaterThan(canonical[1][1], 0, "the next feature lies above")
        for (a, b) in zip(vectors, canonical) {
          XCTAssertEqual(a[0] * a[0] + a[1] * a[1], b[0] * b[0] + b[1] * b[1], accuracy: 1e-12, "norms kept")
        }
      }
    }
  }

  /// `drawnVectors` are the arrows' positions, rotated exactly when the picture is: the
  /// numbers a display writes beside the plot are the ones drawn.
  func testDrawnVectorsAreWhereTheArrowsPoint() {
    let vectors = Self.pentagon(phase: 0.9).map { [$0[0], -$0[1]] }
    for canonical in [false, true] {
      let plot = VectorPlot(vectors, importance: Self.importance, canonical: canonical)
      let drawn = plot.drawnVectors
      for arrow in plot.arrows.arrows {
        XCTAssertEqual(drawn[arrow.index][0], arrow.x, accuracy: 1e-12, "canonical \(canonical), x of \(arrow.index)")
        XCTAssertEqual(drawn[arrow.index][1], arrow.y, accuracy: 1e-12, "canonical \(canonical), y of \(arrow.index)")
      }
      if canonical {
        XCTAssertEqual(drawn[0][1], 0, accuracy: 1e-12, "the top feature along +x")
        XCTAssertGreaterThan(drawn[0][0], 0)
      } else {
        XCTAssertEqual(drawn, vectors, "raw stays raw")
      }
    }
  }

  func testCanonicalOrientationSkipsUnrepresentedFeaturesAndAntipodalPartners() {
    // Feature 0 is the most important but not represented; 1 and 2 are antipodal; 3 decides the flip.
    let vectors: [[Double]] = [[0.1, 0.1], [0, 1], [0, -1], [-0.8, -0.1]]
    let canonical = VectorPlot.canonical(vectors, importance: [4, 3, 2, 1])
    XCTAssertEqual(canonical[1][0], 1, accuracy: 1e-12)
    XCTAssertEqual(canonical[2][0], -1, accuracy: 1e-12)
    XCTAssertGreaterThan(canonical[3][1], 0)
    XCTAssertEqual(VectorPlot.canonical([[0.1, 0.2]]), [[0.1, 0.2]], "nothing represented: unchanged")
  }

  /// Text and SVG agree on which features are too short to draw: here 2 and 3 (norms 0.02
  /// and 0.01 against a half-width of 1.5), while 4 (0.5) is drawn by both.
  func testTextAndSVGListTheSameFeaturesAtTheOrigin() {
    let plot = VectorPlot([[1, 0], [0, 1], [0.02, 0], [0, -0.01], [-0.5, 0]])
    let svg = plot.svgDocument
    XCTAssertTrue(svg.contains("at the origin: 2, 3"), svg)
    XCTAssertFalse(svg.contains(">2</text>") || svg.contains(">3</text>"), "no labels for 2 and 3 in the SVG")
    XCTAssertTrue(svg.contains(">4</text>"), "4 is drawn")
    for width in [40, 80, 120] {
      let text = plot.plainText(TextOptions(width: width))
      let notes = text.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }
      XCTAssertTrue(notes.contains("at the origin: 2, 3"), "\(width): \(text)")
    }
  }

  /// Two short arrows in almost the same direction: their SVG labels must not sit on top of
  /// each other (each label is about 7 px wide and 12 px tall).
  func testSVGLabelsOfNearbyArrowsDoNotOverlap() throws {
    let svg = VectorPlot([[1, 0], [0.02, 0.24], [0.0, 0.18]]).svgDocument
    func position(_ label: String) throws -> (Double, Double) {
      let pattern = try NSRegularExpression(pattern: "<text x=\"([0-9.]+)\" y=\"([0-9.]+)\"[^>]*>\(label)</text>")
      let match = try XCTUnwrap(pattern.firstMatch(in: svg, range: NSRange(svg.startIndex..., in: svg)), label)
      let number = { (i: Int) in Double(svg[Range(match.range(at: i), in: svg)!])! }
      return (number(1), number(2))
    }
    let (a, b) = (try position("1"), try position("2"))
    XCTAssertTrue(abs(a.0 - b.0) >= 9 || abs(a.1 - b.1) >= 12, "labels 1 at \(a) and 2 at \(b) overlap")
  }

  func testCanonicalRenderingPointsTheTopFeatureRight() {
    let plot = VectorPlot(Self.twoPairs(phase: 2.1), importance: Self.importance, canonical: true)
    let options = TextOptions(width: 40)
    let grid = plot.textGrid(options)
    let (heads, origin) = Self.headCells(plot, options)
    XCTAssertEqual(heads.count, 4, "four arrows, the fifth at the origin")
    XCTAssertTrue(heads.contains { $0.1 == origin.1 && $0.0 > origin.0 && grid[$0.0, $0.1].glyph == "→" })
    XCTAssertTrue(heads.contains { $0.1 == origin.1 && $0.0 < origin.0 && grid[$0.0, $0.1].glyph == "←" })
    XCTAssertTrue(heads.contains { $0.0 == origin.0 && $0.1 < origin.1 && grid[$0.0, $0.1].glyph == "↑" })
    XCTAssertTrue(heads.contains { $0.0 == origin.0 && $0.1 > origin.1 && grid[$0.0, $0.1].glyph == "↓" })
    XCTAssertTrue(grid.plainText.contains("at the origin: 4"))
  }

  // MARK: Golden files

  func testPentagonGolden() {
    let plot = VectorPlot(Self.pentagon(), importance: Self.importance, title: "1−S = 0.1")
    assertGolden(plot.plainText(TextOptions(width: 40)), "vector-pentagon-braille-plain")
    assertGolden(plot.plainText(TextOptions(width: 40, canvas: .quadrant)), "vector-pentagon-quadrant-plain")
    assertGolden(plot.plainText(TextOptions(width: 40, ascii: true)), "vector-pentagon-ascii")
    assertGolden(plot.terminalText(TextOptions(width: 30), depth: .truecolor), "vector-pentagon-braille-truecolor")
    assertGolden(plot.svgDocument, "vector-pentagon-svg")
  }

  func testAntipodalPairsGolden() {
    let plot = VectorPlot(Self.twoPairs(phase: 0.5), importance: Self.importance, canonical: true, title: "1−S = 0.2")
    assertGolden(plot.plainText(TextOptions(width: 40, height: 14)), "vector-antipodal-canonical-braille-plain")
    assertGolden(
      plot.terminalText(TextOptions(width: 40, height: 14), depth: .ansi256), "vector-antipodal-canonical-256")
  }

  /// Hidden states h = W x for inputs with one or two active features (deterministic).
  func testHiddenStatesGolden() {
    let w = Self.pentagon()
    var hidden: [[Double]] = []
    for i in 0..<5 {
      for a in stride(from: 0.2, through: 1.0, by: 0.2) {
        hidden.append([a * w[i][0], a * w[i][1]])
        let j = (i + 2) % 5
        hidden.append([a * w[i][0] + 0.5 * w[j][0], a * w[i][1] + 0.5 * w[j][1]])
      }
    }
    hidden.append([5, 5])
    hidden.append([.nan, 0])
    let plot = VectorPlot(w, importance: Self.importance, hidden: hidden)
    let text = plot.plainText(TextOptions(width: 50))
    assertGolden(text, "vector-hidden-braille-plain")
    XCTAssertTrue(text.contains("1 hidden state outside ±1.5 not shown"))
    XCTAssertTrue(text.contains("1 hidden state not shown (NaN or infinite)"))
  }

  // MARK: Invariants and edge cases

  func testEveryModeKeepsWidthsHeightAndCharacterSet() {
    let plots = [
      VectorPlot(Self.pentagon(), importance: Self.importance, title: "pentagon"),
      VectorPlot(Self.twoPairs(phase: 1), hidden: [[0.3, 0.3], [.nan, 1]], canonical: true),
    ]
    for plot in plots { assertEveryModeKeepsWidths(plot, widths: [8, 30, 81], heights: [nil, 5, 12]) }
  }

  func testEdgeCasesRenderWithoutCrashing() {
    let cases: [(String, VectorPlot)] = [
      ("none", VectorPlot([])),
      ("one", VectorPlot([[0.5, 0.5]])),
      ("zeros", VectorPlot([[0, 0], [0, 0]])),
      ("nan", VectorPlot([[.nan, 1], [1, .infinity], [1], [0.7, -0.7]])),
      ("long", VectorPlot([[40, 0], [0, 1]])),
      ("bad importance", VectorPlot([[1, 0], [0, 1]], importance: [.nan, .nan])),
      ("bad limit", VectorPlot([[1, 0]], limit: -3)),
      (
        "many",
        VectorPlot(
          (0..<400).map { [cos(Double($0)), sin(Double($0))] }, hidden: Array(repeating: [0.1, 0.1], count: 8000))
      ),
    ]
    for (name, plot) in cases {
      for options in [TextOptions(width: 40), TextOptions(width: 3, height: 1), TextOptions(width: 40, ascii: true)] {
        assertEqualWidths(plot.plainText(options), limit: options.width, name)
        if let height = options.height { XCTAssertLessThanOrEqual(plot.textGrid(options).height, height, name) }
      }
      XCTAssertTrue(plot.svgDocument.hasSuffix("</svg>\n"), name)
    }
    XCTAssertTrue(VectorPlot([]).plainText(TextOptions(width: 40)).contains("no features"))
    XCTAssertTrue(
      VectorPlot([[.nan, 1], [1, 0]]).plainText(TextOptions(width: 80)).contains(
        "1 feature not shown (NaN, infinite or not 2-D)"))
    XCTAssertTrue(VectorPlot([[1, 0], [0, 0]]).plainText(TextOptions(width: 40)).contains("at the origin: 1"))
    let zeros = VectorPlot(Array(repeating: [0, 0], count: 20)).plainText(TextOptions(width: 80))
    XCTAssertTrue(zeros.contains("at the origin: 0, 1, 2, 3, 4, 5, 6, 7, ... (12 more)"), zeros)
    let long = VectorPlot([[40, 0], [0, 1]])
    XCTAssertGreaterThanOrEqual(long.extent, 40, "the axes widen to the longest arrow")
  }

  func testSVGDrawsRealArrows() {
    let svg = VectorPlot(Self.pentagon(), importance: Self.importance).svgDocument
    XCTAssertEqual(svg.components(separatedBy: "marker-end=").count - 1, 5)
    let top = Colormap.viridis.clipped(for: .light).color(at: 1)
    XCTAssertTrue(svg.contains("stroke=\"\(top.hex)\""), "the top feature in viridis's last colour that reads on white")
    XCTAssertGreaterThanOrEqual(top.contrast(with: .white), 3)
    XCTAssertFalse(svg.contains(Colormap.viridis.color(at: 1).hex), "not the light yellow end, faint on white")
  }

  /// Labels of short vectors near the origin never touch: "4" beside "3" read as 43. Many
  /// clusters of short vectors (a fixed generator, so the same every run) beside two long ones.
  func testLabelsNearTheOriginNeverTouch() {
    var state: UInt64 = 0x9E37_79B9_7F4A_7C15
    func next() -> Double {
      state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
      return Double(state >> 11) / Double(1 << 53)
    }
    var touching: [String] = []
    for trial in 0..<200 {
      var vectors: [[Double]] = [[1, 0.1], [-0.2, 1]]
      for _ in 0..<7 {
        let angle = next() * 2 * Double.pi
        let length = 0.12 + 0.3 * next()
        vectors.append([length * cos(angle), length * sin(angle)])
      }
      let text = VectorPlot(vectors).plainText(TextOptions(width: 40, height: 20))
      let canvasLines = text.split(separator: "\n").filter { !$0.contains(":") }
      if let line = canvasLines.first(where: { $0.range(of: "[0-9][0-9]", options: .regularExpression) != nil }) {
        touching.append("trial \(trial): \(line)")
      }
    }
    XCTAssertEqual(
      touching.count, 0,
      "labels run together in \(touching.count) of 200: " + touching.prefix(3).joined(separator: " | "))
  }

  /// Four hundred arrows of a fixed generator around the origin, a few long and many short:
  /// the data panel of a large training set (`show datapoints`).
  static func crowd() -> [[Double]] {
    var state: UInt64 = 0x2545_F491_4F6C_DD1D
    func next() -> Double {
      state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
      return Double(state >> 11) / Double(1 << 53)
    }
    return (0..<400).map { _ in
      let angle = next() * 2 * Double.pi
      let length = 0.1 + 0.9 * pow(next(), 4)
      return [length * cos(angle), length * sin(angle)]
    }
  }

  /// The numeric labels of an SVG document: (label, centre x, baseline y).
  static func svgLabels(_ svg: String) throws -> [(label: Int, x: Double, y: Double)] {
    let pattern = try NSRegularExpression(pattern: "<text x=\"([0-9.-]+)\" y=\"([0-9.-]+)\"[^>]*>([0-9]+)</text>")
    return pattern.matches(in: svg, range: NSRange(svg.startIndex..., in: svg)).map { match in
      let field = { (i: Int) in String(svg[Range(match.range(at: i), in: svg)!]) }
      return (Int(field(3))!, Double(field(1))!, Double(field(2))!)
    }
  }

  /// A crowd of 400 arrows: the SVG labels at most `labelLimit` of them, the longest first, no
  /// two labels overlap (11-pixel text: about 7 px a digit, 12 px a line), and the note lists
  /// the rest; before, every arrow had a label and they piled up into a blob of digits.
  func testACrowdOfArrowsKeepsAFewLabelsApartInSVG() throws {
    let vectors = Self.crowd()
    let svg = VectorPlot(vectors, importance: vectors.map { _ in 0 }).svgDocument
    let labels = try Self.svgLabels(svg)
    XCTAssertGreaterThan(labels.count, 5, "the longest arrows keep labels")
    XCTAssertLessThanOrEqual(labels.count, VectorPlot.labelLimit, "at most \(VectorPlot.labelLimit) labels")
    for (i, a) in labels.enumerated() {
      for b in labels[(i + 1)...] {
        let width = 7 * Double(String(a.label).count + String(b.label).count) / 2
        let apart = abs(a.x - b.x) >= width || abs(a.y - b.y) >= 12
        XCTAssertTrue(apart, "labels \(a.label) at (\(a.x), \(a.y)) and \(b.label) at (\(b.x), \(b.y)) overlap")
      }
    }
    let norm = { (i: Int) in Vectors2D.norm(vectors[i]) }
    let longest = try XCTUnwrap(vectors.indices.max { norm($0) < norm($1) })
    XCTAssertTrue(labels.contains { $0.label == longest }, "the longest arrow, \(longest), is labelled")
    let labelled = Set(labels.map(\.label))
    let shortestLabelled = labelled.map(norm).min() ?? 0
    let longerUnlabelled = vectors.indices.filter { !labelled.contains($0) && norm($0) > shortestLabelled }
    XCTAssertLessThan(
      longerUnlabelled.count, vectors.count / 4,
      "labels go to the longest arrows: \(longerUnlabelled.count) longer ones without")
    XCTAssertTrue(svg.contains("labels left out: "), "the note lists the unlabelled")
  }

  /// The same crowd in text: at most `labelLimit` labels on the canvas, the rest in the note.
  func testACrowdOfArrowsKeepsAFewLabelsInText() {
    let vectors = Self.crowd()
    let plot = VectorPlot(vectors, importance: vectors.map { _ in 0 })
    for width in [40, 80, 120] {
      let text = plot.plainText(TextOptions(width: width))
      // The canvas is the lines above the first note ("at the origin: …").
      let canvas = text.split(separator: "\n").prefix { !$0.contains(":") }.joined(separator: "\n")
      let numbers = canvas.matches(of: /[0-9]+/).count
      XCTAssertLessThanOrEqual(numbers, VectorPlot.labelLimit, "\(width): \(text)")
      XCTAssertTrue(text.contains("labels left out: "), "\(width)")
    }
  }

  /// `indices` name the rows when they are a selection (the longest of many): labels and
  /// notes use them, not the rows' places.
  func testIndicesNameTheRows() throws {
    let plot = VectorPlot([[1, 0], [0, 0], [0, 1]], indices: [7, 42, 396])
    let labels = try Self.svgLabels(plot.svgDocument).map(\.label).sorted()
    XCTAssertEqual(labels, [7, 396])
    XCTAssertTrue(plot.svgDocument.contains("at the origin: 42"))
    let text = plot.plainText(TextOptions(width: 40))
    XCTAssertTrue(text.contains("396") && text.contains("at the origin: 42"), text)
  }
}

private enum Vectors2D {
  static func norm(_ v: [Double]) -> Double { (v[0] * v[0] + v[1] * v[1]).squareRoot() }
}
