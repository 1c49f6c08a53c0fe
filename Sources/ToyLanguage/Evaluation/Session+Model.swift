import ToyCore

extension Session {
  /// The most instances one model statement may make.
  static let instanceLimit = 100_000
  /// The most steps one train statement may take.
  static let stepLimit = 100_000_000
  /// From this importance on, a squared error near 1 puts the loss near Float32's limit.
  static let overflowingImportance: Float = 1e30

  /// `model …`: evaluates the parameters for every combination of the sweep variables
  /// (× seeds), builds the model (in a check, sketches one too big to hold) and makes it
  /// current.
  func defineModel(
    named name: String, parameters: [Parameter], sweep: [SweepVariable], span: Span, _ source: Source
  ) throws(Diagnostic) {
    let given = try checkedParameters(parameters, statement: "model", source)
    if given["density"] != nil, let sparsity = given["sparsity"] {
      throw Diagnostic(.densityAndSparsity, at: sparsity.nameSpan, in: source)
    }
    let combinations = try settings(of: sweep, source)
    let first = Self.scope(combinations[0])
    let (n, m) = try shape(given, combinations, span, source)
    let kind = ModelKind(rawValue: try choice(given["kind"], "kind", default: "relu", source))!
    let normalize = try normalizedExamples(given, source)
    var initialization: Initialization?
    if let p = given["init"] { initialization = Initialization(rawValue: try choice(p, "init", default: "", source)) }
    var seeds = 1
    if let p = given["seeds"] { seeds = try whole(p, first, spec: "seeds", source) }
    guard combinations.count * seeds <= Self.instanceLimit else {
      throw Diagnostic(
        .tooManyInstances(settings: combinations.count, seeds: seeds, limit: Self.instanceLimit), at: span, in: source)
    }
    // Counted from the shape before any per-feature list is built: a model past the size
    // limit is refused at once, in `check` and in a run, without taking its memory first.
    do {
      try ToyModel.checkSize(n: n, m: m, instances: combinations.count * seeds)
    } catch {
      throw Diagnostic(.model(error), at: span, in: source)
    }
    // A check keeps one row per setting (see ModelSketch); a run one per instance.
    let (importance, density) = try featureRows(given, combinations, n: n, copies: dryRun ? 1 : seeds, source)
    var sets: [FeatureSet] = []
    for (word, relation) in [("correlated", FeatureSet.Relation.correlated), ("anticorrelated", .anticorrelated)] {
      guard let parameter = given[word] else { continue }
      sets += try featureSets(parameter, relation, n: n, source)
    }
    ordinal += 1
    let modelSeed = try seed(
      of: given, first, parameters, span, source, ordinal: ordinal, purpose: .initialization, keyword: .model)
    var model: ToyModel
    var sketch: ModelSketch?
    do {
      if dryRun {
        let whole = ModelSketch(
          kind: kind, n: n, m: m, importance: importance, density: density, seeds: seeds, featureSets: sets,
          seed: modelSeed, initialization: initialization)
        // Built whole, as a run builds it, if it fits a window; else kept sketched.
        let held = whole.fits(floats: checkWindowFloats) ? 0..<whole.instanceCount : 0..<1
        checkLargestBuild = max(checkLargestBuild, held.count)
        model = try whole.model(instances: held)
        if held.count < whole.instanceCount { sketch = whole }
      } else {
        model = try ToyModel(
          kind: kind, n: n, m: m, importance: importance, density: density, featureSets: sets, seed: modelSeed,
          initialization: initialization, settingCount: combinations.count)
      }
    } catch {
      throw Diagnostic(.model(error), at: span, in: source)
    }
    if let dataset = given["dataset"] {
      try useTrainingSets(dataset, combinations, normalize: normalize, &model, sketch: &sketch, source)
    }
    models[name] = ModelEntry(
      name: name, model: model, settings: combinations, seeds: seeds,
      shown: (0..<combinations.count).map { $0 * seeds }, sketch: sketch)
    models[name]?.fullBatch = model.fullBatch
    current = name
    try shareModel(name, span, source)
  }

