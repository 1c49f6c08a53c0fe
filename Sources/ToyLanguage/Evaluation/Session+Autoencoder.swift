import ToyCore

/// `sae …` and `train sae N`: sparse autoencoders on the current model's hidden states
/// (ToyCore's `SparseAutoencoder`), defined and swept like models and trained like them.
/// Their metrics and `print sae` are in Session+AutoencoderMetrics.swift.
extension Session {
  /// The λ of `sae` without `l1=` or `topk=`.
  static let defaultL1 = 0.01

  /// The name an unnamed `sae` statement's autoencoders get: sae1, sae2, …
  static func automaticAutoencoderName(_ number: Int) -> String { "sae\(number)" }

  /// `sae …`: every SAE setting of the sweep on every chosen model setting (its shown seed),
  /// `seeds=` each, as one set of autoencoders that becomes the model's current one.
  func defineAutoencoders(
    named name: String?, parameters: [Parameter], sweep: [SweepVariable], span: Span, _ source: Source
  ) throws(Diagnostic) {
    let entry = try currentEntry(span, source)
    let given = try checkedParameters(parameters, statement: "sae", source)
    if given["l1"] != nil, let topk = given["topk"] {
      throw Diagnostic(.l1AndTopK, at: topk.nameSpan, in: source)
    }
    guard entry.model.steps > 0 else {
      throw Diagnostic(.autoencoderNeedsTrainedModel(model: entry.name), at: span, in: source)
    }
    let combinations = try settings(of: sweep, source)
    let first = Self.scope(combinations[0])
    // Seeds, the seed and resampling are the statement's, read at its sweep's first values.
    // (A word such as resample=off is no expression; it is read, and checked, below.)
    for key in ["seeds", "seed", "resample"] {
      guard let parameter = given[key], let value = try? evaluator(source, extra: first).evaluate(parameter.value)
      else { continue }
      for combination in combinations.dropFirst()
      where (try? evaluator(source, extra: Self.scope(combination)).evaluate(parameter.value)) != value {
        throw Diagnostic(.sharedParameterVaries(key, statement: "sae"), at: parameter.value.span, in: source)
      }
    }
    var seeds = 1
    if let p = given["seeds"] { seeds = try whole(p, first, spec: "seeds", source) }
    let modelSettings = try readSettings(given["instance"], entry, source)
    let count = combinations.count * modelSettings.count * seeds
    guard count <= Self.instanceLimit else {
      throw Diagnostic(.tooManyAutoencoders(count, limit: Self.instanceLimit), at: span, in: source)
    }
    let resampling = try resampling(given["resample"], first, source)
    var labels: [[(String, Double)]] = []
    var settings: [SparseAutoencoder.Setting] = []
    var instances: [AutoencoderEntry.Instance] = []
    for (index, combination) in combinations.enumerated() {
      let (latents, variant) = try dictionary(given, Self.scope(combination), n: entry.model.n, source)
      labels.append(combination.isEmpty ? Self.labels(latents: latents, variant: variant) : combination)
      for modelSetting in modelSettings {
        // A check may hold one instance of a model too big to build (see ModelSketch).
        let read = entry.sketch == nil ? entry.shown[modelSetting] : 0
        for seed in 0..<seeds {
          settings.append(SparseAutoencoder.Setting(latents: latents, variant: variant, source: read))
          instances.append(AutoencoderEntry.Instance(setting: index, modelSetting: modelSetting, seed: seed))
        }
      }
    }
    autoencoderOrdinal += 1
    let saeSeed = try seed(
      of: given, first, parameters, span, source, ordinal: autoencoderOrdinal, purpose: .autoencoderInitialization,
      keyword: .sae)
    let autoencoder: SparseAutoencoder
    do {
      autoencoder = try SparseAutoencoder(for: entry.model, settings: settings, seed: saeSeed)
    } catch {
      throw Diagnostic(.autoencoder(error), at: span, in: source)
    }
    let named = name ?? Self.automaticAutoencoderName(autoencoderOrdinal)
    var updated = models[entry.name] ?? entry
    updated.removeAutoencoders(named: named)
    updated.autoencoders.append(
      AutoencoderEntry(
        name: named, autoencoder: autoencoder, settings: labels, instances: instances, resampling: resampling))
    updated.currentAutoencoderIndex = updated.autoencoders.count - 1
    models[entry.name] = updated
  }

  /// Row labels of an unswept SAE setting: its dictionary size and sparsity.
  static func labels(latents: Int, variant: SparseAutoencoder.Variant) -> [(String, Double)] {
    switch variant {
    case .l1(let lambda): return [("latents", Double(latents)), ("l1", decimal(lambda))]
    case .topK(let k): return [("latents", Double(latents)), ("topk", Double(k))]
    }
  }

  /// One SAE setting's latents and variant, each checked.
  private func dictionary(_ given: [String: Parameter], _ scope: [String: Value], n: Int, _ source: Source)
    throws(Diagnostic) -> (Int, SparseAutoencoder.Variant)
  {
    let latents =
      try given["latents"].map { (p) throws(Diagnostic) in try whole(p, scope, spec: "latents", source) } ?? n
    if let topk = given["topk"] {
      let k = try whole(topk, scope, spec: "topk", source)
      guard k <= latents else {
        throw Diagnostic(.topKAboveLatents(k: k, latents: latents), at: topk.value.span, in: source)
      }
      return (latents, .topK(k))
    }
    guard let l1 = given["l1"] else { return (latents, .l1(Float(Self.defaultL1))) }
    let value = try evaluator(source, extra: scope).evaluate(l1.value)
    // The range the spec states: λ is kept as a Float.
    guard case .number(let lambda) = value, lambda >= 0, lambda <= Double(Float.greatestFiniteMagnitude) else {
      throw Diagnostic(
        .parameterOutOfRange("l1", range: spec("l1").rangeText, got: value.literal), at: l1.value.span, in: source)
    }
    return (latents, .l1(Float(lambda)))
  }

