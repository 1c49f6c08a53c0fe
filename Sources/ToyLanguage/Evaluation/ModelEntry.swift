import ToyCore

/// A named model and how it was made.
public struct ModelEntry: Sendable {
  public var name: String
  public var model: ToyModel
  /// One label row per setting (sweep values), e.g. [("p", 0.1)].
  public var settings: [[(String, Double)]]
  /// Seeds per setting: instances are setting-major, `seeds` each.
  public var seeds: Int
  /// The instance shown for each setting: the lowest-loss seed after training.
  public var shown: [Int]
  /// Every feature's D_i at points during training, for `show dynamics` (small models only).
  public var dynamics = DimensionalityHistory()
  /// Sparse autoencoders on this model's hidden states (`sae …`), in the order defined.
  public var autoencoders: [AutoencoderEntry] = []
  /// Which of `autoencoders` `train sae`, `print sae` and the SAE metrics read.
  public var currentAutoencoderIndex: Int?
  /// The batch that trains every setting's fixed set in full (the whole model's largest
  /// `dataset=`, also in a share that holds a window of it); 0 without sets.
  var fullBatch = 0
  /// In a check, the whole model when it is too big to hold: `model` is then instance 0 alone
  /// (see ModelSketch). Always nil in a run.
  var sketch: ModelSketch?

  init(
    name: String, model: ToyModel, settings: [[(String, Double)]], seeds: Int, shown: [Int],
    sketch: ModelSketch? = nil
  ) {
    self.name = name
    self.model = model
    self.settings = settings
    self.seeds = seeds
    self.shown = shown
    self.sketch = sketch
  }

  /// Instances whose weights this entry holds: one for a model a check keeps sketched.
  public var heldInstances: Int { model.instanceCount }

  /// The model's instances, held or not: what counts and limits are checked against.
  var instanceCount: Int { sketch?.instanceCount ?? model.instanceCount }

  /// An instance's importance and density rows, held or not.
  func importance(instance: Int) -> [Float] {
    sketch?.importance(instance: instance) ?? model.importance(instance: instance - model.firstInstance)
  }

  func density(instance: Int) -> [Float] { sketch?.density(instance: instance) ?? model.density(instance: instance) }

  /// An instance's loss averaged over its recent steps, nil before training.
  func recentLoss(instance: Int) -> Double? {
    guard let sketch else { return model.recentLoss(instance: instance) }
    return sketch.recentLoss(instance: instance)
  }
}
