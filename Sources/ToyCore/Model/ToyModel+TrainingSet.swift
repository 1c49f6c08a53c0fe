/// Fixed training sets (Henighan et al. 2023, "Superposition, Memorization, and Double
/// Descent"): each instance trains on T examples drawn once instead of fresh data.
extension ToyModel {
  /// The most examples a training set may hold: the examples' indices are drawn with a
  /// 32-bit multiply-shift, and a step over the whole set is bounded by `sizeLimit` anyway.
  public static let trainingSetLimit = 10_000_000

  /// Gives each instance a fixed training set of `sizes[i]` examples (0 keeps fresh data).
  /// The examples are drawn from the instance's own `.trainingSet` stream when training
  /// starts, so the same seed gives the same set.
  ///
  /// With `normalize`, every example the model draws is rescaled to unit norm (see
  /// `normalizesExamples`), the note's setting; every instance must then have a set, since
  /// the fresh data of the paper keep their law.
  public mutating func useTrainingSets(sizes: [Int], normalize: Bool = false) throws(ModelError) {
    guard sizes.count == instanceCount else {
      throw .rowLength(name: "training set sizes", instance: 0, count: sizes.count, expected: instanceCount)
    }
    for (instance, size) in sizes.enumerated() where !(0...Self.trainingSetLimit).contains(size) {
      throw .trainingSetSizeOutOfRange(instance: instance, size: size, limit: Self.trainingSetLimit)
    }
    if normalize, let instance = sizes.firstIndex(of: 0) {
      throw .normalizationWithoutTrainingSet(instance: instance)
    }
    trainingSetSizes = sizes.allSatisfy { $0 == 0 } ? [] : sizes
    normalizesExamples = normalize
  }

  /// T of an instance's training set, 0 when it trains on fresh data.
  public func trainingSetSize(instance: Int) -> Int {
    trainingSetSizes.isEmpty ? 0 : trainingSetSizes[instance]
  }

  /// Whether any instance trains on a fixed set.
  public var hasTrainingSets: Bool { !trainingSetSizes.isEmpty }

  /// The examples of an instance's training set, one row of n values each (empty without one).
  public func trainingSet(instance: Int) -> [[Float]] {
    let size = trainingSetSize(instance: instance)
    guard size > 0 else { return [] }
    let set = TrainingSet(model: self, instance: instance, count: size)
    return (0..<size).map { set.example($0) }
  }

  /// The samples a step of `batch` reads for an instance: its set's size in full batch
  /// (the default for a set), else `batch`.
  func stepBatch(instance: Int, batch: Int) -> Int {
    let size = trainingSetSize(instance: instance)
    return size > 0 && batch >= size ? size : batch
  }

  /// Checks a step of `batch` as `checkBatch` does, counting each instance's own samples: a
  /// batch at least a set's size trains that set in full batch.
  public func checkStep(batch: Int) throws(ModelError) {
    guard hasTrainingSets else { return try Self.checkBatch(batch, n: n, instances: instanceCount) }
    guard batch >= 1 else { throw .batchNotPositive(batch) }
    let total = (0..<instanceCount).reduce(0) { $0 + stepBatch(instance: $1, batch: batch) }
    try Self.checkBatch(total, n: n, instances: 1)
  }

  /// A minibatch asked for that is larger than some instance's set (a request `checkStep`
  /// would read as full batch).
  public func checkMinibatch(_ batch: Int) throws(ModelError) {
    for (instance, size) in trainingSetSizes.enumerated() where size > 0 && batch > size {
      throw .batchLargerThanTrainingSet(batch: batch, instance: instance, size: size)
    }
  }

  /// The batch that trains every set in full: the largest set's size.
  public var fullBatch: Int { trainingSetSizes.max() ?? 0 }

  /// Each instance's loss over its whole training set (the notebook's loss, mean over
  /// examples and features); nil for instances without a set.
  public func trainingSetLoss() -> [Double?] {
    (0..<instanceCount).map { trainingSetLoss(instance: $0) }
  }

  /// One instance's loss over its whole training set; nil without one.
  public func trainingSetLoss(instance: Int) -> Double? {
    let size = trainingSetSize(instance: instance)
    guard size > 0 else { return nil }
    let set = TrainingSet(model: self, instance: instance, count: size)
    let sampler = BatchSampler(
      model: self, instance: instance, stream: RandomStream(key: 0),
      fixed: .init(set: set, fullBatch: true, minibatch: RandomStream(key: 0)))
    return loss(instance: instance, sampler: sampler, first: 0, count: size)
  }

  /// Each instance's test loss: the notebook's loss on `samples` fresh samples of its
  /// distribution (the fixed evaluation batch, which no training set shares), rescaled to
  /// unit norm when the model's examples are (`normalizesExamples`), as the note's test set.
  public func testLoss(samples: Int = 16_384) -> [Double] { evaluationLoss(samples: samples) }

  /// The hidden vectors h_t = Wx_t of an instance's training examples, T×H in Double (for
  /// the abs model, after the hidden ReLU), from the models' equations.
  public func trainingHiddenVectors(instance: Int) -> [[Double]] {
    let parameters = referenceParameters(instance: instance)
    return trainingSet(instance: instance).map { x in
      ReferenceKernel.forward(kind: kind, parameters, x.map(Double.init)).1
    }
  }
}
