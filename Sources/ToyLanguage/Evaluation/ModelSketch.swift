import ToyCore

/// A model a check (dry run) has defined too big to hold whole: its full logical shape (kind,
/// n, m, one importance and density row per setting, seeds, seed, initialisation) and the
/// training the check has given it, and nothing per instance.
///
/// `toy check` of a 20,000-setting sweep built every instance's weights and optimiser state
/// (gigabytes) only to refuse nothing. A check keeps such a model sketched through the whole
/// script: its entry holds instance 0 alone, and a statement that reads instances builds
/// windows of them (`ToyModel.firstInstance`), a few at a time, each trained through
/// `trainings` so that it holds exactly the numbers those instances of the whole would hold.
/// A check's training is one step on one sample per `train`, so rebuilding a window is cheap;
/// but every `train` and every statement reading weights rebuilds the windows it needs, so
/// the check's time grows as trains × (trains + reads) where holding the whole grew as trains.
struct ModelSketch: Sendable {
  var kind: ModelKind
  var n: Int
  var m: Int
  /// Per setting; instances are setting-major, `seeds` each.
  var importance: [[Float]]
  var density: [[Float]]
  var seeds: Int
  var featureSets: [FeatureSet]
  var seed: UInt64
  var initialization: Initialization?
  /// The options of every `train` the check has run on the model so far (one step each).
  var trainings: [TrainingOptions] = []
  /// Each setting's fixed training set size (`dataset=`); empty without sets.
  var trainingSetSizes: [Int] = []
  /// Whether the sets' examples are rescaled to unit norm (`normalize=unit`).
  var normalizesExamples = false
  /// Each instance's recent loss after the latest of `trainings` (empty before the first),
  /// gathered as the check trained it: `print loss` then reads no window.
  var recentLosses: [Double?] = []

  var instanceCount: Int { importance.count * seeds }

  func importance(instance: Int) -> [Float] { importance[instance / seeds] }
  func density(instance: Int) -> [Float] { density[instance / seeds] }
  func recentLoss(instance: Int) -> Double? { recentLosses.isEmpty ? nil : recentLosses[instance] }

  /// The model freshly initialised, as `reset` leaves it.
  mutating func reset() {
    trainings = []
    recentLosses = []
  }

  /// Floats one instance takes built: its parameters, their two moments, its importance and
  /// density.
  var floatsPerInstance: Int { 3 * ((kind.untied ? 2 : 1) * n * m + n) + 2 * n }

  /// The most instances a window of at most `floats` floats holds (at least one).
  func instancesPerWindow(floats: Int) -> Int { max(1, floats / floatsPerInstance) }

  /// Whether the whole model takes at most `floats` floats built.
  func fits(floats: Int) -> Bool { instanceCount <= floats / floatsPerInstance }

  /// Consecutive windows of `size` instances covering the model, in order.
  func windows(of size: Int) -> [Range<Int>] {
    stride(from: 0, to: instanceCount, by: size).map { $0..<min($0 + size, instanceCount) }
  }

  /// Instances `range` as the whole model holds them now: built (a window of the whole, the
  /// whole when `range` is all), then trained through `trainings`, which the whole took
  /// without diverging; a window's instances train as the whole's do.
  func model(instances range: Range<Int>) throws(ModelError) -> ToyModel {
    var model = try ToyModel(
      kind: kind, n: n, m: m, importance: range.map { importance(instance: $0) },
      density: range.map { density(instance: $0) }, featureSets: featureSets, seed: seed,
      initialization: initialization, settingCount: importance.count, window: (range.lowerBound, instanceCount))
    if !trainingSetSizes.isEmpty {
      try model.useTrainingSets(sizes: range.map { trainingSetSizes[$0 / seeds] }, normalize: normalizesExamples)
    }
    for options in trainings { try model.train(options) }
    return model
  }
}
