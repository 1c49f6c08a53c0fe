/// Parses tokens into statements, one production per function (each carries its rule from
/// `grammar/toy.ebnf`). A syntax error is recorded and parsing resumes at the next
/// statement boundary, so one run reports every error. An error at the end of the input
/// marks the program incomplete: the prompt then reads another line instead of failing.
public struct Parser {
  let source: Source
  private var tokens: [Token]
  private var index = 0
  public private(set) var diagnostics: [Diagnostic] = []
  /// True when the input stopped in the middle of a statement (an open bracket, a
  /// trailing operator, a `do` without its `end`).
  public private(set) var isIncomplete = false

  public init(_ source: Source) {
    self.source = source
    var lexer = Lexer(source)
    tokens = lexer.tokens()
    diagnostics = lexer.diagnostics
  }

  /// Parses a whole source.
  public static func parse(_ source: Source) -> (statements: [Statement], diagnostics: [Diagnostic], incomplete: Bool) {
    var parser = Parser(source)
    let statements = parser.program()
    // Only input whose one error is at its end is unfinished; other errors are reported.
    let incomplete = parser.isIncomplete && parser.diagnostics.count == 1
    return (statements, parser.diagnostics, incomplete)
  }

  private struct Failure: Error {}

  /// How deeply expressions may nest (brackets, operators, chains of operators): deeper input
  /// is an error, not a stack overflow.
  static let depthLimit = 200
  private var depth = 0

  /// How many binary operators one expression may hold. A flat chain (`1+1+…+1`) is not
  /// nesting, and the evaluator walks it with a loop; but its tree is as deep as it is long,
  /// and freeing a tree recurses, so a million operators would overflow the stack.
  static let operatorLimit = 10_000
  private var operators = 0

  /// Counts one binary operator of the expression being read.
  private mutating func countOperator() throws {
    operators += 1
    if operators > Self.operatorLimit { throw fail(.tooManyOperators(limit: Self.operatorLimit)) }
  }

  private mutating func enter() throws {
    depth += 1
    if depth > Self.depthLimit {
      throw fail(.expressionNestsTooDeep(limit: Self.depthLimit))
    }
  }

  /// How deeply loops may nest. Each level is a few frames of recursion here and in the
  /// evaluator, so thousands of levels would overflow the stack (and, in a notebook, kill
  /// the kernel); a hundred is far past any script.
  static let loopDepthLimit = 100
  private var loopDepth = 0
  /// Set when the input nests too deeply to be read at all: the rest is not parsed, and
  /// one error is reported rather than one per unmatched `end`.
  private var abandoned = false

  private var current: Token { tokens[index] }

  private mutating func advance() -> Token {
    let token = tokens[index]
    if index < tokens.count - 1 { index += 1 }
    return token
  }

  private func check(_ symbol: Symbol) -> Bool { current.kind == .symbol(symbol) }
  private func check(_ keyword: Keyword) -> Bool { current.kind == .keyword(keyword) }

  private mutating func skipNewlines() {
    while current.kind == .newline { _ = advance() }
  }

  private mutating func fail(_ error: SyntaxError, at span: Span? = nil) -> Failure {
    guard !abandoned else { return Failure() }
    if current.kind == .end { isIncomplete = true }
    // The lexer has already explained invalid text; one error per mistake.
    guard current.kind != .invalid else { return Failure() }
    diagnostics.append(Diagnostic(error, at: span ?? current.span, in: source))
    return Failure()
  }

  private mutating func expect(_ symbol: Symbol, _ what: String) throws -> Token {
    guard check(symbol) else { throw fail(.expected(what, found: current.kind)) }
    return advance()
  }

  private mutating func expectName(_ what: String) throws -> (String, Span) {
    guard case .name(let name) = current.kind else { throw fail(.expected(what, found: current.kind)) }
    return (name, advance().span)
  }

  private mutating func expectString(_ what: String) throws -> (String, Span) {
    guard case .string(let text) = current.kind else { throw fail(.expected(what, found: current.kind)) }
    return (text, advance().span)
  }

  /// Skips to the token after the next separator at this nesting level.
  private mutating func recover(until terminator: Keyword?) {
    while current.kind != .end && !current.isSeparator {
      if let terminator, check(terminator) { return }
      _ = advance()
    }
  }

