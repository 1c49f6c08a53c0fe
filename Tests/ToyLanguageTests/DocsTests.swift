import Foundation
import XCTest

@testable import ToyLanguage

/// The documentation cannot drift: the cheatsheet is generated from the tables behind
/// `help`, and every toy block of the guide runs.
final class DocsTests: XCTestCase {
  static let docs = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent().appendingPathComponent("docs")

  func testTheCheatsheetIsTheTablesOfHelp() throws {
    let file = Self.docs.appendingPathComponent("cheatsheet.md")
    if ProcessInfo.processInfo.environment["TOY_RECORD_GOLDEN"] == "1" {
      try Cheatsheet.markdown.write(to: file, atomically: true, encoding: .utf8)
      return XCTFail("wrote docs/cheatsheet.md (TOY_RECORD_GOLDEN=1): review it, then run again")
    }
    let text = try String(contentsOf: file, encoding: .utf8)
    XCTAssertEqual(
      text, Cheatsheet.markdown, "docs/cheatsheet.md is stale: TOY_RECORD_GOLDEN=1 swift test --filter DocsTests")
    // Everything help knows is on the page.
    for spec in ParameterTable.all { XCTAssertTrue(text.contains("| `\(spec.name)` |"), spec.name) }
    for target in ShowTarget.names { XCTAssertTrue(text.contains("| `\(target)` |"), target) }
    for entry in StatementHelp.entries { XCTAssertTrue(text.contains("| `\(entry.name)` |"), entry.name) }
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
