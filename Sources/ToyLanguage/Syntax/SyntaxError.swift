/// Why source text cannot be read as toy: the lexer's and the parser's errors. Each case names
/// the condition and carries what varies; the messages and their hints live here and nowhere
/// else, so that they read alike and tests can name them.
public enum SyntaxError: Error, Hashable, Sendable {
  case unexpectedCharacter(Unicode.Scalar)
  case unterminatedString
  /// Digits glued to letters (`2x`) or a number past Double's range.
  case malformedNumber(String)
  /// `what` names the grammar's element as the parser wants it ("'do'", "a model's name").
  case expected(String, found: Token.Kind)
  /// A word that is not a statement, followed by more words: most likely a misspelt keyword.
  case unknownStatement(String, suggestion: String)
  case missingSeparator
  /// A name without `=` that is close to a flag's (`liv` for `live`).
  case notAFlag(String, suggestion: String)
  case expressionNestsTooDeep(limit: Int)
  case tooManyOperators(limit: Int)
  case loopsNestTooDeep(limit: Int)
  /// A notebook's user expression that is a statement, or several.
  case notOneExpression
  /// The input stopped mid-statement where no more will come (a file, not the prompt).
  case incompleteInput

  /// What the parser expects where an expression must start.
  static let anExpression = "an expression (a number, a name, a list or a call)"
}

extension SyntaxError: CustomStringConvertible {
  public var description: String {
    switch self {
    case .unexpectedCharacter(let character):
      return "unexpected character '\(character)'"
    case .unterminatedString:
      return "this string has no closing '\"'"
    case .malformedNumber(let text):
      return "'\(text)' is not a number"
    case .expected(let what, let found):
      return "expected \(what), found \(found)"
    case .unknownStatement(let name, _):
      return "unknown statement '\(name)'"
    case .missingSeparator:
      return "expected ';' or a new line between statements"
    case .notAFlag(let name, _):
      return "'\(name)' is not a flag; parameters take a value, name=value"
    case .expressionNestsTooDeep(let limit):
      return "this expression nests more than \(limit) levels deep"
    case .tooManyOperators(let limit):
      return "this expression has more than \(limit) operators: split it into several assignments"
    case .loopsNestTooDeep(let limit):
      return "loops nest more than \(limit) levels deep here"
    case .notOneExpression:
      return "user expressions must be one expression, e.g. loss or 2^-3"
    case .incompleteInput:
      return "the input ends in the middle of a statement"
    }
  }

  /// The line under the caret that says what to do instead, if there is one.
  public var hint: String? {
    switch self {
    case .unknownStatement(_, let suggestion), .notAFlag(_, let suggestion):
      return didYouMean(suggestion)
    default:
      return nil
    }
  }
}

/// The hint for a name close to one that exists.
func didYouMean(_ name: String) -> String { "did you mean '\(name)'?" }