  /// A sweep's settings: every combination of its variables' values, the first variable
  /// slowest; one empty setting without a sweep.
  func settings(of sweep: [SweepVariable], _ source: Source) throws(Diagnostic) -> [[(String, Double)]] {
    var combinations: [[(String, Double)]] = [[]]
    var seen: Set<String> = []
    for variable in sweep {
      guard variable.name != "i" else {
        throw Diagnostic(.sweepVariableIsIndex, at: variable.nameSpan, in: source)
      }
      guard seen.insert(variable.name).inserted else {
        throw Diagnostic(.sweptTwice(variable.name), at: variable.nameSpan, in: source)
      }
      let value = try evaluator(source).evaluate(variable.values)
      guard let values = value.numbers, !values.isEmpty else {
        throw Diagnostic(.sweepNeedsNumbers(type: value.typeName), at: variable.values.span, in: source)
      }
      // Checked before the grid is built, so a huge sweep fails at once.
      guard combinations.count * values.count <= Self.instanceLimit else {
        throw Diagnostic(.sweepTooLarge(limit: Self.instanceLimit), at: variable.values.span, in: source)
      }
      combinations = combinations.flatMap { prefix in values.map { prefix + [(variable.name, $0)] } }
    }
    return combinations
  }

  /// A setting's sweep values as variables for the parameters' expressions.
  static func scope(_ combination: [(String, Double)]) -> [String: Value] {
    Dictionary(uniqueKeysWithValues: combination.map { ($0.0, Value.number($0.1)) })
  }

  /// n and m, which every setting must share.
  private func shape(
    _ given: [String: Parameter], _ combinations: [[(String, Double)]], _ span: Span, _ source: Source
  ) throws(Diagnostic) -> (n: Int, m: Int) {
    let first = Self.scope(combinations[0])
    // In the order they are written: a bad n is reported before a missing m.
    guard let nParameter = given["n"] else {
      throw Diagnostic(.featureCountMissing, at: span, in: source)
    }
    let n = try whole(nParameter, first, spec: "n", source)
    guard let mParameter = given["m"] else {
      throw Diagnostic(.hiddenCountMissing, at: span, in: source)
    }
    let m = try whole(mParameter, first, spec: "m", source)
    for combination in combinations.dropFirst() {
      let otherN = try whole(nParameter, Self.scope(combination), spec: "n", source)
      let otherM = try whole(mParameter, Self.scope(combination), spec: "m", source)
      if otherN != n || otherM != m {
        throw Diagnostic(.shapeVaries, at: nParameter.value.span, in: source)
      }
    }
    return (n, m)
  }

  /// Each setting's importance and density per feature, `copies` rows of each per setting
  /// (one per seed in a run).
  private func featureRows(
    _ given: [String: Parameter], _ combinations: [[(String, Double)]], n: Int, copies: Int, _ source: Source
  ) throws(Diagnostic) -> (importance: [[Float]], density: [[Float]]) {
    var importance: [[Float]] = []
    var density: [[Float]] = []
    for combination in combinations {
      let values = Self.scope(combination)
      let imp = try perFeature(given["importance"], n: n, values, spec: "importance", default: 1, source)
      var dens = try perFeature(given["density"], n: n, values, spec: "density", default: 1, source)
      if let sparsity = given["sparsity"] {
        dens = try perFeature(sparsity, n: n, values, spec: "sparsity", default: 0, source).map { 1 - $0 }
      }
      for _ in 0..<copies {
        importance.append(imp.map(Float.init))
        density.append(dens.map(Float.init))
      }
    }
    return (importance, density)
  }

  /// A `model`'s or `sae`'s seed: `seed=` as written, or derived from the session's seed and
  /// the statement's ordinal among its kind (and remembered, so that %save can pin it).
  func seed(
    of given: [String: Parameter], _ first: [String: Value], _ parameters: [Parameter], _ span: Span,
    _ source: Source, ordinal: Int, purpose: RandomStream.Purpose, keyword: Keyword
  ) throws(Diagnostic) -> UInt64 {
    if let explicit = given["seed"] {
      // A literal is read from its digits: a derived seed that %save pinned needs all 64 bits.
      if case .number(_, let literal) = explicit.value, let pinned = UInt64(source.text(of: literal)) {
        return pinned
      }
      return UInt64(try whole(explicit, first, spec: "seed", source))
    }
    let derived = RandomStream(seed: seed, instance: ordinal, purpose: purpose).key
    let end = parameters.last?.value.span.end ?? span.start + keyword.rawValue.count
    derivedSeeds.append(DerivedSeed(sourceName: source.name, offset: end, seed: derived))
    return derived
  }

