import CToyKernels

/// Draws an instance's training data: a fresh batch every step, as the notebook does.
///
/// Each (sample, feature) pair has two 32-bit words computed from the instance's stream key
/// and its position alone: the mask word decides whether the feature is active (density
/// resolved to 2⁻³², so 0.001 is exact), the value word gives a uniform value on [0, 1) (on
/// [−1, 1) for the abs model). In the model's `.grouped` and `.oneWord` data schemes, a
/// feature of density under 1/16 decides its mask in groups of sixteen samples, from one word
/// per group where the group is empty (the same law, fewer hashes); in `.oneWord`, a feature
/// of density from 1/16 up to but not including 1 takes its value from its mask word, which is
/// uniform below the threshold where it is active (the same law, one word instead of two), in
/// the data drawn every step (what a model draws once keeps `.grouped`: `forDataDrawnOnce`). A
/// correlated set takes its on/off decision from its first member's mask word; an
/// anti-correlated set takes it there too and picks its one active member with the second
/// member's mask word; their members draw value words in every scheme. The formulas live in
/// `CToyKernels/toy_data.c` alone; this type hands it the features, sets and thresholds.
///
/// A model that normalises its examples (`normalizesExamples`, Henighan et al. 2023) has
/// each fresh sample divided by its norm here, after the law has drawn it, so its training
/// set, its evaluation batch and an autoencoder's data all hold unit vectors.
struct BatchSampler {
  let n: Int
  let signed: Bool
  let stream: RandomStream
  let scheme: DataScheme
  /// Per feature: the activity threshold (see `RandomStream.threshold`).
  let thresholds: [UInt64]
  /// Per feature, 16 entries: the group table of a sparse feature (`toy_group_cdf`); empty in
  /// the per-sample scheme.
  let groupTables: [UInt32]
  /// Features outside every set.
  let independent: [Int]
  let sets: [FeatureSet]
  let path: toy_kernel_path
  /// The instance's fixed training set, when it has one: samples then come from it.
  let fixed: FixedSource?
  /// Whether fresh samples are rescaled to unit norm (a fixed set holds them so already).
  let normalizes: Bool

  /// A fixed training set and how a step reads it (see `TrainingSet`).
  struct FixedSource {
    let set: TrainingSet
    let fullBatch: Bool
    let minibatch: RandomStream
  }

  /// `drawnOnce` marks data drawn once rather than every step (a fixed training set, the
  /// evaluation batch): it keeps the law of `DataScheme.forDataDrawnOnce`.
  init(
    model: ToyModel, instance: Int, stream: RandomStream, path: toy_kernel_path = ChunkKernel.defaultPath,
    fixed: FixedSource? = nil, drawnOnce: Bool = false
  ) {
    self.fixed = fixed
    normalizes = model.normalizesExamples
    n = model.n
    signed = model.kind.signedInputs
    self.stream = stream
    self.path = path
    thresholds = model.density(instance: instance).map { RandomStream.threshold(probability: $0) }
    scheme = drawnOnce ? model.dataScheme.forDataDrawnOnce : model.dataScheme
    groupTables = scheme == .perSample ? [] : Self.groupTables(thresholds)
    sets = model.featureSets
    var inSet = [Bool](repeating: false, count: model.n)
    for set in model.featureSets { for f in set.features { inSet[f] = true } }
    independent = (0..<model.n).filter { !inSet[$0] }
  }

  /// A copy with storage of its own, for one worker thread: copies that share array buffers
  /// bump one reference count from every core, and that contention costs more than the work.
  func isolatedCopy() -> BatchSampler {
    BatchSampler(
      n: n, signed: signed, stream: stream, scheme: scheme, thresholds: thresholds.map { $0 },
      groupTables: groupTables.map { $0 },
      independent: independent.map { $0 }, sets: sets.map { $0 }, path: path, fixed: fixed, normalizes: normalizes)
  }

  private init(
    n: Int, signed: Bool, stream: RandomStream, scheme: DataScheme, thresholds: [UInt64], groupTables: [UInt32],
    independent: [Int],
    sets: [FeatureSet], path: toy_kernel_path, fixed: FixedSource?, normalizes: Bool
  ) {
    self.fixed = fixed
    self.normalizes = normalizes
    self.n = n
    self.signed = signed
    self.stream = stream
    self.scheme = scheme
    self.thresholds = thresholds
    self.groupTables = groupTables
    self.independent = independent
    self.sets = sets
    self.path = path
  }

  /// The features' group tables, 16 entries each (zeros for features that do not use one).
  private static func groupTables(_ thresholds: [UInt64]) -> [UInt32] {
    var tables = [UInt32](repeating: 0, count: thresholds.count * 16)
    tables.withUnsafeMutableBufferPointer { out in
      for (f, threshold) in thresholds.enumerated() where threshold < TOY_GROUP_BELOW {
        toy_group_cdf(threshold, out.baseAddress! + f * 16)
      }
    }
    return tables
  }

