import Foundation
import ToyLanguage
import XCTest

@testable import toy

/// `toy --format json`: one line per display, with the statement, where it is, and its
/// mime bundle.
final class JSONLineTests: XCTestCase {
  func testALineHoldsTheStatementItsSpanAndTheBundle() throws {
    let source = Source(name: "dir/a \"b\".toy", text: "x = 1\nprint \"a/b\", 2.5\n")
    let session = Session()
    var displays: [Display] = []
    session.onDisplay = { displays.append($0) }
    XCTAssertEqual(session.run(source), .finished)
    let display = try XCTUnwrap(displays.first)
    let line = ScriptRunner.jsonLine(display, source)
    XCTAssertFalse(line.contains("\n"), line)
    XCTAssertTrue(
      line.hasPrefix(#"{"statement":"print \"a/b\", 2.5","span":{"file":"dir/a \"b\".toy","line":2,"column":1,"#), line)
    let object = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
    let span = try XCTUnwrap(object["span"] as? [String: Any])
    XCTAssertEqual(span["end_line"] as? Int, 2)
    let bundle = try XCTUnwrap(object["data"] as? [String: Any])
    XCTAssertEqual(bundle["text/plain"] as? String, display.plain)
    let numbers = try XCTUnwrap(bundle[Display.mimeType] as? [String: Any])
    let values = try XCTUnwrap(numbers["data"] as? [Any])
    XCTAssertEqual(values.first as? String, "a/b")
    XCTAssertEqual(values.last as? Double, 2.5)
  }
}
