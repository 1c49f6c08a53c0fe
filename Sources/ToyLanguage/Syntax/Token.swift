/// The lexer's output: a kind, the span it covers, and for names, numbers and strings the text.
public struct Token: Sendable, Hashable {
  public enum Kind: Sendable, Hashable {
    case number(Double)
    case string(String)
    case name(String)
    case keyword(Keyword)
    case symbol(Symbol)
    case newline
    case end
    /// Text the lexer could not read (already reported).
    case invalid
  }

  public let kind: Kind
  public let span: Span

  var isSeparator: Bool {
    switch kind {
    case .newline, .symbol(.semicolon): return true
    default: return false
    }
  }
}

/// The language's reserved words: exactly the keywords of `grammar/toy.ebnf` (a test checks).
public enum Keyword: String, Sendable, CaseIterable {
  case model, sae, train, reset, show, print, `for`, `in`, `do`, end, use, save, load, export, help, explore
}

public enum Symbol: String, Sendable, CaseIterable {
  case plus = "+"
  case minus = "-"
  case star = "*"
  case slash = "/"
  case caret = "^"
  case equals = "="
  case comma = ","
  case semicolon = ";"
  case dot = "."
  case leftParen = "("
  case rightParen = ")"
  case leftBracket = "["
  case rightBracket = "]"
}

extension Token.Kind: CustomStringConvertible {
  /// How a token is named in a diagnostic.
  public var description: String {
    switch self {
    case .number: return "a number"
    case .string: return "a string"
    case .name(let name): return "'\(name)'"
    case .keyword(let k): return "'\(k.rawValue)'"
    case .symbol(let s): return "'\(s.rawValue)'"
    case .newline: return "the end of the line"
    case .end: return "the end of the input"
    case .invalid: return "text that is not toy"
    }
  }
}
