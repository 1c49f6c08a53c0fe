import CReadline
import Foundation
import Glibc
import ToyLanguage

/// GNU readline on a terminal: editing, history saved across sessions, tab completion, and
/// Ctrl-C that discards the line instead of ending the program.
struct ReadlineReader: LineReader {
  /// `$XDG_STATE_HOME/toy/history`, else `~/.local/state/toy/history`.
  let historyPath: String
  static let historyLimit: Int32 = 2000
  private var last: String?

  init(environment: [String: String] = ProcessInfo.processInfo.environment) {
    let state =
      environment["XDG_STATE_HOME"].flatMap { $0.isEmpty ? nil : $0 }
      ?? ((environment["HOME"] ?? NSHomeDirectory()) + "/.local/state")
    let directory = state + "/toy"
    try? FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    historyPath = directory + "/history"
    toy_rl_set_readline_name(Self.name)
    toy_rl_set_change_environment(0)
    toy_rl_set_catch_signals(0)
    toy_rl_set_completion(completeWord)
    toy_rl_set_basic_word_break_characters(Self.breaks)
    using_history()
    read_history(historyPath)
  }

  nonisolated(unsafe) private static let name: UnsafePointer<CChar> = UnsafePointer(strdup("toy")!)
  nonisolated(unsafe) private static let breaks: UnsafePointer<CChar> = UnsafePointer(strdup(" \t\n\"=,;([")!)

  mutating func readLine(prompt: String) -> LineResult {
    PromptInterrupt.begin()
    defer { PromptInterrupt.end() }
    let pointer = CReadline.readline(prompt)
    if PromptInterrupt.fired != 0 {
      free(pointer)
      return .interrupted
    }
    guard let pointer else { return .end }
    defer { free(pointer) }
    return .line(String(cString: pointer))
  }

  /// Adds a cell to the history and appends it to the file at once, so two sessions add to
  /// it rather than overwrite each other; the previous line again is skipped.
  mutating func remember(_ line: String) {
    guard line != last else { return }
    last = line
    add_history(line)
    if append_history(1, historyPath) != 0 { write_history(historyPath) }
    history_truncate_file(historyPath, Self.historyLimit)
  }
}

/// Ctrl-C at the prompt. readline's own getc retries a read that a signal interrupted, so
/// the prompt reads keys through `promptGetc`: once SIGINT has arrived (the handler is
/// installed without SA_RESTART, so a blocked read returns) it clears the line and returns
/// a newline, which ends readline with an empty line, and `fired` says it was Ctrl-C.
enum PromptInterrupt {
  nonisolated(unsafe) static var fired: sig_atomic_t = 0
  nonisolated(unsafe) private static var previous = sigaction()

  static func begin() {
    fired = 0
    var action = sigaction()
    action.__sigaction_handler.sa_handler = { _ in PromptInterrupt.fired = 1 }
    sigemptyset(&action.sa_mask)
    action.sa_flags = 0
    sigaction(SIGINT, &action, &previous)
    toy_rl_set_getc_function(promptGetc)
  }

  static func end() {
    sigaction(SIGINT, &previous, nil)
  }
}

/// readline's key reader at the prompt (see `PromptInterrupt`).
func promptGetc(_ stream: UnsafeMutablePointer<FILE>?) -> Int32 {
  var byte: UInt8 = 0
  while true {
    if PromptInterrupt.fired != 0 {
      rl_replace_line("", 0)
      return 10
    }
    let n = read(fileno(stream), &byte, 1)
    if n == 1 { return Int32(byte) }
    if n == 0 || errno != EINTR { return EOF }
  }
}

/// Tab completion: statements at the start, parameters after a statement, `show` targets,
/// enumerated values after `kind=` and the like, model names, magics after `%`, file paths
/// inside quotes.
enum Completion {
  /// The words the completer offers for the text before the cursor; pure, so tests call it.
  static func candidates(line: String, word: String, models: [String]) -> [String] {
    let before = String(line.dropLast(word.count))
    let trimmed = before.trimmingCharacters(in: .whitespaces)
    if before.hasSuffix("\"") || before.hasSuffix("%run ") || before.hasSuffix("%save ") {
      return files(word)
    }
    if trimmed.isEmpty || trimmed.hasSuffix(";") {
      if line.hasPrefix("%") { return Repl<PlainReader>.magics.map { "%" + $0 } }
      return Keyword.allCases.map(\.rawValue) + models
    }
    if trimmed.hasPrefix("%") && !trimmed.contains(" ") { return [] }
    let words = trimmed.split(whereSeparator: { $0 == " " || $0 == ";" }).map(String.init)
    let statement = words.last { Keyword(rawValue: $0) != nil } ?? ""
    if before.hasSuffix("=") {
      let parameter = String(before.dropLast().split(separator: " ").last ?? "")
      if let spec = ParameterTable.all.first(where: { $0.name == parameter }), case .choice(let values) = spec.kind {
        return values
      }
      return models
    }
    if statement == "show" || statement == "export", words.last == statement { return ShowTargets.names }
    if statement == "help" { return Keyword.allCases.map(\.rawValue) + ParameterTable.all.map(\.name) }
    if statement == "use" { return models }
    let specs = ParameterTable.specs(for: statement)
    return specs.map { $0.name + "=" } + models
  }

  static func files(_ prefix: String) -> [String] {
    let directory = prefix.contains("/") ? String(prefix[...prefix.lastIndex(of: "/")!]) : ""
    let listed = (try? FileManager.default.contentsOfDirectory(atPath: directory.isEmpty ? "." : directory)) ?? []
    return listed.map { directory + $0 }.sorted()
  }

  /// The session whose model names complete.
  nonisolated(unsafe) static var session: Session?

}

/// readline's completion callback (a C function: it reads the session from a global).
func completeWord(
  _ text: UnsafePointer<CChar>?, _ start: Int32, _ end: Int32
) -> UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? {
  toy_rl_set_attempted_completion_over(1)
  let word = text.map { String(cString: $0) } ?? ""
  let line = String(String(cString: toy_rl_line_buffer()).unicodeScalars.prefix(Int(end)))
  let models = Completion.session.map { Array($0.models.keys) } ?? []
  let matches = Completion.candidates(line: line, word: word, models: models).filter { $0.hasPrefix(word) }
  let appendSpace = matches.count == 1 && !(matches[0].hasSuffix("=") || matches[0].hasSuffix("/"))
  toy_rl_set_completion_append_character(appendSpace ? 32 : 0)
  guard !matches.isEmpty else { return nil }
  // rl_completion_matches' layout: the common prefix first, then the matches, then NULL.
  let array = UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>.allocate(capacity: matches.count + 2)
  var common = matches[0]
  for m in matches.dropFirst() { while !m.hasPrefix(common) { common.removeLast() } }
  array[0] = strdup(common)
  for (i, m) in matches.enumerated() { array[i + 1] = strdup(m) }
  array[matches.count + 1] = nil
  return array
}
