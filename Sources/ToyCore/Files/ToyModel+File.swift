/// A model to and from its saved form, `ModelFile`.
///
/// Shapes: I = instances, F = n features, H = m hidden dimensions.
extension ToyModel {
  /// This model as a file: every number training reads, so that loading it and training on
  /// gives, bit for bit, what training this model on would give.
  public var file: ModelFile {
    let untied = kind.untied
    let instances = (0..<instanceCount).map { i in
      let block = i * parameterCount..<(i + 1) * parameterCount
      let parameters = ModelFile.Parameters(block: parameters[block], n: n, m: m, untied: untied)
      return ModelFile.Instance(
        featureProbability: density(instance: i), importance: importance(instance: i),
        weights: parameters.weights, outputWeights: parameters.outputWeights, bias: parameters.bias,
        loss: recentLoss(instance: i), recentLosses: recentLosses[i],
        adamM: ModelFile.Parameters(block: firstMoment[block], n: n, m: m, untied: untied),
        adamV: ModelFile.Parameters(block: secondMoment[block], n: n, m: m, untied: untied),
        datasetSize: trainingSetSize(instance: i) > 0 ? trainingSetSize(instance: i) : nil)
    }
    return ModelFile(
      format: ModelFile.formatName, version: dataScheme.rawValue, toyVersion: toyVersion,
      kind: kind.rawValue, n: n, m: m, steps: steps, seed: seed, initialization: initialization.rawValue,
      settings: settingCount == instanceCount ? nil : settingCount, samplesDrawn: samplesDrawn,
      featureSets: featureSets.map { .init(relation: $0.relation.rawValue, features: Array($0.features)) },
      lossHistory: history, instances: instances, normalize: normalizesExamples ? ModelFile.unitNorm : nil)
  }

  /// The model a file describes, after checking every key (see `ModelFile.validate`).
  public init(file: ModelFile) throws(ModelFileError) {
    let checked = try file.checked()
    kind = checked.kind
    n = file.n
    m = file.m
    instanceCount = file.instances.count
    settingCount = file.settings ?? file.instances.count
    seed = file.seed
    firstInstance = 0
    initialization = checked.initialization
    dataScheme = checked.dataScheme
    importance = file.instances.flatMap { $0.importance }
    density = file.instances.flatMap { $0.featureProbability }
    featureSets = checked.featureSets
    parameters = file.instances.flatMap {
      ModelFile.Parameters(weights: $0.weights, outputWeights: $0.outputWeights, bias: $0.bias).flattened
    }
    firstMoment = file.instances.flatMap { $0.adamM.flattened }
    secondMoment = file.instances.flatMap { $0.adamV.flattened }
    steps = file.steps
    samplesDrawn = file.samplesDrawn
    recentLosses = file.instances.map { $0.recentLosses }
    history = file.lossHistory
    let sizes = file.instances.map { $0.datasetSize ?? 0 }
    trainingSetSizes = sizes.allSatisfy { $0 == 0 } ? [] : sizes
    normalizesExamples = checked.normalizesExamples
  }
}

extension ModelFile {
  /// Throws the first thing that keeps this file from being a model: a wrong format or
  /// version, an unknown name, a size out of range, an array of the wrong length, or a
  /// number that is not finite or outside its range. Saving checks this first, since JSON
  /// cannot hold NaN or infinity.
  public func validate() throws(ModelFileError) {
    _ = try checked()
  }

  /// The values parsed from names, once every check has passed.
  struct Checked {
    var kind: ModelKind
    var initialization: Initialization
    var featureSets: [FeatureSet]
    var dataScheme: DataScheme
    var normalizesExamples: Bool
  }

