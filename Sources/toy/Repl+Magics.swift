import Foundation
import ToyCore
import ToyLanguage
import ToyPlot

/// The prompt's magics: `%time`, `%timeit`, `%history`, `%save`, `%run`, `%who`, `%reset`,
/// `%config`, `%lsmagic`. Front-end syntax, documented in grammar/README.md, not part of the language.
extension Repl {
  func magic(_ text: String, number: Int) {
    let name = String(text.prefix { !$0.isWhitespace })
    let argument = String(text.dropFirst(name.count).drop(while: { $0 == " " }))
    switch name {
    case "time":
      let start = clock()
      runCode(argument, number: number)
      write("Wall time: \(Magic.formatSeconds(clock() - start))\n")
    case "timeit":
      timeit(argument, number: number)
    case "history":
      guard let numbers = Magic.cellNumbers(argument, among: Array(cells.keys)) else {
        return writeError("%history: '\(argument)' is not a range; use e.g. 3, 2-5 or nothing for all\n")
      }
      for n in numbers {
        if let text = cells[n] { write("\(n): \(text.replacingOccurrences(of: "\n", with: "\n   "))\n") }
      }
    case "save":
      let parts = argument.split(separator: " ", maxSplits: 1).map(String.init)
      guard let file = parts.first else { return writeError("%save FILE [RANGE]: give a file name\n") }
      guard let numbers = Magic.cellNumbers(parts.count > 1 ? parts[1] : "", among: Array(cells.keys)) else {
        return writeError("%save: '\(parts[1])' is not a range; use e.g. 3, 2-5 or nothing for all\n")
      }
      let saved = numbers.filter { cells[$0].map { !$0.hasPrefix("%") && !$0.hasPrefix("?") } ?? false }
      let code = saved.map {
        Magic.savedCell(cells[$0]!, number: $0, seeds: cellSeeds[$0] ?? [], failed: failedCells.contains($0))
      }
      let failed = saved.filter(failedCells.contains)
      let note = failed.isEmpty ? "" : " (\(failed.map(String.init).joined(separator: ", ")) failed: kept as comments)"
      do {
        try FileWriter.replace(file, with: code.joined(separator: "\n") + "\n")
        write("saved \(code.count) cell\(code.count == 1 ? "" : "s") to \(file)\(note)\n")
      } catch {
        writeError("%save: \(file): cannot write: \(error.reason)\n")
      }
    case "run":
      let path = NSString(string: argument).expandingTildeInPath
      guard let data = FileManager.default.contents(atPath: path), let code = String(data: data, encoding: .utf8)
      else { return writeError("%run: \(argument): no such file or it cannot be read\n") }
      runCode(code, number: number, name: argument)
    case "who":
      write(session.definitions)
    case "reset":
      session.clear()
      write("all models and values forgotten\n")
    case "config":
      configure(argument)
    case "lsmagic":
      for magic in Self.magicSummaries { write(magic.usage + "\n") }
    default:
      writeError(Magic.unknown(name, among: Self.magics) + "\n")
    }
  }

  /// Times `code` on copies of the session, so that timing `train 1000` leaves the model
  /// as it was; the first run shows its output.
  func timeit(_ code: String, number: Int) {
    let timing = Timing.measure(clock: clock) { run in
      let copy = session.copy()
      copy.onDisplay = run == 0 ? { [unowned self] in self.write(self.render($0) + "\n") } : { _ in }
      let outcome = Interrupt.whileRunning(session) { copy.run(Source(name: "%timeit", text: code)) }
      report(outcome, number: number)
      return outcome == .finished
    }
    if let timing { write(timing.summary + "\n") }
  }

  func configure(_ argument: String) {
    guard !argument.isEmpty else {
      for key in config.keys.sorted() {
        let value = config[key]!
        var detail = ""
        if value == "auto" && key == "width" { detail = " (\(autoWidth))" }
        if value == "auto" && key == "theme" {
          detail = " (\(autoTheme().map(\.rawValue) ?? "not known: palettes as they are"))"
        }
        write("\(key) = \(value)\(detail)\n")
      }
      return
    }
    for pair in argument.split(separator: " ") {
      let parts = pair.split(separator: "=", maxSplits: 1).map(String.init)
      guard parts.count == 2, config[parts[0]] != nil else {
        return writeError("%config: use key=value with key one of \(config.keys.sorted().joined(separator: ", "))\n")
      }
      let allowed: [String: [String]] = [
        "color": ["auto", "always", "never"], "canvas": ["auto", "braille", "quadrant", "half", "bars", "ascii"],
        "theme": ThemeChoice.allCases.map(\.rawValue),
      ]
      if let values = allowed[parts[0]], !values.contains(parts[1]) {
        return writeError("%config: \(parts[0]) must be one of \(values.joined(separator: ", "))\n")
      }
      if parts[0] == "width", parts[1] != "auto", Int(parts[1]).map({ $0 >= 20 && $0 <= 1000 }) != true {
        return writeError("%config: width must be auto or a whole number from 20 to 1000\n")
      }
      config[parts[0]] = parts[1]
      if parts[0] == "width" { session.textWidth = Int(parts[1]) ?? autoWidth }
      if parts[0] == "canvas" { session.defaultCanvas = Canvas(rawValue: parts[1]) }
      if parts[0] == "theme", let choice = ThemeChoice(rawValue: parts[1]) {
        session.svgStyle = TerminalPolicy.svgStyle(choice)
      }
    }
  }
}
