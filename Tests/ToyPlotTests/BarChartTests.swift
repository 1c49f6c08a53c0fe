import Foundation
import ToyTestSupport
import XCTest

@testable import ToyPlot

/// Feature-norm bars: heights in eighths, superposition as colour or codes, the marker rule.
final class BarChartTests: XCTestCase {
  /// ‖W_i‖ and the superposition Σ_{j≠i}(Ŵ_i·W_j)² of each row of W (0 for a zero row).
  private func normsAndSuperposition(_ w: [[Double]]) -> (norms: [Double], superposition: [Double]) {
    func dot(_ a: [Double], _ b: [Double]) -> Double { zip(a, b).map(*).reduce(0, +) }
    let norms = w.map { dot($0, $0).squareRoot() }
    let superposition = w.indices.map { i -> Double in
      guard norms[i] > 1e-9 else { return 0 }
      return w.indices.filter { $0 != i }.map { j in pow(dot(w[i], w[j]) / norms[i], 2) }.reduce(0, +)
    }
    return (norms, superposition)
  }

  /// A ReLU model's W in m = 5 dimensions for n = 10 features of decreasing importance: the
  /// top three on their own axes, two antipodal pairs sharing the last two, three dropped.
  private var model: [[Double]] {
    let axis = { (k: Int, length: Double) in (0..<5).map { $0 == k ? length : 0 } }
    return [
      axis(0, 1), axis(1, 1), axis(2, 0.98), axis(3, 0.9), axis(3, -0.85), axis(4, 0.7), axis(4, -0.6),
      axis(0, 0), axis(0, 0), [0.02, 0, 0, 0.05, 0],
    ]
  }

  private var chart: BarChart {
    let (norms, superposition) = normsAndSuperposition(model)
    return BarChart(norms, colors: superposition, marker: 5, valueTitle: "‖W_i‖", title: "feature norms")
  }

  func testGoldenFeatureNorms() {
    let unicode = TextOptions(width: 60, height: 16)
    let ascii = TextOptions(width: 60, height: 16, ascii: true)
    assertGolden(chart.terminalText(unicode, depth: .truecolor), "bars-model-bars-truecolor")
    assertGolden(chart.terminalText(unicode, depth: .ansi256), "bars-model-bars-256")
    assertGolden(chart.plainText(unicode), "bars-model-plain")
    assertGolden(chart.plainText(ascii), "bars-model-ascii")
    assertGolden(chart.terminalText(ascii, depth: .truecolor), "bars-model-ascii-truecolor")
  }

  func testGoldenManyFeaturesAreMergedIntoTheirMaximum() {
    // n = 100 features in m = 20 dimensions: norms fall off after the first m, as the
    // notebook's second figure at high sparsity; superposition grows with the index.
    let past: [Double] = (0..<100).map { max(0, Double($0) - 20) }
    let norms: [Double] = past.map { 1 / (1 + $0 / 10) }
    let superposition: [Double] = past.map { min(1, $0 / 40) }
    let plot = BarChart(norms, colors: superposition, marker: 20)
    assertGolden(plot.plainText(TextOptions(width: 50, height: 14)), "bars-merged-plain")
  }

  func testSuperpositionFromGeometry() {
    let (norms, superposition) = normsAndSuperposition(model)
    XCTAssertEqual(norms[3], 0.9, accuracy: 1e-12)
    XCTAssertEqual(superposition[1], 0, accuracy: 1e-12, "alone on its axis")
    XCTAssertEqual(superposition[3], 0.85 * 0.85 + 0.05 * 0.05, accuracy: 1e-12, "its antipodal partner and feature 9")
  }

