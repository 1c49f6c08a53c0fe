/// A toy model: I instances of one kind and shape, trained together but independently.
///
/// Shapes: I = instances, F = n features, H = m hidden dimensions.
/// Every instance's trainable numbers live in one flat block of `parameterCount` floats:
/// `W` (F×H, row f = feature f's direction; for abs this is W₁ transposed), then for abs
/// `W2` (F×H, row f = feature f's output weights), then `b` (F). The optimiser's moments
/// use the same layout, so AdamW is one loop over a block.
public struct ToyModel: Sendable, Equatable {
  public let kind: ModelKind
  public let n: Int
  public let m: Int
  public let instanceCount: Int
  /// How many distinct settings the instances hold; the others repeat a setting with another
  /// seed. It is the I of `xavier_notebook`'s std √(2/(m(n+I))), so that replicas do not
  /// change how a setting starts: a setting trained with 40 seeds starts each of them at the
  /// scale one seed would. Equal to `instanceCount` (every instance its own setting, the
  /// notebook exactly) unless given.
  public let settingCount: Int
  public let seed: UInt64
  /// Where this model's instance 0 sits among the instances of the model it is a window of
  /// (0 for a whole model). Random streams are keyed by that whole model's instance index,
  /// so a window initialises and trains, bit for bit, as those instances of the whole: a check
  /// can train a huge sweep one instance at a time in the memory of one instance.
  public let firstInstance: Int
  public let initialization: Initialization
  /// How the data streams turn words into samples: `.oneWord` for new models; a model loaded
  /// from a file keeps the file's scheme, so that training on draws what it would have drawn.
  public let dataScheme: DataScheme

  // The state below is read anywhere but written only inside ToyCore (init, training,
  // loading, `setParameters`): no other module can leave a model half updated.

  /// Per-instance importance, I×F.
  public internal(set) var importance: [Float]
  /// Per-instance density 1−S (the notebook's `feature_probability`), I×F.
  public internal(set) var density: [Float]
  /// Linked feature groups; features outside every set are independent.
  public internal(set) var featureSets: [FeatureSet]

  /// Trainable parameters, I blocks of `parameterCount`.
  public internal(set) var parameters: [Float]
  /// AdamW/Adam moments, same layout as `parameters`.
  public internal(set) var firstMoment: [Float]
  public internal(set) var secondMoment: [Float]
  /// Optimiser steps taken so far (training again continues the count).
  public internal(set) var steps: Int
  /// Samples drawn so far by each instance's data stream.
  public internal(set) var samplesDrawn: UInt64
  /// Per-instance loss of recent steps (newest last, at most `recentLossCapacity`).
  public internal(set) var recentLosses: [[Float]]
  /// Sampled loss history over all training.
  public internal(set) var history: LossHistory
  /// Per instance, the size T of its fixed training set (0: fresh data every step, as the
  /// paper); empty when no instance has one. See `useTrainingSets`.
  public internal(set) var trainingSetSizes: [Int] = []
  /// Whether every example the model's data law draws is rescaled to unit norm, ‖x‖ = 1, as
  /// Henighan et al. do: its training sets, its evaluation batch and an autoencoder's data.
  /// Only with training sets (see `useTrainingSets`); false keeps the paper's law.
  public internal(set) var normalizesExamples = false

  public static let recentLossCapacity = 100

  /// Floats per instance in `parameters`.
  public var parameterCount: Int { (kind.untied ? 2 : 1) * n * m + n }
  var weightsOffset: Int { 0 }
  var outputWeightsOffset: Int { kind.untied ? n * m : 0 }
  var biasOffset: Int { (kind.untied ? 2 : 1) * n * m }

  /// A freshly initialised model; `importance` and `density` give one row per instance.
  /// `settingCount` (1 … instances, default every instance) says how many distinct settings
  /// the instances repeat, for the initial scale (see `settingCount`).
  ///
  /// With `window`, the rows are instances `first ..< first + rows` of a model of `of`
  /// instances, and `settingCount` counts that whole model's settings (see `firstInstance`).
  public init(
    kind: ModelKind, n: Int, m: Int, importance: [[Float]], density: [[Float]],
    featureSets: [FeatureSet] = [], seed: UInt64 = 0, initialization: Initialization? = nil,
    settingCount: Int? = nil, window: (first: Int, of: Int)? = nil
  ) throws(ModelError) {
    let instances = importance.count
    try Self.validate(n: n, m: m, importance: importance, density: density, featureSets: featureSets)
    let whole = window?.of ?? instances
    let first = window?.first ?? 0
    let settings = settingCount ?? whole
    guard (1...max(1, whole)).contains(settings), first >= 0, first <= whole - instances else {
      throw .settingCountOutOfRange(value: settings, instances: whole)
    }
    self.firstInstance = first
    self.kind = kind
    self.n = n
    self.m = m
    self.instanceCount = instances
    self.settingCount = settings
    self.seed = seed
    self.initialization = initialization ?? .standard(for: kind)
    self.dataScheme = .oneWord
    self.importance = importance.flatMap { $0 }
    self.density = density.flatMap { $0 }
    self.featureSets = featureSets
    let count = (kind.untied ? 2 : 1) * n * m + n
    self.parameters = [Float](repeating: 0, count: instances * count)
    self.firstMoment = [Float](repeating: 0, count: instances * count)
    self.secondMoment = [Float](repeating: 0, count: instances * count)
    self.steps = 0
    self.samplesDrawn = 0
    self.recentLosses = Array(repeating: [], count: instances)
    self.history = LossHistory(instances: instances)
    initialiseWeights()
  }

