import Foundation
import ToyTestSupport
import XCTest

@testable import ToyPlot

/// Neuron plots: stacks of input weights per neuron, and the abs model's arrangement.
final class NeuronPlotTests: XCTestCase {
  /// The hidden-layer model's second regime (paper §3.10), n = 10, m = 5, as features ×
  /// neurons: the top three features keep their own neurons; on the last two, feature 3 sits
  /// at (1, 1)/√2 and features 4 and 5 form an antipodal pair along (1, −1)/√2.
  private var regime2: [[Double]] {
    let r = 1 / 2.0.squareRoot()
    var w = Array(repeating: Array(repeating: 0.0, count: 5), count: 10)
    for k in 0..<3 { w[k][k] = 1 }
    w[3][3] = r
    w[3][4] = r
    w[4][3] = r
    w[4][4] = -r
    w[5][3] = -r
    w[5][4] = r
    return w
  }

  private let importance = (0..<10).map { pow(0.75, Double($0)) }

  /// The dense abs model (n = 3, m = 6): each feature has a neuron for ReLU(x) and one for
  /// ReLU(−x), at arbitrary scales (α in, 1/α out) and in no particular order.
  private var absDense: [[Double]] {
    // Neurons: f2+, f0−, f1+, f0+, f2−, f1−.
    [
      [0, -2, 0, 0.8, 0, 0],
      [0, 0, 1.5, 0, 0, -1.2],
      [0.5, 0, 0, 0, -0.3, 0],
    ]
  }

  func testGoldenHiddenLayerStacks() {
    let plot = NeuronStackPlot(weights: regime2, importance: importance, title: "regime 2")
    let unicode = TextOptions(width: 60, height: 16)
    let ascii = TextOptions(width: 60, height: 16, ascii: true)
    assertGolden(plot.terminalText(unicode, depth: .truecolor), "neurons-regime2-half-truecolor")
    assertGolden(plot.plainText(unicode), "neurons-regime2-plain")
    assertGolden(plot.plainText(ascii), "neurons-regime2-ascii")
    assertGolden(plot.terminalText(ascii, depth: .ansi256), "neurons-regime2-ascii-256")
    assertGolden(Heatmap.neuronWeights(regime2).plainText(TextOptions(width: 60)), "neurons-regime2-heatmap-plain")
  }

  func testGoldenAbsModelSortedAndScaled() {
    let importance = [1, 0.8, 0.64]
    let arrangement = NeuronArrangement.byImportance(weights: absDense, importance: importance)
    let stack = NeuronStackPlot(weights: absDense, importance: importance, arrangement: arrangement)
    assertGolden(stack.plainText(TextOptions(width: 60, height: 14)), "neurons-abs-dense-plain")
    let heatmap = Heatmap.neuronWeights(absDense, arrangement: arrangement, title: "W₁")
    assertGolden(heatmap.plainText(TextOptions(width: 60)), "neurons-abs-dense-heatmap-plain")
  }

  func testArrangementSortsByImportanceOfTheLargestFeatureAndScalesToOne() {
    let arrangement = NeuronArrangement.byImportance(weights: absDense, importance: [1, 0.8, 0.64])
    XCTAssertEqual(arrangement.order, [1, 3, 2, 5, 0, 4])
    let arranged = arrangement.apply(to: absDense)
    for neuron in 0..<6 {
      let largest = arranged.map { abs($0[neuron]) }.max()!
      XCTAssertEqual(largest, 1, accuracy: 1e-12, "neuron \(arrangement.order[neuron])")
    }
    XCTAssertEqual(arranged[0][0], -1, "the sign is kept")
    // Importance, not the feature index, decides: reversed importance reverses the groups.
    let reversed = NeuronArrangement.byImportance(weights: absDense, importance: [0.1, 0.5, 1])
    XCTAssertEqual(reversed.order, [0, 4, 2, 5, 1, 3])
    // A dead neuron goes last, unscaled.
    let dead = NeuronArrangement.byImportance(weights: [[0, 2], [0, .nan]], importance: [1, 1])
    XCTAssertEqual(dead.order, [1, 0])
    XCTAssertEqual(dead.scales, [1, 0.5])
  }

  func testStacksPutTheLargestBlockNearestTheAxisAndNegativesBelow() {
    let plot = NeuronStackPlot(weights: [[0.2, 0], [-0.5, 0], [0.7, 0], [-0.1, 0], [.nan, 0]])
    let (up, down, hasNaN) = plot.stacks(neuron: 0)
    XCTAssertEqual(up.map(\.feature), [2, 0])
    XCTAssertEqual(up.map(\.end), [0.7, 0.7 + 0.2])
    XCTAssertEqual(down.map(\.feature), [1, 3])
    XCTAssertEqual(down.last!.end, 0.6, accuracy: 1e-12)
    XCTAssertTrue(hasNaN)
    XCTAssertEqual(plot.stacks(neuron: 1).up, [])
    XCTAssertEqual(plot.extent.up, 0.9, accuracy: 1e-12)

    // In text: feature 2's code fills the rows next to the axis, 0 above it, 1 and 3 below.
    let lines = plot.plainText(TextOptions(width: 40, height: 24)).split(separator: "\n").map { Array($0) }
    let axis = lines.firstIndex { $0.contains("┼") }!
    let x = lines[axis].firstIndex(of: "┼")! + 2
    let below = lines[(axis + 1)...].prefix { "│┤".contains($0[x - 2]) }
    XCTAssertEqual(String(lines[..<axis].map { $0[x] }).filter { $0 != " " }.uniqued, "02")
    XCTAssertEqual(String(below.map { $0[x] }).filter { $0 != " " }.uniqued, "13")
    XCTAssertTrue(lines[axis].contains("?"))
  }

