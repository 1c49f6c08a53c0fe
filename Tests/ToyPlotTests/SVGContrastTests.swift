import Foundation
import XCTest

@testable import ToyPlot

/// Every colour an SVG draws, for every theme, against that theme's background: text at
/// WCAG's 4.5:1, marks (bars, lines, arrows, dots, axes, outlines) at 3:1, and at 4.5:1 on
/// the projector. The contrast is computed here from the WCAG 2.1 definition, not with
/// ToyPlot's own `contrast(with:)`.
///
/// Left out, each for a stated reason: cells of a colour field (`class="area"`: heatmap
/// cells, phase-diagram cells and their swatches, colour-bar strips), which are read against
/// each other and a colour bar, and whose near-zero colour is meant to look like the page
/// (the field has an outline in ink, which is checked); strokes in the background's own
/// colour (the gaps between stacked blocks); and context drawn at an opacity below 0.5 (the
/// raw loss behind its moving average, which is drawn solid in the same colour and checked).
final class SVGContrastTests: XCTestCase {
  // MARK: WCAG 2.1, written out independently

  static func luminance(_ hex: String) -> Double {
    let v = Int(hex, radix: 16) ?? 0
    let channels = [Double(v >> 16), Double((v >> 8) & 255), Double(v & 255)].map { c -> Double in
      let s = c / 255
      return s <= 0.04045 ? s / 12.92 : pow((s + 0.055) / 1.055, 2.4)
    }
    return 0.2126 * channels[0] + 0.7152 * channels[1] + 0.0722 * channels[2]
  }

  static func ratio(_ a: String, _ b: String) -> Double {
    let (la, lb) = (luminance(a), luminance(b))
    return (max(la, lb) + 0.05) / (min(la, lb) + 0.05)
  }

  /// `hex` drawn at `opacity` over `background`, as a renderer composites it.
  static func composite(_ hex: String, opacity: Double, over background: String) -> String {
    let (f, b) = (Int(hex, radix: 16) ?? 0, Int(background, radix: 16) ?? 0)
    let channels = [16, 8, 0].map { shift -> Int in
      let (cf, cb) = (Double((f >> shift) & 255), Double((b >> shift) & 255))
      return Int((opacity * cf + (1 - opacity) * cb).rounded())
    }
    return String(format: "%02x%02x%02x", channels[0], channels[1], channels[2])
  }

  func testTheWCAGFormulaHereMatchesItsReferencePoints() {
    XCTAssertEqual(Self.ratio("000000", "ffffff"), 21, accuracy: 1e-9)
    XCTAssertEqual(Self.ratio("777777", "ffffff"), 4.48, accuracy: 0.01)
    XCTAssertEqual(Self.ratio("767676", "ffffff"), 4.54, accuracy: 0.01)
  }

  // MARK: Every plot, every theme

  /// One of each plot, with every palette at work: inferno bars over the whole colour range,
  /// plain bars, twenty line colours (tab20) with the paper's reference lines, viridis
  /// arrows over ten importances with hidden states, neuron stacks in tab10 and in viridis,
  /// phase diagrams, panels with a shared colour bar, and a faint series.
  static var plots: [(String, any Plot)] {
    let colours = (0...40).map { Double($0) / 40 }
    let bars = BarChart(colours.map { 0.2 + $0 }, colors: colours, marker: 5, valueTitle: "‖W_i‖", title: "norms")
    let plain = BarChart([0.3, -0.2, 0.5, .nan], valueTitle: "b", title: "bias")
    let gram = (0..<6).map { i in (0..<6).map { j in i == j ? 1 : Double(i - j) / 6 } }
    let heatmap = Heatmap(gram, side: [0.1, -0.2, 0, 0.05, -0.1, 0.2], sideLimit: 0.2, title: "WᵀW")
    let big = Heatmap((0..<40).map { i in (0..<40).map { j in sin(Double(i * j)) } }, title: "large")
    let lines = LinePlot(
      (0..<20).map { k in LinePlot.Series("s\(k)", x: [1, 2, 3], y: [Double(k), Double(k) + 1, Double(k) / 2]) },
      references: ReferenceLine.paperFractions, title: "twenty series")
    let faint = LinePlot(
      [
        LinePlot.Series("raw", x: [1, 2, 3], y: [3, 1, 2], color: Colormap.categorical[0], faint: true),
        LinePlot.Series("smoothed", x: [1, 2, 3], y: [2, 2, 1.5], color: Colormap.categorical[0]),
      ], logY: true, title: "faint")
    var sampled = LinePlot.Series("dims", x: [1, 10, 100], y: [1, 0.5, 0.4])
    sampled.dots = true
    let dims = LinePlot([sampled], logX: true, references: ReferenceLine.dimensionsPerFeature, title: "dims")
    let scatter = ScatterPlot(x: [1, 2, 2, 5, 10], y: [1, 0.5, 0.75, 0.4, 0], jitter: .gap(0.1), logX: true)
    let vectors = (0..<10).map { k in [cos(Double(k)), sin(Double(k))] }
    let geometry = VectorPlot(
      vectors, importance: (0..<10).map { pow(0.8, Double($0)) }, hidden: [[0.2, 0.1], [-0.3, 0.4]],
      title: "geometry")
    let weights = (0..<8).map { f in (0..<4).map { n in Double((f + n) % 3) - 0.8 } }
    let categorical = NeuronStackPlot(weights: weights, title: "neurons")
    let importance = NeuronStackPlot(
      weights: (0..<20).map { f in (0..<4).map { n in Double((f * n) % 5) / 5 - 0.3 } },
      importance: (0..<20).map { pow(0.9, Double($0)) }, title: "twenty features")
    let phase = PhaseDiagram(columns: 12, rows: 8, title: "theory") { r, s in r > 1 ? 2 : (s > 0.1 ? 0 : 1) }
    let trained = EmpiricalPhaseDiagram(
      norm: [[0, 0.5, 1], [1, .nan, 0.2]], superposition: [[0, 0.5, 1], [0, 0, 2]], title: "trained")
    return [
      ("bars", bars), ("plain bars", plain), ("heatmap", heatmap), ("large heatmap", big), ("lines", lines),
      ("faint", faint), ("scatter", scatter), ("geometry", geometry), ("neurons", categorical),
      ("neurons by importance", importance), ("phase", PanelGrid.phaseComparison(theory: phase, trained: trained)),
      ("shared colour bar", PanelGrid([bars, bars])), ("stack", StackedLinePlot([lines, faint])), ("dims", dims),
      ("overview", OverviewFigure(heatmaps: [heatmap, heatmap], bars: [bars, bars], title: "overview")),
    ]
  }

