/// Sparse autoencoders (SAEs) on a toy model's hidden states: I instances, trained together
/// but independently, as in Towards Monosemanticity and ARENA's toy SAEs.
///
/// Shapes: I = instances, H = m hidden dimensions (the model's), D = d latents (each instance
/// its own). Instance i reads the hidden states h of the model's instance `settings[i].source`
/// (h = xW for the linear and ReLU-output models, the neurons' activations ReLU(xW) for
/// hidden_relu and abs), on fresh samples of that instance's data every step, drawn from the
/// autoencoder's own random stream for instance i. Per instance:
///
///     pre = (h − b_dec)·W_enc + b_enc,   z = ReLU(pre)   (TopK: only its k largest)
///     ĥ = z·D + b_dec,   D = W_dec with each row divided by its length
///
/// The normalisation is part of the forward pass (gradients flow through it; `W_dec` itself
/// is never renormalised). Loss per instance: the mean over the batch of
/// [mean over H of (ĥ − h)² + λ·Σ_j z_j] (TopK: no λ term); instances add up.
///
/// Every instance's trainable numbers lie in one block of `parameterCount(instance:)` floats:
/// `W_enc` (H×D), `b_enc` (D), `W_dec` (D×H, row j = latent j's direction), `b_dec` (H). The
/// optimiser's moments use the same layout.
public struct SparseAutoencoder: Sendable, Equatable {
  /// One instance: its dictionary size, sparsity variant and the model instance it reads.
  public struct Setting: Sendable, Equatable, Hashable {
    /// d, the number of latents.
    public var latents: Int
    public var variant: Variant
    /// The model instance whose hidden states this instance reconstructs.
    public var source: Int

    public init(latents: Int, variant: Variant, source: Int) {
      self.latents = latents
      self.variant = variant
      self.source = source
    }
  }

  /// How an instance keeps its latents sparse.
  public enum Variant: Sendable, Equatable, Hashable {
    /// An L1 penalty λ·Σ_j z_j in the loss (λ finite, at least 0).
    case l1(Float)
    /// Only the k largest activations of each sample stay (1 ≤ k ≤ d; ties: the lowest
    /// latent); no penalty.
    case topK(Int)

    /// λ, or 0 for TopK.
    public var l1Coefficient: Float {
      if case .l1(let lambda) = self { return lambda }
      return 0
    }

    /// k, or nil for L1.
    public var k: Int? {
      if case .topK(let k) = self { return k }
      return nil
    }
  }

  /// The model's hidden dimensions: the autoencoder's input and output size.
  public let m: Int
  /// One per instance.
  public let settings: [Setting]
  public let seed: UInt64

  // The state below is read anywhere but written only inside ToyCore (init, training,
  // resampling, `setParameters`).

  /// Trainable parameters, one block per instance (see `parameterOffset(instance:)`).
  public internal(set) var parameters: [Float]
  /// Adam's moments, same layout as `parameters`.
  public internal(set) var firstMoment: [Float]
  public internal(set) var secondMoment: [Float]
  /// Optimiser steps taken so far (training again continues the count).
  public internal(set) var steps: Int
  /// Samples drawn so far by each instance's data stream.
  public internal(set) var samplesDrawn: UInt64
  /// Per-instance loss of recent steps (newest last, at most `ToyModel.recentLossCapacity`).
  public internal(set) var recentLosses: [[Float]]
  /// Sampled loss history over all training.
  public internal(set) var history: LossHistory
  /// Per instance and latent: the training steps since the latent was last active on any
  /// sample of a batch (0: active at the latest step). Resampling reads it.
  public internal(set) var idleSteps: [[Int]]
  /// Per instance: how many latents resampling has replaced so far.
  public internal(set) var resampledLatents: [Int]
  /// The model's `steps` when these autoencoders last trained on it (nil before training):
  /// a model trained since then has moved under them.
  public internal(set) var modelSteps: Int?

  /// Where each instance's block starts in `parameters`, and the total at the end.
  let offsets: [Int]

