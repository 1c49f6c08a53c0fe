/// Sparse autoencoders as they are saved: one entry of a model file's `autoencoders` array
/// (docs/model-format.md), as values. Like `ModelFile`, every number training reads is here,
/// so a loaded autoencoder trains on bit for bit as the saved one would have; floats are
/// written so that Float32 and Float64-first readers get the saved bits.
///
/// Shapes: I = instances, H = `m`, D = each instance's `latents`.
public struct AutoencoderFile: Codable, Sendable, Equatable {
  /// The name the session gave the autoencoders.
  public var name: String
  public var m: Int
  public var seed: UInt64
  public var steps: Int
  public var samplesDrawn: UInt64
  /// The model's `steps` when the autoencoders last trained; absent before training.
  public var modelSteps: Int?
  public var lossHistory: LossHistory
  public var instances: [Instance]
  /// How training replaces dead latents (the session's `resample=`); absent: never.
  public var resample: Resample?

  enum CodingKeys: String, CodingKey {
    case name, m, seed, steps, instances, resample
    case samplesDrawn = "samples_drawn"
    case modelSteps = "model_steps"
    case lossHistory = "loss_history"
  }

  /// One instance: its setting, parameters, recent losses, activity and optimiser state.
  public struct Instance: Codable, Sendable, Equatable {
    public var latents: Int
    /// `l1` or `topk`.
    public var variant: String
    /// λ (the L1 variant only).
    public var l1: Float?
    /// k (the TopK variant only).
    public var k: Int?
    /// The model instance it reads.
    public var source: Int
    public var parameters: Parameters
    public var loss: Double?
    public var recentLosses: [Float]
    /// Per latent, the steps since it was last active.
    public var idleSteps: [Int]
    /// Latents resampled so far.
    public var resampled: Int
    public var adamM: Parameters
    public var adamV: Parameters

    enum CodingKeys: String, CodingKey {
      case latents, variant, l1, k, source, loss, resampled
      case parameters = "parameters"
      case recentLosses = "recent_losses"
      case idleSteps = "idle_steps"
      case adamM = "adam_m"
      case adamV = "adam_v"
    }
  }

  /// `Resampling` as saved: its method's name, period, window and scale.
  public struct Resample: Codable, Sendable, Equatable {
    public var method: String
    public var every: Int
    public var window: Int
    public var scale: Float

    public init(_ resampling: Resampling) {
      (method, every, window, scale) = (
        resampling.method.rawValue, resampling.every, resampling.window, resampling.scale
      )
    }
  }

  /// Numbers in the shape of one instance's parameters.
  public struct Parameters: Codable, Sendable, Equatable {
    /// W_enc: H rows of D.
    public var encoder: [[Float]]
    public var encoderBias: [Float]
    /// W_dec: D rows of H.
    public var decoder: [[Float]]
    public var decoderBias: [Float]

    enum CodingKeys: String, CodingKey {
      case encoder = "W_enc"
      case encoderBias = "b_enc"
      case decoder = "W_dec"
      case decoderBias = "b_dec"
    }

    public func encode(to encoder: any Encoder) throws {
      var container = encoder.container(keyedBy: CodingKeys.self)
      try container.encode(self.encoder.map(ExactFloats.init), forKey: .encoder)
      try container.encode(ExactFloats(encoderBias), forKey: .encoderBias)
      try container.encode(decoder.map(ExactFloats.init), forKey: .decoder)
      try container.encode(ExactFloats(decoderBias), forKey: .decoderBias)
    }

    /// One instance's block of a flat layout (W_enc, b_enc, W_dec, b_dec).
    init(block: ArraySlice<Float>, m: Int, d: Int) {
      let base = block.startIndex
      encoder = (0..<m).map { k in Array(block[base + k * d..<base + (k + 1) * d]) }
      encoderBias = Array(block[base + m * d..<base + m * d + d])
      let decoderStart = base + m * d + d
      decoder = (0..<d).map { j in Array(block[decoderStart + j * m..<decoderStart + (j + 1) * m]) }
      decoderBias = Array(block[decoderStart + d * m..<decoderStart + d * m + m])
    }

    var flattened: [Float] { encoder.flatMap { $0 } + encoderBias + decoder.flatMap { $0 } + decoderBias }
  }
}

