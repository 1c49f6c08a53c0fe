import ArgumentParser
import ToyCore
import ToyLanguage

#if canImport(Glibc)
  import Glibc
#endif

/// `toy bench`: times the notebook's configurations. Use a release build.
struct BenchCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "bench",
    abstract: "Time training on the paper's configurations (build with -c release).",
    discussion: """
      Each configuration trains at batch 1024 with AdamW and fresh data every
      step, except M, which trains one fixed set of 1000 examples in full batch
      (AdamW, weight decay 0.01). GFLOP/s counts 10·n·m FLOPs per sample per
      instance (forward 2 products, backward 3), what the dense formulation does.
      The SAE configurations (SA, SB) train sparse autoencoders with Adam on a
      trained model's hidden states; their GFLOP/s counts the two dense
      products, 4·m·d FLOPs per sample per instance.
      """
  )

  @Option(help: ArgumentHelp("Configurations to run, comma-separated (default: all).", valueName: "names"))
  var config: String?

  @Option(help: "Steps to time per configuration (default: per configuration).")
  var steps: Int?

  @Option(help: "Worker threads (default: one per core).")
  var threads: Int?

  @Option(
    help: ArgumentHelp(
      "Time each configuration this many times, the thread counts in alternation, and keep each "
        + "count's best: on a shared machine the best of a few runs moves far less than one run.",
      valueName: "rounds"))
  var rounds = 1

  @Flag(help: "Print JSON lines instead of a table.")
  var json = false

  @Option(
    help: ArgumentHelp(
      "Instead of timing: train each configuration once from seed 0 … (or --seed) for --steps and print "
        + "its loss on this many samples of the fixed evaluation batch (one JSON line), for comparing "
        + "toy's training with another implementation's.", valueName: "samples"))
  var evaluate: Int?

  @Option(help: "Seed for --evaluate.")
  var seed: UInt64 = 0

  func validate() throws {
    if let steps, steps < 1 { throw ValidationError("--steps must be at least 1, got \(steps)") }
    if let threads, threads < 1 { throw ValidationError("--threads must be at least 1, got \(threads)") }
    if !(1...100).contains(rounds) { throw ValidationError("--rounds must be between 1 and 100, got \(rounds)") }
    if let evaluate, !(1...10_000_000).contains(evaluate) {
      throw ValidationError("--evaluate must be between 1 and 10000000 samples, got \(evaluate)")
    }
  }

  func run() throws {
    if let evaluate {
      for configuration in try chosenConfigurations() {
        let steps = steps ?? configuration.defaultSteps
        let losses = try configuration.evaluationLoss(steps: steps, threads: threads, seed: seed, samples: evaluate)
        let line: [(String, JSON.Node)] = [
          ("config", .string(configuration.name)), ("seed", .whole(seed)), ("steps", .integer(steps)),
          ("samples", .integer(evaluate)), ("evaluation_loss", .number(losses.reduce(0, +))),
          ("evaluation_losses", .array(losses.map { .number($0) })),
        ]
        writeLine(JSON.write(.object(line)))
      }
      return
    }
    let cores = PeakThroughput.cores
    let threadCounts = threads.map { [$0] } ?? (cores > 1 ? [1, cores] : [1])
    let most = threadCounts.max() ?? 1
    let peak = PeakThroughput.measure(threads: most)
    let chosen = try chosenConfigurations()
    var header = ["config", "shape", "steps", "ms/step", "10k steps"]
    if threadCounts.count > 1 { header += ["1 thread", "speed-up"] }
    header += ["GFLOP/s", "of peak", "peak RSS"]
    var table = TextTable(header: header, leftAligned: [0, 1])
    for configuration in chosen {
      let results = try fastest(threadCounts) { count in
        try configuration.measure(steps: steps ?? configuration.defaultSteps, threads: count)
      }
      let best = results[0]
      let single = results.count > 1 ? results[1] : nil
      if json {
        writeLine(best.jsonLine(peak: peak, threads: most, single: single))
      } else {
        table.append(best.row(peak: peak, single: single))
      }
    }
    let notes = try benchAutoencoders(threadCounts: threadCounts, peak: peak, table: &table)
    if !json {
      writeLine(table.render())
      writeLine(
        "\(most) thread\(most == 1 ? "" : "s") (\(cores) cores); batch 1024; AdamW; fresh data every step "
          + "(M: a fixed set of 1000, full batch); "
          + "FP32 peak \(fixed(peak, 1)) GFLOP/s (FMA loop, \(most) thread\(most == 1 ? "" : "s"))")
      writeLine(
        "GFLOP/s counts 10·n·m FLOPs per sample per instance, the dense products' (h = Wx, WᵀWx, and "
          + "three for the gradient); toy skips samples with no active feature and runs the products with x "
          + "over its non-zero entries, so the fraction of peak can exceed 100%.")
      writeLine("SAE rows: Adam, from a fresh start; GFLOP/s counts the two dense products, 4·m·d FLOPs per sample.")
      notes.forEach(writeLine)
    }
  }
}

