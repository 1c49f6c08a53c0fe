import Foundation
import XCTest

@testable import ToyLanguage

/// The language's executable specification: each `Spec/*.toy` file runs statement by
/// statement, as cells at a prompt would (an error does not stop the next statement), and
/// its output must match the `# expect: …` and `# expect error: …` comments in order. A file
/// with `# expect syntax error: …` comments must fail to parse with those errors and run
/// nothing. Spec/README.md describes the format.
final class SpecTests: XCTestCase {
  static var directory: URL {
    URL(fileURLWithPath: "\(#filePath)").deletingLastPathComponent().appendingPathComponent("Spec")
  }

  func testEverySpecFile() throws {
    let files = try FileManager.default.contentsOfDirectory(atPath: Self.directory.path).filter { $0.hasSuffix(".toy") }
      .sorted()
    XCTAssertFalse(files.isEmpty)
    for file in files {
      let text = try String(contentsOf: Self.directory.appendingPathComponent(file), encoding: .utf8)
      let problems = Self.check(file, text)
      XCTAssertEqual(problems, [], "\(file):\n" + problems.joined(separator: "\n"))
    }
  }

  /// The format itself: a checker that could not fail would pass every spec file.
  func testMismatchesAreReported() {
    let failing: [(name: String, text: String)] = [
      ("wrong output", "print 1\n# expect: 2\n"),
      ("wrong error", "print 1 / 0\n# expect error: division by one\n"),
      ("wrong hint", "print lne([1])\n# expect error: 'lne' is not a function\n# expect hint: did you mean 'max'?\n"),
      ("missing output", "print 1\n"),
      ("output missing", "print 1\n# expect: 1\n# expect: 2\n"),
      ("no syntax error made", "print 1\n# expect syntax error: unknown statement\n"),
      ("a syntax error where an evaluation error is expected", "trian 10\n# expect error: unknown statement 'trian'\n"),
      ("a syntax error on another line", "\ntrian 10\n\nprint 1\n# expect syntax error: unknown statement 'trian'\n"),
      ("another syntax error", "trian 10\n# expect syntax error: unknown statement 'train'\n"),
      ("a second syntax error", "trian 10\nprint 1 +\n# expect syntax error: unknown statement 'trian'\n"),
      ("output beside a syntax error", "trian 10\n# expect syntax error: unknown statement\n# expect: 1\n"),
      ("a hint after no error", "print 1\n# expect: 1\n# expect hint: none\n"),
      ("a misspelt expectation", "print 1\n# expect 1\n"),
    ]
    for (name, text) in failing {
      XCTAssertNotEqual(Self.check(name, text), [], "\(name): the spec passed")
    }
    let passing = [
      "print 1 / 0\n# expect error: division by zero\n",
      "print lne([1])\n# expect error: 'lne' is not a function\n# expect hint: did you mean 'len'?\n",
      "\n\ntrian 10\n\n# expect syntax error: unknown statement 'trian'\n# expect hint: did you mean 'train'?\n",
      "trian 10  # expect syntax error: unknown statement 'trian'\n",
      "print (1 +\n# expect syntax error: expected an expression (a number, a name, a list or a call), found the end\n",
    ]
    for text in passing { XCTAssertEqual(Self.check("passing", text), [], text) }
  }

  /// One expectation, from one comment (a hint from the comment after its error's).
  enum Expectation: Equatable {
    case output(String)
    /// An error running a statement, whose message starts with the text.
    case error(String, hint: String?)
    /// An error reading the file, pointing at `line`, whose message starts with the text.
    case syntaxError(String, hint: String?, line: Int)
  }

  /// The expectations in a file's comments, in order, and the comments that start like one
  /// but are not (a hint after no error, `# expect 1`).
  static func expectations(_ text: String) -> ([Expectation], problems: [String]) {
    var expected: [Expectation] = []
    var problems: [String] = []
    var lastCodeLine = 0
    for (index, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
      if line.prefix(while: { $0 != "#" }).contains(where: { $0 != " " && $0 != "\t" }) { lastCodeLine = index + 1 }
      guard let start = line.firstRange(of: "# expect") else { continue }
      let comment = line[start.lowerBound...]
      if let message = comment.dropping("# expect syntax error: ") {
        expected.append(.syntaxError(message, hint: nil, line: lastCodeLine))
      } else if let message = comment.dropping("# expect error: ") {
        expected.append(.error(message, hint: nil))
      } else if let hint = comment.dropping("# expect hint: ") {
        switch expected.last {
        case .error(let message, nil): expected[expected.count - 1] = .error(message, hint: hint)
        case .syntaxError(let message, nil, let line):
          expected[expected.count - 1] = .syntaxError(message, hint: hint, line: line)
        default: problems.append("line \(index + 1): a hint must follow an error's expectation")
        }
      } else if let output = comment.dropping("# expect: ") {
        expected.append(.output(output))
      } else {
        problems.append("line \(index + 1): not an expectation: \(comment)")
      }
    }
    return (expected, problems)
  }