  /// The parameters by name, each checked against the statement's table.
  func checkedParameters(_ parameters: [Parameter], statement: String, _ source: Source) throws(Diagnostic)
    -> [String: Parameter]
  {
    let specs = ParameterTable.specs(for: statement)
    var given: [String: Parameter] = [:]
    for parameter in parameters {
      guard specs.contains(where: { $0.name == parameter.name }) else {
        let names = specs.map(\.name)
        throw Diagnostic(
          .unknownParameter(
            parameter.name, statement: statement, suggestion: suggestion(for: parameter.name, among: names),
            accepted: names), at: parameter.nameSpan, in: source)
      }
      guard given[parameter.name] == nil else {
        throw Diagnostic(.parameterGivenTwice(parameter.name), at: parameter.nameSpan, in: source)
      }
      given[parameter.name] = parameter
    }
    return given
  }

  func spec(_ name: String) -> ParameterSpec { ParameterTable.all.first { $0.name == name }! }

  /// A whole-number parameter within its spec's range.
  func whole(_ parameter: Parameter, _ scope: [String: Value], spec name: String, _ source: Source) throws(Diagnostic)
    -> Int
  {
    let value = try evaluator(source, extra: scope).evaluate(parameter.value)
    guard case .whole(let range) = spec(name).kind else { return 0 }
    guard case .number(let x) = value, x == x.rounded(), x >= Double(range.lowerBound), x <= Double(range.upperBound)
    else {
      throw Diagnostic(
        .parameterOutOfRange(name, range: spec(name).rangeText, got: value.literal), at: parameter.value.span,
        in: source)
    }
    return Int(x)
  }

  /// A word parameter (`kind=relu`): a bare name or a string, one of the spec's choices.
  func choice(_ parameter: Parameter?, _ name: String, default fallback: String, _ source: Source) throws(Diagnostic)
    -> String
  {
    guard let parameter else { return fallback }
    let word: String
    switch parameter.value {
    case .name(let text, _), .string(let text, _): word = text
    default:
      throw Diagnostic(.parameterMalformed(name, range: spec(name).rangeText), at: parameter.value.span, in: source)
    }
    guard case .choice(let words) = spec(name).kind, words.contains(word) else {
      let guess = suggestion(
        for: word, among: { if case .choice(let w) = spec(name).kind { return w } else { return [] } }())
      throw Diagnostic(
        .unknownChoice(name, range: spec(name).rangeText, word: word, suggestion: guess), at: parameter.value.span,
        in: source)
    }
    return word
  }

  /// One number per feature: a number, an expression in `i`, or a list of n numbers.
  func perFeature(
    _ parameter: Parameter?, n: Int, _ scope: [String: Value], spec name: String, default fallback: Double,
    _ source: Source
  ) throws(Diagnostic) -> [Double] {
    guard let parameter else { return [Double](repeating: fallback, count: n) }
    var usesIndex = false
    var withIndex = scope
    withIndex["i"] = .number(0)
    var evaluator = evaluator(source, extra: withIndex)
    let baseLookup = evaluator.lookup
    evaluator = ExpressionEvaluator(
      source: source,
      lookup: { name, span throws(Diagnostic) in
        if name == "i" { usesIndex = true }
        return try baseLookup(name, span)
      }, knownNames: evaluator.knownNames, member: evaluator.member)
    let value = try evaluator.evaluate(parameter.value)
    var values: [Double]
    if usesIndex {
      values = []
      for i in 0..<n {
        var featureScope = scope
        featureScope["i"] = .number(Double(i))
        let v = try self.evaluator(source, extra: featureScope).evaluate(parameter.value)
        guard case .number(let x) = v else {
          throw Diagnostic(.perFeatureNotNumber(name, type: v.typeName), at: parameter.value.span, in: source)
        }
        values.append(x)
      }
    } else {
      switch value {
      case .number(let x): values = [Double](repeating: x, count: n)
      case .list(let items) where items.count == n:
        guard let numbers = value.numbers else {
          throw Diagnostic(.perFeatureNotNumbers(name), at: parameter.value.span, in: source)
        }
        values = numbers
      case .list(let items):
        throw Diagnostic(
          .perFeatureCount(name, count: items.count, n: n, list: value.description), at: parameter.value.span,
          in: source)
      default:
        throw Diagnostic(
          .parameterWrongType(name, range: spec(name).rangeText, type: value.typeName), at: parameter.value.span,
          in: source)
      }
    }
    guard case .perFeature(let low, let high, let lowOpen, let highOpen) = spec(name).kind else { return values }
    for (f, x) in values.enumerated() {
      // Bounds hold for the Float32 the model stores, not only for the Double typed.
      let stored = Double(Float(x))
      let ok = (lowOpen ? stored > low : stored >= low) && (highOpen ? stored < high : stored <= high)
      guard ok, x.isFinite else {
        throw Diagnostic(
          .featureValueOutOfRange(name, feature: f, value: x, range: spec(name).rangeText), at: parameter.value.span,
          in: source)
      }
    }
    return values
  }

