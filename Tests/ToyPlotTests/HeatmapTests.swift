import Foundation
import ToyTestSupport
import XCTest

@testable import ToyPlot

/// The WᵀW heatmap: colours pinned at 0, glyphs without colour, block averaging, golden files.
final class HeatmapTests: XCTestCase {
  /// WᵀW of features at the given angles in 2-D: entry (i, j) is cos(θ_i − θ_j).
  private func gram(angles: [Double], norms: [Double]? = nil) -> [[Double]] {
    let w = angles.enumerated().map { i, a in [cos(a), sin(a)].map { $0 * (norms?[i] ?? 1) } }
    return w.map { a in w.map { b in a[0] * b[0] + a[1] * b[1] } }
  }

  /// The intro's 90% sparsity solution: five features on a regular pentagon.
  private var pentagon: [[Double]] { gram(angles: (0..<5).map { 2 * Double.pi * Double($0) / 5 }) }

  /// The intro's 80% solution: two antipodal pairs at 90°, the fifth feature dropped.
  private var antipodal: [[Double]] {
    gram(angles: [0, .pi, .pi / 2, 3 * .pi / 2, 0], norms: [1, 1, 0.9, 0.9, 0])
  }

  private func renderings(_ plot: some Plot, width: Int, height: Int? = nil) -> [String: String] {
    let unicode = TextOptions(width: width, height: height)
    let ascii = TextOptions(width: width, height: height, ascii: true)
    return [
      "half-truecolor": plot.terminalText(unicode, depth: .truecolor),
      "half-256": plot.terminalText(unicode, depth: .ansi256),
      "half-16": plot.terminalText(unicode, depth: .ansi16),
      "plain": plot.plainText(unicode),
      "ascii": plot.plainText(ascii),
      "ascii-truecolor": plot.terminalText(ascii, depth: .truecolor),
    ]
  }

  func testGoldenPentagonWithBias() {
    let plot = Heatmap(pentagon, side: [-0.08, -0.08, -0.08, -0.08, -0.08], title: "WᵀW and b")
    let all = renderings(plot, width: 60)
    for mode in ["half-truecolor", "half-256", "plain", "ascii", "ascii-truecolor"] {
      assertGolden(all[mode]!, "heatmap-pentagon-\(mode)")
    }
  }

  /// The pentagon's small negative biases read as zero on WᵀW's ±1 scale; on a scale of
  /// their own they show, and the plot says which scale it is.
  func testTheBiasColumnCanHaveAScaleOfItsOwn() {
    let bias = [-0.08, -0.08, -0.08, 0.05, 0]
    let shared = Heatmap(pentagon, side: bias).plainText(TextOptions(width: 60))
    let own = Heatmap(pentagon, side: bias, sideLimit: 0.1).plainText(TextOptions(width: 60))
    // The side column is the last two characters of the first five body lines.
    func column(_ text: String) -> [String] {
      text.split(separator: "\n").dropFirst().prefix(5).map {
        String($0.trimmingCharacters(in: .whitespaces).suffix(2))
      }
    }
    XCTAssertEqual(column(shared), ["··", "··", "··", "··", "··"], shared)
    XCTAssertEqual(column(own), ["==", "==", "==", "++", "··"], own)
    XCTAssertTrue(own.contains("b on its own scale: −0.1 to 0.1"), own)
    XCTAssertFalse(shared.contains("own scale"))
    let svg = Heatmap(pentagon, side: bias, sideLimit: 0.1).svg().document
    XCTAssertTrue(svg.contains("b on its own scale"))
    // On its own scale, −0.08 is a strong blue; on the shared one almost white.
    let strong = Colormap.coolwarm.diverging(-0.08, limit: 0.1)
    XCTAssertTrue(svg.contains(strong.hex), "the bias cells use the side scale")
  }