  func testFeatureColours() {
    let few = NeuronStackPlot(weights: regime2)
    XCTAssertEqual(few.coloring, .categorical)
    XCTAssertEqual(few.color(feature: 3), Colormap.categorical[3])
    let many = NeuronStackPlot(
      weights: Array(repeating: [1.0], count: 30), importance: (0..<30).map { pow(0.8, Double($0)) })
    XCTAssertEqual(many.coloring, .importance)
    XCTAssertEqual(many.color(feature: 0), Colormap.viridis.stops.last, "the most important feature is yellow")
    XCTAssertNotEqual(many.color(feature: 1), many.color(feature: 0))
    let byIndex = NeuronStackPlot(weights: Array(repeating: [1.0], count: 30))
    XCTAssertEqual(byIndex.color(feature: 29), Colormap.viridis.stops.first)
    // In colour, a half-block cell of feature 1's block carries feature 1's colour.
    let grid = few.textGrid(TextOptions(width: 60, height: 16))
    let colours = Set(grid.rows.joined().compactMap { $0.glyph == "█" ? $0.foreground : nil })
    XCTAssertTrue(colours.isSuperset(of: (0..<6).map { few.color(feature: $0) }))
  }

  func testEveryRenderingHasEqualWidthsWithinTheLimit() {
    let wide = (0..<100).map { i in (0..<40).map { j in sin(Double(i * 40 + j)) } }
    let plots: [(String, NeuronStackPlot)] = [
      ("regime2", NeuronStackPlot(weights: regime2, importance: importance, title: "1−S = 0.1")),
      ("wide", NeuronStackPlot(weights: wide, arrangement: .byImportance(weights: wide, importance: importance))),
      ("nan", NeuronStackPlot(weights: [[.nan, 1], [-1, .nan]])),
      ("empty", NeuronStackPlot(weights: [])),
    ]
    for (name, plot) in plots {
      for width in [10, 30, 60, 80] {
        for height in [nil, 5, 20] as [Int?] {
          for ascii in [false, true] {
            let options = TextOptions(width: width, height: height, ascii: ascii)
            for depth in ColorDepth.allCases {
              assertEqualWidths(plot.terminalText(options, depth: depth), limit: width, "\(name) \(width) \(depth)")
            }
          }
        }
      }
    }
    let clipped = NeuronStackPlot(weights: wide).plainText(TextOptions(width: 30))
    XCTAssertTrue(clipped.contains("of 40 neurons)"), clipped)
  }

  func testASCIIOutputIsSevenBitAndPlainTextHasNoEscapes() {
    let plot = NeuronStackPlot(weights: regime2, title: "1−S = 0.1")
    let heatmap = Heatmap.neuronWeights(regime2, title: "W₁")
    for options in [TextOptions(width: 60, ascii: true), TextOptions(width: 15, height: 6, ascii: true)] {
      XCTAssertTrue(plot.plainText(options).utf8.allSatisfy { $0 < 128 })
      XCTAssertTrue(plot.terminalText(options, depth: .truecolor).utf8.allSatisfy { $0 < 128 })
      XCTAssertTrue(heatmap.plainText(options).utf8.allSatisfy { $0 < 128 })
    }
    XCTAssertFalse(plot.plainText(TextOptions(width: 60)).contains("\u{1B}"))
  }

  func testEdgeCasesRenderWithoutCrashing() {
    let cases: [[[Double]]] = [
      [], [[]], [[1]], [[0, 0], [0, 0]], [[-2]], [[.nan]], [[.infinity, 1]], [[1, 2, 3], [4]],
    ]
    for weights in cases {
      let plot = NeuronStackPlot(weights: weights, importance: [1])
      let arranged = NeuronStackPlot(weights: weights, arrangement: .byImportance(weights: weights, importance: []))
      for options in [TextOptions(width: 1), TextOptions(width: 80, height: 1), TextOptions(width: 30, ascii: true)] {
        for p in [plot, arranged] {
          assertEqualWidths(p.terminalText(options, depth: .truecolor), limit: options.width)
          assertEqualWidths(p.plainText(options), limit: options.width)
        }
      }
      XCTAssertTrue(plot.svgDocument.hasSuffix("</svg>\n"))
      XCTAssertTrue(arranged.svgDocument.hasSuffix("</svg>\n"))
    }
  }

  func testSVGDrawsOneRectanglePerBlockAndALegend() {
    let doc = NeuronStackPlot(weights: regime2).svgDocument
    // Background, 9 non-zero weights, 10 legend swatches.
    XCTAssertEqual(doc.components(separatedBy: "<rect ").count - 1, 1 + 9 + 10)
    XCTAssertTrue(doc.contains(">feature</text>"))
  }
}

extension String {
  /// The distinct characters in sorted order.
  fileprivate var uniqued: String { String(Set(self).sorted()) }
}
