import Foundation
import XCTest

@testable import ToyLanguage

/// The language's executable specification: each `Spec/*.toy` file runs statement by
/// statement, as cells at a prompt would (an error does not stop the next statement), and
/// its output must match the `# expect: …` and `# expect error: …` comments in order.
/// An `expect error` matches the start of the error's message.
final class SpecTests: XCTestCase {
  static var directory: URL {
    URL(fileURLWithPath: "\(#filePath)").deletingLastPathComponent().appendingPathComponent("Spec")
  }

  func testEverySpecFile() throws {
    let files = try FileManager.default.contentsOfDirectory(atPath: Self.directory.path).filter { $0.hasSuffix(".toy") }
      .sorted()
    XCTAssertFalse(files.isEmpty)
    for file in files { try check(file) }
  }

  func check(_ file: String) throws {
    let text = try String(contentsOf: Self.directory.appendingPathComponent(file), encoding: .utf8)
    var expected: [String] = []
    for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
      let trimmed = line.drop(while: { $0 == " " })
      if trimmed.hasPrefix("# expect error: ") {
        expected.append("error: " + trimmed.dropFirst("# expect error: ".count))
      } else if trimmed.hasPrefix("# expect: ") {
        expected.append(String(trimmed.dropFirst("# expect: ".count)))
      }
    }
    let source = Source(name: file, text: text)
    let (statements, diagnostics, _) = Parser.parse(source)
    XCTAssertEqual(diagnostics.map(\.rendered), [], file)
    let session = Session(seed: 0)
    session.threads = 1
    var actual: [String] = []
    session.onDisplay = { display in
      actual += display.plain.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    }
    for statement in statements {
      do {
        try session.execute(statement, source)
      } catch .failed(let diagnostic) {
        actual.append("error: " + diagnostic.message)
      } catch {
        actual.append("interrupted")
      }
    }
    for (index, want) in expected.enumerated() {
      guard index < actual.count else {
        XCTFail("\(file): expected \(want.debugDescription), but the output ended")
        return
      }
      let got = actual[index]
      let ok = want.hasPrefix("error: ") ? got.hasPrefix(want) : got == want
      XCTAssertTrue(ok, "\(file): output \(index + 1):\n  expected: \(want)\n  actual:   \(got)")
      if !ok { return }
    }
    XCTAssertEqual(actual.count, expected.count, "\(file): extra output: \(actual.dropFirst(expected.count))")
  }
}
