import ArgumentParser
import ToyCore
import ToyLanguage

/// `toy train`: the scripting-free entry point. Its options are a script (`model …`, `train …`,
/// `print loss`, `print norms`, `show …`, `save …`) run as `toy -e` runs one, so that an option
/// means what its statement means and its output is the language's.
struct TrainCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "train",
    abstract: "Train a toy model and print each instance's loss and feature norms.",
    discussion: """
      One instance per density. Without --density or --sparsity the instances sweep the \
      notebook's densities 20^-linspace(0, 1, I). Importance is base^i for feature i. \
      The options are the statements of a script, run as toy -e runs one: the example \
      below is model n=5 m=2 importance=0.9^i density=p for p in 20^-linspace(0, 1, 10); \
      train 10000; print loss; print norms; show geometry orient=canonical.

      Example (the paper's intro figure):
        toy train --n 5 --m 2 --instances 10 --show geometry
      """
  )

  @Option(name: .customLong("n"), help: "Features.")
  var n = 5

  @Option(name: .customLong("m"), help: "Hidden dimensions.")
  var m = 2

  @Option(help: "Model kind: linear, relu, hidden_relu or abs.")
  var kind: ModelKind = .relu

  @Option(help: "Importance base b: feature i has importance b^i.")
  var importance = 0.9

  @Option(help: ArgumentHelp("Densities 1−S, comma-separated, one instance each.", valueName: "list"))
  var density: String?

  @Option(
    help: ArgumentHelp("Sparsities S, comma-separated, one instance each (instead of --density).", valueName: "list"))
  var sparsity: String?

  @Option(help: "Instances for the default density sweep 20^-linspace(0, 1, I).")
  var instances = 10

  @Option(help: "Training steps.")
  var steps = 10_000

  @Option(help: "Batch size.")
  var batch = 1024

  @Option(help: "Learning rate.")
  var lr = 1e-3

  @Option(help: "Optimiser: adamw or adam.")
  var optimizer: Optimizer = .adamW

  @Option(help: "Learning-rate schedule: constant, linear or cosine.")
  var schedule: Schedule = .constant

  @Option(help: "Initialisation: xavier_notebook, xavier_instance or kaiming_uniform (default: per kind).")
  var initialization: Initialization?

  @Option(help: "Seed of every random draw.")
  var seed: UInt64 = 0

  @Option(help: "Worker threads (default: one per core). Results do not depend on it.")
  var threads: Int?

  @Option(help: ArgumentHelp("Write the trained model to this JSON file.", valueName: "file"))
  var save: String?

  @Option(
    help: ArgumentHelp(
      "Plots to draw after training, comma-separated, as show draws them: "
        + "\(Session.showTargets.joined(separator: ", ")).",
      valueName: "list"))
  var show: String?

  @Option(
    help: ArgumentHelp(
      "Also write the --show plots as SVG to this file (one plot), or one file per plot named after it "
        + "(FILE-wtw.svg, FILE-norms.svg and so on).", valueName: "file"))
  var svg: String?

  @Option(help: OutputOptions.formatHelp)
  var format: OutputOptions.OutputFormat = .text

  @OptionGroup var terminal: TerminalOptions

  func validate() throws {
    if let threads, threads < 1 { throw ValidationError("--threads must be at least 1, got \(threads)") }
    if density == nil && sparsity == nil && instances < 1 {
      throw ValidationError("--instances must be at least 1, got \(instances)")
    }
    if svg != nil && show == nil { throw ValidationError("--svg writes the plots --show names: give --show too") }
    _ = try script()
  }

  func run() throws {
    let script = try script()
    var options = try OutputOptions.of(format: format, terminal: terminal)
    options.threads = threads
    var runner = ScriptRunner(options: options)
    runner.describe = script.describe
    throw ExitCode(runner.run(script.parts))
  }

  /// The options as a script: the model and its training, then the report on it.
  func script() throws -> CommandScript {
    var script = CommandScript(command: "toy train")
    try script.add(modelStatement())
    var train: [CommandScript.Piece] = [.word("train"), .option(String(steps), "--steps \(steps)")]
    train.append(.option("batch=\(batch)", "--batch \(batch)"))
    train.append(.option("lr=\(try number(lr, "--lr"))", "--lr \(CommandScript.literal(lr))"))
    train.append(.option("schedule=\(schedule.rawValue)", "--schedule \(schedule.rawValue)"))
    train.append(.option("optimizer=\(optimizer.rawValue)", "--optimizer \(optimizer.rawValue)"))
    script.add(train)
    script.beginReport()
    script.add(.word("print"), .word("loss"))
    script.add(.word("print"), .word("norms"))
    let targets = try show.map(Self.plots) ?? []
    // Geometry as the paper draws it: the top feature to the right.
    func orient(_ target: String) -> [CommandScript.Piece] {
      target == "geometry" ? [.word("orient=canonical")] : []
    }
    for target in targets {
      script.add([.word("show"), .word(target)] + orient(target), option: "--show \(target)")
    }
    if let svg {
      for target in targets {
        let path = try CommandScript.string(targets.count == 1 ? svg : Self.path(svg, target), option: "--svg")
        script.add(
          [.word("export"), .word(target), .option(path, "--svg \(svg)")] + orient(target), option: "--show \(target)")
      }
    }
    if let save {
      script.add(.word("save"), .option(try CommandScript.string(save, option: "--save"), "--save \(save)"))
    }
    return script
  }

  /// `model …`: one instance per density (or sparsity) of the options.
  private func modelStatement() throws -> [CommandScript.Piece] {
    var pieces: [CommandScript.Piece] = [
      .word("model"), .option("n=\(n)", "--n \(n)"), .option("m=\(m)", "--m \(m)"),
      .option("kind=\(kind.rawValue)", "--kind \(kind.rawValue)"),
    ]
    // A negative base in parentheses: -0.5^i is −(0.5^i).
    let base = try number(importance, "--importance")
    pieces.append(
      .option(
        "importance=\(importance < 0 ? "(\(base))" : base)^i", "--importance \(CommandScript.literal(importance))"))
    // The sweep: p over the densities, or S over the sparsities (both: the language refuses).
    var sweep: [(variable: String, values: String, option: String)] = []
    if let density { sweep.append(("p", try Self.list(density, "--density"), "--density \(density)")) }
    if let sparsity { sweep.append(("S", try Self.list(sparsity, "--sparsity"), "--sparsity \(sparsity)")) }
    if sweep.isEmpty { sweep.append(("p", "20^-linspace(0, 1, \(instances))", "--instances \(instances)")) }
    for (variable, _, option) in sweep {
      pieces.append(.option("\(variable == "p" ? "density" : "sparsity")=\(variable)", option))
    }
    if let initialization {
      pieces.append(.option("init=\(initialization.rawValue)", "--initialization \(initialization.rawValue)"))
    }
    pieces.append(.option("seed=\(seed)", "--seed \(seed)"))
    pieces.append(.word("for"))
    for (index, (variable, values, option)) in sweep.enumerated() {
      pieces.append(.option("\(variable) in \(values)" + (index < sweep.count - 1 ? "," : ""), option))
    }
    return pieces
  }

  /// A number option as a literal; a number that is not finite has none.
  private func number(_ value: Double, _ option: String) throws -> String {
    guard value.isFinite else { throw ValidationError("\(option): '\(value)' is not a finite number") }
    return CommandScript.literal(value)
  }

  /// "1, 0.3,0.1" as the list `[1, 0.3, 0.1]`, naming the option and the bad item.
  static func list(_ text: String, _ option: String) throws -> String {
    "[" + (try parseList(text, option: option).map(CommandScript.literal).joined(separator: ", ")) + "]"
  }

  /// "wtw, Norms" as the targets `wtw` and `norms`: names, which `show` checks.
  static func plots(_ text: String) throws -> [String] {
    let items = text.split(separator: ",").map { $0.trimmingCharacters().lowercased() }.filter { !$0.isEmpty }
    guard !items.isEmpty else { throw ValidationError("--show needs at least one plot") }
    for item in items where !item.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_") }) {
      throw ValidationError("--show: '\(item)' is not the name of a plot")
    }
    return items
  }

  /// `plots.svg` for the plot `wtw` among several: `plots-wtw.svg`.
  static func path(_ path: String, _ target: String) -> String {
    let name = path.split(separator: "/", omittingEmptySubsequences: false).last ?? ""
    guard name.lowercased().hasSuffix(".svg") else { return "\(path)-\(target).svg" }
    return "\(path.dropLast(4))-\(target)\(path.suffix(4))"
  }
}

/// A failure of a command's work (not of its arguments): printed as one line, without usage.
struct CommandFailure: Error, CustomStringConvertible {
  let description: String
  init(_ description: String) { self.description = description }
}

/// Parses "1, 0.3,0.1" into numbers, naming the option and the bad item on error.
func parseList(_ text: String, option: String) throws -> [Double] {
  let items = text.split(separator: ",").map { $0.trimmingCharacters() }
  guard !items.isEmpty else { throw ValidationError("\(option) needs at least one number") }
  return try items.map { item in
    guard let value = Double(item), value.isFinite else {
      throw ValidationError("\(option): '\(item)' is not a number")
    }
    return value
  }
}

extension Substring {
  func trimmingCharacters() -> String {
    String(drop(while: { $0 == " " }).reversed().drop(while: { $0 == " " }).reversed())
  }
}

extension ModelKind: ExpressibleByArgument {}
extension Optimizer: ExpressibleByArgument {}
extension Schedule: ExpressibleByArgument {}
extension Initialization: ExpressibleByArgument {}
