import Foundation
import ToyCore
import ToyLanguage
import ToyPlot

/// The interactive session: numbered cells, continuation lines, `_`/`__`/`_n`, magics and
/// `?name`, over any `LineReader`. It writes through the given sinks, so tests drive it with
/// a scripted reader and read what it wrote.
final class Repl<Reader: LineReader> {
  var reader: Reader
  let session: Session
  /// Writes a display's rendering and other output.
  let write: (String) -> Void
  let writeError: (String) -> Void
  /// Renders a display for this terminal (plain text by default).
  var render: (Display) -> String = { $0.plain }
  private(set) var cell = 1
  /// Each executed cell's text, by number.
  private(set) var cells: [Int: String] = [:]
  /// The cells that failed or were interrupted: `%save` keeps them as comments.
  private(set) var failedCells: Set<Int> = []
  /// The seeds each cell's model statements derived: `%save` pins them.
  private(set) var cellSeeds: [Int: [DerivedSeed]] = [:]
  /// Timing, replaceable in tests.
  var clock: () -> Double = { Date().timeIntervalSinceReferenceDate }
  /// The width `%config width=auto` follows: the terminal's, read again before each cell.
  lazy var autoWidth: Int = session.textWidth
  /// The terminal's columns now (nil: not a terminal); replaceable in tests.
  var terminalColumns: () -> Int? = { nil }
  /// The background `theme = auto` stands for (COLORFGBG, or the terminal's answer to
  /// OSC 11), nil when nothing says.
  var autoTheme: () -> Theme? = { nil }
  /// Settings `%config` shows and changes.
  var config: [String: String] = ["color": "auto", "width": "auto", "canvas": "auto", "theme": "auto"]

  static var banner: String {
    "toy \(toyVersion): toy models of superposition. Type help for statements, ?NAME for one, Ctrl-D to leave."
  }
  static var magics: [String] { magicSummaries.map(\.name) }

  /// Each magic and what it does, as %lsmagic lists them.
  static var magicSummaries: [(name: String, usage: String)] { Magic.all.map { ($0.name, $0.usage) } }

  init(reader: Reader, session: Session, write: @escaping (String) -> Void, writeError: @escaping (String) -> Void) {
    self.reader = reader
    self.session = session
    self.write = write
    self.writeError = writeError
  }

  func prompt(_ number: Int) -> String { "In [\(number)]: " }
  func continuation(_ number: Int) -> String {
    String(repeating: " ", count: max(0, "In [\(number)]".count - 3)) + "...: "
  }

  /// Reads and runs cells until Ctrl-D or the end of the input.
  func run() {
    _ = autoWidth
    write(Self.banner + "\n")
    while let text = readCell() {
      guard !text.allSatisfy(\.isWhitespace) else { continue }
      reader.remember(text)
      cells[cell] = text
      execute(text, number: cell)
      cell += 1
    }
  }

  /// One cell's text, with continuation lines while the parser says it is incomplete; nil at
  /// the end. Ctrl-C discards what was typed and asks again with the same number.
  func readCell() -> String? {
    var text = ""
    while true {
      switch reader.readLine(prompt: text.isEmpty ? prompt(cell) : continuation(cell)) {
      case .end:
        write("\n")
        return nil
      case .interrupted:
        write("^C\n")
        text = ""
      case .line(let line):
        text += text.isEmpty ? line : "\n" + line
        if !needsMore(text) { return text }
      }
    }
  }

  /// Under `width=auto`, draws at the terminal's width as it is now, not as it was.
  func followTerminalWidth() {
    guard let columns = terminalColumns(), columns > 0 else { return }
    autoWidth = columns
    if config["width"] == "auto" { session.textWidth = columns }
  }

  func needsMore(_ text: String) -> Bool {
    let trimmed = text.drop(while: { $0 == " " })
    if trimmed.hasPrefix("%") || trimmed.hasPrefix("?") { return false }
    return Parser.parse(Source(name: "", text: text)).incomplete
  }

  /// Runs one cell: a magic, `?name`, or toy code.
  func execute(_ text: String, number: Int) {
    followTerminalWidth()
    switch CellCommand(text) {
    case .help(let topic): runCode("help " + topic, number: number)
    case .magic(let name, let argument): magic(name + " " + argument, number: number)
    case .code: runCode(text, number: number)
    }
  }

  /// Runs toy code as cell `number`; its displays follow `Out[n]:`, its value becomes `_`.
  @discardableResult
  func runCode(_ text: String, number: Int, name: String? = nil) -> RunOutcome {
    var first = true
    var lastValue: Value?
    session.onDisplay = { [unowned self] display in
      ProgressBar.clear()
      LiveView.clear()
      let body = self.render(display)
      if first && name == nil {
        self.write("Out[\(number)]:" + (body.contains("\n") ? "\n" : " ") + body + "\n")
      } else {
        self.write(body + "\n")
      }
      first = false
      if let value = display.value { lastValue = value }
    }
    let outcome = TypeAhead.held {
      Interrupt.whileRunning(session) { session.run(Source(name: name ?? "In[\(number)]", text: text)) }
    }
    ProgressBar.clear()
    LiveView.clear()
    report(outcome, number: number)
    if name == nil {
      cellSeeds[number, default: []] += session.derivedSeeds.filter { $0.sourceName == "In[\(number)]" }
      if outcome != .finished { failedCells.insert(number) }
    }
    session.derivedSeeds.removeAll()
    if let lastValue, name == nil {
      if let previous = session.variableValues["_"] { session.setVariable("__", previous) }
      session.setVariable("_", lastValue)
      session.setVariable("_\(number)", lastValue)
    }
    return outcome
  }

  /// Writes how a run failed, if it did.
  func report(_ outcome: RunOutcome, number: Int) {
    switch outcome {
    case .finished: break
    case .syntaxErrors(let diagnostics):
      for d in diagnostics { writeError(d.rendered(width: session.textWidth) + "\n") }
    case .runtimeError(let d): writeError(d.rendered(width: session.textWidth) + "\n")
    case .interrupted(trainingStopped: false):
      writeError("interrupted\n")
    case .interrupted(trainingStopped: true):
      let steps = session.current.flatMap { session.models[$0]?.model.steps } ?? 0
      writeError("interrupted: training stopped at a step boundary; the model keeps its \(steps) steps\n")
    case .incomplete: writeError("In[\(number)]: the cell ends in the middle of a statement\n")
    }
  }
}