extension BenchCommand {
  /// Per thread count, most first, the fastest of `rounds` measurements, the counts taken
  /// in alternation so that each round's counts share the machine's moment.
  func fastest<Result: BenchMeasurement>(
    _ threadCounts: [Int], _ measure: (Int) throws -> Result
  ) rethrows -> [Result] {
    var results: [Result] = []
    for _ in 0..<rounds {
      for (index, count) in threadCounts.sorted(by: >).enumerated() {
        let result = try measure(count)
        if index == results.count {
          results.append(result)
        } else if result.seconds < results[index].seconds {
          results[index] = result
        }
      }
    }
    return results
  }

  /// The configurations --config names (all when it is absent).
  func chosenConfigurations() throws -> [BenchConfiguration] {
    guard let config else { return BenchConfiguration.all }
    let names = config.split(separator: ",").map { String($0).uppercased() }
    let all = BenchConfiguration.all.map(\.name) + AutoencoderBenchConfiguration.all.map(\.name)
    for name in names where !all.contains(name) {
      let known = all.joined(separator: ", ")
      throw ValidationError("unknown configuration '\(name)'; known: \(known)")
    }
    return BenchConfiguration.all.filter { names.contains($0.name) }
  }
}

/// One of the notebook's training configurations.
struct BenchConfiguration {
  let name: String
  let summary: String
  let kind: ModelKind
  let n: Int
  let m: Int
  let densities: [Float]
  /// Feature i's importance is this to the power i.
  var importanceBase = 0.9
  let defaultSteps: Int
  /// T of each instance's fixed training set, trained in full batch (nil: fresh data in
  /// batches of 1024).
  var trainingSet: Int? = nil

  /// Samples per step: the set's size in full batch, else the notebook's 1024.
  var batch: Int { trainingSet ?? 1024 }

  static let sevenSparsities: [Float] = [1, 0.3, 0.1, 0.03, 0.01, 0.003, 0.001]

  /// The notebook's density sweep: 20^-t for t evenly spaced over [0, 1].
  static func notebookDensities(_ count: Int) -> [Float] {
    guard count > 1 else { return [1] }
    return (0..<count).map { Float(pow(20, -Double($0) / Double(count - 1))) }
  }

