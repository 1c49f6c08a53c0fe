import Foundation
import ToyPlot
import XCTest

@testable import ToyLanguage

/// `show dynamics`: D_i over training above the loss, on one x axis, as the paper's figure.
final class DynamicsTests: XCTestCase {
  /// Twenty features in ten dimensions (examples/08-dynamics.toy), trained briefly.
  static let script = "model n=20 m=10 importance=1 density=0.1\ntrain 300 batch=64\nshow dynamics"

  func display() throws -> Display {
    let session = Session(seed: 0)
    session.threads = 1
    var displays: [Display] = []
    session.onDisplay = { displays.append($0) }
    XCTAssertEqual(session.run(Source(name: "t.toy", text: Self.script)), .finished)
    return try XCTUnwrap(displays.last)
  }

  /// One drawn x axis in text: the column of its corner (the plot area's left edge less
  /// one), the columns of its ticks, and the line of tick labels below it.
  struct TextAxis: Equatable {
    var corner: Int
    var ticks: [Int]
    var labels: String
  }

  /// Every x axis in `text`: a row that starts (after blanks) with the corner `└` (`+` in
  /// ASCII) and is otherwise rule and ticks.
  static func xAxes(_ text: String) -> [TextAxis] {
    let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map { Array($0) }
    var axes: [TextAxis] = []
    for (row, line) in lines.enumerated() {
      guard let corner = line.firstIndex(where: { $0 != " " }), ["└", "+"].contains(line[corner]) else { continue }
      let rest = line[(corner + 1)...].filter { $0 != " " }
      guard rest.count > 2, rest.allSatisfy({ "─┬-+".contains($0) }) else { continue }
      let ticks = line.indices.filter { $0 > corner && (line[$0] == "┬" || line[$0] == "+") }
      let labels = row + 1 < lines.count ? String(lines[row + 1]) : ""
      let trimmed = labels.replacingOccurrences(of: " +$", with: "", options: .regularExpression)
      axes.append(TextAxis(corner: corner, ticks: ticks, labels: trimmed))
    }
    return axes
  }

  /// Text without ANSI escape sequences.
  static func stripped(_ text: String) -> String {
    text.replacingOccurrences(of: "\u{1B}\\[[0-9;]*m", with: "", options: .regularExpression)
  }

  /// The D_i panel and the loss panel share their x axis in every text mode and width: the
  /// same left edge, the same ticks at the same columns, the same labels.
  func testPanelsShareTheirXAxisInText() throws {
    let plot = try XCTUnwrap(try display().plot)
    for width in [80, 100, 120] {
      var renderings: [(String, String)] = [
        ("plain", plot.plainText(TextOptions(width: width))),
        ("ascii", plot.plainText(TextOptions(width: width, ascii: true))),
        ("quadrant", plot.plainText(TextOptions(width: width, canvas: .quadrant))),
      ]
      for depth in ColorDepth.allCases where depth != .none {
        renderings.append((depth.rawValue, Self.stripped(plot.terminalText(TextOptions(width: width), depth: depth))))
      }
      for (mode, text) in renderings {
        let axes = Self.xAxes(text)
        XCTAssertEqual(axes.count, 2, "\(mode) at \(width): two panels, two x axes\n\(text)")
        guard axes.count == 2 else { continue }
        XCTAssertGreaterThanOrEqual(axes[0].ticks.count, 2, "\(mode) at \(width)")
        XCTAssertEqual(axes[0], axes[1], "\(mode) at \(width): D_i panel's x axis, then the loss panel's")
        let widths = Set(text.split(separator: "\n").map(\.count))
        XCTAssertEqual(widths, [width], "\(mode) at \(width): every line as wide as the options")
      }
    }
  }

  /// Without colour every feature's line carries its index (0–9, then a, b, …): twenty
  /// features, twenty glyphs; in colour, twenty colours.
  func testFeaturesAreFollowable() throws {
    let plot = try XCTUnwrap(try display().plot)
    let plain = plot.plainText(TextOptions(width: 100))
    for (f, glyph) in zip(0..<20, "0123456789abcdefghij") {
      XCTAssertTrue(plain.contains("─\(glyph)─ feature \(f)"), "feature \(f)'s glyph in the legend")
    }
    let colours = plot.textGrid(TextOptions(width: 100, color: true)).rows.prefix(30).joined().compactMap(\.foreground)
    XCTAssertGreaterThanOrEqual(Set(colours).count, 20)
  }

  /// One x axis in SVG, in document coordinates: the plot area's left edge (the y axis),
  /// the x of each tick, and the tick labels.
  struct SVGAxis: Equatable {
    var left: Double
    var ticks: [Double]
    var labels: [String]
  }

