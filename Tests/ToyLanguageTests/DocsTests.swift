import Foundation
import ToyTestSupport
import XCTest

@testable import ToyLanguage

/// The documentation cannot drift: the reference's tables are generated from the tables
/// behind `help`, and every toy block of the guide runs.
final class DocsTests: XCTestCase {
  static let docs = Repository.url("docs")

  /// docs/language.md holds every table of ReferenceTables once, each as it is generated
  /// (`TOY_RECORD_GOLDEN=1` writes them again), and so everything `help` knows.
  func testTheReferenceHoldsTheTablesOfHelp() throws {
    let url = Self.docs.appendingPathComponent("language.md")
    let page = try String(contentsOf: url, encoding: .utf8)
    XCTAssertEqual(ReferenceTables.names(in: page).sorted(), ReferenceTables.all.map(\.name).sorted())
    let filled = ReferenceTables.filled(page)
    assertGolden(filled, at: url)
    for spec in ParameterTable.all { XCTAssertTrue(filled.contains("| `\(spec.name)` |"), spec.name) }
    for target in ShowTarget.names { XCTAssertTrue(filled.contains("| `\(target)` |"), target) }
    for entry in StatementHelp.entries { XCTAssertTrue(filled.contains("| `\(entry.name)` |"), entry.name) }
    for name in Session.metricNames { XCTAssertTrue(filled.contains("| `\(name)` |"), name) }
    for function in Builtins.functions { XCTAssertTrue(filled.contains("| `\(function.signature)` |"), function.name) }
    for magic in Magic.all { XCTAssertTrue(filled.contains("| `%\(magic.name)"), magic.name) }
  }

  /// Any other page with generated tables keeps them fresh too, and names only tables that
  /// exist.
  func testEveryGeneratedTableInTheDocsIsFresh() throws {
    let known = Set(ReferenceTables.all.map(\.name))
    let docs = try FileManager.default.contentsOfDirectory(atPath: Self.docs.path).filter { $0.hasSuffix(".md") }
    for path in docs.map({ "docs/" + $0 }) + ["README.md", "examples/README.md"] where path != "docs/language.md" {
      let page = try Repository.text(path)
      let names = ReferenceTables.names(in: page)
      for name in names where !known.contains(name) { XCTFail("\(path) names no table: \(name)") }
      if !names.isEmpty { assertGolden(ReferenceTables.filled(page), at: Repository.url(path)) }
    }
  }

  /// A table that no longer matches the code is replaced between its markers, and only there.
  func testAStaleTableIsWrittenAgainBetweenItsMarkers() {
    let stale =
      "before\n<!-- generated: functions -->\n| function | gives |\n| `old(x)` | gone |\n"
      + "<!-- end generated -->\nafter\n<!-- generated: nothing -->\nkept\n<!-- end generated -->"
    let filled = ReferenceTables.filled(stale)
    XCTAssertNotEqual(filled, stale)
    XCTAssertFalse(filled.contains("old(x)"), filled)
    XCTAssertTrue(filled.hasPrefix("before\n<!-- generated: functions -->\n| function | gives |\n| --- | --- |\n"))
    for function in Builtins.functions { XCTAssertTrue(filled.contains("| `\(function.signature)` |"), function.name) }
    XCTAssertTrue(filled.hasSuffix("-->\nafter\n<!-- generated: nothing -->\nkept\n<!-- end generated -->"), filled)
    XCTAssertEqual(ReferenceTables.filled(filled), filled, "a fresh page stays as it is")
    XCTAssertEqual(ReferenceTables.names(in: stale), ["functions", "nothing"])
  }

  /// Every ```toy block of docs/guide.md runs, in order, in one session, with training at
  /// a twentieth of its steps (as `toy --quick`); blocks marked ```toy error must fail
  /// with the message in the block's last comment.
  func testEveryGuideExampleRuns() throws {
    let text = try String(contentsOf: Self.docs.appendingPathComponent("guide.md"), encoding: .utf8)
    var blocks: [(code: String, error: Bool)] = []
    var current: [String]?
    var expectError = false
    for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
      if current == nil, line == "```toy" || line == "```toy error" {
        current = []
        expectError = line.hasSuffix("error")
      } else if current != nil, line == "```" {
        blocks.append((current!.joined(separator: "\n"), expectError))
        current = nil
      } else if current != nil {
        current!.append(String(line))
      }
    }
    XCTAssertGreaterThanOrEqual(blocks.count, 8, "the guide's examples")
    // The guide saves and exports files: let them land in a scratch directory.
    let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("toy-guide-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
    let previous = FileManager.default.currentDirectoryPath
    XCTAssertTrue(FileManager.default.changeCurrentDirectoryPath(scratch.path))
    defer {
      _ = FileManager.default.changeCurrentDirectoryPath(previous)
      try? FileManager.default.removeItem(at: scratch)
    }
    let session = Session()
    session.threads = 1
    session.stepScale = Session.quickStepScale
    var shown = 0
    session.onDisplay = { _ in shown += 1 }
    for (index, block) in blocks.enumerated() {
      let outcome = session.run(Source(name: "guide block \(index + 1)", text: block.code))
      if block.error {
        guard case .runtimeError(let diagnostic) = outcome else {
          XCTFail("guide block \(index + 1) should fail:\n\(block.code)")
          continue
        }
        let expected =
          block.code.split(separator: "\n").last { $0.hasPrefix("# error: ") }
          .map { String($0.dropFirst("# error: ".count)) } ?? ""
        XCTAssertTrue(diagnostic.message.hasPrefix(expected), "block \(index + 1): \(diagnostic.message)")
      } else {
        XCTAssertEqual(outcome, .finished, "guide block \(index + 1):\n\(block.code)")
      }
    }
    XCTAssertGreaterThan(shown, blocks.count / 2)
  }
}