  func checked() throws(ModelFileError) -> Checked {
    let dataScheme = try Header(format: format, version: version).checked()
    guard let kind = ModelKind(rawValue: kind) else {
      throw .unknownName(key: "kind", found: kind, expected: ModelKind.allCases.map(\.rawValue))
    }
    guard let initialization = Initialization(rawValue: initialization) else {
      throw .unknownName(
        key: "init", found: initialization, expected: Initialization.allCases.map(\.rawValue))
    }
    guard n >= 1 else { throw .sizeNotPositive(key: "n", value: n) }
    guard m >= 1 else { throw .sizeNotPositive(key: "m", value: m) }
    // An early bound so that no "expected" count below is absurd; the exact limit is
    // `ToyModel.validate`'s, checked at the end.
    let (area, overflow) = n.multipliedReportingOverflow(by: m)
    guard !overflow, area < ToyModel.sizeLimit else {
      throw .sizeTooLarge(floats: overflow ? Int.max : area, limit: ToyModel.sizeLimit)
    }
    guard steps >= 0 else { throw .countNegative(key: "steps", value: steps) }
    guard steps <= ToyModel.stepLimit else {
      throw .countTooLarge(key: "steps", value: steps, limit: ToyModel.stepLimit)
    }
    guard !instances.isEmpty else { throw .noInstances }
    if let settings, !(1...instances.count).contains(settings) {
      throw .settingsOutOfRange(value: settings, instances: instances.count)
    }
    for (i, instance) in instances.enumerated() {
      try check(instance, key: "instances[\(i)]", untied: kind.untied, kindName: kind.rawValue)
    }
    try checkLossHistory()
    let normalizes = try checkedNormalization()
    let featureSets = try parsedFeatureSets()
    do {
      try ToyModel.validate(
        n: n, m: m, importance: instances.map(\.importance),
        density: instances.map(\.featureProbability), featureSets: featureSets)
    } catch .sizeTooLarge(let floats, let limit) {
      throw .sizeTooLarge(floats: floats, limit: limit)
    } catch .featureSetInvalid(let index, let reason) {
      throw .featureSetInvalid(key: "feature_sets[\(index)]", reason: reason)
    } catch {
      // Every other condition was checked above with its key path.
      throw .invalidModel(error)
    }
    return Checked(
      kind: kind, initialization: initialization, featureSets: featureSets, dataScheme: dataScheme,
      normalizesExamples: normalizes)
  }

  /// Each `dataset_size` from 1 to `ToyModel.trainingSetLimit`, and `normalize`, which
  /// rescales fixed sets alone: `"unit"` needs every instance to have one.
  private func checkedNormalization() throws(ModelFileError) -> Bool {
    for (i, instance) in instances.enumerated() {
      guard let size = instance.datasetSize else { continue }
      let key = "instances[\(i)].dataset_size"
      guard size >= 1 else { throw .sizeNotPositive(key: key, value: size) }
      guard size <= ToyModel.trainingSetLimit else {
        throw .countTooLarge(key: key, value: size, limit: ToyModel.trainingSetLimit)
      }
    }
    guard let normalize else { return false }
    let words = [ModelFile.noNorm, ModelFile.unitNorm]
    guard words.contains(normalize) else { throw .unknownName(key: "normalize", found: normalize, expected: words) }
    guard normalize == ModelFile.unitNorm else { return false }
    if let i = instances.firstIndex(where: { $0.datasetSize == nil }) {
      throw .normalizationWithoutTrainingSet(key: "instances[\(i)].dataset_size")
    }
    return true
  }

  private func check(_ instance: Instance, key: String, untied: Bool, kindName: String) throws(ModelFileError) {
    try Self.check(instance.featureProbability, key: "\(key).feature_probability", count: n, rule: .density)
    try Self.check(instance.importance, key: "\(key).importance", count: n, rule: .importance)
    let parameters = Parameters(weights: instance.weights, outputWeights: instance.outputWeights, bias: instance.bias)
    try check(parameters, key: key, untied: untied, kindName: kindName, rule: .finite)
    try check(instance.adamM, key: "\(key).adam_m", untied: untied, kindName: kindName, rule: .finite)
    try check(instance.adamV, key: "\(key).adam_v", untied: untied, kindName: kindName, rule: .secondMoment)
    if let loss = instance.loss, !loss.isFinite { throw .notFinite(key: "\(key).loss", value: loss) }
    try ModelFileError.checkRecentLosses(instance.recentLosses, key: "\(key).recent_losses")
  }

