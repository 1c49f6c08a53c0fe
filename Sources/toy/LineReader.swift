/// What reading a line gave.
enum LineResult: Equatable {
  case line(String)
  /// Ctrl-C at the prompt: the line is discarded.
  case interrupted
  /// Ctrl-D on an empty line, or the end of the input.
  case end
}

/// Where the interactive session reads its lines: readline on a terminal, a plain reader
/// for pipes, a scripted one in tests.
protocol LineReader {
  mutating func readLine(prompt: String) -> LineResult
  /// Records a cell's text in the history (readline saves it; others ignore it).
  mutating func remember(_ line: String)
}

extension LineReader {
  mutating func remember(_ line: String) {}
}

/// Reads standard input without prompts or echo.
struct PlainReader: LineReader {
  mutating func readLine(prompt: String) -> LineResult {
    guard let line = Swift.readLine(strippingNewline: true) else { return .end }
    return .line(line)
  }
}

/// Lines given in advance, for tests.
struct ScriptedReader: LineReader {
  var results: [LineResult]
  var prompts: [String] = []
  var remembered: [String] = []

  init(_ results: [LineResult]) { self.results = results }
  init(lines: [String]) { results = lines.map(LineResult.line) }

  mutating func readLine(prompt: String) -> LineResult {
    prompts.append(prompt)
    return results.isEmpty ? .end : results.removeFirst()
  }

  mutating func remember(_ line: String) { remembered.append(line) }
}