  static let all: [BenchConfiguration] = [
    .init(name: "A", summary: "intro", kind: .relu, n: 5, m: 2, densities: notebookDensities(10), defaultSteps: 2000),
    .init(name: "B", summary: "7 sparsities", kind: .relu, n: 20, m: 5, densities: sevenSparsities, defaultSteps: 2000),
    .init(
      name: "C", summary: "notebook sweep", kind: .relu, n: 100, m: 20, densities: notebookDensities(20),
      defaultSteps: 200),
    .init(
      name: "D", summary: "geometry", kind: .relu, n: 200, m: 20, densities: notebookDensities(20), defaultSteps: 100),
    .init(
      name: "E", summary: "paper geometry", kind: .relu, n: 400, m: 30, densities: notebookDensities(20),
      defaultSteps: 50),
    .init(
      name: "P", summary: "privileged basis", kind: .hiddenReLU, n: 10, m: 5,
      densities: sevenSparsities.flatMap { Array(repeating: $0, count: 100) }, importanceBase: 0.75,
      defaultSteps: 200),
    // `model n=20 m=5 importance=0.7^i sparsity=0.9; train 10000`: one model, every core on its batch.
    .init(
      name: "S", summary: "one-liner", kind: .relu, n: 20, m: 5, densities: [0.1], importanceBase: 0.7,
      defaultSteps: 10000),
    // Henighan et al. 2023's memorisation regime: one fixed set of T = 1000 examples of ten
    // thousand features at 1−S = 0.001 (about ten active each), full batch, uniform importance.
    .init(
      name: "M", summary: "memorisation", kind: .relu, n: 10_000, m: 2, densities: [0.001], importanceBase: 1,
      defaultSteps: 200, trainingSet: 1000),
  ]

  struct Result: BenchMeasurement {
    let configuration: BenchConfiguration
    let steps: Int
    let seconds: Double
    let peakKiB: Int

    var label: String { "\(configuration.name) \(configuration.summary)" }
    var shape: String { "n=\(configuration.n) m=\(configuration.m) ×\(configuration.densities.count)" }
    var gflops: Double {
      let c = configuration
      let flops = 10.0 * Double(c.n * c.m) * Double(c.batch) * Double(c.densities.count) * Double(steps)
      return flops / seconds / 1e9
    }

    func jsonLine(peak: Double, threads: Int, single: Result?) -> String {
      let c = configuration
      let head: [(String, JSON.Node)] = [
        ("config", .string(c.name)), ("kind", .string(c.kind.rawValue)), ("n", .integer(c.n)), ("m", .integer(c.m)),
        ("instances", .integer(c.densities.count)), ("threads", .integer(threads)),
      ]
      return jsonLine(head, peak: peak, single: single)
    }
  }

  /// A fresh model of this configuration.
  func model(seed: UInt64 = 0) throws -> ToyModel {
    let importance = (0..<n).map { Float(pow(importanceBase, Double($0))) }
    var model = try ToyModel(
      kind: kind, n: n, m: m, importance: Array(repeating: importance, count: densities.count),
      density: densities.map { [Float](repeating: $0, count: n) }, seed: seed)
    if let trainingSet { try model.useTrainingSets(sizes: Array(repeating: trainingSet, count: densities.count)) }
    return model
  }

  /// Training options for `steps` steps of this configuration's batch.
  func options(steps: Int, threads: Int?) -> TrainingOptions {
    var options = TrainingOptions(steps: steps)
    options.batchSize = batch
    options.threads = threads
    return options
  }

  /// Each instance's loss on `samples` of the fixed evaluation batch after `steps` steps from `seed`.
  func evaluationLoss(steps: Int, threads: Int?, seed: UInt64, samples: Int) throws -> [Double] {
    var model = try model(seed: seed)
    let options = options(steps: steps, threads: threads)
    try Interrupt.whileTraining { _ = try model.train(options, cancellation: Interrupt.cancellation) }
    return model.evaluationLoss(samples: samples)
  }

  func measure(steps: Int, threads: Int?) throws -> Result {
    var model = try model()
    let options = options(steps: steps, threads: threads)
    // A short warm-up so that thread start-up and first-touch costs are not timed.
    var warm = options
    warm.steps = max(1, steps / 20)
    try model.train(warm)
    let clock = ContinuousClock()
    let start = clock.now
    try Interrupt.whileTraining { _ = try model.train(options, cancellation: Interrupt.cancellation) }
    let elapsed = clock.now - start
    let seconds = elapsed.seconds
    return Result(configuration: self, steps: steps, seconds: seconds, peakKiB: peakResidentKiB())
  }
}

/// The process's peak resident set size in KiB, from getrusage.
func peakResidentKiB() -> Int {
  var usage = rusage()
  getrusage(__rusage_who_t(RUSAGE_SELF.rawValue), &usage)
  return Int(usage.ru_maxrss)
}
