import Foundation
import ToyTestSupport
import XCTest

@testable import ToyLanguage

/// `grammar/toy.ebnf` is the normative grammar: these tests keep the parser and it in step.
final class GrammarTests: XCTestCase {
  var grammar: String {
    get throws {
      try Repository.text("grammar/toy.ebnf")
    }
  }

  /// Quoted words of the grammar ('model', 'train', …) outside comments.
  func quotedWords(_ text: String) -> Set<String> {
    var uncommented = ""
    var rest = Substring(text)
    while let open = rest.range(of: "/*") {
      uncommented += rest[..<open.lowerBound]
      guard let close = rest[open.upperBound...].range(of: "*/") else { break }
      rest = rest[close.upperBound...]
    }
    uncommented += rest
    var words: Set<String> = []
    let pattern = try! NSRegularExpression(pattern: "'([a-z]+)'")
    let ns = uncommented as NSString
    for match in pattern.matches(in: uncommented, range: NSRange(location: 0, length: ns.length)) {
      words.insert(ns.substring(with: match.range(at: 1)))
    }
    return words
  }

  func testTheGrammarsKeywordsAreTheLexersKeywords() throws {
    XCTAssertEqual(quotedWords(try grammar), Set(Keyword.allCases.map(\.rawValue)))
  }

  func testTheGrammarsSymbolsAreTheLexersSymbols() throws {
    let text = try grammar
    for symbol in Symbol.allCases {
      XCTAssertTrue(text.contains("'\(symbol.rawValue)'"), "the grammar never uses '\(symbol.rawValue)'")
    }
  }

  func testEveryStatementRuleHasAParseFunction() throws {
    // Each Statement alternative is documented above its parse branch in Parser.swift.
    let parser = try Repository.text("Sources/ToyLanguage/Syntax/Parser.swift")
    let rules = try grammar.split(separator: "\n").compactMap { line -> String? in
      let parts = line.split(separator: " ", maxSplits: 1)
      guard let first = parts.first, line.contains("::="), first.first?.isUppercase == true else { return nil }
      return String(first)
    }
    for rule in rules
    where rule.hasSuffix("Statement") || ["Assignment", "Parameter", "Sweep", "Power", "Unary"].contains(rule) {
      XCTAssertTrue(parser.contains("// \(rule) ::="), "no parse function carries the rule \(rule)")
    }
  }

  func testEveryExampleParses() throws {
    let directory = Repository.url("examples")
    let files = try FileManager.default.contentsOfDirectory(atPath: directory.path).filter { $0.hasSuffix(".toy") }
    XCTAssertFalse(files.isEmpty)
    for file in files {
      let text = try String(contentsOf: directory.appendingPathComponent(file), encoding: .utf8)
      let result = Parser.parse(Source(name: file, text: text))
      XCTAssertEqual(result.diagnostics.map(\.rendered), [], file)
      XCTAssertFalse(result.incomplete, file)
    }
  }

  /// `toy check`, and `toy FILE` before it trains, run a script without training (one step on
  /// one sample per `train`); a shipped example must pass, or it would never run.
  func testEveryExamplePassesTheCheckWithoutTraining() throws {
    let directory = Repository.url("examples")
    let files = try FileManager.default.contentsOfDirectory(atPath: directory.path).filter { $0.hasSuffix(".toy") }
    XCTAssertFalse(files.isEmpty)
    for file in files.sorted() {
      let text = try String(contentsOf: directory.appendingPathComponent(file), encoding: .utf8)
      let session = Session(seed: 0)
      session.dryRun = true
      let outcome = session.run(Source(name: file, text: text))
      if case .runtimeError(let diagnostic) = outcome { XCTFail("\(file): \(diagnostic.rendered)") }
      XCTAssertEqual(outcome, .finished, file)
    }
  }
}
