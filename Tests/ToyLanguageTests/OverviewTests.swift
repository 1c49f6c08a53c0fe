import Foundation
import ToyPlot
import XCTest

@testable import ToyLanguage

/// `show overview`, the paper's combined figure: its numbers are WᵀW, b, ‖W_i‖ and the
/// superposition of the weights `show w` gives, computed here from those weights.
final class OverviewTests: XCTestCase {
  func payloads(_ script: String) throws -> [Any] {
    let session = Session(seed: 3)
    var json: [String] = []
    session.onDisplay = { json.append($0.json) }
    XCTAssertEqual(session.run(Source(name: "t.toy", text: script)), .finished)
    return try json.map { text in
      let object = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
      let payload = try XCTUnwrap(object["data"] as? [String: Any])
      return try XCTUnwrap(payload["data"])
    }
  }

  /// The last display `script` gives, run with seed 0.
  func lastDisplay(_ script: String) throws -> Display {
    let session = Session(seed: 0)
    var displays: [Display] = []
    session.onDisplay = { displays.append($0) }
    XCTAssertEqual(session.run(Source(name: "t.toy", text: script)), .finished)
    return try XCTUnwrap(displays.last)
  }

  func testOverviewNumbersAreTheWeightsGramMatrixNormsAndSuperposition() throws {
    let script = """
      relu = model n=6 m=3 importance=0.8^i density=p for p in [1, 0.1, 0.02]
      train 300
      show w
      show bias
      show overview
      """
    let data = try payloads(script)
    let weights = try XCTUnwrap(data[0] as? [[[NSNumber]]]).map { $0.map { $0.map(\.doubleValue) } }
    let biases = try XCTUnwrap(data[1] as? [[NSNumber]]).map { $0.map(\.doubleValue) }
    let settings = try XCTUnwrap(data[2] as? [[String: Any]])
    XCTAssertEqual(settings.count, 3, "one column per setting")
    var worst = 0.0
    for (k, setting) in settings.enumerated() {
      let w = weights[k]
      func dot(_ a: [Double], _ b: [Double]) -> Double { zip(a, b).map(*).reduce(0, +) }
      let norms = w.map { dot($0, $0).squareRoot() }
      // Σ_{j≠i} (Ŵ_i·W_j)², and 0 for a feature not represented (‖W_i‖ < 0.1), as the docs say.
      let superposition = w.indices.map { i -> Double in
        guard norms[i] >= 0.1 else { return 0 }
        return w.indices.filter { $0 != i }.map { j in pow(dot(w[i], w[j]) / norms[i], 2) }.reduce(0, +)
      }
      let gram = w.map { a in w.map { b in dot(a, b) } }
      let shown = try XCTUnwrap(setting["wtw"] as? [[NSNumber]]).map { $0.map(\.doubleValue) }
      let shownNorms = try XCTUnwrap(setting["norms"] as? [NSNumber]).map(\.doubleValue)
      let shownSuperposition = try XCTUnwrap(setting["superposition"] as? [NSNumber]).map(\.doubleValue)
      let shownBias = try XCTUnwrap(setting["b"] as? [NSNumber]).map(\.doubleValue)
      XCTAssertEqual(shown.count, 6)
      XCTAssertEqual(shownBias, biases[k])
      for i in 0..<6 {
        for j in 0..<6 { worst = max(worst, abs(shown[i][j] - gram[i][j])) }
        worst = max(worst, abs(shownNorms[i] - norms[i]), abs(shownSuperposition[i] - superposition[i]))
      }
    }
    XCTAssertLessThan(worst, 1e-5, "max difference from WᵀW, ‖W_i‖ and superposition computed here: \(worst)")
  }

  func testOverviewDrawsOneColumnPerSettingAndOneColourBarPerScale() throws {
    let display = try lastDisplay("relu = model n=5 m=2 density=p for p in [1, 0.3, 0.1]\ntrain 20\nshow overview")
    let svg = try XCTUnwrap(display.svg)
    // Three titled columns, the model's name above them.
    for title in ["relu", "p = 1", "p = 0.3", "p = 0.1"] { XCTAssertTrue(svg.contains(">\(title)</text>"), title) }
    XCTAssertEqual(svg.components(separatedBy: ">‖W_i‖</text>").count - 1, 3, "a bar chart under each heatmap")
    XCTAssertEqual(svg.components(separatedBy: ">superposition</text>").count - 1, 1, "one superposition colour bar")
    // Colour bars are outlined strips; the three matrices and bias columns are outlined too.
    XCTAssertEqual(svg.components(separatedBy: "fill=\"none\"").count - 1, 3 + 3 + 2)
    let plain = display.plain
    XCTAssertTrue(plain.contains("p = 0.1") && plain.contains("‖W_i‖"), plain)
  }

  /// `show dims` marks every sampled density with a dot on its line.
  func testDimsMarksEachSampledDensity() throws {
    let display = try lastDisplay("m = model n=5 m=2 density=p for p in [1, 0.3, 0.1, 0.03]\ntrain 10\nshow dims")
    let svg = try XCTUnwrap(display.svg)
    XCTAssertEqual(svg.components(separatedBy: "<circle ").count - 1, 4)
  }

  /// `show neurons` names its axes: the neurons along, the weights up.
  func testNeuronsSVGNamesItsAxes() throws {
    let svg = try XCTUnwrap(lastDisplay("m = model kind=hidden_relu n=4 m=3\ntrain 10\nshow neurons").svg)
    XCTAssertTrue(svg.contains(">neuron</text>"), svg)
    XCTAssertTrue(svg.contains(">weight W_ij</text>"), svg)
  }
}