  /// `instance=` of `sae`: the model settings to read, all by default.
  private func readSettings(_ parameter: Parameter?, _ entry: ModelEntry, _ source: Source) throws(Diagnostic) -> [Int]
  {
    let count = entry.settings.count
    guard let parameter else { return Array(0..<count) }
    switch parameter.value {
    case .name("all", _), .string("all", _): return Array(0..<count)
    default: break
    }
    let value = try evaluator(source).evaluate(parameter.value)
    guard let numbers = value.numbers, !numbers.isEmpty,
      numbers.allSatisfy({ $0 == $0.rounded() && $0 >= 0 && $0 < Double(count) })
    else {
      throw Diagnostic(.instanceOutOfRange(settings: count, got: value.literal), at: parameter.value.span, in: source)
    }
    return numbers.map { Int($0) }
  }

  /// `resample=N`: every N steps, latents idle for the last N steps are resampled (towards
  /// the inputs reconstructed worst); `resample=off`, the default, never.
  private func resampling(_ parameter: Parameter?, _ scope: [String: Value], _ source: Source) throws(Diagnostic)
    -> Resampling?
  {
    guard let parameter else { return nil }
    switch parameter.value {
    case .name("off", _), .string("off", _): return nil
    case .name(let word, let span) where variables[word] == nil && scope[word] == nil:
      throw Diagnostic(
        .unknownChoice(
          "resample", range: spec("resample").rangeText, word: word, suggestion: suggestion(for: word, among: ["off"])),
        at: span, in: source)
    default: break
    }
    let value = try evaluator(source, extra: scope).evaluate(parameter.value)
    guard case .stepsOrOff(let range) = spec("resample").kind, case .number(let x) = value, x == x.rounded(),
      x >= Double(range.lowerBound), x <= Double(range.upperBound)
    else {
      throw Diagnostic(
        .parameterOutOfRange("resample", range: spec("resample").rangeText, got: value.literal),
        at: parameter.value.span, in: source)
    }
    return Resampling(method: .lossWeighted, every: Int(x), window: Int(x))
  }

  /// The model holding the autoencoders called `name`, and their index there: the current
  /// model's if it has them (each model names its own), else the first model's by name.
  func autoencoders(named name: String) -> (model: String, index: Int)? {
    let order = models.keys.sorted { ($0 != current ? 1 : 0, $0) < ($1 != current ? 1 : 0, $1) }
    for modelName in order {
      guard let entry = models[modelName] else { continue }
      if let index = entry.autoencoders.firstIndex(where: { $0.name == name }) { return (modelName, index) }
    }
    return nil
  }

  /// The current model and its current autoencoders, or the error saying what is missing.
  public func currentAutoencoders(_ span: Span, _ source: Source) throws(Diagnostic) -> (
    ModelEntry, AutoencoderEntry
  ) {
    let entry = try currentEntry(span, source)
    guard let autoencoders = entry.currentAutoencoder else {
      throw Diagnostic(.noAutoencoder(model: entry.name), at: span, in: source)
    }
    return (entry, autoencoders)
  }

  /// `train sae N …`: continues the current autoencoders on fresh samples of the model's
  /// data; progress goes to `onProgress`, Ctrl-C stops at a step boundary.
  func trainAutoencoders(steps: Expr, parameters: [Parameter], statement: Statement, _ source: Source)
    throws(Diagnostic)
  {
    let span = statement.span
    let (entry, sae) = try currentAutoencoders(span, source)
    let given = try checkedParameters(parameters, statement: "train sae", source)
    var options = TrainingOptions.autoencoder(steps: try stepCount(steps, source))
    options.threads = threads
    if let batch = given["batch"] { options.batchSize = try whole(batch, [:], spec: "batch", source) }
    try rateOptions(&options, given, source)
    if dryRun {
      options.steps = 1
      options.batchSize = 1
    }
    options.observeEvery = max(1, min(options.steps / 100, 50))
    var autoencoder = sae.autoencoder
    let clock = ContinuousClock()
    let start = clock.now
    let progress = onProgress
    defer {
      if let index = models[entry.name]?.autoencoders.firstIndex(where: { $0.name == sae.name }) {
        models[entry.name]?.autoencoders[index].autoencoder = autoencoder
        if autoencoder.steps > sae.autoencoder.steps { models[entry.name]?.autoencoders[index].modelResetSince = false }
      }
    }
    do {
      let outcome = try autoencoder.train(
        on: entry.model, options, resampling: sae.resampling, cancellation: cancellation
      ) { report, _ in
        progress?(report, (clock.now - start).seconds)
      }
      if outcome.cancelled { stoppedTraining = true }
    } catch {
      throw Diagnostic(.autoencoder(error), at: span, in: source)
    }
  }

  /// A `train` statement's step count, checked and scaled by `stepScale` (`--quick`).
  func stepCount(_ steps: Expr, _ source: Source) throws(Diagnostic) -> Int {
    let value = try evaluator(source).evaluate(steps)
    guard case .number(let x) = value, x == x.rounded(), x >= 1, x <= Double(Self.stepLimit) else {
      throw Diagnostic(.stepsOutOfRange(limit: Self.stepLimit, got: value.literal), at: steps.span, in: source)
    }
    return max(1, Int((x * stepScale).rounded()))
  }
}