  /// `correlated=[[0, 1], [2, 3]]`: consecutive feature indices per set.
  func featureSets(_ parameter: Parameter, _ relation: FeatureSet.Relation, n: Int, _ source: Source) throws(Diagnostic)
    -> [FeatureSet]
  {
    let value = try evaluator(source).evaluate(parameter.value)
    guard case .list(let items) = value else {
      throw Diagnostic(
        .parameterMalformed(parameter.name, range: spec(parameter.name).rangeText), at: parameter.value.span,
        in: source)
    }
    var sets: [FeatureSet] = []
    for item in items {
      guard let indices = item.numbers, indices.count >= 2,
        indices.allSatisfy({ $0 == $0.rounded() && $0 >= 0 && $0 < Double(n) }),
        zip(indices, indices.dropFirst()).allSatisfy({ $1 == $0 + 1 })
      else {
        throw Diagnostic(.featureSetInvalid(n: n, got: item.literal), at: parameter.value.span, in: source)
      }
      sets.append(FeatureSet(relation, features: Int(indices[0])..<Int(indices.last!) + 1))
    }
    return sets
  }

  /// The same model freshly initialised (for `reset`).
  func rebuild(_ model: ToyModel, _ span: Span, _ source: Source) throws(Diagnostic) -> ToyModel {
    let rows = (0..<model.instanceCount)
    do {
      var fresh = try ToyModel(
        kind: model.kind, n: model.n, m: model.m, importance: rows.map { model.importance(instance: $0) },
        density: rows.map { model.density(instance: $0) }, featureSets: model.featureSets, seed: model.seed,
        initialization: model.initialization, settingCount: model.settingCount)
      try fresh.useTrainingSets(
        sizes: rows.map { model.trainingSetSize(instance: $0) }, normalize: model.normalizesExamples)
      return fresh
    } catch {
      throw Diagnostic(.model(error), at: span, in: source)
    }
  }

  /// `train N …`: continues the current model; progress goes to `onProgress`.
  func train(steps: Expr, parameters: [Parameter], statement: Statement, _ source: Source) throws(Diagnostic) {
    let span = statement.span
    let entry = try currentEntry(span, source)
    let given = try checkedParameters(parameters, statement: "train", source)
    var options = try trainingOptions(steps, given, entry, span, source)
    let live = try liveView(given["live"], entry, source)
    if live != nil { options.observeEvery = min(options.observeEvery, 25) }
    if let sketch = entry.sketch {
      try trainSketch(entry, sketch, options, span, source)
      return
    }
    var lastFrame = -1.0
    var model = entry.model
    let clock = ContinuousClock()
    let start = clock.now
    let progress = onProgress
    var dynamics = entry.dynamics
    let recording = recordsDynamics(entry)
    if recording && model.steps == 0 { dynamics.record(step: 0, model: model) }
    defer { models[entry.name]?.dynamics = dynamics }
    try prepareSharedTrain(entry, options, statement, source)
    do {
      let outcome = try trainShared(&model, options, entry) { report, trained in
        let elapsed = clock.now - start
        let seconds = elapsed.seconds
        if recording { dynamics.record(step: trained.steps, model: trained) }
        if let live, let onLiveFrame = self.onLiveFrame, seconds - lastFrame >= self.liveFrameInterval {
          lastFrame = seconds
          var snapshot = entry
          snapshot.model = trained
          if let frame = self.liveFrame(live, snapshot, report, seconds, statement, source, final: false) {
            onLiveFrame(frame.display)
          }
        }
        progress?(report, seconds)
      }
      if outcome.cancelled { stoppedTraining = true }
    } catch .diverged(let instance, let step, let loss) {
      models[entry.name]?.model = model
      throw divergence(entry, instance: instance, step: step, loss: loss, rate: options.learningRate, span, source)
    } catch {
      throw Diagnostic(.model(error), at: span, in: source)
    }
    if finishSharedTrain(entry, model, &dynamics, options, statement, source) { return }
    models[entry.name]?.model = model
    if entry.seeds > 1 {
      let best = model.bestOf(seeds: entry.seeds, samples: evaluationSamples)
      models[entry.name]?.shown = best
    }
    if let live, !dryRun, let updated = models[entry.name] {
      let elapsed = clock.now - start
      emitFinalFrame(live, updated, options, seconds: elapsed.seconds, statement, source)
    }
  }

