import Foundation
import ToyCore
import ToyPlot
import XCTest

@testable import ToyLanguage

/// `show descent models=[…]`: several dataset= sweeps' test loss as one map, T across and a
/// row per model.
final class DescentMapTests: XCTestCase {
  func testColumnsAreEveryModelsSizesAndAMissingSizeIsNull() throws {
    let map = DescentMap(
      [
        .init(name: "a", m: 1, losses: [30: 0.2, 3: 0.1]),
        .init(name: "b", m: 3, losses: [300: 0.4, 3: 0.3]),
      ], byHidden: true)
    XCTAssertEqual(map.sizes, [3, 30, 300])
    XCTAssertEqual(map.testLoss, [[0.1, 0.2, nil], [0.3, nil, 0.4]])
    XCTAssertEqual(map.rowLabels, ["m=1", "m=3"])
    let plot = map.plot
    XCTAssertEqual(plot.columnLabels, ["3", "30", "300"])
    XCTAssertEqual(plot.values[0][2].isNaN, true, "no data where a has no T = 300")
    XCTAssertEqual(plot.values[1][1].isNaN, true)
    XCTAssertEqual(plot.scale, .sequential(log: true))
    XCTAssertEqual(plot.sequentialRange, 0.1...0.4)
    // Log colours: the geometric mean of the ends, 0.2, is half way.
    XCTAssertEqual(try XCTUnwrap(plot.sequentialFraction(0.2)), 0.5, accuracy: 1e-12)

    let json = try XCTUnwrap(
      try JSONSerialization.jsonObject(with: Data(JSON.write(map.data).utf8)) as? [String: Any])
    XCTAssertEqual(json["dataset_size"] as? [Double], [3, 30, 300])
    XCTAssertEqual(json["models"] as? [String], ["a", "b"])
    XCTAssertEqual(json["hidden"] as? [Double], [1, 3])
    let rows = try XCTUnwrap(json["test_loss"] as? [[Any]])
    XCTAssertEqual(rows[0][0] as? Double, 0.1)
    XCTAssertTrue(rows[0][2] is NSNull, "null where a model lacks a size: \(rows[0])")
    XCTAssertTrue(rows[1][1] is NSNull)

    let named = DescentMap(map.rows, byHidden: false)
    XCTAssertEqual(named.rowLabels, ["a", "b"])
    XCTAssertEqual(named.plot.rowTitle, "model")
  }

  /// Three models over 100 sizes at width 80: the sizes are averaged in pairs to fit, but
  /// each model keeps a row of its own (averaging models together would draw m=1 and m=3
  /// with m=2 gone), in plain text and in colour alike.
  func testAMapTooWideToFitAveragesSizesButNeverModels() throws {
    let rows = (1...3).map { m in
      DescentMap.Row(name: "m\(m)", m: m, losses: Dictionary(uniqueKeysWithValues: (1...100).map { ($0, Double(m)) }))
    }
    let plot = DescentMap(rows, byHidden: true).plot
    let plain = plot.plainText(TextOptions(width: 80))
    let colour = plot.terminalText(TextOptions(width: 80), depth: .truecolor)
    for text in [plain, colour] {
      let labels = text.split(separator: "\n").compactMap { line in
        line.split(separator: " ").first.map(String.init).flatMap { $0.hasPrefix("m=") ? $0 : nil }
      }
      XCTAssertEqual(labels, ["m=1", "m=2", "m=3"], text)
      XCTAssertTrue(text.contains("(3×100 averaged in 1×2 blocks)"), text)
    }
    // Each model's row keeps its own loss: the three rows' glyphs are the lowest, the
    // middle and the highest of the log ramp (1, 2, 3 on a log scale: 0, 0.63, 1).
    let matrix = plain.split(separator: "\n").filter { $0.hasPrefix("m=") }.map {
      $0.dropFirst(4).trimmingCharacters(in: .whitespaces)
    }
    XCTAssertEqual(matrix.map { Set($0) }, [["·"], ["#"], ["@"]], plain)
  }

  private func displays(_ script: String) throws -> [Display] {
    let session = Session(seed: 1)
    session.threads = 1
    session.textWidth = 80
    var displays: [Display] = []
    session.onDisplay = { displays.append($0) }
    let outcome = session.run(Source(name: "t.toy", text: script))
    XCTAssertEqual(outcome, .finished, script)
    return displays
  }

  private func data(_ display: Display) throws -> [String: Any] {
    let json = try JSONSerialization.jsonObject(with: Data(display.json.utf8)) as? [String: Any]
    return try XCTUnwrap(json?["data"] as? [String: Any])
  }