  /// The weights' standard deviation (normal) or bound (uniform) under `initialization`.
  /// `xavier_notebook` counts settings, not instances, as its I (see `settingCount`).
  public var initialScale: Double {
    let (n, m, i) = (Double(n), Double(m), Double(settingCount))
    switch initialization {
    case .notebookXavier: return (2 / (m * (n + i))).squareRoot()
    case .instanceXavier: return (2 / (n + m)).squareRoot()
    case .kaimingUniform: return (6 / (n * m)).squareRoot()
    }
  }

  private mutating func initialiseWeights() {
    let scale = initialScale
    let weightCount = (kind.untied ? 2 : 1) * n * m
    for instance in 0..<instanceCount {
      let stream = RandomStream(seed: seed, instance: firstInstance + instance, purpose: .initialization)
      let base = instance * parameterCount
      for index in 0..<weightCount {
        let value: Double
        switch initialization {
        case .notebookXavier, .instanceXavier:
          value = scale * stream.normal(UInt64(index))
        case .kaimingUniform:
          value = scale * (2 * RandomStream.unitDouble(stream.word(UInt64(index))) - 1)
        }
        parameters[base + index] = Float(value)
      }
    }
  }

  // MARK: Views of one instance

  /// Row f of W for an instance: feature f's direction (for abs, its input weights).
  public func weights(instance: Int) -> [[Float]] {
    rows(instance: instance, offset: weightsOffset)
  }

  /// Row f of W₂ for an abs instance (feature f's output weights); W again for tied kinds.
  public func outputWeights(instance: Int) -> [[Float]] {
    rows(instance: instance, offset: outputWeightsOffset)
  }

  public func bias(instance: Int) -> [Float] {
    let base = instance * parameterCount + biasOffset
    return Array(parameters[base..<base + n])
  }

  public func importance(instance: Int) -> [Float] {
    Array(importance[instance * n..<(instance + 1) * n])
  }

  public func density(instance: Int) -> [Float] {
    Array(density[instance * n..<(instance + 1) * n])
  }

  /// The notebook's per-instance loss averaged over the last (up to) 100 steps; nil before training.
  public func recentLoss(instance: Int) -> Double? {
    let losses = recentLosses[instance]
    guard !losses.isEmpty else { return nil }
    return losses.reduce(0.0) { $0 + Double($1) } / Double(losses.count)
  }

  private func rows(instance: Int, offset: Int) -> [[Float]] {
    let base = instance * parameterCount + offset
    return (0..<n).map { f in Array(parameters[base + f * m..<base + (f + 1) * m]) }
  }

  /// Replaces one instance's weights, output weights (abs only) and bias.
  public mutating func setParameters(
    instance: Int, weights: [[Float]], outputWeights: [[Float]]? = nil, bias: [Float]
  ) {
    let base = instance * parameterCount
    for f in 0..<n {
      for k in 0..<m { parameters[base + weightsOffset + f * m + k] = weights[f][k] }
    }
    if kind.untied, let outputWeights {
      for f in 0..<n {
        for k in 0..<m { parameters[base + outputWeightsOffset + f * m + k] = outputWeights[f][k] }
      }
    }
    for f in 0..<n { parameters[base + biasOffset + f] = bias[f] }
  }
}

/// How an instance's data stream turns its words into samples (scheme in
/// `CToyKernels/toy_data.c`). Each scheme is a model-file version, since a file must say what
/// its `samples_drawn` position means.
public enum DataScheme: Int, Sendable, CaseIterable {
  /// Every sample draws its own mask word for every feature (model files of version 1).
  case perSample = 1
  /// As `perSample`, except that features of density under 1/16 draw their masks in groups
  /// of sixteen samples: the same law, fewer hashes (version 2).
  case grouped = 2
  /// As `grouped`, except that a feature of density from 1/16 up to but not including 1
  /// takes its value from its mask word in the data drawn every step: the same law, one hash
  /// per sample instead of two (version 3). Data drawn once is drawn as in `grouped`
  /// (`forDataDrawnOnce`).
  case oneWord = 3
}