  /// W, W₂ and b in their shapes (W₂ exactly when the kind is untied), each value by `rule`.
  private func check(
    _ parameters: Parameters, key: String, untied: Bool, kindName: String, rule: Rule
  ) throws(ModelFileError) {
    try checkRows(parameters.weights, key: "\(key).W", rule: rule)
    switch (parameters.outputWeights, untied) {
    case (let rows?, true): try checkRows(rows, key: "\(key).W2", rule: rule)
    case (nil, true): throw .outputWeightsMissing(key: "\(key).W2")
    case (_?, false): throw .outputWeightsUnexpected(key: "\(key).W2", kind: kindName)
    case (nil, false): break
    }
    try Self.check(parameters.bias, key: "\(key).b", count: n, rule: rule)
  }

  /// F rows of H values.
  private func checkRows(_ rows: [[Float]], key: String, rule: Rule) throws(ModelFileError) {
    guard rows.count == n else { throw .wrongCount(key: key, count: rows.count, expected: n) }
    for (f, row) in rows.enumerated() {
      try Self.check(row, key: "\(key)[\(f)]", count: m, rule: rule)
    }
  }

  /// `count` values, each by `rule`. Keys are built only for an error: a model has millions
  /// of numbers.
  private static func check(
    _ values: [Float], key: @autoclosure () -> String, count: Int, rule: Rule
  ) throws(ModelFileError) {
    guard values.count == count else { throw .wrongCount(key: key(), count: values.count, expected: count) }
    for (index, value) in values.enumerated() { try rule.check(value, key: "\(key())[\(index)]") }
  }

  /// What a number must be.
  private enum Rule {
    /// Finite, since JSON cannot hold NaN or infinity.
    case finite
    /// A feature probability: in (0, 1].
    case density
    /// Finite and at least 0.
    case importance
    /// Finite and at least 0: Adam divides by √ν.
    case secondMoment

    func check(_ value: Float, key: @autoclosure () -> String) throws(ModelFileError) {
      switch self {
      case .density:
        guard value > 0 && value <= 1 else { throw .densityOutOfRange(key: key(), value: value) }
      case .finite:
        guard value.isFinite else { throw .notFinite(key: key(), value: Double(value)) }
      case .importance:
        guard value.isFinite else { throw .notFinite(key: key(), value: Double(value)) }
        guard value >= 0 else { throw .importanceNegative(key: key(), value: value) }
      case .secondMoment:
        guard value.isFinite else { throw .notFinite(key: key(), value: Double(value)) }
        guard value >= 0 else { throw .secondMomentNegative(key: key(), value: value) }
      }
    }
  }

  /// The history's stride is a power of two, its steps rise by multiples of it up to
  /// `steps`, and every instance has one finite loss per step (`FileValueError.checkSteps`).
  private func checkLossHistory() throws(ModelFileError) {
    let history = lossHistory
    guard history.stride >= 1, history.stride & (history.stride - 1) == 0 else {
      throw .lossHistoryInvalid(
        key: "loss_history.stride", reason: "is \(history.stride); it must be a power of two")
    }
    // The stride doubles as the history fills; past the step limit it could overflow.
    guard history.stride <= ToyModel.stepLimit else {
      throw .countTooLarge(key: "loss_history.stride", value: history.stride, limit: ToyModel.stepLimit)
    }
    try ModelFileError.checkSteps(of: history, upTo: steps, instances: instances.count, key: "loss_history")
  }

  /// Feature sets as ranges; the rest of their rules are `ToyModel.validate`'s.
  private func parsedFeatureSets() throws(ModelFileError) -> [FeatureSet] {
    var sets: [FeatureSet] = []
    for (index, entry) in featureSets.enumerated() {
      let key = "feature_sets[\(index)]"
      guard let relation = FeatureSet.Relation(rawValue: entry.relation) else {
        throw .unknownName(
          key: "\(key).relation", found: entry.relation,
          expected: FeatureSet.Relation.allCases.map(\.rawValue))
      }
      guard let first = entry.features.first else {
        throw .featureSetInvalid(key: key, reason: "a set needs at least two features")
      }
      guard first >= 0, first < n else {
        throw .featureSetInvalid(key: key, reason: "feature \(first) lies outside 0..<\(n)")
      }
      guard entry.features.elementsEqual(first..<first + entry.features.count) else {
        throw .featureSetInvalid(key: key, reason: "features must be consecutive and rising")
      }
      sets.append(FeatureSet(relation, features: first..<first + entry.features.count))
    }
    return sets
  }
}
