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
    toy_history_keep_multiline_entries()
    using_history()
    read_history(historyPath)
  }

  /// The history's entries, oldest first.
  static var entries: [String] {
    (0..<toy_history_length()).compactMap { i in
      history_get(toy_history_base() + i).map { String(cString: $0.pointee.line) }
    }
  }

  nonisolated(unsafe) private static let name: UnsafePointer<CChar> = UnsafePointer(strdup("toy")!)
  nonisolated(unsafe) private static let breaks: UnsafePointer<CChar> = UnsafePointer(strdup(" \t\n\"=,;([")!)

  mutating func readLine(prompt: String) -> LineResult {
    PromptInterrupt.begin()
    defer { PromptInterrupt.end() }
    // readline notices a resize only while it reads; one between two prompts it learns here.
    if let size = TerminalPolicy.terminalSize() { rl_set_screen_size(Int32(size.rows), Int32(size.columns)) }
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

/// The session whose models and variables the readline completer offers.
enum CompletionSession {
  nonisolated(unsafe) static var session: Session?
}

/// readline's completion callback (a C function: it reads the session from a global).
func completeWord(
  _ text: UnsafePointer<CChar>?, _ start: Int32, _ end: Int32
) -> UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? {
  toy_rl_set_attempted_completion_over(1)
  let word = text.map { String(cString: $0) } ?? ""
  let line = String(String(cString: toy_rl_line_buffer()).unicodeScalars.prefix(Int(end)))
  let magics = Repl<PlainReader>.magics
  let engine = CompletionSession.session.map { Completion(session: $0, magics: magics) } ?? Completion(magics: magics)
  let matches = engine.candidates(line: line, word: word)
  let appendSpace = matches.count == 1 && !["=", "/", "(", "."].contains(where: matches[0].hasSuffix)
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
