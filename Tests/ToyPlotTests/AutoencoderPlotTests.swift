import Foundation
import ToyTestSupport
import XCTest

@testable import ToyPlot

/// The pieces the sparse-autoencoder figures add: decoder directions over the feature arrows,
/// a log histogram with a bin apart, labelled points on a line plot, and a base-2 log axis.
final class AutoencoderPlotTests: XCTestCase {
  static let pentagon = (0..<5).map { k in [cos(2 * Double.pi * Double(k) / 5), sin(2 * Double.pi * Double(k) / 5)] }

  /// Five latents near the pentagon's features, in another order, and a sixth between two.
  static let latents: [[Double]] =
    [3, 0, 4, 1, 2].map { pentagon[$0] } + [[cos(Double.pi / 5), sin(Double.pi / 5)]]

  // MARK: Decoder directions over the features

  func testEveryLiveLatentIsLabelledAndDrawnDashedInSVG() {
    let plot = VectorPlot(Self.pentagon, latents: Self.latents, deadLatents: [5])
    let svg = plot.svgDocument
    let dashedArrows = svg.components(separatedBy: "stroke-dasharray").count - 1
    XCTAssertEqual(dashedArrows, 6, "one dashed arrow per latent")
    for j in 0..<6 { XCTAssertTrue(svg.contains(">L\(j)</text>"), "L\(j) labelled in SVG") }
    // Live latents in red, the dead one in grey.
    XCTAssertEqual(svg.components(separatedBy: "stroke=\"\(VectorPlot.latentColor.hex)\"").count - 1, 5)
    XCTAssertTrue(svg.contains("dead (never fire, drawn grey): L5"))
  }

  func testTextPlotMarksEachLatentTipAndKeysTheTwoSets() {
    let plot = VectorPlot(Self.pentagon, latents: Self.latents)
    let text = plot.plainText(TextOptions(width: 60, height: 24))
    assertEqualWidths(text, limit: 60)
    XCTAssertTrue(text.contains("L0–L5 (tipped ◆): decoder directions"), text)
    XCTAssertTrue(text.contains("0–4: the features"), text)
    let grid = plot.textGrid(TextOptions(width: 60, height: 24, color: false))
    let tips = (0..<grid.height).flatMap { y in (0..<grid.width).filter { grid[$0, y].glyph == "◆" } }
    // A latent on a feature's tip leaves the feature's head in place: only the one between
    // features (L5) shows its own tip.
    XCTAssertGreaterThanOrEqual(tips.count, 1, text)
    let labelled = (0..<6).filter { text.contains("L\($0)") }
    let left = text.contains("latent labels left out") ? 1 : 0
    XCTAssertGreaterThanOrEqual(labelled.count + left, 6, text)
    assertEveryModeKeepsWidths(plot, widths: [30, 60, 100], heights: [nil, 12, 30])
  }

  func testLatentsTurnWithTheFeaturesInCanonicalOrientation() {
    let turned = Self.pentagon.map { v in [v[0] * cos(1) - v[1] * sin(1), v[0] * sin(1) + v[1] * cos(1)] }
    let plot = VectorPlot(turned, canonical: true, latents: [turned[2]])
    let latent = plot.latentArrows[0]
    let feature = plot.drawnVectors[2]
    XCTAssertEqual(latent.x, feature[0], accuracy: 1e-12)
    XCTAssertEqual(latent.y, feature[1], accuracy: 1e-12)
  }

  func testWithoutLatentsTheGeometryIsDrawnAsBefore() {
    let plain = VectorPlot(Self.pentagon)
    XCTAssertFalse(plain.plainText(TextOptions(width: 60)).contains("decoder"))
    XCTAssertFalse(plain.svgDocument.contains("stroke-dasharray"))
  }

  // MARK: Log histogram

  static let histogram = LogHistogram(
    edges: [1e-4, 1e-3, 1e-2, 1e-1, 1], counts: [0, 1, 5, 2], apart: .init("dead", count: 3),
    xLabel: "share of samples", yLabel: "latents", title: "firing")