  /// The x axis of each panel (`<g transform="translate(…)">` group) of a stacked SVG.
  static func svgAxes(_ svg: String) -> [SVGAxis] {
    func number(_ name: String, _ element: String) -> Double? {
      guard let range = element.range(of: "\(name)=\"[-0-9.]+\"", options: .regularExpression) else { return nil }
      return Double(element[range].dropFirst(name.count + 2).dropLast())
    }
    var axes: [SVGAxis] = []
    for group in svg.components(separatedBy: "<g transform=\"translate(").dropFirst() {
      let offset = group.prefix { $0 != ")" }.split(separator: ",").compactMap { Double($0) }
      guard offset.count == 2, let body = group.components(separatedBy: "</g>").first else { continue }
      let elements = body.components(separatedBy: "\n")
      // Vertical black lines: the y axis (the longest) and the x ticks (5 long, at its foot).
      let vertical = elements.filter { $0.hasPrefix("<line") && $0.contains("stroke=\"#000000\"") }.compactMap {
        line -> (x: Double, y1: Double, y2: Double)? in
        guard let x1 = number("x1", line), let x2 = number("x2", line), x1 == x2,
          let y1 = number("y1", line), let y2 = number("y2", line)
        else { return nil }
        return (x1, y1, y2)
      }
      guard let axis = vertical.max(by: { $0.y2 - $0.y1 < $1.y2 - $1.y1 }) else { continue }
      let ticks = vertical.filter { $0.y1 == axis.y2 && $0.y2 == axis.y2 + 5 }.map { offset[0] + $0.x }
      let labels = elements.filter {
        $0.hasPrefix("<text") && $0.contains("text-anchor=\"middle\"") && number("y", $0) == axis.y2 + 18
      }.map { $0.replacingOccurrences(of: "<[^>]*>", with: "", options: .regularExpression) }
      axes.append(SVGAxis(left: offset[0] + axis.x, ticks: ticks, labels: labels))
    }
    return axes
  }

  func testPanelsShareTheirXAxisInSVG() throws {
    let svg = try XCTUnwrap(try display().svg)
    let axes = Self.svgAxes(svg)
    XCTAssertEqual(axes.count, 2, svg)
    guard axes.count == 2 else { return }
    XCTAssertGreaterThanOrEqual(axes[0].ticks.count, 2)
    XCTAssertEqual(axes[0], axes[1], "D_i panel's x axis, then the loss panel's")
  }

  /// The smoothed loss is the exponential moving average docs/displays.md describes (time
  /// constant a tenth of the step), checked against the weights written out in full:
  /// aₖ = Σⱼ wₖⱼ·vⱼ with wₖ₀ = Πᵢ₌₁…ₖ dᵢ and wₖⱼ = (1 − dⱼ)·Πᵢ₌ⱼ₊₁…ₖ dᵢ, dᵢ = e^(−(tᵢ − tᵢ₋₁)/(tᵢ/10)).
  func testSmoothedLossIsTheDocumentedMovingAverage() throws {
    let json = try JSONSerialization.jsonObject(with: Data(try display().json.utf8)) as? [String: Any]
    let data = try XCTUnwrap((json?["data"] as? [String: Any])?["data"] as? [String: Any])
    let steps = try XCTUnwrap(data["loss_steps"] as? [Double])
    let loss = try XCTUnwrap(data["loss"] as? [Double])
    let smoothed = try XCTUnwrap(data["loss_smoothed"] as? [Double])
    XCTAssertEqual(smoothed.count, loss.count)
    XCTAssertGreaterThan(loss.count, 100)
    let decay = steps.indices.map { i in i == 0 ? 0 : exp(-(steps[i] - steps[i - 1]) / (steps[i] / 10)) }
    var largest = 0.0
    for k in loss.indices {
      var expected = 0.0
      var totalWeight = 0.0
      for j in 0...k {
        var weight = j == 0 ? 1 : 1 - decay[j]
        for i in stride(from: j + 1, through: k, by: 1) { weight *= decay[i] }
        expected += weight * loss[j]
        totalWeight += weight
      }
      XCTAssertEqual(totalWeight, 1, accuracy: 1e-9, "the weights at step \(steps[k]) sum to 1")
      largest = max(largest, abs(smoothed[k] - expected) / expected)
    }
    let tolerance = 1e-9
    XCTAssertLessThanOrEqual(largest, tolerance, "largest relative difference \(largest), tolerance \(tolerance)")
    // It smooths: late in training the raw loss varies far more from point to point.
    func roughness(_ v: [Double]) -> Double {
      let late = v.suffix(v.count / 2)
      return zip(late, late.dropFirst()).map { abs(log($1 / $0)) }.reduce(0, +)
    }
    XCTAssertLessThan(roughness(smoothed) * 5, roughness(loss))
  }
}