  /// Fresh autoencoders: `W_enc` uniform on ±1/√m from each instance's own stream, `W_dec`
  /// its transpose, biases zero (Anthropic's initialisation; the reference's too).
  public init(m: Int, settings: [Setting], seed: UInt64 = 0) throws(AutoencoderError) {
    try Self.validate(m: m, settings: settings)
    self.m = m
    self.settings = settings
    self.seed = seed
    var offsets = [0]
    for setting in settings { offsets.append(offsets.last! + Self.parameterCount(m: m, latents: setting.latents)) }
    self.offsets = offsets
    let total = offsets.last!
    parameters = [Float](repeating: 0, count: total)
    firstMoment = [Float](repeating: 0, count: total)
    secondMoment = [Float](repeating: 0, count: total)
    steps = 0
    samplesDrawn = 0
    recentLosses = Array(repeating: [], count: settings.count)
    history = LossHistory(instances: settings.count)
    idleSteps = settings.map { [Int](repeating: 0, count: $0.latents) }
    resampledLatents = [Int](repeating: 0, count: settings.count)
    modelSteps = nil
    for instance in settings.indices { initialise(instance: instance) }
  }

  /// Autoencoders for `model`: its m, and every source checked against its instances.
  public init(for model: ToyModel, settings: [Setting], seed: UInt64 = 0) throws(AutoencoderError) {
    try self.init(m: model.m, settings: settings, seed: seed)
    try checkSources(model)
  }

  public var instanceCount: Int { settings.count }

  /// d of an instance.
  public func latents(instance: Int) -> Int { settings[instance].latents }

  /// Floats per instance block for d latents: 2·m·d + d + m.
  static func parameterCount(m: Int, latents d: Int) -> Int { 2 * m * d + d + m }

  public func parameterCount(instance: Int) -> Int { offsets[instance + 1] - offsets[instance] }

  /// Where an instance's block starts in `parameters`.
  public func parameterOffset(instance: Int) -> Int { offsets[instance] }

  /// The offsets of W_enc, b_enc, W_dec and b_dec within a block of d latents.
  struct Layout {
    let m: Int
    let d: Int
    var encoder: Int { 0 }
    var encoderBias: Int { m * d }
    var decoder: Int { m * d + d }
    var decoderBias: Int { 2 * m * d + d }
    var count: Int { 2 * m * d + d + m }
  }

  func blockLayout(instance: Int) -> Layout { Layout(m: m, d: settings[instance].latents) }

  /// The most numbers an autoencoder may hold (parameters and both moments), as for models.
  public static var sizeLimit: Int { ToyModel.sizeLimit }

  static func validate(m: Int, settings: [Setting]) throws(AutoencoderError) {
    guard m >= 1 else { throw .hiddenSizeNotPositive(m) }
    guard !settings.isEmpty else { throw .noInstances }
    var total = 0
    for (instance, setting) in settings.enumerated() {
      let d = setting.latents
      guard d >= 1 else { throw .latentsNotPositive(instance: instance, value: d) }
      guard setting.source >= 0 else {
        throw .sourceOutOfRange(instance: instance, source: setting.source, modelInstances: nil)
      }
      switch setting.variant {
      case .l1(let lambda):
        guard lambda.isFinite, lambda >= 0 else { throw .l1CoefficientInvalid(instance: instance, value: lambda) }
      case .topK(let k):
        guard (1...d).contains(k) else { throw .topKOutOfRange(instance: instance, k: k, latents: d) }
      }
      // 3·(2md + d + m) numbers per instance, checked for overflow before anything is built.
      let (md, o1) = m.multipliedReportingOverflow(by: d)
      let (block, o2) = (md &* 2 &+ d &+ m).multipliedReportingOverflow(by: 3)
      let (sum, o3) = total.addingReportingOverflow(block)
      guard !o1, !o2, !o3, md <= sizeLimit, sum <= sizeLimit else {
        throw .sizeTooLarge(floats: o1 || o2 || o3 ? Int.max : sum, limit: sizeLimit)
      }
      total = sum
    }
  }