  func testHistogramShowsEveryEdgeTheBinApartAndEachCount() {
    let text = Self.histogram.plainText(TextOptions(width: 60, height: 14))
    assertEqualWidths(text, limit: 60)
    for label in ["dead", "1e-4", "1e-3", "1e-2", "1e-1", "1e0", "5", "3", "2"] {
      XCTAssertTrue(text.contains(label), "\(label) in\n\(text)")
    }
    assertEveryModeKeepsWidths(Self.histogram, widths: [24, 40, 80], heights: [nil, 8, 20])
  }

  func testHistogramBarsAreAsTallAsTheirCounts() {
    // The bars' filled eighths, read back from the grid, are in the ratio of the counts.
    let plot = LogHistogram(edges: [0.01, 0.1, 1], counts: [2, 4], apart: .init("dead", count: 1))
    let grid = plot.textGrid(TextOptions(width: 40, height: 12, color: false))
    let levels: [Character: Int] = ["▁": 1, "▂": 2, "▃": 3, "▄": 4, "▅": 5, "▆": 6, "▇": 7, "█": 8]
    let fit = plot.fit(width: 40, gutter: plot.countTicks.map { Ticks.label($0).count }.max() ?? 1)
    func eighths(_ x: Int) -> Int { (0..<grid.height).reduce(0) { $0 + (levels[grid[x, $1].glyph] ?? 0) } }
    let (apart, first, second) = (eighths(fit.apartX), eighths(fit.x(0)), eighths(fit.x(1)))
    XCTAssertEqual(Double(first) / Double(apart), 2, accuracy: 0.1)
    XCTAssertEqual(Double(second) / Double(apart), 4, accuracy: 0.1)
  }

  func testHistogramSVGDrawsOneBarPerNonEmptyBin() {
    let svg = Self.histogram.svgDocument
    XCTAssertEqual(svg.components(separatedBy: "<rect x=").count - 1, 4, "dead and three non-empty bins")
    XCTAssertTrue(svg.contains(">dead</text>"))
  }

  // MARK: Labelled points and a base-2 axis

  func testGivenTicksAreTheAxisTicksAndTheRangeHugsThem() {
    let sizes: [Double] = [10, 15, 20, 25, 30, 40]
    let axis = AxisScale(fitting: sizes, log: true, count: 7, ticks: sizes)
    XCTAssertEqual(axis.ticks, sizes)
    XCTAssertEqual(axis.low, 10 / 1.08, accuracy: 1e-12)
    XCTAssertEqual(axis.high, 40 * 1.08, accuracy: 1e-12)
    // Equal ratios sit equal distances apart on the log axis.
    let step = (axis.fraction(20) ?? .nan) - (axis.fraction(10) ?? .nan)
    XCTAssertEqual((axis.fraction(40) ?? .nan) - (axis.fraction(20) ?? .nan), step, accuracy: 1e-12)
    var plot = LinePlot([.init("s", x: sizes, y: sizes)], logX: true)
    plot.xTicks = sizes
    let text = plot.plainText(TextOptions(width: 80, height: 14))
    XCTAssertTrue(text.contains("10") && text.contains("25") && text.contains("40"), text)
  }

  func testPointLabelsAppearBesideTheirPoints() {
    var series = LinePlot.Series("l1", x: [0.5, 1, 2, 3], y: [0.8, 0.4, 0.1, 0.02])
    series.labels = ["λ=1", "λ=0.3", "λ=0.1", "λ=0.01"]
    let plot = LinePlot([series], xLabel: "L0", yLabel: "FVU")
    let text = plot.plainText(TextOptions(width: 70, height: 18))
    for label in series.labels { XCTAssertTrue(text.contains(label), "\(label) in\n\(text)") }
    let svg = plot.svgDocument
    for label in series.labels { XCTAssertTrue(svg.contains(">\(label)</text>"), label) }
    assertEveryModeKeepsWidths(plot, widths: [30, 70], heights: [nil, 10])
  }
}