  /// `train`'s options from its step count and parameters; a check trains one step on one
  /// sample.
  private func trainingOptions(
    _ steps: Expr, _ given: [String: Parameter], _ entry: ModelEntry, _ span: Span, _ source: Source
  ) throws(Diagnostic) -> TrainingOptions {
    let value = try evaluator(source).evaluate(steps)
    guard case .number(let x) = value, x == x.rounded(), x >= 1, x <= Double(Self.stepLimit) else {
      throw Diagnostic(.stepsOutOfRange(limit: Self.stepLimit, got: value.literal), at: steps.span, in: source)
    }
    var options = TrainingOptions(steps: max(1, Int((x * stepScale).rounded())))
    options.threads = threads
    if entry.fullBatch > 0 { options.batchSize = entry.fullBatch }
    if let batch = given["batch"] { options.batchSize = try whole(batch, [:], spec: "batch", source) }
    do {
      if given["batch"] != nil { try entry.model.checkMinibatch(options.batchSize) }
      // A check may hold a window of the model: count the whole's instances.
      if entry.model.hasTrainingSets {
        try entry.model.checkStep(batch: options.batchSize)
      } else {
        try ToyModel.checkBatch(options.batchSize, n: entry.model.n, instances: entry.instanceCount)
      }
    } catch {
      throw Diagnostic(.model(error), at: given["batch"]?.value.span ?? span, in: source)
    }
    try rateOptions(&options, given, source)
    options.optimizer = Optimizer(rawValue: try choice(given["optimizer"], "optimizer", default: "adamw", source))!
    try henighanOptions(&options, given, source)
    if dryRun {
      // `toy check` trains no real steps: one step on one sample gives the later statements
      // a trained model (a loss, a history) to validate against.
      options.steps = 1
      options.batchSize = 1
    }
    // Often enough that a progress bar moves and Ctrl-C feels immediate, even for big models.
    options.observeEvery = max(1, min(options.steps / 100, 50))
    return options
  }

  /// The last frame of `train … live` stays, as an ordinary display (the only one without a
  /// terminal).
  private func emitFinalFrame(
    _ live: String, _ entry: ModelEntry, _ options: TrainingOptions, seconds: Double, _ statement: Statement,
    _ source: Source
  ) {
    let model = entry.model
    let report = TrainingProgress(
      step: options.steps, totalSteps: options.steps,
      losses: (0..<model.instanceCount).map { model.recentLoss(instance: $0).map(Float.init) ?? .nan })
    if let frame = liveFrame(live, entry, report, seconds, statement, source, final: true) {
      emit(
        text: frame.display.plain, json: frame.json, statement, svg: frame.display.svg, plot: frame.display.plot,
        textOptions: frame.display.textOptions, liveFinal: true)
    }
  }

  /// Training that diverged, named by model, setting, step and likely cause: an importance so
  /// large that the loss leaves the Float32 range, or else a learning rate too large.
  func divergence(
    _ entry: ModelEntry, instance: Int, step: Int, loss: Float?, rate: Double, _ span: Span, _ source: Source
  ) -> Diagnostic {
    let seeds = max(1, entry.seeds)
    let setting = instance / seeds
    var where_ = setting < entry.settings.count ? label(entry, setting) : "instance \(instance)"
    if seeds > 1 { where_ += ", seed \(instance % seeds)" }
    let largest = entry.importance(instance: instance).max() ?? 0
    let cause: DivergenceCause =
      largest >= Self.overflowingImportance ? .importance(Double(largest)) : .learningRate(rate)
    return Diagnostic(
      .diverged(model: entry.name, setting: where_, step: step, loss: loss, cause: cause), at: span, in: source)
  }
}
