import XCTest

@testable import ToyLanguage

final class ParserTests: XCTestCase {
  func parse(_ text: String, name: String = "test.toy") -> ([Statement], [Diagnostic], Bool) {
    let result = Parser.parse(Source(name: name, text: text))
    return (result.statements, result.diagnostics, result.incomplete)
  }

  func testTheMissionsOneLinerParsesVerbatim() throws {
    let (statements, diagnostics, incomplete) = parse(
      "model n=20 m=5 importance=0.7^i sparsity=0.9; train 10000; show wtw")
    XCTAssertEqual(diagnostics, [])
    XCTAssertFalse(incomplete)
    XCTAssertEqual(statements.count, 3)
    guard case .model(let parameters, let sweep) = statements[0].kind else { return XCTFail("\(statements[0])") }
    XCTAssertEqual(parameters.map(\.name), ["n", "m", "importance", "sparsity"])
    XCTAssertEqual(sweep, [])
    guard case .binary(.power, .number(0.7, _), .name("i", _), _) = parameters[2].value else {
      return XCTFail("importance=0.7^i: \(parameters[2].value)")
    }
    guard case .train(.number(10000, _), []) = statements[1].kind else { return XCTFail("\(statements[1])") }
    guard case .show("wtw", _, []) = statements[2].kind else { return XCTFail("\(statements[2])") }
  }

  func testLiveIsAFlagAndAMisspeltFlagIsAnErrorOnItsLine() throws {
    let (statements, diagnostics, _) = parse("train 100 live; train 100 live=wtw; explore")
    XCTAssertEqual(diagnostics, [])
    guard case .train(_, let bare) = statements[0].kind, case .name("auto", _) = bare.first?.value else {
      return XCTFail("\(statements[0])")
    }
    guard case .train(_, let named) = statements[1].kind, case .name("wtw", _) = named.first?.value else {
      return XCTFail("\(statements[1])")
    }
    guard case .explore = statements[2].kind else { return XCTFail("\(statements[2])") }
    let (_, errors, incomplete) = parse("train 100 liv")
    XCTAssertFalse(incomplete, "a misspelt flag is not the start of a longer statement")
    XCTAssertEqual(errors.map(\.message), ["'liv' is not a flag; parameters take a value, name=value"])
    XCTAssertEqual(errors.first?.hint, "did you mean 'live'?")
    let (_, others, stillIncomplete) = parse("train 100 batch")
    XCTAssertTrue(stillIncomplete, "any other bare name may continue on the next line")
    XCTAssertEqual(others.count, 1)
  }

  func testSweepsAreOneStatement() {
    let intro = "model n=5 m=2 importance=0.9^i density=p for p in 20^-linspace(0,1,10)"
    let (statements, diagnostics, _) = parse(intro)
    XCTAssertEqual(diagnostics, [])
    guard case .model(_, let sweep) = statements.first?.kind else { return XCTFail() }
    XCTAssertEqual(sweep.map(\.name), ["p"])
    let phase = "model n=2 m=1 importance=[1, r] density=s seeds=10 for r in logspace(-1,1,20), s in logspace(-2,0,20)"
    let (grid, gridDiagnostics, _) = parse(phase)
    XCTAssertEqual(gridDiagnostics, [])
    guard case .model(let parameters, let variables) = grid.first?.kind else { return XCTFail() }
    XCTAssertEqual(parameters.map(\.name), ["n", "m", "importance", "density", "seeds"])
    XCTAssertEqual(variables.map(\.name), ["r", "s"])
  }

  func testPrecedenceAndAssociativity() {
    func value(_ text: String) -> Expr? {
      guard case .expression(let e) = parse(text).0.first?.kind else { return nil }
      return e
    }
    // -2^2 = -(2^2)
    guard case .negate(.binary(.power, .number(2, _), .number(2, _), _), _) = value("-2^2") else {
      return XCTFail("\(String(describing: value("-2^2")))")
    }
    // 2^3^2 = 2^(3^2)
    guard case .binary(.power, .number(2, _), .binary(.power, .number(3, _), .number(2, _), _), _) = value("2^3^2")
    else { return XCTFail() }
    // 1 + 2 * 3
    guard case .binary(.add, .number(1, _), .binary(.multiply, _, _, _), _) = value("1 + 2 * 3") else {
      return XCTFail()
    }
    // 20^-t
    guard case .binary(.power, .number(20, _), .negate(.name("t", _), _), _) = value("20^-t") else { return XCTFail() }
    // 1 - 2 - 3 = (1 - 2) - 3
    guard case .binary(.subtract, .binary(.subtract, _, _, _), .number(3, _), _) = value("1 - 2 - 3") else {
      return XCTFail()
    }
  }

  func testStatementsEndAtNewlinesAndSemicolonsButNotInsideBrackets() {
    let (statements, diagnostics, _) = parse("a = [1,\n  2,\n  3]\nprint a; print 2 +\n 3  # comment\n\n")
    XCTAssertEqual(diagnostics, [])
    XCTAssertEqual(statements.count, 3)
  }

  func testLoopsAssignmentsAndFileStatements() {
    let text = """
      a = model n=5 m=2
      for lr in [1e-3, 3e-3] do
        train 100 lr=lr
        print loss
      end
      use a; save "a.json"; b = load "a.json"; export wtw "w.svg" width=80; help train; help; reset
      """
    let (statements, diagnostics, incomplete) = parse(text)
    XCTAssertEqual(diagnostics, [])
    XCTAssertFalse(incomplete)
    XCTAssertEqual(statements.count, 9)
    guard case .loop("lr", _, _, let body) = statements[1].kind else { return XCTFail() }
    XCTAssertEqual(body.count, 2)
  }

