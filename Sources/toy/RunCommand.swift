import ArgumentParser
import Foundation
import ToyCore
import ToyLanguage

/// `toy FILE.toy`, `toy run FILE`, `toy -e CODE`, or a script on standard input.
struct RunCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "run",
    abstract: "Run a .toy script (the default: toy FILE.toy).",
    discussion: """
      Reads FILE, or the code given with -e, or standard input when neither is given.
      The whole script is checked first, as toy check does: errors stop it early.
      Exit codes: 0 success, 1 a runtime error, 2 syntax errors, 64 bad usage,
      130 interrupted (Ctrl-C; training stops at a step boundary).
      --figures DIR writes every figure the script draws to DIR (created if
      needed) as SVG, and as PNG where rsvg-convert is on PATH, numbered in order
      and named after the statement: 01-show-wtw.svg, 02-show-norms.svg and so on.
      The same script gives the same names. --theme projector draws them for a
      room: larger text, stronger contrast.
      --shard K/N --out DIR trains share K of N of every model's instances and writes
      it to DIR, showing nothing; --from DIR then runs the script with each train
      taking its result from every share's part, with one run's output
      (docs/scale.md: GNU parallel and Slurm).
      """
  )

  @Argument(
    help: "The script to run; - reads standard input (none: the interactive session, or a script piped in).",
    completion: .file(extensions: ["toy"]))
  var file: String?

  @Option(
    name: .customShort("e"), parsing: .unconditional,
    help: ArgumentHelp("Run this code instead of a file.", valueName: "code"))
  var code: String?

  @Option(
    help: ArgumentHelp(
      "Write every figure to this directory as SVG (and PNG where rsvg-convert is on PATH), named after the statement.",
      valueName: "dir"), completion: .directory)
  var figures: String?

  @OptionGroup var output: OutputOptions

  @OptionGroup(title: "Split training") var sharding: ShardOptions

  func validate() throws {
    if file != nil && code != nil { throw ValidationError("give a FILE or -e CODE, not both") }
    if figures?.isEmpty == true { throw ValidationError("--figures needs a directory") }
    if sharding.isSet && file == nil && code == nil {
      throw ValidationError("--shard and --from run a script: give FILE")
    }
    if sharding.shard != nil && figures != nil {
      throw ValidationError("--shard draws nothing: give --figures to the --from run")
    }
  }

  func run() throws {
    if file == nil && code == nil && isatty(STDIN_FILENO) != 0 {
      let policy = output.terminal.policy
      let session = output.session(policy: policy)
      CompletionSession.session = session
      let repl = Repl(reader: ReadlineReader(), session: session, write: writeOut, writeError: writeError)
      if output.terminal.width == nil { repl.terminalColumns = { TerminalPolicy.terminalSize()?.columns } }
      repl.config["theme"] = output.terminal.theme.rawValue
      repl.autoTheme = { TerminalPolicy.currentTheme(.auto) }
      repl.render = { [unowned repl] display in
        var policy = policy
        if let choice = repl.config["theme"].flatMap(ThemeChoice.init(rawValue:)) {
          policy.theme = TerminalPolicy.currentTheme(choice)
        }
        switch repl.config["color"] {
        case "never": return display.plain
        case "always" where policy.depth == .none:
          return rendered(display, policy: TerminalPolicy(depth: .ansi256, width: policy.width, theme: policy.theme))
        default: return rendered(display, policy: policy)
        }
      }
      if isatty(STDERR_FILENO) != 0 { session.onProgress = ProgressBar.report }
      let fixedWidth = output.terminal.width
      let askedWidth = { [unowned repl] in fixedWidth ?? repl.config["width"].flatMap { Int($0) } }
      LiveView.attach(to: session, fixedWidth: askedWidth) { [unowned repl] in repl.render($0) }
      session.liveInColor = { [unowned repl] in
        repl.config["color"] == "always" || (repl.config["color"] != "never" && policy.depth != .none)
      }
      session.onExplore = { [unowned session] entry in
        let theme = repl.config["theme"].flatMap(ThemeChoice.init(rawValue:)).flatMap(TerminalPolicy.currentTheme)
        return Explorer.run(
          entry: entry, session: session, depth: repl.config["color"] == "never" ? .none : policy.depth, theme: theme)
      }
      repl.run()
      return
    }
    let source = try ScriptSource.read(file: file, code: code)
    var options = output
    // A share shows nothing: its part is its output.
    if sharding.shard != nil { options.quiet = true }
    var runner = ScriptRunner(options: options)
    runner.figures = try figures.map { try FigureFolder(directory: $0) }
    runner.sharding = try sharding.run(for: source, options: output)
    throw ExitCode(runner.run(source))
  }
}

