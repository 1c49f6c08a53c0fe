import Foundation
import XCTest

@testable import ToyLanguage

/// `show recovery`: each feature's output for the input e_i, computed here from the weights
/// `show w` and the biases `show bias` give, with the models' equations written out again.
final class RecoveryTests: XCTestCase {
  /// The `data` of every display `script` gives.
  func payloads(_ script: String) throws -> [Any] {
    let session = Session(seed: 5)
    session.threads = 1
    var json: [String] = []
    session.onDisplay = { json.append($0.json) }
    XCTAssertEqual(session.run(Source(name: "t.toy", text: script)), .finished)
    return try json.map { text in
      let object = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
      let payload = try XCTUnwrap(object["data"] as? [String: Any])
      return try XCTUnwrap(payload["data"])
    }
  }

  /// x'_i for x = e_i: the hidden layer is W_i (through the ReLU for hidden_relu), read back
  /// along W_i and shifted by b_i, through the output ReLU except for linear.
  func expected(kind: String, w: [[Double]], b: [Double]) -> [Double] {
    w.indices.map { i in
      let hidden = kind == "hidden_relu" ? w[i].map { max($0, 0) } : w[i]
      let out = zip(w[i], hidden).map(*).reduce(0, +) + b[i]
      return kind == "linear" ? out : max(out, 0)
    }
  }

  func testRecoveryIsEachFeaturesOutputAloneFromTheShownWeightsAndBias() throws {
    var worst = 0.0
    for kind in ["relu", "linear", "hidden_relu"] {
      let script = """
        model kind=\(kind) n=6 m=3 importance=0.8^i density=p for p in [1, 0.1, 0.02]
        train 300 batch=64
        show w
        show bias
        show recovery
        """
      let data = try payloads(script)
      let weights = try XCTUnwrap(data[0] as? [[[Double]]], kind)
      let biases = try XCTUnwrap(data[1] as? [[Double]], kind)
      let shown = try XCTUnwrap(data[2] as? [[Double]], kind)
      XCTAssertEqual(shown.count, 3, "\(kind): one panel per setting")
      for (k, recovery) in shown.enumerated() {
        let oracle = expected(kind: kind, w: weights[k], b: biases[k])
        XCTAssertEqual(recovery.count, 6, kind)
        worst = max(worst, zip(recovery, oracle).map { abs($0 - $1) }.max() ?? .infinity)
      }
    }
    XCTAssertLessThan(worst, 1e-5, "max difference from x'_i recomputed from show w and show bias: \(worst)")
  }

  /// The same numbers drawn as bars, a panel per setting with the setting as its title.
  func testRecoveryDrawsAPanelPerSetting() throws {
    let session = Session(seed: 0)
    session.threads = 1
    var displays: [Display] = []
    session.onDisplay = { displays.append($0) }
    let script = "model n=5 m=2 density=p for p in [1, 0.1]\ntrain 20\nshow recovery"
    XCTAssertEqual(session.run(Source(name: "t.toy", text: script)), .finished)
    let svg = try XCTUnwrap(displays.last?.svg)
    for title in ["p = 1", "p = 0.1"] { XCTAssertTrue(svg.contains(">\(title)</text>"), title) }
    XCTAssertEqual(svg.components(separatedBy: ">x'_i(e_i)</text>").count - 1, 2, "a value title per panel")
  }
}
