import ToyPlot

/// An error in toy source, with the place it points at.
public struct Diagnostic: Error, Sendable, Hashable {
  public let message: String
  public let span: Span
  public let source: Source
  /// A suggestion such as "did you mean 'train'?".
  public let hint: String?

  public init(_ message: String, at span: Span, in source: Source, hint: String? = nil) {
    self.message = message
    self.span = span
    self.source = source
    self.hint = hint
  }

  /// `name:line:col`.
  public var location: String {
    let (line, column) = source.location(of: span.start)
    return "\(source.name):\(line):\(column)"
  }

  /// The diagnostic as the user sees it: the place, the message, the line, a caret under
  /// the span, and the hint.
  ///
  ///     demo.toy:2:1: error: unknown statement 'trian'
  ///         2 | trian 1000
  ///           | ^^^^^
  ///     did you mean 'train'?
  public var rendered: String { rendered(width: .max) }

  /// The rendering with the message and the hint wrapped at words to `width` (the
  /// terminal's, at the prompt), so that a terminal does not cut them mid-word; the source
  /// line and its caret stay whole, since wrapping them would move the caret.
  public func rendered(width: Int) -> String {
    let (line, column) = source.location(of: span.start)
    let text = source.lineText(containing: span.start)
    let gutter = String(line)
    let pad = String(repeating: " ", count: gutter.count)
    let lineLength = text.unicodeScalars.count
    let carets = max(1, min(span.end - span.start, lineLength - (column - 1)))
    var out =
      wrapWords("\(Self.visible(location)): error: \(Self.visible(message))", width: width).joined(separator: "\n")
      + "\n"
    out += "  \(gutter) | \(Self.visible(text))\n"
    out += "  \(pad) | \(String(repeating: " ", count: column - 1))\(String(repeating: "^", count: carets))"
    if let hint { out += "\n" + wrapWords(Self.visible(hint), width: width).joined(separator: "\n") }
    return out
  }

  /// Control characters as their Unicode pictures (NUL as ␀, a bare CR as ␍): written raw,
  /// a NUL is invisible and a CR sends the cursor back over the line. One character stays
  /// one character, so the caret still lines up; tabs and newlines are kept.
  static func visible(_ text: String) -> String {
    guard text.unicodeScalars.contains(where: isControl) else { return text }
    var out = String.UnicodeScalarView()
    for scalar in text.unicodeScalars {
      if !isControl(scalar) {
        out.append(scalar)
      } else {
        out.append(Unicode.Scalar(scalar.value == 0x7F ? 0x2421 : 0x2400 + scalar.value)!)
      }
    }
    return String(out)
  }

  private static func isControl(_ scalar: Unicode.Scalar) -> Bool {
    (scalar.value < 0x20 && scalar != "\t" && scalar != "\n") || scalar.value == 0x7F
  }
}

/// Every message the front end can give, in one place, so they read alike and tests can
/// name them.
enum Message {
  static func unexpectedCharacter(_ c: Unicode.Scalar) -> String { "unexpected character '\(c)'" }
  static let unterminatedString = "this string has no closing '\"'"
  static func malformedNumber(_ text: String) -> String { "'\(text)' is not a number" }
  static func expected(_ what: String, found: Token.Kind) -> String { "expected \(what), found \(found)" }
  static func unknownStatement(_ name: String) -> String { "unknown statement '\(name)'" }
  static let missingSeparator = "expected ';' or a new line between statements"
  static func tooManyOperators(_ limit: Int) -> String {
    "this expression has more than \(limit) operators: split it into several assignments"
  }
  static func loopsNestTooDeep(_ limit: Int) -> String { "loops nest more than \(limit) levels deep here" }
  static let expectedExpression = "an expression (a number, a name, a list or a call)"
  static let oneExpression = "user expressions must be one expression, e.g. loss or 2^-3"
  static func didYouMean(_ name: String) -> String { "did you mean '\(name)'?" }
  static func diverged(model: String, setting: String, step: Int, loss: Float?) -> String {
    let what = loss.map { "the loss became \($0)" } ?? "a weight stopped being a finite number"
    return "\(model) (\(setting)) diverged at step \(step): \(what); the model keeps its \(step - 1) steps before it"
  }
  /// From this importance on, a squared error near 1 puts the loss near Float32's limit.
  static let overflowingImportance: Float = 1e30
  static func divergedByImportance(_ value: Double) -> String {
    "an importance of \(formatNumber(value)) makes the loss pass Float32's largest number (3.4e38): use smaller importances"
  }
  static func divergedByLearningRate(_ rate: Double) -> String {
    "lr=\(formatNumber(rate)) is too large for this model: try a smaller lr (reset to start again)"
  }
  /// Hints for words a terminal or another REPL would understand, typed at the prompt.
  static let shellWords: [String: String] = [
    "clear": "Ctrl-L clears the screen; %reset forgets every model and value",
    "cls": "Ctrl-L clears the screen; %reset forgets every model and value",
    "exit": "Ctrl-D leaves", "quit": "Ctrl-D leaves",
  ]
}

/// The closest of `candidates` to `name` by edit distance, if close enough to be a typo.
public func suggestion(for name: String, among candidates: [String]) -> String? {
  let word = Array(name.lowercased())
  var best: (String, Int)?
  // The prompt's results (_, __, _3) are never what a misspelt letter meant: j is i, not _.
  for candidate in candidates where name.hasPrefix("_") || !candidate.hasPrefix("_") {
    let d = editDistance(word, Array(candidate.lowercased()))
    if d <= max(1, word.count / 3), best == nil || d < best!.1 { best = (candidate, d) }
  }
  return best?.0
}

/// Levenshtein distance with transpositions counted as one edit.
func editDistance(_ a: [Character], _ b: [Character]) -> Int {
  if a.isEmpty { return b.count }
  if b.isEmpty { return a.count }
  var previous2 = [Int](repeating: 0, count: b.count + 1)
  var previous = Array(0...b.count)
  for i in 1...a.count {
    var current = [Int](repeating: 0, count: b.count + 1)
    current[0] = i
    for j in 1...b.count {
      let cost = a[i - 1] == b[j - 1] ? 0 : 1
      current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
      if i > 1, j > 1, a[i - 1] == b[j - 2], a[i - 2] == b[j - 1] {
        current[j] = min(current[j], previous2[j - 2] + 1)
      }
    }
    previous2 = previous
    previous = current
  }
  return previous[b.count]
}
