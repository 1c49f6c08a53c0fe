import Foundation
import XCTest

/// Golden files: the text a test expects, kept in a file in the repository.
///
/// `TOY_RECORD_GOLDEN=1` writes the files anew from what the code produces; a recording run
/// fails on purpose, so that it is never mistaken for a passing one. Review the diff before
/// committing. A file holds its text and ends with one newline; the comparison ignores
/// newlines at the end of either, so text without a final newline matches its file.
public enum GoldenFile {
  /// Whether this run records the golden files instead of comparing with them.
  public static var isRecording: Bool { ProcessInfo.processInfo.environment["TOY_RECORD_GOLDEN"] == "1" }

  /// How `actual` differs from `expected`, nil when they are the same: the first line that
  /// differs, both ways.
  public static func firstDifference(expected: String, actual: String) -> String? {
    guard expected != actual else { return nil }
    let a = expected.split(separator: "\n", omittingEmptySubsequences: false)
    let b = actual.split(separator: "\n", omittingEmptySubsequences: false)
    let first = zip(a, b).enumerated().first { $0.element.0 != $0.element.1 }?.offset ?? min(a.count, b.count)
    func line(_ lines: [Substring]) -> String { first < lines.count ? String(lines[first]) : "<none>" }
    return "differs at line \(first + 1):\n  expected: \(line(a))\n  actual:   \(line(b))"
  }

  /// The text as its file holds it: ending with exactly one newline.
  static func stored(_ text: String) -> String {
    var end = text.endIndex
    while end > text.startIndex, text[text.index(before: end)] == "\n" { end = text.index(before: end) }
    return text[..<end] + "\n"
  }
}

/// Checks `text` against the golden file at `url`, or writes the file when recording.
///
/// `difference` says how the text differs from the file's (both ending with one newline),
/// nil when it matches; by default, any change fails. The test fails on a difference, on a
/// missing file, and on every recording.
public func assertGolden(
  _ text: String, at url: URL,
  difference: (_ expected: String, _ actual: String) -> String? = GoldenFile.firstDifference,
  file: StaticString = #filePath, line: UInt = #line
) {
  let name = Repository.path(of: url)
  let actual = GoldenFile.stored(text)
  if GoldenFile.isRecording {
    do {
      try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
      try actual.write(to: url, atomically: true, encoding: .utf8)
      let review = "review it, then run again without the variable"
      XCTFail("recorded \(name) (TOY_RECORD_GOLDEN=1): \(review)", file: file, line: line)
    } catch {
      XCTFail("could not record \(name): \(error)", file: file, line: line)
    }
    return
  }
  guard let expected = try? String(contentsOf: url, encoding: .utf8) else {
    XCTFail("no golden file \(name); record it with TOY_RECORD_GOLDEN=1", file: file, line: line)
    return
  }
  if let change = difference(GoldenFile.stored(expected), actual) {
    XCTFail(
      "\(name) \(change)\n(if the change is intended, record again with TOY_RECORD_GOLDEN=1)", file: file, line: line)
  }
}

/// Checks `text` against `Golden/NAME.txt` beside the calling test's file.
public func assertGolden(_ text: String, _ name: String, file: StaticString = #filePath, line: UInt = #line) {
  let url = URL(fileURLWithPath: "\(file)").deletingLastPathComponent()
    .appendingPathComponent("Golden/\(name).txt")
  assertGolden(text, at: url, file: file, line: line)
}
