/// Parts of a model for training apart: what each instance costs, and a fresh window of any
/// instances (see `firstInstance`), which trains bit for bit as those instances of the whole.
///
/// Shapes: I = instances, F = n features, H = m hidden dimensions.
extension ToyModel {
  /// Each instance's expected work per sample of a step, by the trainer's own cost model
  /// (`workCosts`): a split of training across machines balances it as the trainer balances
  /// its threads. It depends on the model's shape and densities alone, never on the machine.
  public var instanceCosts: [Double] { workCosts() }

  /// Instances `range` of this model as they were initialised, as a window of the whole model
  /// of `whole` instances (this one, by default): trained, they give exactly what those
  /// instances of the whole give trained from the start.
  public func initialWindow(_ range: Range<Int>, of whole: Int? = nil) throws(ModelError) -> ToyModel {
    var window = try ToyModel(
      kind: kind, n: n, m: m, importance: range.map { importance(instance: $0) },
      density: range.map { density(instance: $0) }, featureSets: featureSets, seed: seed,
      initialization: initialization, settingCount: settingCount,
      window: (firstInstance + range.lowerBound, whole ?? firstInstance + instanceCount))
    if hasTrainingSets {
      try window.useTrainingSets(sizes: range.map { trainingSetSizes[$0] }, normalize: normalizesExamples)
    }
    return window
  }
}

extension TrainingOutcome {
  /// A call that took all its steps, as a model trained elsewhere in windows reports it.
  public static func completed(steps: Int) -> TrainingOutcome { TrainingOutcome(stepsTaken: steps, cancelled: false) }
}