  func testEveryRenderingHasEqualWidthsWithinTheLimit() {
    let plots: [(String, BarChart)] = [
      ("model", chart),
      ("plain colours", BarChart([1, 2, 3], title: "no colour values")),
      ("many", BarChart((0..<400).map { Double($0 % 17) }, colors: (0..<400).map { Double($0) / 400 }, marker: 20)),
      ("nan", BarChart([1, .nan, 0.5], colors: [0.2, 0.5, .nan], marker: 1)),
      ("empty", BarChart([])),
    ]
    for (name, plot) in plots {
      for width in [10, 30, 60, 80] {
        for height in [nil, 6, 20] as [Int?] {
          for ascii in [false, true] {
            let options = TextOptions(width: width, height: height, ascii: ascii)
            for depth in ColorDepth.allCases {
              assertEqualWidths(
                plot.terminalText(options, depth: depth), limit: width, "\(name) \(width) \(ascii) \(depth)")
            }
          }
        }
      }
    }
  }

  func testBarHeightsAreMonotoneInTheValue() {
    var previous = -1
    for step in 0...400 {
      let eighths = BarChart.eighths(Double(step) / 300, top: 1.2, rows: 10)
      XCTAssertGreaterThanOrEqual(eighths, previous)
      previous = eighths
    }
    XCTAssertEqual(BarChart.eighths(1.2, top: 1.2, rows: 10), 80)
    XCTAssertEqual(BarChart.eighths(5, top: 1.2, rows: 10), 80, "clipped at the top")
    XCTAssertEqual(BarChart.eighths(.nan, top: 1, rows: 10), 0)
    XCTAssertEqual(BarChart.eighths(-1, top: 1, rows: 10), 0)

    // On the rendered chart: the eighths drawn above each column grow with the value.
    let values = (0...10).map { Double($0) / 10 }
    let text = BarChart(values).plainText(TextOptions(width: 60, height: 12))
    let lines = text.split(separator: "\n").map { Array($0) }
    let baseline = lines.firstIndex { $0.contains("└") }!
    let eighths: [Character: Int] = ["▁": 1, "▂": 2, "▃": 3, "▄": 4, "▅": 5, "▆": 6, "▇": 7, "█": 8]
    let columns = (0..<lines[0].count).map { x in (0..<baseline).map { eighths[lines[$0][x]] ?? 0 }.reduce(0, +) }
    let drawn = columns.filter { $0 > 0 }
    XCTAssertEqual(drawn, drawn.sorted(), text)
    XCTAssertEqual(Set(drawn).count, 10, "ten distinct non-zero heights:\n\(text)")
  }

  func testWithoutColourCodesCarrySuperposition() {
    let plot = BarChart([1, 1, 1, 1], colors: [0, 0.5, 1, .nan])
    let text = plot.plainText(TextOptions(width: 40, height: 10))
    let lines = text.split(separator: "\n").map(String.init)
    let codes = lines[lines.firstIndex { $0.contains("└") }! + 1]
    XCTAssertEqual(codes.filter { $0 != " " }, "..++@@??", text)
    // A feature the model drops (a bar too short to draw) shows no code, as it shows no colour.
    let dropped = BarChart([1, 0.001, 0, 1], colors: [1, 1, 1, 1]).plainText(TextOptions(width: 40, height: 10))
    let droppedLines = dropped.split(separator: "\n").map(String.init)
    let droppedCodes = droppedLines[droppedLines.firstIndex { $0.contains("└") }! + 1]
    XCTAssertEqual(droppedCodes.filter { $0 != " " }, "@@@@", dropped)
    let legend = lines.first { $0.hasPrefix("superposition ") }!
    let ramp = legend.dropFirst("superposition ".count).filter { $0 != " " }
    XCTAssertEqual(ramp.first, ".", legend)
    XCTAssertEqual(ramp.last, "@", legend)
    XCTAssertEqual(
      Array(ramp),
      Array(ramp).sorted { Array(".:-=+*#%@").firstIndex(of: $0)! < Array(".:-=+*#%@").firstIndex(of: $1)! })
    XCTAssertFalse(plot.terminalText(TextOptions(width: 40, height: 10), depth: .truecolor).contains("@@"))
  }