  // Program ::= Separator* ( Statement ( Separator+ Statement )* Separator* )?
  mutating func program() -> [Statement] {
    statements(until: nil)
  }

  /// Statements up to `terminator` (a loop's `end`) or the end of the input.
  private mutating func statements(until terminator: Keyword?) -> [Statement] {
    var result: [Statement] = []
    while true {
      while current.isSeparator { _ = advance() }
      if current.kind == .end { return result }
      if let terminator, check(terminator) { return result }
      do {
        result.append(try statement())
        if !current.isSeparator && current.kind != .end && !(terminator.map(check) ?? false) {
          throw fail(.missingSeparator)
        }
      } catch {
        if abandoned { return result }
        recover(until: terminator)
      }
    }
  }

  // Statement ::= Assignment | ModelStatement | TrainStatement | … | Expr
  private mutating func statement() throws -> Statement {
    // No expression is open between statements (one that failed may have left a count).
    depth = 0
    operators = 0
    let start = current.span
    switch current.kind {
    case .keyword(let keyword):
      return try keywordStatement(keyword)
    case .name(let name):
      if tokens[index + 1].kind == .symbol(.equals) { return try assignment() }
      // A lone word followed by more words is most likely a misspelt statement.
      if case .name = tokens[index + 1].kind,
        let guess = suggestion(for: name, among: Keyword.allCases.map(\.rawValue))
      {
        throw fail(.unknownStatement(name, suggestion: guess), at: start)
      }
      if case .number = tokens[index + 1].kind,
        let guess = suggestion(for: name, among: Keyword.allCases.map(\.rawValue))
      {
        throw fail(.unknownStatement(name, suggestion: guess), at: start)
      }
      let value = try expression()
      return Statement(kind: .expression(value), span: value.span)
    default:
      let value = try expression()
      return Statement(kind: .expression(value), span: value.span)
    }
  }

  private mutating func keywordStatement(_ keyword: Keyword) throws -> Statement {
    let start = advance().span
    switch keyword {
    // ModelStatement ::= 'model' Parameter* Sweep?
    case .model:
      let parameters = try parameterList()
      let sweep = try sweepClause()
      return Statement(kind: .model(parameters: parameters, sweep: sweep), span: start.union(previousSpan))
    // SaeStatement ::= 'sae' Parameter* Sweep?
    case .sae:
      let parameters = try parameterList()
      let sweep = try sweepClause()
      return Statement(kind: .sae(parameters: parameters, sweep: sweep), span: start.union(previousSpan))
    // TrainStatement ::= 'train' 'sae'? Expr Parameter*
    case .train:
      let autoencoders = check(.sae)
      if autoencoders { _ = advance() }
      let steps = try expression()
      let parameters = try parameterList()
      let kind: Statement.Kind =
        autoencoders ? .trainSAE(steps: steps, parameters: parameters) : .train(steps: steps, parameters: parameters)
      return Statement(kind: kind, span: start.union(previousSpan))
    // ResetStatement ::= 'reset'
    case .reset:
      return Statement(kind: .reset, span: start)
    // ExploreStatement ::= 'explore'
    case .explore:
      return Statement(kind: .explore, span: start)
    // ShowStatement ::= 'show' NAME Parameter*
    case .show:
      let (target, targetSpan) = try expectName("what to show (e.g. wtw, norms, geometry)")
      let parameters = try parameterList()
      return Statement(
        kind: .show(target: target, targetSpan: targetSpan, parameters: parameters), span: start.union(previousSpan))
    // PrintStatement ::= 'print' ( 'sae' | Expr ( ',' Expr )* ) Parameter*
    case .print:
      if check(.sae) {
        _ = advance()
        let parameters = try parameterList()
        return Statement(kind: .printSAE(parameters: parameters), span: start.union(previousSpan))
      }
      var values = [try expression()]
      while check(.comma) {
        _ = advance()
        skipNewlines()
        values.append(try expression())
      }
      let parameters = try parameterList()
      return Statement(kind: .print(values, parameters: parameters), span: start.union(previousSpan))
    // ForStatement ::= 'for' NAME 'in' Expr 'do' … 'end'
    case .for:
      loopDepth += 1
      defer { loopDepth -= 1 }
      guard loopDepth <= Self.loopDepthLimit else {
        diagnostics.append(Diagnostic(.loopsNestTooDeep(limit: Self.loopDepthLimit), at: start, in: source))
        abandoned = true
        index = tokens.count - 1
        throw Failure()
      }
      let (name, nameSpan) = try expectName("a loop variable name")
      guard check(.in) else { throw fail(.expected("'in'", found: current.kind)) }
      _ = advance()
      let values = try expression()
      guard check(.do) else { throw fail(.expected("'do'", found: current.kind)) }
      _ = advance()
      let body = statements(until: .end)
      guard check(.end) else { throw fail(.expected("'end' to close the loop", found: current.kind)) }
      let endSpan = advance().span
      return Statement(
        kind: .loop(variable: name, variableSpan: nameSpan, values: values, body: body), span: start.union(endSpan))
    // UseStatement ::= 'use' NAME
    case .use:
      let (name, nameSpan) = try expectName("a model's name")
      return Statement(kind: .use(name: name, nameSpan: nameSpan), span: start.union(nameSpan))
    // SaveStatement ::= 'save' STRING
    case .save:
      let (path, pathSpan) = try expectString("a file name in quotes")
      return Statement(kind: .save(path: path, pathSpan: pathSpan), span: start.union(pathSpan))
    // LoadStatement ::= 'load' STRING
    case .load:
      let (path, pathSpan) = try expectString("a file name in quotes")
      return Statement(kind: .load(path: path, pathSpan: pathSpan), span: start.union(pathSpan))
    // ExportStatement ::= 'export' NAME STRING Parameter*
    case .export:
      let (target, targetSpan) = try expectName("what to export (e.g. wtw, norms)")
      let (path, pathSpan) = try expectString("a file name in quotes")
      let parameters = try parameterList()
      return Statement(
        kind: .export(target: target, targetSpan: targetSpan, path: path, pathSpan: pathSpan, parameters: parameters),
        span: start.union(previousSpan))
    // HelpStatement ::= 'help' ( NAME | Keyword )?
    case .help:
      switch current.kind {
      case .name(let topic):
        let span = advance().span
        return Statement(kind: .help(topic: topic, topicSpan: span), span: start.union(span))
      case .keyword(let k):
        let span = advance().span
        return Statement(kind: .help(topic: k.rawValue, topicSpan: span), span: start.union(span))
      default:
        return Statement(kind: .help(topic: nil, topicSpan: nil), span: start)
      }
    case .in, .do, .end:
      throw fail(.expected("a statement", found: .keyword(keyword)), at: start)
    }
  }

