import ToyCore
import ToyLanguage

/// A sparse autoencoder configuration of `toy bench`: autoencoders trained on the hidden
/// states of a toy model, one instance per model instance, as in ARENA's toy SAEs.
///
/// The model trains first (untimed), so that the autoencoders read the hidden states of a
/// trained model; then the autoencoders are timed from a fresh start, the same way
/// `bench/reference/sae_step.py` times PyTorch's. GFLOP/s counts the two dense products,
/// 4·m·d FLOPs per sample per instance (the encoder and the reconstruction's gradient), over
/// the whole step; the decoding and the weight gradients follow the active latents and are
/// not counted. The products' own rate, run alone on a chunk of the kernel's width, is
/// measured beside it (`PeakThroughput.autoencoderProducts`), for comparison with the FMA peak.
struct AutoencoderBenchConfiguration {
  let name: String
  let summary: String
  let n: Int
  let m: Int
  let instances: Int
  let density: Float
  let latents: Int
  let variant: SparseAutoencoder.Variant
  let defaultSteps: Int
  /// Steps the model trains before the autoencoders (untimed).
  let modelSteps: Int

  static let all: [AutoencoderBenchConfiguration] = [
    .init(
      name: "SA", summary: "SAE, ARENA's toy", n: 5, m: 2, instances: 8, density: 0.05, latents: 5, variant: .l1(0.2),
      defaultSteps: 10_000, modelSteps: 5_000),
    .init(
      name: "SB", summary: "SAE, wide", n: 100, m: 20, instances: 8, density: 0.05, latents: 100,
      variant: .l1(0.03), defaultSteps: 2_000, modelSteps: 2_000),
  ]

  /// The model the autoencoders read, trained for `modelSteps`: importance 1, one density.
  func model(threads: Int?) throws -> ToyModel {
    var model = try ToyModel(
      kind: .relu, n: n, m: m, importance: Array(repeating: [Float](repeating: 1, count: n), count: instances),
      density: Array(repeating: [Float](repeating: density, count: n), count: instances), seed: 0,
      settingCount: 1)
    var options = TrainingOptions(steps: modelSteps)
    options.threads = threads
    try model.train(options)
    return model
  }

  func autoencoder(for model: ToyModel) throws -> SparseAutoencoder {
    try SparseAutoencoder(
      for: model, settings: (0..<instances).map { .init(latents: latents, variant: variant, source: $0) }, seed: 0)
  }

  struct Result: BenchMeasurement {
    let configuration: AutoencoderBenchConfiguration
    let steps: Int
    let seconds: Double
    let peakKiB: Int
    /// The mean L0 over instances after the timed steps.
    let l0: Double
    /// The dense products' own GFLOP/s (`PeakThroughput.autoencoderProducts`).
    var productGflops = 0.0

    var label: String { "\(configuration.name) \(configuration.summary)" }
    var shape: String {
      let c = configuration
      return "n=\(c.n) m=\(c.m) d=\(c.latents) ×\(c.instances)"
    }
    var gflops: Double {
      let c = configuration
      return 4.0 * Double(c.m * c.latents) * 1024 * Double(c.instances) * Double(steps) / seconds / 1e9
    }

    func jsonLine(peak: Double, threads: Int, single: Result?) -> String {
      let c = configuration
      let head: [(String, JSON.Node)] = [
        ("config", .string(c.name)), ("kind", .string("sae")), ("n", .integer(c.n)), ("m", .integer(c.m)),
        ("d", .integer(c.latents)), ("instances", .integer(c.instances)), ("threads", .integer(threads)),
      ]
      let extra: [(String, JSON.Node)] = [
        ("l0", .number(l0)), ("products_gflops", .number(productGflops)),
        ("products_fraction_of_peak", .number(productGflops / peak)),
      ]
      return jsonLine(head, peak: peak, single: single, extra: extra)
    }
  }

  func measure(steps: Int, threads: Int?) throws -> Result {
    let model = try model(threads: threads)
    let fresh = try autoencoder(for: model)
    var options = TrainingOptions.autoencoder(steps: steps)
    options.threads = threads
    // A short warm-up on a copy, so that thread start-up and first-touch costs are not timed.
    var warm = fresh
    var warmOptions = options
    warmOptions.steps = max(1, steps / 20)
    try warm.train(on: model, warmOptions)
    var autoencoder = fresh
    let clock = ContinuousClock()
    let start = clock.now
    try Interrupt.whileTraining {
      _ = try autoencoder.train(on: model, options, cancellation: Interrupt.cancellation)
    }
    let seconds = (clock.now - start).seconds
    let l0 = (0..<instances).map { autoencoder.metrics(instance: $0, model: model, samples: 4096).l0 }
    return Result(
      configuration: self, steps: steps, seconds: seconds, peakKiB: peakResidentKiB(),
      l0: l0.reduce(0, +) / Double(instances))
  }
}

extension BenchCommand {
  /// The autoencoder configurations --config names (all when it is absent).
  func chosenAutoencoderConfigurations() -> [AutoencoderBenchConfiguration] {
    guard let config else { return AutoencoderBenchConfiguration.all }
    let names = config.split(separator: ",").map { String($0).uppercased() }
    return AutoencoderBenchConfiguration.all.filter { names.contains($0.name) }
  }

  /// Times the chosen autoencoder configurations at each thread count, best first, into the
  /// table or as JSON lines; returns a note per configuration on its dense products' own rate
  /// (for the table's footer).
  func benchAutoencoders(threadCounts: [Int], peak: Double, table: inout TextTable) throws -> [String] {
    let most = threadCounts.max() ?? 1
    var notes: [String] = []
    for configuration in chosenAutoencoderConfigurations() {
      var results = try fastest(threadCounts) { count in
        try configuration.measure(steps: steps ?? configuration.defaultSteps, threads: count)
      }
      results[0].productGflops = PeakThroughput.autoencoderProducts(
        m: configuration.m, latents: configuration.latents, threads: most)
      let single = results.count > 1 ? results[1] : nil
      if json {
        writeLine(results[0].jsonLine(peak: peak, threads: most, single: single))
      } else {
        table.append(results[0].row(peak: peak, single: single))
      }
      let rate = results[0].productGflops
      notes.append(
        "\(configuration.name): the two dense products alone run at \(fixed(rate, 1)) GFLOP/s, "
          + "\(fixed(100 * rate / peak, 0))% of peak; L0 after the run \(fixed(results[0].l0, 2)) "
          + "of \(configuration.latents) latents.")
    }
    return notes
  }
}