extension AutoencoderFile {
  public func encode(to encoder: any Encoder) throws {
    var container = encoder.container(keyedBy: CodingKeys.self)
    try container.encode(name, forKey: .name)
    try container.encode(m, forKey: .m)
    try container.encode(seed, forKey: .seed)
    try container.encode(steps, forKey: .steps)
    try container.encode(samplesDrawn, forKey: .samplesDrawn)
    try container.encodeIfPresent(modelSteps, forKey: .modelSteps)
    try container.encode(ExactLossHistory(lossHistory), forKey: .lossHistory)
    try container.encode(instances, forKey: .instances)
    try container.encodeIfPresent(resample, forKey: .resample)
  }
}

extension AutoencoderFile.Instance {
  /// Writes `loss` as null before training, and only the variant's own coefficient.
  public func encode(to encoder: any Encoder) throws {
    var container = encoder.container(keyedBy: CodingKeys.self)
    try container.encode(latents, forKey: .latents)
    try container.encode(variant, forKey: .variant)
    // λ as `ExactFloats` writes its values: the one double-rounding trap with a Float64's digits.
    if let l1 {
      if l1.magnitude.bitPattern == ExactFloats.doubleRoundingTrap {
        try container.encode(Double(l1), forKey: .l1)
      } else {
        try container.encode(l1, forKey: .l1)
      }
    }
    try container.encodeIfPresent(k, forKey: .k)
    try container.encode(source, forKey: .source)
    try container.encode(parameters, forKey: .parameters)
    try container.encode(loss, forKey: .loss)
    try container.encode(ExactFloats(recentLosses), forKey: .recentLosses)
    try container.encode(idleSteps, forKey: .idleSteps)
    try container.encode(resampled, forKey: .resampled)
    try container.encode(adamM, forKey: .adamM)
    try container.encode(adamV, forKey: .adamV)
  }
}

extension SparseAutoencoder {
  /// These autoencoders as a file entry named `name`, with the resampling their training
  /// uses (none: never).
  public func file(name: String, resampling: Resampling? = nil) -> AutoencoderFile {
    let instances = settings.indices.map { i -> AutoencoderFile.Instance in
      let (range, d) = (offsets[i]..<offsets[i + 1], settings[i].latents)
      let variant = settings[i].variant
      return AutoencoderFile.Instance(
        latents: d, variant: variant.k == nil ? "l1" : "topk", l1: variant.k == nil ? variant.l1Coefficient : nil,
        k: variant.k, source: settings[i].source,
        parameters: AutoencoderFile.Parameters(block: parameters[range], m: m, d: d), loss: recentLoss(instance: i),
        recentLosses: recentLosses[i], idleSteps: idleSteps[i], resampled: resampledLatents[i],
        adamM: AutoencoderFile.Parameters(block: firstMoment[range], m: m, d: d),
        adamV: AutoencoderFile.Parameters(block: secondMoment[range], m: m, d: d))
    }
    return AutoencoderFile(
      name: name, m: m, seed: seed, steps: steps, samplesDrawn: samplesDrawn, modelSteps: modelSteps,
      lossHistory: history, instances: instances, resample: resampling.map(AutoencoderFile.Resample.init))
  }

  /// The autoencoders a file entry describes, after checking every key; `key` prefixes the
  /// key paths of errors (`autoencoders[0]`).
  public init(file: AutoencoderFile, key: String = "") throws(AutoencoderFileError) {
    let settings = try file.checkedSettings(key: key)
    do {
      try self.init(m: file.m, settings: settings, seed: file.seed)
    } catch {
      throw .invalid(error)
    }
    parameters = file.instances.flatMap { $0.parameters.flattened }
    firstMoment = file.instances.flatMap { $0.adamM.flattened }
    secondMoment = file.instances.flatMap { $0.adamV.flattened }
    steps = file.steps
    samplesDrawn = file.samplesDrawn
    modelSteps = file.modelSteps
    recentLosses = file.instances.map(\.recentLosses)
    history = file.lossHistory
    idleSteps = file.instances.map(\.idleSteps)
    resampledLatents = file.instances.map(\.resampled)
  }
}
