import Foundation
import ToyLanguage
import ToyPlot

#if canImport(Glibc)
  import Glibc
#endif

/// The prompt's conveniences in notebooks: `%time`, `%timeit`, `%who`, `%history`,
/// `%lsmagic` (CellCommand and Magic in ToyLanguage, shared with the prompt), help as the
/// pager shows it (`?train`, `train?`), history ranges and searches, `user_expressions`.
extension Kernel {
  typealias Failure = (name: String, value: String, traceback: [String])

  /// Runs a cell's text as toy code, a magic or a help request, on the execution thread;
  /// the failure to report, if any, and the reply's payload (help goes to the pager).
  func runCell(_ code: String, count: Int, write: (String) -> Void) -> (failure: Failure?, payload: [[String: Any]]) {
    let name = "In[\(count)]"
    switch CellCommand(code) {
    case .code:
      return (session.run(Source(name: name, text: code)).failure, [])
    case .help(let topic):
      guard let text = session.help(on: topic) else {
        return (usageError("no help on '\(topic)'; help lists the statements"), [])
      }
      return (nil, [["source": "page", "data": ["text/plain": text], "start": 0]])
    case .magic(let magic, let argument):
      return (self.magic(magic, argument, cellName: name, write: write), [])
    }
  }

  private func usageError(_ text: String) -> Failure { ("UsageError", text, [text]) }

  private func magic(_ name: String, _ argument: String, cellName: String, write: (String) -> Void) -> Failure? {
    let clock = ContinuousClock()
    func now() -> Double {
      let duration = clock.now - Self.clockOrigin
      return Double(duration.components.seconds) + Double(duration.components.attoseconds) * 1e-18
    }
    switch name {
    case "time":
      let start = now()
      let outcome = session.run(Source(name: cellName, text: argument))
      write("Wall time: \(Magic.formatSeconds(now() - start))\n")
      return outcome.failure
    case "timeit":
      guard !argument.isEmpty else { return usageError("%timeit CODE: give the code to time") }
      // Each run starts from a copy of the session as it is: timing `train 1000` leaves the
      // model untrained, and every run times the same work. Only the first run shows.
      var failure: Failure?
      let show = session.onDisplay
      let timing = Timing.measure(clock: now) { run in
        let copy = session.copy()
        copy.onDisplay = run == 0 ? show : { _ in }
        failure = copy.run(Source(name: cellName, text: argument)).failure
        return failure == nil
      }
      guard let timing else { return failure }
      write(timing.summary + "\n")
    case "who":
      write(session.definitions)
    case "config":
      return configure(argument, write: write)
    case "lsmagic":
      for magic in Magic.all where magic.inNotebooks { write(magic.usage + "\n") }
    case "history":
      guard let numbers = Magic.cellNumbers(argument, among: history.map(\.count)) else {
        return usageError("%history: '\(argument)' is not a range; use e.g. 3, 2-5 or nothing for all")
      }
      let cells = Dictionary(history.map { ($0.count, $0.code) }) { first, _ in first }
      for n in numbers {
        write("\(n): \(cells[n]!.replacingOccurrences(of: "\n", with: "\n   "))\n")
      }
    default:
      if Magic.all.contains(where: { $0.name == name }) {
        return usageError("%\(name) is the prompt's only (toy with no arguments); %lsmagic lists the notebook's")
      }
      return usageError(Magic.unknown(name, among: Magic.all.filter(\.inNotebooks).map(\.name)))
    }
    return nil
  }

  private static let clockOrigin = ContinuousClock.now

  /// `%config` in notebooks: the SVG theme alone (colour, canvas and width are the terminal's).
  /// `auto` draws on white, as a page or a slide is; `dark` suits JupyterLab's dark theme and
  /// `projector` a room.
  private func configure(_ argument: String, write: (String) -> Void) -> Failure? {
    let themes = ["auto"] + Theme.allCases.map(\.rawValue)
    let setting = argument.trimmingCharacters(in: .whitespaces)
    if setting.isEmpty {
      write("theme = \(svgTheme)\n")
      return nil
    }
    let parts = setting.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
    guard parts.count == 2, parts[0] == "theme" else {
      let choices = themes.joined(separator: "|")
      return usageError("%config in notebooks sets only theme=\(choices); color, canvas and width are the prompt's")
    }
    guard themes.contains(parts[1]) else {
      return usageError("%config: theme must be one of \(themes.joined(separator: ", "))")
    }
    svgTheme = parts[1]
    session.svgStyle = Theme(rawValue: parts[1]).map { SVGStyle(theme: $0) } ?? .standard
    return nil
  }

  /// `user_expressions`: each expression's value, or its error, without changing the session.
  func userExpressions(_ request: Message) -> [String: Any] {
    let expressions = request.content["user_expressions"] as? [String: Any] ?? [:]
    var results: [String: Any] = [:]
    for (key, value) in expressions {
      switch session.value(of: value as? String ?? "") {
      case .success(let value):
        results[key] = ["status": "ok", "data": ["text/plain": value.description], "metadata": [:]]
      case .failure(let diagnostic):
        results[key] = [
          "status": "error", "ename": "Error", "evalue": diagnostic.message, "traceback": [diagnostic.rendered],
        ]
      }
    }
    return results
  }

  /// A history request's entries: `tail` (the last n cells), `range` (cells start..<stop of
  /// this session, 0) or `search` (cells matching a glob, the last n, unique if asked).
  func historyEntries(_ content: [String: Any]) -> [[Any]] {
    let output = content["output"] as? Bool ?? false
    var cells = history
    switch content["hist_access_type"] as? String ?? "tail" {
    case "range":
      let session = content["session"] as? Int ?? 0
      let start = content["start"] as? Int ?? 0
      let stop = content["stop"] as? Int ?? Int.max
      cells = session == 0 ? cells.filter { $0.count >= start && $0.count < stop } : []
    case "search":
      let pattern = content["pattern"] as? String ?? "*"
      cells = cells.filter { fnmatch(pattern, $0.code, 0) == 0 }
      if content["unique"] as? Bool ?? false {
        var seen: Set<String> = []
        cells = cells.reversed().filter { seen.insert($0.code).inserted }.reversed()
      }
      if let n = content["n"] as? Int { cells = Array(cells.suffix(max(0, n))) }
    default:
      cells = Array(cells.suffix(max(0, content["n"] as? Int ?? cells.count)))
    }
    return cells.map { [0, $0.count, output ? [$0.code, $0.result ?? NSNull()] as [Any] : $0.code] }
  }
}