/// `toy check FILE`: parse and validate without training.
struct CheckCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "check", abstract: "Parse and validate a .toy script without training.")

  @Argument(help: "The script to check; - reads standard input.", completion: .file(extensions: ["toy"]))
  var file: String?

  @Option(
    name: .customShort("e"), parsing: .unconditional,
    help: ArgumentHelp("Check this code instead of a file.", valueName: "code"))
  var code: String?

  func run() throws {
    let source = try ScriptSource.read(file: file, code: code)
    var options = try OutputOptions.parse([])
    options.quiet = true
    let runner = ScriptRunner(options: options, dryRun: true)
    let status = runner.run(source)
    if status == 0 { writeLine("\(source.name): ok") }
    throw ExitCode(status)
  }
}

/// Options every command that shows displays shares.
struct OutputOptions: ParsableArguments {
  @Option(help: OutputOptions.formatHelp)
  var format: OutputFormat = .text

  @Option(help: "Seed of the session (each model's seed derives from it and the model's ordinal).")
  var seed: UInt64 = 0

  @Flag(help: "Train every `train N` for N/20 steps (at least 1): a fast first look, and the examples' test mode.")
  var quick = false

  @OptionGroup var terminal: TerminalOptions

  /// Set by `check`: no displays.
  var quiet = false
  /// Worker threads for training (nil: one per core), set by `toy train --threads`.
  var threads: Int?

  enum OutputFormat: String, ExpressibleByArgument {
    case text, json
  }

  static let formatHelp = ArgumentHelp("Output format: text, or json (one JSON object per display per line).")

  /// The options of a command that runs a script of its own (`toy train`, `toy phase`): its
  /// format and terminal, the rest as `toy run` has them by default.
  static func of(format: OutputFormat, terminal: TerminalOptions) throws -> OutputOptions {
    var options = try OutputOptions.parse([])
    options.format = format
    options.terminal = terminal
    return options
  }

  enum CodingKeys: CodingKey {
    case format, seed, quick, terminal
  }

  /// A session set up for this run's output.
  func session(policy: TerminalPolicy) -> Session {
    let session = Session(seed: seed)
    if quick { session.stepScale = Session.quickStepScale }
    session.textWidth = policy.width
    session.ascii = terminal.ascii
    session.svgStyle = TerminalPolicy.svgStyle(terminal.theme)
    session.threads = threads
    return session
  }
}

/// A display as this terminal shows it: plots in colour when the policy allows.
func rendered(_ display: Display, policy: TerminalPolicy) -> String {
  guard let plot = display.plot, var options = display.textOptions, display.color != "never" else {
    return display.plain
  }
  options.theme = policy.theme
  let depth = display.color == "always" && policy.depth == .none ? .ansi256 : policy.depth
  guard depth != .none else { return display.plain }
  return plot.terminalText(options, depth: depth)
}

/// Where a script's text comes from.
enum ScriptSource {
  static func read(file: String?, code: String?) throws -> Source {
    if let code { return Source(name: "-e", text: code) }
    if let file, file != "-" {
      var isDirectory: ObjCBool = false
      if FileManager.default.fileExists(atPath: file, isDirectory: &isDirectory), isDirectory.boolValue {
        throw CommandFailure("\(file): a directory, not a script")
      }
      // A pipe (/dev/stdin, a shell's <(…)) has no size to read up front: read it to its end.
      guard
        let data = FileManager.default.contents(atPath: file)
          ?? (try? FileHandle(forReadingFrom: URL(fileURLWithPath: file)).readToEnd() ?? Data())
      else {
        throw CommandFailure("\(file): no such file or it cannot be read")
      }
      return try utf8(data, file)
    }
    let data = FileHandle.standardInput.readDataToEndOfFile()
    return try utf8(data, "<stdin>")
  }

  private static func utf8(_ data: Data, _ name: String) throws -> Source {
    do {
      return try Source(name: name, bytes: data)
    } catch {
      throw CommandFailure(error.description)
    }
  }
}

/// Runs a source in a fresh session and writes its displays; returns the exit status.
struct ScriptRunner {
  let options: OutputOptions
  var dryRun = false
  /// Where every figure is also written (`--figures`), if anywhere.
  var figures: FigureFolder?
  /// How an error is told: the diagnostic as rendered, or as a command's script tells it
  /// (`CommandScript.describe`).
  var describe: (Diagnostic) -> String = { $0.rendered }
  /// Training split across processes (`--shard`, `--from`: RunCommand+Shard.swift).
  var sharding: ShardRun?

  static let syntaxErrorStatus: Int32 = 2
  static let runtimeErrorStatus: Int32 = 1
  static let interruptedStatus: Int32 = 130