  /// A 100×100 matrix is one image of its cells' colours (a notebook receives it as a live
  /// frame several times a second); a 5×5 one keeps a rectangle per cell.
  func testALargeMatrixIsOneSmallImageOfItsCellColours() throws {
    let values = (0..<100).map { i in (0..<100).map { j in cos(Double(i - j) / 7) * (i == j ? 1 : 0.6) } }
    let plot = Heatmap(values)
    let svg = plot.svg().document
    XCTAssertLessThan(svg.utf8.count, 100_000, "the SVG of a 100×100 heatmap")
    XCTAssertEqual(svg.components(separatedBy: "<image ").count, 2)
    let base64 = try XCTUnwrap(svg.components(separatedBy: "base64,").last?.components(separatedBy: "\"").first)
    let file = try XCTUnwrap(Data(base64Encoded: base64))
    let pixels = try PNGTests.decode(Array(file))
    XCTAssertEqual(pixels.count, 100)
    for (i, j) in [(0, 0), (3, 40), (99, 2), (50, 50)] {
      XCTAssertEqual(
        pixels[i][j], plot.color(values[i][j], limit: plot.effectiveLimit, range: plot.sequentialRange),
        "cell \(i),\(j)")
    }
    let small = Heatmap(pentagon).svg().document
    XCTAssertFalse(small.contains("<image"))
    // 25 cells, besides the background and the colour bar.
    XCTAssertGreaterThan(small.components(separatedBy: "<rect ").count - 1, 25)
  }

  func testGoldenAntipodalPairsAndAveragedMatrix() {
    let plot = Heatmap(antipodal, side: [0, 0, 0, 0, 0.4], rowTitle: "feature", columnTitle: "feature")
    assertGolden(plot.plainText(TextOptions(width: 40)), "heatmap-antipodal-plain")
    assertGolden(plot.terminalText(TextOptions(width: 40), depth: .truecolor), "heatmap-antipodal-half-truecolor")
    // 40 features evenly around the circle: a circulant band, averaged 2×2 to fit 30 columns.
    let circle = Heatmap(gram(angles: (0..<40).map { 2 * Double.pi * Double($0) / 40 }))
    assertGolden(circle.plainText(TextOptions(width: 30)), "heatmap-circle40-averaged-plain")
  }

  func testEveryRenderingHasEqualWidthsWithinTheLimit() {
    let big = (0..<400).map { i in (0..<400).map { j in cos(Double(i - j) / 20) } }
    let cases: [(String, Heatmap)] = [
      ("pentagon", Heatmap(pentagon, side: Array(repeating: 0.1, count: 5), title: "WᵀW")),
      ("rectangular", Heatmap([[1, 0, -1, 0.5, 0.2, 0.1, 0], [0, 1, 0, 0, 0, 0, -0.3], [0.2, 0.1, 0, 1, 0, 0, 0]])),
      ("one", Heatmap([[0.7]], side: [0.1])),
      ("nan", Heatmap([[1, .nan], [.nan, -1]], side: [.nan, 0])),
      ("big", Heatmap(big, side: Array(repeating: -0.2, count: 400), rowTitle: "feature", columnTitle: "feature")),
      ("empty", Heatmap([])),
      ("labels", Heatmap(pentagon, rowLabels: ["alpha", "b", "c"], columnLabels: ["long-label", "x"])),
    ]
    for (name, plot) in cases {
      // The 400×400 matrix is slow in debug builds: two sizes are enough for it.
      for width in name == "big" ? [30, 80] : [12, 30, 60, 80] {
        for height in name == "big" ? [nil] : [nil, 14] as [Int?] {
          for (mode, text) in renderings(plot, width: width, height: height) {
            assertEqualWidths(text, limit: width, "\(name) \(mode) width \(width) height \(height ?? 0)")
          }
        }
      }
    }
  }

