import Foundation
import XCTest

@testable import ToyLanguage

/// `ShowTarget` is the one list of what `show` draws: help, completion, the panel limit
/// and the displays reference all follow it.
final class ShowTargetTests: XCTestCase {
  func testHelpShowListsEveryTargetWithItsSummary() throws {
    let session = Session()
    session.textWidth = 200
    let help = try XCTUnwrap(session.help(on: "show"))
    let listed = help.split(separator: "\n").drop { $0 != "Targets:" }.dropFirst()
    XCTAssertEqual(listed.count, ShowTarget.allCases.count, help)
    for (line, target) in zip(listed, ShowTarget.allCases) {
      let words = line.split(separator: " ", maxSplits: 1).map(String.init)
      XCTAssertEqual(words.first, target.rawValue)
      XCTAssertEqual(words.last?.trimmingCharacters(in: .whitespaces), target.summary)
    }
    XCTAssertEqual(session.help(on: "overview"), "show overview: " + ShowTarget.overview.summary)
  }

  func testCompletionAfterShowAndExportOffersTheTargets() {
    let engine = Completion(session: Session())
    XCTAssertEqual(engine.candidates(line: "show ", word: ""), ShowTarget.names)
    XCTAssertEqual(engine.candidates(line: "export ", word: ""), ShowTarget.names)
    XCTAssertEqual(Set(engine.candidates(line: "show dim", word: "dim")), ["dims", "dimensionality"])
  }

  /// 25 settings are one too many panels for the targets that draw a panel per setting,
  /// and no limit for the ones that draw every setting in one plot. (The autoencoders'
  /// targets count autoencoder instances: AutoencoderShowTests.)
  func testThePanelLimitHoldsForPerSettingTargetsAlone() {
    let panelled: Set<String> = [
      "wtw", "w", "bias", "norms", "overview", "geometry", "hidden", "neurons", "recovery", "datapoints", "decoder",
      "cosines", "firing",
    ]
    let session = Session()
    session.threads = 1
    XCTAssertEqual(
      session.run(Source(name: "t.toy", text: "model n=2 m=2 density=p for p in linspace(0.1, 1, 25)")), .finished)
    for target in ShowTarget.allCases {
      XCTAssertEqual(target.perSetting, panelled.contains(target.rawValue), target.rawValue)
      guard !target.readsAutoencoders else { continue }
      var message = "drawn"
      if case .runtimeError(let error) = session.run(Source(name: "t.toy", text: "show \(target.rawValue)")) {
        message = error.message
      }
      XCTAssertEqual(
        message == "25 panels are too many to draw at once", panelled.contains(target.rawValue),
        "\(target.rawValue): \(message)")
    }
  }

  func testAnUnknownTargetIsNamedWithTheNearestOrTheList() {
    let session = Session()
    XCTAssertEqual(session.run(Source(name: "t.toy", text: "model n=3 m=2")), .finished)
    guard case .runtimeError(let near) = session.run(Source(name: "t.toy", text: "export normz \"a.svg\"")) else {
      return XCTFail("normz is no target")
    }
    XCTAssertEqual(near.message, "there is no plot called 'normz'")
    XCTAssertEqual(near.hint, "did you mean 'norms'?")
    guard case .runtimeError(let far) = session.run(Source(name: "t.toy", text: "show pie")) else {
      return XCTFail("pie is no target")
    }
    XCTAssertEqual(far.hint, "show draws: " + ShowTarget.names.joined(separator: ", "))
  }

  /// docs/displays.md gives the JSON of every target.
  func testTheDisplaysReferenceHasARowPerTarget() throws {
    let text = try String(contentsOf: DocsTests.docs.appendingPathComponent("displays.md"), encoding: .utf8)
    let rows = text.split(separator: "\n").filter { $0.hasPrefix("| `") }
    for target in ShowTarget.allCases {
      XCTAssertTrue(
        rows.contains { $0.split(separator: "|").first?.contains("`\(target.rawValue)`") ?? false }, target.rawValue)
    }
  }
}
