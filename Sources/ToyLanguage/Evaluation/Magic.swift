/// Front-end syntax the prompt and the notebook kernel share, read before the parser sees a
/// cell (grammar/README.md, "Not part of the language"): `%magic ARGUMENT`, `?name` and
/// `name?`.
public enum CellCommand: Sendable, Equatable {
  /// `%time train 100`: the magic's name and the rest of the cell (which may span lines).
  case magic(name: String, argument: String)
  /// `?train` or `train?`: help on one topic.
  case help(String)
  /// Anything else: toy code.
  case code

  public init(_ text: String) {
    let trimmed = Substring(text).drop(while: \.isWhitespace)
    let end = trimmed.reversed().drop(while: \.isWhitespace).count
    let cell = trimmed.prefix(end)
    if cell.hasPrefix("%") {
      let body = cell.dropFirst()
      let name = body.prefix { !$0.isWhitespace }
      self = .magic(name: String(name), argument: String(body.dropFirst(name.count).drop(while: \.isWhitespace)))
    } else if cell.hasPrefix("?") {
      self = .help(String(cell.dropFirst().drop(while: \.isWhitespace)))
    } else if cell.hasSuffix("?"), cell.dropLast().allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" }),
      cell.count > 1
    {
      self = .help(String(cell.dropLast()))
    } else {
      self = .code
    }
  }
}

/// A magic: its name, its one-line usage (as `%lsmagic` lists it), and whether notebooks have
/// it too (files, settings and forgetting everything are the prompt's).
public struct Magic: Sendable {
  public let name: String
  public let usage: String
  public let inNotebooks: Bool

  public static let all: [Magic] = [
    Magic(name: "time", usage: "%time CODE: run CODE and print the wall time", inNotebooks: true),
    Magic(
      name: "timeit", usage: "%timeit CODE: run CODE several times on a copy of the session and print the mean time",
      inNotebooks: true),
    Magic(name: "history", usage: "%history [RANGE]: the cells run so far (e.g. 3 or 2-5)", inNotebooks: true),
    Magic(
      name: "save", usage: "%save FILE [RANGE]: write cells to a .toy script (seeds pinned, failed cells as comments)",
      inNotebooks: false),
    Magic(name: "run", usage: "%run FILE: run a .toy script in this session", inNotebooks: false),
    Magic(name: "who", usage: "%who: the models and values defined", inNotebooks: true),
    Magic(name: "reset", usage: "%reset: forget every model and value", inNotebooks: false),
    Magic(
      name: "config",
      usage: "%config [KEY=VALUE]: show or set the settings (color, canvas, theme, width; in notebooks theme)",
      inNotebooks: true),
    Magic(name: "lsmagic", usage: "%lsmagic: this list", inNotebooks: true),
  ]

  /// The error for a magic that does not exist, with the nearest one of `names`.
  public static func unknown(_ name: String, among names: [String]) -> String {
    let guess = suggestion(for: name, among: names)
    return "unknown magic %\(name)\(guess.map { "; did you mean %\($0)?" } ?? ";") %lsmagic lists the magics"
  }

  /// The cell numbers of a range among `numbers`: "" (all), "3", "2-5", or several of them;
  /// nil when the text is not a range.
  public static func cellNumbers(_ text: String, among numbers: [Int]) -> [Int]? {
    let all = numbers.sorted()
    let parts = text.split(whereSeparator: \.isWhitespace)
    if parts.isEmpty { return all }
    var result: [Int] = []
    for part in parts {
      let pieces = part.split(separator: "-", maxSplits: 1, omittingEmptySubsequences: false)
      let bounds = pieces.compactMap { Int($0) }
      guard (1...2).contains(pieces.count), bounds.count == pieces.count, let low = bounds.first,
        let high = bounds.last, low <= high
      else { return nil }
      result += all.filter { $0 >= low && $0 <= high }
    }
    return result
  }

  /// A cell as `%save` writes it: each model statement that derived its seed gets `seed=`
  /// (offsets from `Session.derivedSeeds`), so the script reproduces the numbers seen; a cell
  /// that failed is kept as comments, so the script runs (and `toy check` passes) without it.
  /// A statement that ran several times (in a loop) made several seeds and is left as it is.
  public static func savedCell(_ text: String, number: Int, seeds: [DerivedSeed], failed: Bool) -> String {
    if failed {
      return "# In [\(number)] failed:\n"
        + text.split(separator: "\n", omittingEmptySubsequences: false)
        .map { "# " + $0 }.joined(separator: "\n")
    }
    var scalars = Array(text.unicodeScalars)
    let byOffset = Dictionary(grouping: seeds, by: \.offset)
    for offset in byOffset.keys.sorted(by: >) where byOffset[offset]!.count == 1 && offset <= scalars.count {
      scalars.insert(contentsOf: " seed=\(byOffset[offset]![0].seed)".unicodeScalars, at: offset)
    }
    var view = String.UnicodeScalarView()
    view.append(contentsOf: scalars)
    return String(view)
  }