  func testDivergingColoursArePinnedAtZero() {
    let plot = Heatmap([[1, -1, 0]])
    let grid = plot.textGrid(TextOptions(width: 40))
    // Row 0 holds the column labels; the matrix starts under them after the 2-column gutter.
    let cells = (0..<3).map { grid[2 + 2 * $0, 1] }
    XCTAssertEqual(cells.map(\.glyph), ["▄", "▄", "▄"])
    let (red, blue, zero) = (cells[0].foreground!, cells[1].foreground!, cells[2].foreground!)
    XCTAssertGreaterThan(Int(red.r), Int(red.b) + 100, "+1 is red: \(red)")
    XCTAssertGreaterThan(Int(blue.b), Int(blue.r) + 100, "−1 is blue: \(blue)")
    XCTAssertGreaterThan(min(zero.r, zero.g, zero.b), 200, "0 is near white: \(zero)")
    XCTAssertLessThan(abs(Int(zero.r) - Int(zero.b)), 30, "0 is neutral: \(zero)")
    XCTAssertEqual(cells[0].background, red, "one matrix row fills the whole text row when cells are 2 wide")

    // The ASCII canvas carries the same colours as backgrounds behind the glyphs.
    let ascii = plot.textGrid(TextOptions(width: 40, ascii: true))
    XCTAssertEqual((0..<3).map { ascii[2 + 2 * $0, 1].background }, [red, blue, zero])
  }

  func testLimitsAreSymmetricAndDefaultToOneOrTheLargestMagnitude() {
    XCTAssertEqual(Heatmap([[0.5, -0.2]]).effectiveLimit, 1)
    XCTAssertEqual(Heatmap([[0.5, -3]], side: [2]).effectiveLimit, 3)
    XCTAssertEqual(Heatmap([[0.5]], side: [-4]).effectiveLimit, 4)
    XCTAssertEqual(Heatmap([[0.5, -3]], limit: 0.5).effectiveLimit, 0.5)
    XCTAssertEqual(Heatmap([[.nan, .infinity]]).effectiveLimit, 1)
    // With limit 0.5 a value of 0.5 gets the map's reddest colour.
    let grid = Heatmap([[0.5]], limit: 0.5).textGrid(TextOptions(width: 40))
    XCTAssertEqual(grid[2, 1].foreground, Colormap.coolwarm.stops.last)
  }

  func testGlyphsCarrySignAndSizeWithoutColour() {
    let text = Heatmap([[1, 0.4, 0, -0.4, -1, .nan]]).plainText(TextOptions(width: 40))
    let row = text.split(separator: "\n")[1]
    XCTAssertEqual(String(row.prefix(14)), "0 ##++··--==??")
    XCTAssertTrue(text.contains("? no data"), text)
    let ascii = Heatmap([[1, 0.4, 0, -0.4, -1]]).plainText(TextOptions(width: 40, ascii: true))
    XCTAssertEqual(String(ascii.split(separator: "\n")[1].prefix(12)), "0 ##++..--==")
  }

  /// A loss map: 0.01 to 1 in log, one model lacking the largest size.
  private var lossMap: Heatmap {
    Heatmap(
      [[0.01, 0.1, 1], [0.02, .nan, 0]], rowLabels: ["m=1", "m=2"], columnLabels: ["3", "30", "1000"],
      colormap: .viridis, scale: .sequential(log: true), labelsEveryColumn: true)
  }

  func testSequentialLogScaleSpansTheSmallestToTheLargestPositiveValueInLog() throws {
    let plot = lossMap
    XCTAssertEqual(plot.sequentialRange, 0.01...1, "0 and NaN are no data on a log scale")
    let places: [(Double, Double)] = [(0.01, 0), (1, 1), (0.1, 0.5), (0.02, log10(2) / 2)]
    for (value, expected) in places {
      let got = try XCTUnwrap(plot.sequentialFraction(value))
      XCTAssertEqual(got, expected, accuracy: 1e-12, "\(value): log₁₀(v/0.01)/2 = \(expected), got \(got)")
    }
    XCTAssertNil(plot.sequentialFraction(0))
    XCTAssertNil(plot.sequentialFraction(.nan))
    XCTAssertEqual(plot.color(0.01, limit: 1, range: plot.sequentialRange), Colormap.viridis.stops.first)
    XCTAssertEqual(plot.color(1, limit: 1, range: plot.sequentialRange), Colormap.viridis.stops.last)
    XCTAssertEqual(plot.color(0, limit: 1, range: plot.sequentialRange), Heatmap.noData)
    var linear = plot
    linear.scale = .sequential(log: false)
    XCTAssertEqual(linear.sequentialRange, 0...1)
    XCTAssertEqual(try XCTUnwrap(linear.sequentialFraction(0.1)), 0.1, accuracy: 1e-12)
  }

