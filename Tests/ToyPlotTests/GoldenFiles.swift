import Foundation
import XCTest

/// Golden-file checks: `Golden/NAME.txt` beside this file holds the expected rendering.
///
/// Set `TOY_RECORD_GOLDEN=1` to write the files anew; a recording run fails on purpose so
/// that it is never mistaken for a passing one. Review the diff before committing.
func assertGolden(_ text: String, _ name: String, file: StaticString = #filePath, line: UInt = #line) {
  let directory = URL(fileURLWithPath: "\(#filePath)").deletingLastPathComponent().appendingPathComponent("Golden")
  let url = directory.appendingPathComponent(name + ".txt")
  if ProcessInfo.processInfo.environment["TOY_RECORD_GOLDEN"] == "1" {
    try? FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    try? (text + "\n").write(to: url, atomically: true, encoding: .utf8)
    XCTFail(
      "recorded \(name).txt (TOY_RECORD_GOLDEN=1): review it, then run again without the variable", file: file,
      line: line)
    return
  }
  guard let expected = try? String(contentsOf: url, encoding: .utf8) else {
    XCTFail("no golden file \(name).txt; record it with TOY_RECORD_GOLDEN=1", file: file, line: line)
    return
  }
  let want = expected.hasSuffix("\n") ? String(expected.dropLast()) : expected
  if want != text {
    let a = want.split(separator: "\n", omittingEmptySubsequences: false)
    let b = text.split(separator: "\n", omittingEmptySubsequences: false)
    let first = zip(a, b).enumerated().first { $0.element.0 != $0.element.1 }?.offset ?? min(a.count, b.count)
    XCTFail(
      "\(name).txt differs at line \(first + 1):\n  expected: \(first < a.count ? String(a[first]) : "<none>")\n  actual:   \(first < b.count ? String(b[first]) : "<none>")",
      file: file, line: line)
  }
}

/// The visible width of a rendered line: characters outside ANSI escape sequences.
func visibleWidth(_ line: Substring) -> Int {
  var width = 0
  var inEscape = false
  for ch in line {
    if inEscape {
      if ch.isLetter { inEscape = false }
    } else if ch == "\u{1B}" {
      inEscape = true
    } else {
      width += 1
    }
  }
  return width
}

/// Asserts every line of a rendering has the same visible width, at most `limit`.
func assertEqualWidths(
  _ text: String, limit: Int? = nil, _ label: String = "", file: StaticString = #filePath, line: UInt = #line
) {
  let widths = text.split(separator: "\n", omittingEmptySubsequences: false).map(visibleWidth)
  XCTAssertEqual(Set(widths).count, 1, "\(label): line widths differ: \(Set(widths).sorted())", file: file, line: line)
  if let limit, let w = widths.first {
    XCTAssertLessThanOrEqual(w, limit, "\(label): wider than \(limit)", file: file, line: line)
  }
}
