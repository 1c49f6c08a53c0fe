import ArgumentParser
import ToyCore
import ToyLanguage

#if canImport(Glibc)
  import Glibc
#endif

/// `toy train`: the scripting-free entry point. Builds one model, trains it, prints a table.
struct TrainCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "train",
    abstract: "Train a toy model and print each instance's loss and feature norms.",
    discussion: """
      One instance per density. Without --density or --sparsity the instances sweep the \
      notebook's densities 20^-linspace(0, 1, I). Importance is base^i for feature i.

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
      "Plots to draw after training, comma-separated: \(ShowTarget.allCases.map(\.rawValue).joined(separator: ", ")).",
      valueName: "list"))
  var show: String?

  @Option(help: ArgumentHelp("Also write the --show plots as one SVG to this file.", valueName: "file"))
  var svg: String?

  @OptionGroup var terminal: TerminalOptions

  func validate() throws {
    if density != nil && sparsity != nil {
      throw ValidationError("give --density or --sparsity, not both (density = 1 − sparsity)")
    }
    if let threads, threads < 1 { throw ValidationError("--threads must be at least 1, got \(threads)") }
    if density == nil && sparsity == nil && instances < 1 {
      throw ValidationError("--instances must be at least 1, got \(instances)")
    }
    if svg != nil && show == nil { throw ValidationError("--svg writes the plots --show names: give --show too") }
    try validateShow()
  }

  func densities() throws -> [Float] {
    if let density { return try parseList(density, option: "--density") }
    if let sparsity { return try parseList(sparsity, option: "--sparsity").map { 1 - $0 } }
    return notebookDensities(instances)
  }

  func run() throws {
    let densities = try densities()
    let importanceRow = (0..<max(n, 0)).map { Float(pow(importance, Double($0))) }
    var model: ToyModel
    var options = TrainingOptions(steps: steps)
    options.batchSize = batch
    options.learningRate = lr
    options.optimizer = optimizer
    options.schedule = schedule
    options.threads = threads
    do {
      model = try ToyModel(
        kind: kind, n: n, m: m, importance: Array(repeating: importanceRow, count: densities.count),
        density: densities.map { [Float](repeating: $0, count: n) }, seed: seed, initialization: initialization)
    } catch {
      throw CommandFailure(error.description)
    }
    let clock = ContinuousClock()
    let start = clock.now
    let outcome: TrainingOutcome
    do {
      outcome = try Interrupt.whileTraining { () throws(ModelError) in
        try model.train(options, cancellation: Interrupt.cancellation)
      }
    } catch {
      throw CommandFailure(error.description)
    }
    let elapsed = clock.now - start
    let seconds = elapsed.seconds
    var summary = "\(kind.rawValue) model, n=\(n) m=\(m), \(model.instanceCount) instance"
    summary += model.instanceCount == 1 ? "" : "s"
    summary += ", \(model.steps) steps in \(fixed(seconds, 2)) s"
    if outcome.cancelled { summary += " (interrupted: stopped at step \(outcome.stepsTaken) of \(steps))" }
    writeLine(summary)
    writeLine(normTable(model))
    try showPlots(model)
    if let save {
      try ModelStore.save(model, to: save)
      writeLine("saved to \(save)")
    }
  }

  /// One row per instance: density, the loss averaged over the last 100 steps, ‖W_i‖ per feature.
  func normTable(_ model: ToyModel) -> String {
    var table = TextTable(header: ["inst", "1−S", "loss"] + (0..<model.n).map { "‖W\($0)‖" })
    for i in 0..<model.instanceCount {
      let rows = model.weights(instance: i)
      let norms = rows.map { row in row.reduce(0.0) { $0 + Double($1) * Double($1) }.squareRoot() }
      let loss = model.recentLoss(instance: i).map { significant($0) } ?? "-"
      table.append(
        [String(i), significant(Double(model.density(instance: i)[0]), 3), loss] + norms.map { fixed($0, 2) })
    }
    return table.render()
  }
}

/// A failure of a command's work (not of its arguments): printed as one line, without usage.
struct CommandFailure: Error, CustomStringConvertible {
  let description: String
  init(_ description: String) { self.description = description }
}

/// The notebook's density sweep: 20^-t for t evenly spaced over [0, 1].
func notebookDensities(_ count: Int) -> [Float] {
  guard count > 1 else { return [1] }
  return (0..<count).map { Float(pow(20, -Double($0) / Double(count - 1))) }
}

/// Parses "1, 0.3,0.1" into numbers, naming the option and the bad item on error.
func parseList(_ text: String, option: String) throws -> [Float] {
  let items = text.split(separator: ",").map { $0.trimmingCharacters() }
  guard !items.isEmpty else { throw ValidationError("\(option) needs at least one number") }
  return try items.map { item in
    guard let value = Float(item), value.isFinite else {
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