  func testAMisspeltStatementIsExplainedWithACaretAndASuggestion() {
    let (_, diagnostics, _) = parse("model n=5 m=2\ntrian 1000\n", name: "demo.toy")
    XCTAssertEqual(diagnostics.count, 1)
    XCTAssertEqual(
      diagnostics.first?.rendered,
      """
      demo.toy:2:1: error: unknown statement 'trian'
        2 | trian 1000
          | ^^^^^
      did you mean 'train'?
      """)
  }

  func testEveryErrorIsReportedNotOnlyTheFirst() {
    let (statements, diagnostics, _) = parse("show 3\ntrain\nmodel n=5 m=2\nprint (1 +\n")
    XCTAssertEqual(diagnostics.count, 3, diagnostics.map(\.rendered).joined(separator: "\n"))
    XCTAssertEqual(statements.count, 1, "the good statement in the middle still parses")
    XCTAssertEqual(
      diagnostics[0].rendered,
      """
      test.toy:1:6: error: expected what to show (e.g. wtw, norms, geometry), found a number
        1 | show 3
          |      ^
      """)
    XCTAssertEqual(
      diagnostics[1].message, "expected an expression (a number, a name, a list or a call), found the end of the line")
  }

  func testIncompleteInputAsksForMoreInsteadOfFailing() {
    for text in ["model n=[1, 2", "x = 2 +", "for r in [1, 2] do\n train 10", "print sqrt(2", "a = "] {
      XCTAssertTrue(parse(text).2, "\(text.debugDescription) is incomplete")
    }
    for text in [
      "show 3", "model n=5 m=2", "print )", "for r in [1] do\nend", "for x in [1] do prnt x end", "prnt 1 2\nprint [1,",
    ] {
      XCTAssertFalse(parse(text).2, "\(text.debugDescription) is complete")
    }
  }

  func testDeepNestingIsAnErrorNotACrash() {
    let brackets = "print " + String(repeating: "[", count: 5000) + String(repeating: "]", count: 5000)
    for text in [brackets, "print " + String(repeating: "-", count: 5000) + "1"] {
      let (_, diagnostics, _) = parse(text)
      XCTAssertEqual(diagnostics.first?.message, "this expression nests more than 200 levels deep")
    }
  }

  /// A flat chain of additions is not nesting: 5000 of them add up; past 10,000 operators in
  /// one expression (a tree that deep would overflow the stack when freed) the error says so.
  func testAFlatChainIsNotNesting() {
    let session = Session()
    var printed: [String] = []
    session.onDisplay = { printed.append($0.plain) }
    let sum = "print " + Array(repeating: "1", count: 5000).joined(separator: "+")
    XCTAssertEqual(session.run(Source(name: "t", text: sum)), .finished)
    XCTAssertEqual(printed, ["5000"])
    let product = "print " + Array(repeating: "2", count: 300).joined(separator: "*") + " - 1"
    XCTAssertEqual(parse(product).1, [])
    let long = "print " + Array(repeating: "1", count: 20_000).joined(separator: "+")
    XCTAssertEqual(
      parse(long).1.first?.message, "this expression has more than 10000 operators: split it into several assignments")
  }

  /// Loops nested thousands deep (`for a in [1] do ` × 3000) overflowed the stack; past a
  /// hundred levels they are one located error, and the input is not taken as unfinished.
  func testDeeplyNestedLoopsAreOneLocatedErrorNotACrash() {
    let head = "for a in [1] do "
    func nest(_ levels: Int) -> String {
      String(repeating: head, count: levels) + "a" + String(repeating: " end", count: levels)
    }
    let (statements, fine, _) = parse(nest(Parser.loopDepthLimit))
    XCTAssertEqual(fine, [])
    XCTAssertEqual(statements.count, 1)
    for levels in [101, 3000, 20_000] {
      let (_, diagnostics, incomplete) = parse(nest(levels))
      XCTAssertEqual(diagnostics.map(\.message), ["loops nest more than 100 levels deep here"], "\(levels) levels")
      XCTAssertEqual(diagnostics.first?.location, "test.toy:1:\(100 * head.count + 1)")
      XCTAssertFalse(incomplete)
    }
  }

  /// The evaluator (and `toy check`, its dry run) refuses a tree deeper than the parser
  /// allows, built by other code, with the same located error.
  func testTheCheckerRefusesLoopsNestedPastTheLimit() throws {
    let head = "for a in [1] do "
    let text = String(repeating: head, count: 100) + "a" + String(repeating: " end", count: 100)
    let source = Source(name: "test.toy", text: text)
    let parsed = Parser.parse(source)
    let inner = try XCTUnwrap(parsed.statements.first)
    guard case .loop(let variable, let variableSpan, let values, _) = inner.kind else { return XCTFail("\(inner)") }
    let outer = Statement(
      kind: .loop(variable: variable, variableSpan: variableSpan, values: values, body: [inner]), span: inner.span)
    let session = Session()
    session.dryRun = true
    XCTAssertNoThrow(try session.execute(inner, source))
    XCTAssertThrowsError(try session.execute(outer, source)) { error in
      guard case .failed(let diagnostic) = error as? Session.Interruption else { return XCTFail("\(error)") }
      XCTAssertEqual(diagnostic.message, "loops nest more than 100 levels deep here")
      XCTAssertEqual(diagnostic.location, "test.toy:1:\(99 * head.count + 1)")
    }
  }

  func testLexicalErrorsNameTheirPlace() {
    let (_, diagnostics, _) = parse("x = 2 $ 3\nsave \"unterminated\nprint 1.2.3")
    XCTAssertEqual(diagnostics.map(\.location), ["test.toy:1:7", "test.toy:2:6", "test.toy:3:7"])
    XCTAssertEqual(diagnostics.first?.message, "unexpected character '$'")
  }
}