  /// The map's losses are each model's own `print test_loss`, placed by T; its rows are m=…
  /// when the models differ in m alone.
  func testTheMapHoldsEachModelsTestLossAtItsSizes() throws {
    let shown = try displays(
      """
      a = model n=8 m=1 density=0.3 dataset=T for T in [3, 20]
      train 60 warmup=5
      print test_loss
      b = model n=8 m=2 density=0.3 dataset=T for T in [3, 50]
      train 60 warmup=5
      print test_loss
      show descent models=[a, b]
      """)
    XCTAssertEqual(shown.count, 3)
    func printed(_ display: Display) throws -> [Double] {
      guard case .list(let rows)? = display.value else { throw XCTSkip("print test_loss is a list per setting") }
      return rows.compactMap { if case .number(let x) = $0 { return x } else { return nil } }
    }
    let (a, b) = (try printed(shown[0]), try printed(shown[1]))
    XCTAssertEqual(a.count, 2)
    let payload = try data(shown[2])
    XCTAssertEqual(payload["target"] as? String, "descent")
    XCTAssertEqual(payload["models"] as? [String], ["a", "b"])
    let map = try XCTUnwrap(payload["data"] as? [String: Any])
    XCTAssertEqual(map["dataset_size"] as? [Double], [3, 20, 50])
    XCTAssertEqual(map["hidden"] as? [Double], [1, 2])
    let losses = try XCTUnwrap(map["test_loss"] as? [[Any]])
    let expected: [[Double?]] = [[a[0], a[1], nil], [b[0], nil, b[1]]]
    for (row, want) in zip(losses, expected) {
      for (cell, value) in zip(row, want) {
        if let value {
          let got = try XCTUnwrap(cell as? Double)
          XCTAssertEqual(got, value, accuracy: 1e-4 * value, "the map reads print test_loss's number")
        } else {
          XCTAssertTrue(cell is NSNull)
        }
      }
    }
    let text = shown[2].plain
    XCTAssertTrue(text.contains("m=1") && text.contains("m=2"), text)
    XCTAssertTrue(text.contains("3    20   50") || text.contains(" 20 "), text)
    XCTAssertEqual(Set(text.split(separator: "\n").map(\.count)).count, 1, "one width:\n\(text)")
    XCTAssertTrue(shown[2].svg?.contains(">50</text>") ?? false)
  }

  func testModelsThatDifferInMoreThanMAreLabelledByName() throws {
    let shown = try displays(
      """
      small = model n=6 m=2 density=0.3 dataset=T for T in [3, 20]
      train 20
      large = model n=8 m=2 density=0.3 dataset=T for T in [3, 20]
      train 20
      show descent models=[small, large]
      """)
    let map = try XCTUnwrap(try data(shown[0])["data"] as? [String: Any])
    XCTAssertEqual(map["hidden"] as? [Double], [2, 2])
    XCTAssertTrue(shown[0].plain.contains("small") && shown[0].plain.contains("large"), shown[0].plain)
    XCTAssertFalse(shown[0].plain.contains("m=2"))
  }

  /// Models differing in more than m are told apart by name: in initialisation, or in the
  /// importance of a setting other than the first.
  func testModelsDifferingInInitOrALaterSettingsImportanceAreLabelledByName() throws {
    for other in ["init=kaiming_uniform", "importance=(3/T)^i"] {
      let shown = try displays(
        """
        a = model n=6 m=1 density=0.3 dataset=T for T in [3, 20]
        train 10
        b = model n=6 m=2 density=0.3 \(other) dataset=T for T in [3, 20]
        train 10
        show descent models=[a, b]
        """)
      let text = shown[0].plain
      XCTAssertFalse(text.contains("m=1") || text.contains("m=2"), "\(other):\n\(text)")
      XCTAssertTrue(text.contains("a ") && text.contains("b "), "\(other):\n\(text)")
    }
  }

  /// Unit-norm and raw examples give losses on different scales: mapping them together is a
  /// located error at the first model whose normalize= differs from the first one's.
  func testMixingNormalizedAndRawModelsIsALocatedError() {
    let script = """
      a = model n=6 m=1 density=0.3 dataset=T for T in [3, 20]
      train 10
      b = model n=6 m=2 density=0.3 dataset=T for T in [3, 20]
      train 10
      u = model n=6 m=3 density=0.3 dataset=T normalize=unit for T in [3, 20]
      train 10
      show descent models=[a, b, u]
      """
    let session = Session(seed: 1)
    session.threads = 1
    session.onDisplay = { _ in }
    guard case .runtimeError(let diagnostic) = session.run(Source(name: "t.toy", text: script)) else {
      return XCTFail("mixed normalize= drew a map")
    }
    let error = EvaluationError.descentMapNormalizeMixed(model: "u", other: "a", normalized: true)
    XCTAssertEqual(diagnostic.kind, .evaluation(error))
    XCTAssertEqual(diagnostic.location, "t.toy:7:28")
    XCTAssertEqual(diagnostic.hint, error.hint)
    XCTAssertEqual(
      error.description,
      "u trains on unit-norm examples and a on raw ones: their losses are on different scales, so one map cannot "
        + "compare them")
  }

