/// Turns source text into tokens. Newlines inside brackets or parentheses are dropped
/// (a list may span lines); other newlines are tokens, since they end statements.
struct Lexer {
  let source: Source
  private var position = 0
  private var depth = 0
  private(set) var diagnostics: [Diagnostic] = []

  init(_ source: Source) { self.source = source }

  private var scalars: [Unicode.Scalar] { source.scalars }

  /// All tokens, ending with `.end`.
  mutating func tokens() -> [Token] {
    var out: [Token] = []
    while true {
      let token = next()
      out.append(token)
      if token.kind == .end { return out }
    }
  }

  private func peek(_ ahead: Int = 0) -> Unicode.Scalar? {
    position + ahead < scalars.count ? scalars[position + ahead] : nil
  }

  private static func isDigit(_ s: Unicode.Scalar) -> Bool { s >= "0" && s <= "9" }
  private static func isNameStart(_ s: Unicode.Scalar) -> Bool {
    (s >= "a" && s <= "z") || (s >= "A" && s <= "Z") || s == "_"
  }

  private mutating func next() -> Token {
    while let s = peek() {
      if s == " " || s == "\t" || s == "\r" {
        position += 1
      } else if s == "#" {
        while let c = peek(), c != "\n" { position += 1 }
      } else if s == "\n" && depth > 0 {
        position += 1
      } else {
        break
      }
    }
    let start = position
    guard let s = peek() else { return Token(kind: .end, span: Span(start, start)) }
    if s == "\n" {
      position += 1
      return Token(kind: .newline, span: Span(start, start + 1))
    }
    if Self.isDigit(s) || (s == "." && peek(1).map(Self.isDigit) == true) { return number() }
    if Self.isNameStart(s) {
      while let c = peek(), Self.isNameStart(c) || Self.isDigit(c) { position += 1 }
      let text = source.text(of: Span(start, position))
      let kind: Token.Kind = Keyword(rawValue: text).map { .keyword($0) } ?? .name(text)
      return Token(kind: kind, span: Span(start, position))
    }
    if s == "\"" { return string() }
    if let symbol = Symbol(rawValue: String(Character(s))) {
      position += 1
      switch symbol {
      case .leftParen, .leftBracket: depth += 1
      case .rightParen, .rightBracket: depth = max(0, depth - 1)
      default: break
      }
      return Token(kind: .symbol(symbol), span: Span(start, position))
    }
    position += 1
    diagnostics.append(Diagnostic(.unexpectedCharacter(s), at: Span(start, position), in: source))
    return Token(kind: .invalid, span: Span(start, position))
  }

  private mutating func number() -> Token {
    let start = position
    while let c = peek(), Self.isDigit(c) { position += 1 }
    let exponentAfterPoint =
      (peek(1) == "e" || peek(1) == "E")
      && (peek(2).map(Self.isDigit) == true
        || ((peek(2) == "+" || peek(2) == "-") && peek(3).map(Self.isDigit) == true))
    if peek() == ".", peek(1).map({ Self.isNameStart($0) }) != true || exponentAfterPoint {
      position += 1
      while let c = peek(), Self.isDigit(c) { position += 1 }
    }
    if let e = peek(), e == "e" || e == "E" {
      let sign = peek(1) == "+" || peek(1) == "-" ? 1 : 0
      if peek(1 + sign).map(Self.isDigit) == true {
        position += 1 + sign
        while let c = peek(), Self.isDigit(c) { position += 1 }
      }
    }
    // A name glued to a number (2x, 1e) is a typo, not a product.
    while let c = peek(), Self.isNameStart(c) || Self.isDigit(c) || (c == "." && peek(1).map(Self.isDigit) == true) {
      position += 1
    }
    let span = Span(start, position)
    let text = source.text(of: span)
    guard let value = Double(text), value.isFinite else {
      diagnostics.append(Diagnostic(.malformedNumber(text), at: span, in: source))
      return Token(kind: .invalid, span: span)
    }
    return Token(kind: .number(value), span: span)
  }

  private mutating func string() -> Token {
    let start = position
    position += 1
    var value = String.UnicodeScalarView()
    while let c = peek(), c != "\"", c != "\n" {
      value.append(c)
      position += 1
    }
    if peek() == "\"" {
      position += 1
    } else {
      diagnostics.append(Diagnostic(SyntaxError.unterminatedString, at: Span(start, position), in: source))
    }
    return Token(kind: .string(String(value)), span: Span(start, position))
  }
}