  func testSequentialGlyphsRunFromLightToDenseAndMarkNoData() {
    let text = lossMap.plainText(TextOptions(width: 60))
    let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    // Cells as wide as the last label, 4, of one glyph each: 0.01 at 0, 0.1 at 1/2, 1 at 1.
    let first = lines.first { $0.hasPrefix("m=1") } ?? ""
    XCTAssertEqual(String(first.prefix(16)), "m=1 ····++++@@@@", text)
    let second = lines.first { $0.hasPrefix("m=2") } ?? ""
    XCTAssertEqual(String(second.prefix(16)), "m=2 ····????????", "0.02 is at 0.15, the rest no data:\n\(text)")
    XCTAssertTrue(text.contains("? no data"), text)
  }

  func testCategoricalColumnsAreEachLabelled() {
    let sizes = ["3", "5", "8", "12", "16", "20", "25", "30", "40", "50", "70", "100", "150", "200", "300", "1000"]
    let values = (0..<5).map { r in sizes.indices.map { c in 0.03 + 0.001 * Double(r * c) } }
    let plot = Heatmap(
      values, columnLabels: sizes, colormap: .viridis, scale: .sequential(log: true), labelsEveryColumn: true)
    let text = plot.plainText(TextOptions(width: 80))
    let labelRow = text.split(separator: "\n").first { $0.contains("1000") }.map(String.init) ?? ""
    XCTAssertEqual(labelRow.split(separator: " ").map(String.init), sizes, text)
    let svg = plot.svg().document
    for size in sizes { XCTAssertTrue(svg.contains(">\(size)</text>"), "no label \(size) in the SVG") }
    for (mode, rendering) in renderings(plot, width: 80) {
      assertEqualWidths(rendering, limit: 80, "categorical \(mode)")
    }
    // Without the flag the same labels are thinned to every k-th.
    var thinned = plot
    thinned.labelsEveryColumn = false
    let thinnedLabels = thinned.plainText(TextOptions(width: 80)).split(separator: "\n")[0].split(separator: " ")
    XCTAssertLessThan(thinnedLabels.count, sizes.count, "\(thinnedLabels)")
  }

  func testLogColourBarTicksAreValuesInsideTheRange() {
    XCTAssertEqual(Heatmap.logTicks(0.001, 1), [0.001, 0.01, 0.1, 1])
    XCTAssertEqual(Heatmap.logTicks(0.025, 0.1), [0.03, 0.05, 0.1], "one power of ten inside: 1, 2, 3, 5 times")
    XCTAssertEqual(Heatmap.logTicks(0.1, 1), [0.1, 0.2, 0.5, 1])
    XCTAssertEqual(Heatmap.logTicks(0.031, 0.045), [0.031, 0.045], "no two round values inside: the ends")
    let bar = lossMap.colorBar(ascii: false)
    XCTAssertEqual(bar.low, -2, accuracy: 1e-12)
    XCTAssertEqual(bar.high, 0, accuracy: 1e-12)
    XCTAssertEqual(bar.ticks.map(bar.tickLabel), ["0.01", "0.1", "1"])
  }

  func testBlockAveragingAverages() {
    let matrix: [[Double]] = [[1, 2, 3, 4], [5, 6, 7, 8], [9, 10, 11, 12], [13, 14, 15, 16]]
    XCTAssertEqual(Heatmap.blockAverage(matrix, factor: 2), [[3.5, 5.5], [11.5, 13.5]])
    XCTAssertEqual(Heatmap.blockAverage(matrix, factor: 1), matrix)
    XCTAssertEqual(Heatmap.blockAverage(matrix, factor: 4), [[8.5]])
    // Partial blocks at the edges average what they hold; NaN is left out of a mean.
    let partial = Heatmap.blockAverage([[1, 2, 3], [4, .nan, 6], [7, 8, 9]], factor: 2)
    XCTAssertEqual(partial[0], [7.0 / 3, 4.5])
    XCTAssertEqual(partial[1], [7.5, 9])
    XCTAssertTrue(Heatmap.blockAverage([[.nan]], factor: 1)[0][0].isNaN)
  }