  /// The attributes of every element of a document, in order.
  static func elements(_ svg: String) -> [(tag: String, attributes: [String: String])] {
    let element = try! NSRegularExpression(pattern: "<([a-z]+)((?:\\s+[a-z0-9:-]+=\"[^\"]*\")*)\\s*/?>")
    let attribute = try! NSRegularExpression(pattern: "([a-z0-9:-]+)=\"([^\"]*)\"")
    let text = svg as NSString
    return element.matches(in: svg, range: NSRange(location: 0, length: text.length)).map { match in
      let body = text.substring(with: match.range(at: 2))
      var attributes: [String: String] = [:]
      for a in attribute.matches(in: body, range: NSRange(location: 0, length: (body as NSString).length)) {
        attributes[(body as NSString).substring(with: a.range(at: 1))] = (body as NSString).substring(
          with: a.range(at: 2))
      }
      return (text.substring(with: match.range(at: 1)), attributes)
    }
  }

  func testEveryColourOfEverySVGReadsOnItsThemesBackground() {
    let backgrounds: [Theme: String] = [.dark: "1e1e1e", .light: "ffffff", .projector: "ffffff"]
    for theme in Theme.allCases {
      let background = backgrounds[theme]!
      let markMinimum = theme == .projector ? 4.5 : 3
      var checked = (text: 0, marks: 0)
      for (name, plot) in Self.plots {
        let svg = plot.svgDocument(SVGStyle(theme: theme))
        XCTAssertTrue(
          svg.contains("<rect width=\"100%\" height=\"100%\" fill=\"#\(background)\"/>"), "\(name), \(theme): page")
        for (tag, attributes) in Self.elements(svg) where attributes["class"] != "area" && attributes["width"] != "100%"
        {
          func check(_ key: String, opacityKey: String, minimum: Double) {
            guard let value = attributes[key], value.hasPrefix("#") else { return }
            let hex = String(value.dropFirst())
            let opacity = Double(attributes[opacityKey] ?? "1") ?? 1
            guard opacity >= 0.5, !(key == "stroke" && hex == background) else { return }
            let seen = Self.composite(hex, opacity: opacity, over: background)
            let contrast = Self.ratio(seen, background)
            XCTAssertGreaterThanOrEqual(
              contrast, minimum, "\(name), \(theme): <\(tag) \(key)=#\(hex)> at opacity \(opacity) gives \(contrast)")
            if tag == "text" { checked.text += 1 } else { checked.marks += 1 }
          }
          if tag == "text" {
            check("fill", opacityKey: "fill-opacity", minimum: 4.5)
          } else {
            check("fill", opacityKey: "fill-opacity", minimum: markMinimum)
            check("stroke", opacityKey: "stroke-opacity", minimum: markMinimum)
          }
        }
      }
      // The scan saw the documents' shapes (a broken pattern would pass by checking nothing).
      XCTAssertGreaterThan(checked.text, 200, "\(theme)")
      XCTAssertGreaterThan(checked.marks, 300, "\(theme)")
    }
  }

  /// The projector's text is larger than the page's, and its lines thicker.
  func testProjectorTextIsLargerAndLinesThicker() {
    let plot = BarChart([1, 0.5], valueTitle: "‖W_i‖", title: "norms")
    func sizes(_ style: SVGStyle, _ key: String) -> [Double] {
      Self.elements(plot.svgDocument(style)).compactMap { $0.attributes[key].flatMap(Double.init) }
    }
    let page = sizes(.standard, "font-size")
    let room = sizes(SVGStyle(theme: .projector), "font-size")
    XCTAssertEqual(page.count, room.count)
    XCTAssertEqual(room.min()!, 1.5 * page.min()!, accuracy: 1e-9)
    XCTAssertGreaterThanOrEqual(room.min()!, 15)
    XCTAssertEqual(
      sizes(SVGStyle(theme: .projector), "stroke-width").max()!, 2 * sizes(.standard, "stroke-width").max()!,
      accuracy: 1e-9)
  }
}
