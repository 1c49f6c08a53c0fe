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
      write("Wall time: \(formatSeconds(clock() - start))\n")
    case "timeit":
      timeit(argument, number: number)
    case "history":
      guard let numbers = cellNumbers(argument) else {
        return writeError("%history: '\(argument)' is not a range; use e.g. 3, 2-5 or nothing for all\n")
      }
      for n in numbers {
        if let text = cells[n] { write("\(n): \(text.replacingOccurrences(of: "\n", with: "\n   "))\n") }
      }
    case "save":
      let parts = argument.split(separator: " ", maxSplits: 1).map(String.init)
      guard let file = parts.first else { return writeError("%save FILE [RANGE]: give a file name\n") }
      guard let numbers = cellNumbers(parts.count > 1 ? parts[1] : "") else {
        return writeError("%save: '\(parts[1])' is not a range; use e.g. 3, 2-5 or nothing for all\n")
      }
      let code = numbers.compactMap { cells[$0] }.filter { !$0.hasPrefix("%") && !$0.hasPrefix("?") }
      do {
        try FileWriter.replace(file, with: code.joined(separator: "\n") + "\n")
        write("saved \(code.count) cell\(code.count == 1 ? "" : "s") to \(file)\n")
      } catch {
        writeError("%save: cannot write \(file): \(error.reason)\n")
      }
    case "run":
      let path = NSString(string: argument).expandingTildeInPath
      guard let data = FileManager.default.contents(atPath: path), let code = String(data: data, encoding: .utf8)
      else { return writeError("%run: \(argument): no such file or it cannot be read\n") }
      runCode(code, number: number, name: argument)
    case "who":
      who()
    case "reset":
      session.clear()
      write("all models and values forgotten\n")
    case "config":
      configure(argument)
    case "lsmagic":
      for magic in Self.magicSummaries { write(magic.usage + "\n") }
    default:
      let guess = suggestion(for: name, among: Self.magics)
      writeError(
        "unknown magic %\(name)\(guess.map { "; did you mean %\($0)?" } ?? ";") %lsmagic lists the magics\n")
    }
  }

  /// Cell numbers of a range: "" (all), "3", "2-5".
  func cellNumbers(_ text: String) -> [Int]? {
    let all = cells.keys.sorted()
    let trimmed = text.trimmingCharacters(in: .whitespaces)
    if trimmed.isEmpty { return all }
    var result: [Int] = []
    for part in trimmed.split(separator: " ") {
      let pieces = part.split(separator: "-", maxSplits: 1, omittingEmptySubsequences: false)
      let bounds = pieces.compactMap { Int($0) }
      guard (1...2).contains(pieces.count), bounds.count == pieces.count, let low = bounds.first,
        let high = bounds.last, low <= high
      else { return nil }
      result += all.filter { $0 >= low && $0 <= high }
    }
    return result
  }

  func timeit(_ code: String, number: Int) {
    var times: [Double] = []
    var total = 0.0
    let saved = session.onDisplay
    while times.count < 1000 && (times.count < 3 || total < 0.5) {
      let start = clock()
      let outcome = runCode(code, number: number, name: "%timeit")
      let elapsed = clock() - start
      guard outcome == .finished else { return }
      times.append(elapsed)
      total += elapsed
      session.onDisplay = { _ in }
    }
    session.onDisplay = saved
    let mean = total / Double(times.count)
    let spread = (times.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(times.count)).squareRoot()
    write("\(formatSeconds(mean)) ± \(formatSeconds(spread)) per run (mean ± std of \(times.count) runs)\n")
  }

  func who() {
    if session.models.isEmpty && session.variableValues.isEmpty { return write("nothing defined yet\n") }
    for name in session.models.keys.sorted() {
      let model = session.models[name]!.model
      let mark = name == session.current ? " (current)" : ""
      write(
        "\(name)\(mark): \(model.kind.rawValue) model, n=\(model.n) m=\(model.m), "
          + "\(model.instanceCount) instance\(model.instanceCount == 1 ? "" : "s"), \(model.steps) steps\n")
    }
    for name in session.variableValues.keys.sorted() {
      let value = session.variableValues[name]!
      write("\(name): \(value.typeName) = \(value.description.prefix(60))\n")
    }
  }

  func configure(_ argument: String) {
    guard !argument.isEmpty else {
      for key in config.keys.sorted() { write("\(key) = \(config[key]!)\n") }
      return
    }
    for pair in argument.split(separator: " ") {
      let parts = pair.split(separator: "=", maxSplits: 1).map(String.init)
      guard parts.count == 2, config[parts[0]] != nil else {
        return writeError("%config: use key=value with key one of \(config.keys.sorted().joined(separator: ", "))\n")
      }
      let allowed: [String: [String]] = [
        "color": ["auto", "always", "never"], "canvas": ["auto", "braille", "quadrant", "half", "bars", "ascii"],
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
    }
  }

  func formatSeconds(_ seconds: Double) -> String {
    seconds >= 1
      ? "\(fixed(seconds, 2)) s" : seconds >= 1e-3 ? "\(fixed(seconds * 1e3, 2)) ms" : "\(fixed(seconds * 1e6, 1)) µs"
  }
}
