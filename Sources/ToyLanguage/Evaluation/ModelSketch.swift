import ToyCore

/// A model a check (dry run) has defined but not yet needed whole: its full logical shape
/// (kind, n, m, one importance and density row per setting, seeds, seed, initialisation)
/// and nothing per instance.
///
/// `toy check` of a 20,000-setting sweep built every instance's weights and optimiser state
/// (half a gigabyte) only to refuse nothing. While a model is sketched its entry holds instance
/// 0 alone, as a window of the whole (`ToyModel.firstInstance`); the whole is built, exactly as
/// a run builds it, when a later statement reads the model.
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

  var instanceCount: Int { importance.count * seeds }

  /// Instances `range` of the model, as a window of the whole (the whole when `range` is all).
  func model(instances range: Range<Int>) throws(ModelError) -> ToyModel {
    try ToyModel(
      kind: kind, n: n, m: m, importance: range.map { importance[$0 / seeds] },
      density: range.map { density[$0 / seeds] }, featureSets: featureSets, seed: seed, initialization: initialization,
      settingCount: importance.count, window: (range.lowerBound, instanceCount))
  }
}