  func run(_ source: Source) -> Int32 { run([source]) }

  /// Runs `parts` one after another in one session, as one script. When Ctrl-C stops
  /// training in a part before the last, the model keeps the steps it took and the later
  /// parts still run (`toy train` reports the model it stopped), and the status is 130.
  func run(_ parts: [Source]) -> Int32 {
    if !dryRun {
      // Check the whole script first (as `toy check` does, without training), so that a typo
      // near the end stops the run before minutes of training rather than after them.
      var quiet = options
      quiet.quiet = true
      var check = ScriptRunner(options: quiet, dryRun: true)
      check.describe = describe
      let status = check.run(parts)
      if status != 0 { return status }
    }
    let policy = options.terminal.policy
    let session = options.session(policy: policy)
    session.dryRun = dryRun
    if !dryRun, let sharding {
      session.sharding = sharding.training
      session.threads = sharding.threads
    }
    let format = options.format
    let quiet = options.quiet
    let figures = dryRun ? nil : figures
    var source = parts[0]
    session.onDisplay = { display in
      if let figures, let span = display.span, let failure = figures.write(display, statement: source.text(of: span)) {
        writeError(failure + "\n")
      }
      guard !quiet else { return }
      ProgressBar.clear()
      LiveView.clear()
      switch format {
      case .text: writeOut(rendered(display, policy: policy) + "\n")
      case .json: writeOut(Self.jsonLine(display, source) + "\n")
      }
    }
    if format == .text && !dryRun && isatty(STDERR_FILENO) != 0 {
      session.onProgress = ProgressBar.report
    }
    if format == .text && !quiet {
      let fixedWidth = options.terminal.width
      LiveView.attach(to: session, fixedWidth: { fixedWidth }) { rendered($0, policy: policy) }
      session.liveInColor = { policy.depth != .none }
    }
    if options.quick && !dryRun && !quiet {
      // In text the note leads the output a reader sees; JSON lines keep stdout for displays.
      for note in parts.flatMap(\.quickModeNotes) {
        let line = "--quick: \(note)\n"
        if format == .text { writeOut(line) } else { writeError(line) }
      }
    }
    var status: Int32 = 0
    for (index, part) in parts.enumerated() {
      source = part
      let outcome = Interrupt.whileRunning(session) { session.run(part) }
      ProgressBar.clear()
      LiveView.clear()
      if case .interrupted(trainingStopped: true) = outcome, index < parts.count - 1 {
        writeError("interrupted: training stopped at a step boundary\n")
        status = Self.interruptedStatus
        continue
      }
      let partStatus = report(outcome, part, session)
      if partStatus != 0 { return partStatus }
    }
    return status
  }

  /// Writes how a run ended, if not well; returns its status.
  private func report(_ outcome: RunOutcome, _ source: Source, _ session: Session) -> Int32 {
    switch outcome {
    case .finished:
      if !dryRun, let failure = sharding?.finished?(session) {
        writeError(failure + "\n")
        return Self.runtimeErrorStatus
      }
      return 0
    case .syntaxErrors(let diagnostics):
      for d in diagnostics { writeError(describe(d) + "\n") }
      return Self.syntaxErrorStatus
    case .incomplete:
      writeError(describe(Diagnostic.incompleteInput(in: source)) + "\n")
      return Self.syntaxErrorStatus
    case .runtimeError(let d):
      writeError(describe(d) + "\n")
      return Self.runtimeErrorStatus
    case .interrupted(let trainingStopped):
      writeError(trainingStopped ? "interrupted: training stopped at a step boundary\n" : "interrupted\n")
      return Self.interruptedStatus
    }
  }

  /// `{"statement": …, "span": {…}, "data": {mime bundle}}`.
  static func jsonLine(_ display: Display, _ source: Source?) -> String {
    var fields: [(String, JSON.Node)] = []
    if let span = display.span, let source {
      let (line, column) = source.location(of: span.start)
      let (endLine, endColumn) = source.location(of: span.end)
      fields.append(("statement", .string(source.text(of: span))))
      fields.append(
        (
          "span",
          .object([
            ("file", .string(source.name)), ("line", .integer(line)), ("column", .integer(column)),
            ("end_line", .integer(endLine)), ("end_column", .integer(endColumn)),
          ])
        ))
    }
    var bundle: [(String, JSON.Node)] = [("text/plain", .string(display.plain)), (Display.mimeType, display.numbers)]
    if let svg = display.svg { bundle.append(("image/svg+xml", .string(svg))) }
    if let html = display.html { bundle.append(("text/html", .string(html))) }
    fields.append(("data", .object(bundle)))
    return JSON.write(.object(fields))
  }
}