  func testColoursFollowTheMapAndNaNIsGrey() {
    let plot = BarChart([1, 1, 1], colors: [0, 1, .nan])
    let grid = plot.textGrid(TextOptions(width: 40, height: 8))
    let bottom = (0..<grid.height).first { y in (0..<grid.width).contains { grid[$0, y].glyph == "└" } }! - 1
    let colours = (0..<grid.width).compactMap { grid[$0, bottom].glyph == "█" ? grid[$0, bottom].foreground : nil }
    XCTAssertEqual(colours.first, Colormap.inferno.stops.first)
    XCTAssertTrue(colours.contains(Colormap.inferno.stops.last!))
    XCTAssertEqual(colours.last, .grey)
  }

  func testNaNValuesShowTheNoDataMark() {
    let text = BarChart([1, .nan, 0.5]).plainText(TextOptions(width: 40, height: 8))
    let lines = text.split(separator: "\n")
    let baseline = lines.firstIndex { $0.contains("└") }!
    XCTAssertTrue(lines[baseline - 1].contains("?"), text)
    XCTAssertTrue(BarChart([.nan]).svgDocument.contains(">?</text>"))
  }

  func testTheMarkerRuleSitsBetweenFeatureMMinusOneAndM() {
    let text = BarChart([1, 1, 1, 1, 0.5, 0.5], marker: 4).plainText(TextOptions(width: 40, height: 6))
    let lines = text.split(separator: "\n").map { Array($0) }
    let baseline = lines.firstIndex { $0.contains("└") }!
    let x = lines[baseline].firstIndex(of: "┴")!
    XCTAssertTrue((0..<baseline).allSatisfy { lines[$0][x] == "│" }, text)
    let full = { (column: Int) in lines[0][column] == "█" }
    XCTAssertEqual((0..<x).filter(full).count, 8, "four 2-wide full bars before the rule:\n\(text)")
    XCTAssertEqual((x..<lines[0].count).filter(full).count, 0, "only half-height bars after it")
    XCTAssertFalse(BarChart([1, 2]).plainText(TextOptions(width: 40)).contains("┴"))
  }

  func testMergingKeepsEachGroupsMaximumAndItsColour() {
    let plot = BarChart([1, 3, 2, .nan, .nan, .nan, 5], colors: [0.1, 0.3, 0.2, 0.4, 0.5, 0.6, 0.7])
    let (values, colors) = plot.merged(factor: 2)
    XCTAssertEqual(values.count, 4)
    XCTAssertEqual(values[0], 3)
    XCTAssertEqual(values[1], 2)
    XCTAssertTrue(values[2].isNaN)
    XCTAssertEqual(values[3], 5)
    XCTAssertEqual(colors?[0], 0.3)
    XCTAssertEqual(colors?[1], 0.2)
    let text = BarChart((0..<200).map(Double.init)).plainText(TextOptions(width: 80))
    XCTAssertTrue(text.contains("(200 bars, the largest of each 3 shown)"), text)
  }

  func testASCIIOutputIsSevenBitAndPlainTextHasNoEscapes() {
    for options in [TextOptions(width: 60, ascii: true), TextOptions(width: 12, height: 5, ascii: true)] {
      XCTAssertTrue(chart.plainText(options).utf8.allSatisfy { $0 < 128 })
      XCTAssertTrue(chart.terminalText(options, depth: .ansi256).utf8.allSatisfy { $0 < 128 })
    }
    XCTAssertFalse(chart.plainText(TextOptions(width: 60)).contains("\u{1B}"))
  }

  func testEdgeCasesRenderWithoutCrashing() {
    let cases: [[Double]] = [
      [], [0.5], [0, 0, 0], [2, 2, 2], [.nan], [.nan, 1], [-1, 1], [.infinity, 1], [1e-12, 1e12],
    ]
    for values in cases {
      for marker in [nil, 0, 1, 99] as [Int?] {
        let plot = BarChart(values, colors: values.map { $0 / 2 }, colorRange: 0...0, marker: marker)
        for options in [TextOptions(width: 1), TextOptions(width: 80, height: 1), TextOptions(width: 30, ascii: true)] {
          assertEqualWidths(plot.terminalText(options, depth: .ansi16), limit: options.width)
          assertEqualWidths(plot.plainText(options), limit: options.width)
        }
        XCTAssertTrue(plot.svgDocument.hasSuffix("</svg>\n"))
      }
    }
  }
}