  /// `Wall time: 1.23 ms`-style seconds: s, ms or µs.
  public static func formatSeconds(_ seconds: Double) -> String {
    seconds >= 1
      ? "\(fixedDigits(seconds, 2)) s"
      : seconds >= 1e-3 ? "\(fixedDigits(seconds * 1e3, 2)) ms" : "\(fixedDigits(seconds * 1e6, 1)) µs"
  }
}

/// The times of repeated runs of one piece of code, as `%timeit` reports them.
public struct Timing: Sendable, Equatable {
  public private(set) var seconds: [Double] = []

  /// Runs `body` at least three times and for at least half a second, at most 1000 times;
  /// `body` gets the run's index and returns false when the code failed (then nil).
  public static func measure(clock: () -> Double, _ body: (Int) -> Bool) -> Timing? {
    var timing = Timing()
    var total = 0.0
    while timing.seconds.count < 1000 && (timing.seconds.count < 3 || total < 0.5) {
      let start = clock()
      guard body(timing.seconds.count) else { return nil }
      let elapsed = clock() - start
      timing.seconds.append(elapsed)
      total += elapsed
    }
    return timing
  }

  /// `1.20 ms ± 30.0 µs per run (mean ± std of 417 runs)`.
  public var summary: String {
    let mean = seconds.reduce(0, +) / Double(seconds.count)
    let spread = (seconds.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(seconds.count)).squareRoot()
    return
      "\(Magic.formatSeconds(mean)) ± \(Magic.formatSeconds(spread)) per run (mean ± std of \(seconds.count) runs)"
  }
}

extension Session {
  /// The models and values defined, one a line, as `%who` lists them.
  public var definitions: String {
    if models.isEmpty && variables.isEmpty { return "nothing defined yet\n" }
    var text = ""
    for name in models.keys.sorted() {
      let entry = models[name]!
      let model = entry.model
      let mark = name == current ? " (current)" : ""
      // Counted as show's instance= and seed= count: settings, and seeds of each.
      let settings = entry.settings.count
      let seeds = entry.seeds > 1 ? " × \(entry.seeds) seeds" : ""
      text +=
        "\(name)\(mark): \(model.kind.rawValue) model, n=\(model.n) m=\(model.m), "
        + "\(settings) setting\(settings == 1 ? "" : "s")\(seeds), \(model.steps) steps\n"
    }
    for name in variables.keys.sorted() {
      text += "\(name): \(variables[name]!.typeName) = \(variables[name]!.description.prefix(60))\n"
    }
    return text
  }

  /// A session with this one's models, values and settings, and its cancellation (an
  /// interrupt stops both). `%timeit` runs code on copies: timing `train 1000` leaves this
  /// session's model as it was. Callbacks are not copied: the copy shows nothing until told.
  public func copy() -> Session {
    let copy = Session(seed: seed, cancellation: cancellation)
    copy.models = models
    copy.current = current
    copy.variables = variables
    copy.ordinal = ordinal
    copy.dryRun = dryRun
    copy.checkedSaves = checkedSaves
    copy.checkWindowFloats = checkWindowFloats
    copy.textWidth = textWidth
    copy.ascii = ascii
    copy.defaultCanvas = defaultCanvas
    copy.threads = threads
    copy.liveHeight = liveHeight
    copy.liveSVG = liveSVG
    copy.stepScale = stepScale
    return copy
  }

  /// The value of one expression (a notebook's `user_expressions`): anything else, such as a
  /// statement that would train or define a model, is refused, since it would change the session.
  public func value(of expression: String) -> Result<Value, Diagnostic> {
    let source = Source(name: "expression", text: expression)
    let (statements, diagnostics, incomplete) = Parser.parse(source)
    if let first = diagnostics.first { return .failure(first) }
    guard !incomplete, statements.count == 1, case .expression(let expr) = statements[0].kind else {
      return .failure(Diagnostic(.notOneExpression, at: Span(0, 0), in: source))
    }
    do {
      return .success(try evaluator(source).evaluate(expr))
    } catch {
      return .failure(error)
    }
  }
}