  /// What is wrong with a spec file: an empty list when it behaves as its comments say.
  static func check(_ file: String, _ text: String) -> [String] {
    let (expected, problems) = expectations(text)
    guard problems.isEmpty else { return problems }
    let source = Source(name: file, text: text)
    let (statements, diagnostics, _) = Parser.parse(source)
    if expected.contains(where: { if case .syntaxError = $0 { true } else { false } }) {
      return checkSyntaxErrors(source, diagnostics, expected)
    }
    guard diagnostics.isEmpty else { return diagnostics.map(\.rendered) }
    let session = Session(seed: 0)
    session.threads = 1
    var actual: [(text: String, hint: String?)] = []
    session.onDisplay = { display in
      actual += display.plain.split(separator: "\n", omittingEmptySubsequences: false).map { (String($0), nil) }
    }
    for statement in statements {
      do {
        try session.execute(statement, source)
      } catch .failed(let diagnostic) {
        actual.append(("error: " + diagnostic.message, diagnostic.hint))
      } catch {
        actual.append(("interrupted", nil))
      }
    }
    for (index, want) in expected.enumerated() {
      guard index < actual.count else { return ["expected \(want), but the output ended"] }
      let got = actual[index]
      let ok: Bool
      switch want {
      case .output(let line): ok = got.text == line
      case .error(let message, let hint):
        ok = got.text.hasPrefix("error: " + message) && (hint == nil || got.hint == hint)
      case .syntaxError: ok = false
      }
      if !ok { return ["output \(index + 1):\n  expected: \(want)\n  actual:   \(got)"] }
    }
    if actual.count > expected.count { return ["extra output: \(actual.dropFirst(expected.count))"] }
    return []
  }

  /// A file that expects syntax errors: the parser reports exactly those, each on the line
  /// its comment follows (an error at the end of the input counts as on the last line of
  /// code), and running the file shows nothing.
  static func checkSyntaxErrors(_ source: Source, _ diagnostics: [Diagnostic], _ expected: [Expectation]) -> [String] {
    let lastCodeLine = expected.compactMap { if case .syntaxError(_, _, let line) = $0 { line } else { nil } }.max()!
    for (index, want) in expected.enumerated() {
      guard case .syntaxError(let message, let hint, let line) = want else {
        return ["a file that expects syntax errors runs nothing, so it can expect nothing else: \(want)"]
      }
      guard index < diagnostics.count else {
        return ["expected \(want), but the parser reported \(diagnostics.count) errors"]
      }
      let got = diagnostics[index]
      var gotLine = source.location(of: got.span.start).line
      if got.span.start >= source.scalars.count { gotLine = min(gotLine, lastCodeLine) }
      let ok =
        got.kind.isSyntax && got.message.hasPrefix(message) && (hint == nil || got.hint == hint) && gotLine == line
      if !ok { return ["error \(index + 1):\n  expected: \(want)\n  actual:\n\(got.rendered)"] }
    }
    if diagnostics.count > expected.count {
      return ["more errors:"] + diagnostics.dropFirst(expected.count).map(\.rendered)
    }
    let session = Session(seed: 0)
    var displays = 0
    session.onDisplay = { _ in displays += 1 }
    switch session.run(source) {
    case .syntaxErrors, .incomplete: break
    case let outcome: return ["the file ran: \(outcome)"]
    }
    return displays == 0 ? [] : ["the file showed \(displays) displays"]
  }
}

extension Diagnostic.Kind {
  fileprivate var isSyntax: Bool {
    if case .syntax = self { return true }
    return false
  }
}

extension Substring {
  fileprivate func dropping(_ prefix: String) -> String? {
    hasPrefix(prefix) ? String(dropFirst(prefix.count)) : nil
  }
}