  func testA400By400MatrixIsAveragedIntoEightyColumnsWithANote() {
    let big = (0..<400).map { i in (0..<400).map { j in i == j ? 1.0 : 0 } }
    let plot = Heatmap(big)
    for options in [TextOptions(width: 80), TextOptions(width: 80, color: false), TextOptions(width: 80, ascii: true)] {
      let fit = plot.fit(options)
      XCTAssertGreaterThan(fit.factor, 1)
      let text = plot.plainText(options)
      assertEqualWidths(text, limit: 80)
      let x = options.ascii ? "x" : "×"
      XCTAssertTrue(text.contains("(400\(x)400 averaged in \(fit.factor)\(x)\(fit.factor) blocks)"), text)
    }
    // A height limit makes the blocks bigger still.
    let short = TextOptions(width: 80, height: 30)
    XCTAssertLessThanOrEqual(plot.plainText(short).split(separator: "\n").count, 30)
  }

  func testNaNIsDrawnAsNoData() {
    let plot = Heatmap([[1, .nan], [0, -1]])
    let grid = plot.textGrid(TextOptions(width: 40))
    XCTAssertEqual(grid[4, 1].foreground, Heatmap.noData)
    XCTAssertTrue(plot.plainText(TextOptions(width: 40)).contains("?"))
    XCTAssertTrue(plot.svgDocument.contains("no data"))
  }

  func testASCIIOutputIsSevenBitAndPlainTextHasNoEscapes() {
    let plot = Heatmap(pentagon, side: [0.1, .nan, 0, 0, 0], rowTitle: "feature", columnTitle: "feature", title: "WᵀW")
    for options in [TextOptions(width: 60, ascii: true), TextOptions(width: 20, ascii: true)] {
      XCTAssertTrue(plot.plainText(options).utf8.allSatisfy { $0 < 128 })
      XCTAssertTrue(plot.terminalText(options, depth: .truecolor).utf8.allSatisfy { $0 < 128 })
    }
    for options in [TextOptions(width: 60), TextOptions(width: 60, ascii: true)] {
      XCTAssertFalse(plot.plainText(options).contains("\u{1B}"))
    }
  }

  func testEdgeCasesRenderWithoutCrashing() {
    let cases: [[[Double]]] = [
      [], [[]], [[0.5]], [[0, 0], [0, 0]], [[3, 3], [3, 3]], [[.nan]], [[.infinity, -.infinity]],
      [[1, 2, 3], [4]], Array(repeating: Array(repeating: 2, count: 400), count: 400),
    ]
    for values in cases {
      let plot = Heatmap(values, side: values.isEmpty ? nil : [0.1])
      for options in [TextOptions(width: 1), TextOptions(width: 80, height: 1), TextOptions(width: 80, ascii: true)] {
        assertEqualWidths(plot.terminalText(options, depth: .truecolor), limit: options.width)
        assertEqualWidths(plot.plainText(options), limit: options.width)
      }
      XCTAssertTrue(plot.svgDocument.hasSuffix("</svg>\n"))
    }
  }

  func testSVGDrawsOneRectanglePerCellAndAveragesHugeMatrices() {
    let plot = Heatmap(pentagon, side: Array(repeating: 0, count: 5), title: "WᵀW")
    let doc = plot.svgDocument
    let bands = max(1, max(5 * 24, 120) / 2)
    // Cells, bias cells and colour-bar bands; then the page, and the outlines of the
    // matrix, the bias column and the colour bar.
    XCTAssertEqual(doc.components(separatedBy: "<rect class=\"area\" ").count - 1, 25 + 5 + bands)
    XCTAssertEqual(doc.components(separatedBy: "<rect ").count - 1, 1 + 3 + 25 + 5 + bands)
    XCTAssertEqual(doc.components(separatedBy: "fill=\"none\"").count - 1, 3)
    XCTAssertTrue(doc.contains(">b</text>"))
    let huge = Heatmap((0..<257).map { i in (0..<3).map { Double($0 + i) } })
    XCTAssertTrue(huge.svgDocument.contains("averaged in 3×3 blocks"))
  }
}