  /// A model named twice would draw two identical rows, and a name of sparse autoencoders
  /// is not a model: each is a located error at the name, the latter the one `print` gives.
  func testARepeatedModelOrAutoencodersNameIsALocatedError() {
    let setup = """
      a = model n=6 m=1 density=0.3 dataset=T for T in [3, 20]
      train 10
      s = sae latents=4 l1=0.01

      """
    let cases: [(String, EvaluationError, String, String)] = [
      ("show descent models=[a, a]", .descentMapModelRepeated("a"), "t.toy:4:25", "name each model once"),
      (
        "show descent models=[s, s]", .autoencodersAreNotAValue("s"), "t.toy:4:22",
        EvaluationError.autoencodersAreNotAValue("s").hint ?? ""
      ),
      (
        "show descent models=[a, s]", .autoencodersAreNotAValue("s"), "t.toy:4:25",
        EvaluationError.autoencodersAreNotAValue("s").hint ?? ""
      ),
    ]
    for (line, error, location, hint) in cases {
      let session = Session(seed: 1)
      session.threads = 1
      session.onDisplay = { _ in }
      guard case .runtimeError(let diagnostic) = session.run(Source(name: "t.toy", text: setup + line)) else {
        XCTFail(line)
        continue
      }
      XCTAssertEqual(diagnostic.kind, .evaluation(error), line)
      XCTAssertEqual(diagnostic.location, location, line)
      XCTAssertEqual(diagnostic.hint, hint, line)
    }
  }

  /// Each bad `models=` is a located error that says what to do.
  func testBadModelsAreLocatedErrors() {
    let setup = """
      a = model n=6 m=1 density=0.3 dataset=T for T in [3, 20]
      train 10
      b = model n=6 m=2 density=0.3 dataset=T for T in [3, 20]
      train 10
      fresh = model n=6 m=2 density=0.3
      train 10
      untrained = model n=6 m=3 density=0.3 dataset=T for T in [3, 20]
      twice = model n=6 m=3 density=p dataset=T for T in [3], p in [0.3, 0.1]
      train 10

      """
    let cases: [(String, EvaluationError, String, String?)] = [
      (
        "show descent models=[a, bb]", .unknownModel("bb", suggestion: "b"), "t.toy:10:25",
        "did you mean 'b'?"
      ),
      (
        "show descent models=[a, fresh]", .needsTrainingSet(target: "descent"), "t.toy:10:25",
        EvaluationError.needsTrainingSet(target: "descent").hint
      ),
      (
        "show descent models=[a, untrained]", .noLossYet(model: "untrained"), "t.toy:10:25",
        "train it first, e.g. train 10000"
      ),
      (
        "show descent models=[a, twice]", .descentMapSizeRepeated(model: "twice", size: 3), "t.toy:10:25",
        EvaluationError.descentMapSizeRepeated(model: "twice", size: 3).hint
      ),
      (
        "show descent models=[a]", .descentMapOneModel("a"), "t.toy:10:21",
        "for one model's loss against T: use a then show descent"
      ),
      ("show descent models=a", .descentMapOneModel("a"), "t.toy:10:21", nil),
      (
        "show descent models=[a, b, a, b, a, b, a, b, a, b, a, b, a]", .descentMapTooManyModels(13, limit: 12),
        "t.toy:10:21", nil
      ),
      (
        "show descent models=[a, 2]", .parameterMalformed("models", range: "a list of model names, e.g. [m1, m2, m3]"),
        "t.toy:10:25", nil
      ),
      (
        "show descent models=[]", .parameterMalformed("models", range: "a list of model names, e.g. [m1, m2, m3]"),
        "t.toy:10:21", nil
      ),
      ("show wtw models=[a, b]", .modelsNeedDescent(target: "wtw"), "t.toy:10:10", nil),
      ("show descent models=[a, b] instance=0", .modelsPickSettings(parameter: "instance"), "t.toy:10:28", nil),
    ]
    for (line, error, location, hint) in cases {
      let session = Session(seed: 1)
      session.threads = 1
      session.onDisplay = { _ in }
      let outcome = session.run(Source(name: "t.toy", text: setup + line))
      guard case .runtimeError(let diagnostic) = outcome else {
        XCTFail("\(line): \(outcome)")
        continue
      }
      XCTAssertEqual(diagnostic.kind, .evaluation(error), line)
      XCTAssertEqual(diagnostic.location, location, line)
      if let hint { XCTAssertEqual(diagnostic.hint, hint, line) }
    }
  }
}