  private var previousSpan: Span { tokens[max(0, index - 1)].span }

  // Sweep ::= 'for' SweepVariable ( ',' SweepVariable )*
  // SweepVariable ::= NAME 'in' Expr
  private mutating func sweepClause() throws -> [SweepVariable] {
    guard check(.for) else { return [] }
    _ = advance()
    var sweep: [SweepVariable] = []
    repeat {
      if check(.comma) { _ = advance() }
      skipNewlines()
      let (name, nameSpan) = try expectName("a sweep variable name")
      guard check(.in) else { throw fail(.expected("'in'", found: current.kind)) }
      _ = advance()
      sweep.append(SweepVariable(name: name, nameSpan: nameSpan, values: try expression()))
    } while check(.comma)
    return sweep
  }

  // Assignment ::= NAME '=' ( ModelStatement | SaeStatement | LoadStatement | Expr )
  private mutating func assignment() throws -> Statement {
    let (name, nameSpan) = try expectName("a name")
    _ = try expect(.equals, "'='")
    skipNewlines()
    let value: Statement
    if check(.model) || check(.sae) || check(.load) {
      guard case .keyword(let keyword) = current.kind else { throw Failure() }
      value = try keywordStatement(keyword)
    } else {
      let expression = try expression()
      value = Statement(kind: .expression(expression), span: expression.span)
    }
    return Statement(kind: .assignment(name: name, nameSpan: nameSpan, value: value), span: nameSpan.union(value.span))
  }

  /// Parameters that may stand alone, meaning `NAME=auto`.
  static let flags: Set<String> = ["live"]