  /// Checks that `model` has this autoencoder's m and every instance's source.
  public func checkSources(_ model: ToyModel) throws(AutoencoderError) {
    guard model.m == m else { throw .hiddenSizeMismatch(autoencoder: m, model: model.m) }
    for (instance, setting) in settings.enumerated() where setting.source >= model.instanceCount {
      throw .sourceOutOfRange(instance: instance, source: setting.source, modelInstances: model.instanceCount)
    }
  }

  private mutating func initialise(instance: Int) {
    let stream = RandomStream(seed: seed, instance: instance, purpose: .autoencoderInitialization)
    let layout = blockLayout(instance: instance)
    let base = offsets[instance]
    let bound = 1 / Float(m).squareRoot()
    for k in 0..<m {
      for j in 0..<layout.d {
        let value = bound * RandomStream.signedUnitFloat(stream.word(UInt64(k * layout.d + j)))
        parameters[base + layout.encoder + k * layout.d + j] = value
        parameters[base + layout.decoder + j * m + k] = value
      }
    }
  }

  // MARK: Views of one instance

  /// W_enc: H rows of D (row k = hidden dimension k's weight into each latent).
  public func encoderWeights(instance: Int) -> [[Float]] {
    let (base, layout) = (offsets[instance], blockLayout(instance: instance))
    return (0..<m).map { k in Array(parameters[base + k * layout.d..<base + (k + 1) * layout.d]) }
  }

  /// b_enc: D values.
  public func encoderBias(instance: Int) -> [Float] {
    let (base, layout) = (offsets[instance], blockLayout(instance: instance))
    return Array(parameters[base + layout.encoderBias..<base + layout.encoderBias + layout.d])
  }

  /// W_dec as stored: D rows of H (row j = latent j's direction, not normalised).
  public func decoderWeights(instance: Int) -> [[Float]] {
    let layout = blockLayout(instance: instance)
    let base = offsets[instance] + layout.decoder
    return (0..<layout.d).map { j in Array(parameters[base + j * m..<base + (j + 1) * m]) }
  }

  /// The dictionary D: W_dec's rows at unit length (a zero row stays zero), in Double.
  public func decoderDirections(instance: Int) -> [[Double]] {
    decoderWeights(instance: instance).map { row in
      let values = row.map(Double.init)
      let norm = values.reduce(0) { $0 + $1 * $1 }.squareRoot()
      return norm > 0 ? values.map { $0 / norm } : values
    }
  }

  /// b_dec: H values.
  public func decoderBias(instance: Int) -> [Float] {
    let (base, layout) = (offsets[instance], blockLayout(instance: instance))
    return Array(parameters[base + layout.decoderBias..<base + layout.decoderBias + m])
  }

  /// The notebook-style mean of an instance's last (up to) 100 losses; nil before training.
  public func recentLoss(instance: Int) -> Double? {
    let losses = recentLosses[instance]
    guard !losses.isEmpty else { return nil }
    return losses.reduce(0.0) { $0 + Double($1) } / Double(losses.count)
  }

  /// Replaces one instance's parameters: W_enc (H rows of D), b_enc, W_dec (D rows of H), b_dec.
  public mutating func setParameters(
    instance: Int, encoder: [[Float]], encoderBias: [Float], decoder: [[Float]], decoderBias: [Float]
  ) {
    let (base, layout) = (offsets[instance], blockLayout(instance: instance))
    for k in 0..<m {
      for j in 0..<layout.d { parameters[base + layout.encoder + k * layout.d + j] = encoder[k][j] }
    }
    for j in 0..<layout.d {
      parameters[base + layout.encoderBias + j] = encoderBias[j]
      for k in 0..<m { parameters[base + layout.decoder + j * m + k] = decoder[j][k] }
    }
    for k in 0..<m { parameters[base + layout.decoderBias + k] = decoderBias[k] }
  }
}
