import ToyPlot

/// An error in toy source, with the place it points at.
public struct Diagnostic: Error, Sendable, Hashable {
  /// What is wrong, by name: tests and front ends can match the case rather than the text.
  public let kind: Kind
  public let span: Span
  public let source: Source

  /// A syntax error (nothing ran) or an error running a statement.
  public enum Kind: Hashable, Sendable {
    case syntax(SyntaxError)
    case evaluation(EvaluationError)
  }

  public init(_ error: SyntaxError, at span: Span, in source: Source) {
    self.kind = .syntax(error)
    self.span = span
    self.source = source
  }

  public init(_ error: EvaluationError, at span: Span, in source: Source) {
    self.kind = .evaluation(error)
    self.span = span
    self.source = source
  }

  /// The error at the end of a source that stopped mid-statement, for front ends that read
  /// no more input (a script file; the prompt reads another line instead).
  public static func incompleteInput(in source: Source) -> Diagnostic {
    let end = source.scalars.count
    return Diagnostic(.incompleteInput, at: Span(max(0, end - 1), end), in: source)
  }

  public var message: String {
    switch kind {
    case .syntax(let error): return error.description
    case .evaluation(let error): return error.description
    }
  }

  /// A suggestion such as "did you mean 'train'?".
  public var hint: String? {
    switch kind {
    case .syntax(let error): return error.hint
    case .evaluation(let error): return error.hint
    }
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