  // Parameter ::= NAME '=' Expr | NAME (a flag: live)
  private mutating func parameterList() throws -> [Parameter] {
    var parameters: [Parameter] = []
    while case .name(let name) = current.kind {
      let nameSpan = advance().span
      if !check(.equals) && Self.flags.contains(name) {
        parameters.append(Parameter(name: name, nameSpan: nameSpan, value: .name("auto", nameSpan)))
        continue
      }
      if !check(.equals), let flag = suggestion(for: name, among: Array(Self.flags)) {
        // A misspelt flag is a mistake on this line, not a statement to continue on the next.
        diagnostics.append(Diagnostic(.notAFlag(name, suggestion: flag), at: nameSpan, in: source))
        throw Failure()
      }
      guard check(.equals) else {
        throw fail(.expected("'=' after the parameter '\(name)'", found: current.kind))
      }
      _ = advance()
      skipNewlines()
      parameters.append(Parameter(name: name, nameSpan: nameSpan, value: try expression()))
    }
    return parameters
  }

  // Expr ::= Additive
  // Additive ::= Multiplicative ( ( '+' | '-' ) Multiplicative )*
  mutating func expression() throws -> Expr {
    try enter()
    defer { depth -= 1 }
    var left = try multiplicative()
    while check(.plus) || check(.minus) {
      try countOperator()
      let op: BinaryOperator = advance().kind == .symbol(.plus) ? .add : .subtract
      skipNewlines()
      let right = try multiplicative()
      left = .binary(op, left, right, left.span.union(right.span))
    }
    return left
  }

  // Multiplicative ::= Unary ( ( '*' | '/' ) Unary )*
  private mutating func multiplicative() throws -> Expr {
    var left = try unary()
    while check(.star) || check(.slash) {
      try countOperator()
      let op: BinaryOperator = advance().kind == .symbol(.star) ? .multiply : .divide
      skipNewlines()
      let right = try unary()
      left = .binary(op, left, right, left.span.union(right.span))
    }
    return left
  }

  // Unary ::= '-' Unary | Power
  private mutating func unary() throws -> Expr {
    try enter()
    defer { depth -= 1 }
    if check(.minus) {
      let start = advance().span
      let operand = try unary()
      return .negate(operand, start.union(operand.span))
    }
    return try power()
  }

  // Power ::= Postfix ( '^' Unary )?
  private mutating func power() throws -> Expr {
    let base = try postfix()
    guard check(.caret) else { return base }
    _ = advance()
    skipNewlines()
    let exponent = try unary()
    return .binary(.power, base, exponent, base.span.union(exponent.span))
  }

  // Postfix ::= Primary ( '.' NAME | '[' Expr ']' )*
  private mutating func postfix() throws -> Expr {
    let saved = depth
    defer { depth = saved }
    var value = try primary()
    while true {
      try enter()
      if check(.dot) {
        _ = advance()
        let (name, span) = try expectName("a name after '.'")
        value = .member(value, name, value.span.union(span))
      } else if check(.leftBracket) {
        _ = advance()
        let subscriptValue = try expression()
        let close = try expect(.rightBracket, "']'")
        value = .index(value, subscriptValue, value.span.union(close.span))
      } else {
        return value
      }
    }
  }

  // Primary ::= NUMBER | STRING | NAME | Call | List | '(' Expr ')'
  // Call ::= NAME '(' ( Expr ( ',' Expr )* )? ')'
  // List ::= '[' ( Expr ( ',' Expr )* ','? )? ']'
  private mutating func primary() throws -> Expr {
    let token = current
    switch token.kind {
    case .number(let value):
      _ = advance()
      return .number(value, token.span)
    case .string(let text):
      _ = advance()
      return .string(text, token.span)
    case .name(let name):
      _ = advance()
      guard check(.leftParen) else { return .name(name, token.span) }
      _ = advance()
      var arguments: [Expr] = []
      if !check(.rightParen) {
        arguments.append(try expression())
        while check(.comma) {
          _ = advance()
          arguments.append(try expression())
        }
      }
      let close = try expect(.rightParen, "')' to close the call to '\(name)'")
      return .call(name, token.span, arguments, token.span.union(close.span))
    case .symbol(.leftBracket):
      _ = advance()
      var items: [Expr] = []
      while !check(.rightBracket) {
        items.append(try expression())
        guard check(.comma) else { break }
        _ = advance()
      }
      let close = try expect(.rightBracket, "']' to close the list")
      return .list(items, token.span.union(close.span))
    case .symbol(.leftParen):
      _ = advance()
      let inner = try expression()
      _ = try expect(.rightParen, "')'")
      return inner
    default:
      throw fail(.expected(SyntaxError.anExpression, found: token.kind))
    }
  }
}