  /// Writes samples `first ..< first + count` feature-major into `x`: feature f's values
  /// at `x[f·width ..< f·width + count]`, zeros in the padding up to `width`.
  func fill(first: UInt64, count: Int, width: Int, into x: UnsafeMutablePointer<Float>) {
    if let fixed {
      let examples = (0..<count).map {
        TrainingSet.example(
          at: first &+ UInt64($0), of: fixed.set.count, fullBatch: fixed.fullBatch, minibatch: fixed.minibatch)
      }
      fixed.set.fill(examples: examples, width: width, into: x)
      return
    }
    groupTables.withUnsafeBufferPointer { tables in
      for f in independent {
        toy_fill_feature(
          path, scheme.cScheme, stream.key, first, Int32(count), Int32(n), Int32(f), thresholds[f],
          tables.isEmpty ? nil : tables.baseAddress! + f * 16, signed ? 1 : 0, x + f * width)
      }
    }
    for set in sets {
      let lead = set.features.lowerBound
      toy_fill_set(
        path, stream.key, first, Int32(count), Int32(n), Int32(lead), Int32(set.features.count),
        set.relation == .anticorrelated ? 1 : 0, thresholds[lead], signed ? 1 : 0, x + lead * width, width)
    }
    for f in 0..<n {
      for j in count..<width { x[f * width + j] = 0 }
    }
    if normalizes { Self.normalize(x, n: n, count: count, width: width) }
  }

  /// Divides samples `0 ..< count` of the feature-major `x` by their norms, summed in Double
  /// over the features in order (so any thread gets the same bits). A sample with no active
  /// feature has no direction and stays zero, as the replications' x/(‖x‖ + ε) leaves it.
  static func normalize(_ x: UnsafeMutablePointer<Float>, n: Int, count: Int, width: Int) {
    var squares = [Double](repeating: 0, count: count)
    for f in 0..<n {
      for j in 0..<count {
        let v = Double(x[f * width + j])
        squares[j] += v * v
      }
    }
    let norms = squares.map { $0.squareRoot() }
    for f in 0..<n {
      for j in 0..<count where norms[j] > 0 { x[f * width + j] = Float(Double(x[f * width + j]) / norms[j]) }
    }
  }
}

extension DataScheme {
  /// The scheme's number in `CToyKernels`.
  var cScheme: toy_data_scheme { toy_data_scheme(UInt32(rawValue)) }

  /// The scheme of the data a model draws once rather than every step: its fixed training
  /// sets and the evaluation batch. The one-word values save time only where data is drawn
  /// step after step, so version 3 draws these as version 2 does, and a model of either
  /// version is evaluated on the same inputs.
  var forDataDrawnOnce: DataScheme { self == .oneWord ? .grouped : self }
}

extension BatchSampler {
  /// The sampler the trainer uses for an instance: fresh data from its `.data` stream, or
  /// its fixed training set read by batches of `batch` (full batch when `batch` is at least
  /// the set's size).
  static func training(model: ToyModel, instance: Int, batch: Int) -> BatchSampler {
    let key = model.firstInstance + instance
    let stream = RandomStream(seed: model.seed, instance: key, purpose: .data)
    let size = model.trainingSetSize(instance: instance)
    guard size > 0 else { return BatchSampler(model: model, instance: instance, stream: stream) }
    let fixed = FixedSource(
      set: TrainingSet(model: model, instance: instance, count: size), fullBatch: batch >= size,
      minibatch: RandomStream(seed: model.seed, instance: key, purpose: .minibatch))
    return BatchSampler(model: model, instance: instance, stream: stream, fixed: fixed)
  }
}

extension ToyModel {
  /// Samples `first ..< first + count` of an instance's training data, one row per sample
  /// (the same numbers the trainer uses at those sample positions).
  public func trainingSamples(instance: Int, first: UInt64, count: Int, path: KernelPath = .best) -> [[Float]] {
    let stream = RandomStream(seed: seed, instance: firstInstance + instance, purpose: .data)
    return samples(
      sampler: BatchSampler(model: self, instance: instance, stream: stream, path: path.cPath), first: first,
      count: count)
  }

  /// The fixed evaluation batch for an instance: the same stream for every seed and instance,
  /// so that seeds of one setting are compared on the same inputs.
  public func evaluationSamples(instance: Int, count: Int) -> [[Float]] {
    samples(sampler: evaluationSampler(instance: instance), first: 0, count: count)
  }

  /// The sampler of an instance's evaluation batch (data drawn once).
  func evaluationSampler(instance: Int) -> BatchSampler {
    BatchSampler(model: self, instance: instance, stream: Self.evaluationStream, drawnOnce: true)
  }

  static let evaluationStream = RandomStream(seed: 0, instance: 0, purpose: .evaluation)

  /// Samples `first ..< first + count` of `sampler`, one row per sample.
  private func samples(sampler: BatchSampler, first: UInt64, count: Int) -> [[Float]] {
    guard count > 0 else { return [] }
    let buffer = UnsafeMutablePointer<Float>.allocate(capacity: n * count)
    defer { buffer.deallocate() }
    sampler.fill(first: first, count: count, width: count, into: buffer)
    return (0..<count).map { j in (0..<n).map { f in buffer[f * count + j] } }
  }
}
