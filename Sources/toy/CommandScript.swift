import ArgumentParser
import ToyLanguage

/// The script a command runs in place of its options, as `lua -e` runs code: `toy train --n 5
/// --show wtw` is `model n=5 …`, `train …`, `show wtw`, run by the evaluator as `toy -e` would
/// run it. An option then means what its statement means, and is checked by the same rule,
/// with the same message; a diagnostic at an option's text names the option as typed.
///
///     var script = CommandScript(command: "toy train")
///     script.add(.word("model"), .option("n=5", "--n 5"), .option("m=2", "--m 2"))
///     script.add(.word("train"), .option("10000", "--steps 10000"))
struct CommandScript {
  /// A statement's word: the script's text and, for an option's, the option as the user
  /// would recognise it (`--density 1.5`).
  struct Piece {
    var text: String
    var option: String?

    static func word(_ text: String) -> Piece { Piece(text: text, option: nil) }
    static func option(_ text: String, _ option: String) -> Piece { Piece(text: text, option: option) }
  }

  /// The command, as diagnostics name it: `toy train`.
  let command: String
  /// The statements, one a line.
  private(set) var lines: [String] = []
  /// Where each option's text lies: the line (from 0) and the columns (Unicode scalars, from 0).
  private var places: [(line: Int, columns: Range<Int>, option: String)] = []
  /// The line where the report (`print`, `show`, `save` …) starts: everything from it runs
  /// after training, even when Ctrl-C stopped the training.
  private var reportStart: Int?

  init(command: String) { self.command = command }

  /// Appends a statement, its pieces separated by spaces; `option`, if given, is the option
  /// the whole statement stands for (`--show geometry` for `show geometry …`), named by
  /// diagnostics that point at none of its pieces' options.
  mutating func add(_ pieces: Piece..., option: String? = nil) { add(pieces, option: option) }

  mutating func add(_ pieces: [Piece], option: String? = nil) {
    var line = ""
    for piece in pieces {
      if !line.isEmpty { line += " " }
      let start = line.unicodeScalars.count
      line += piece.text
      if let option = piece.option {
        places.append((lines.count, start..<line.unicodeScalars.count, option))
      }
    }
    if let option { places.append((lines.count, 0..<line.unicodeScalars.count, option)) }
    lines.append(line)
  }

  /// Marks the statements added from now on as the report on the trained model.
  mutating func beginReport() { reportStart = lines.count }

  /// The script as sources run one after another in one session: the training, then the
  /// report (see `ScriptRunner.run(_:)`).
  var parts: [Source] {
    let name = "<\(command)>"
    let split = reportStart ?? lines.count
    var sources = [Source(name: name, text: lines[..<split].joined(separator: "\n"))]
    if split < lines.count {
      sources.append(Source(name: name, text: lines[split...].joined(separator: "\n"), firstLine: split + 1))
    }
    return sources
  }

  /// The whole script as one text, a statement a line.
  var text: String { lines.joined(separator: "\n") }

  /// The option whose text `diagnostic` points at, if any.
  func option(of diagnostic: Diagnostic) -> String? {
    let (line, column) = diagnostic.source.location(of: diagnostic.span.start)
    return places.first { $0.line == line - 1 && $0.columns.contains(column - 1) }?.option
  }

  /// A diagnostic as the command's user reads it: at an option, the option and the message
  /// (`toy train: --density 1.5: density of feature 0 is 1.5; …`); elsewhere, the diagnostic
  /// at the statement the command ran.
  func describe(_ diagnostic: Diagnostic) -> String {
    guard let option = option(of: diagnostic) else { return diagnostic.rendered }
    return "\(command): \(option): \(diagnostic.message)" + (diagnostic.hint.map { "\n" + $0 } ?? "")
  }

  /// A number as a literal the lexer reads back as the same Double. Options are parsed as
  /// finite numbers, so there is always one.
  static func literal(_ value: Double) -> String {
    let text = "\(value)"
    return text.hasSuffix(".0") ? String(text.dropLast(2)) : text
  }

  /// A string as a literal: toy's strings hold no `"` and no line break.
  static func string(_ text: String, option: String) throws -> String {
    guard !text.contains("\"") && !text.contains("\n") && !text.contains("\r") else {
      throw ValidationError("\(option): a path with '\"' or a line break cannot be named in a script")
    }
    return "\"\(text)\""
  }
}
