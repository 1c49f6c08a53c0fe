/// How a model file writes its floats, so that every reader gets the saved bits back.
///
/// Foundation's JSONEncoder writes a `Float` as Swift's shortest decimal for it, and that
/// decimal read as a Float32 gives back the same bits for all 2³² patterns (checked, see
/// ModelFileTests). Many readers, though, parse a JSON number as a Float64 and only then
/// round to Float32: Python's `json`, JavaScript, numpy's `float32("…")`. That is exact for
/// every Float32 but one: ±7.038531e-26 (bits 0x15AE43FD), whose shortest decimal is, as a
/// Float64, exactly halfway between two Float32s and rounds to the wrong one. That one value
/// is written with a Float64's digits (7.038530691851209e-26), which read back exactly
/// either way. Decoding is the standard one.
extension ModelFile {
  public func encode(to encoder: any Encoder) throws {
    var container = encoder.container(keyedBy: CodingKeys.self)
    try container.encode(format, forKey: .format)
    try container.encode(version, forKey: .version)
    try container.encode(toyVersion, forKey: .toyVersion)
    try container.encode(kind, forKey: .kind)
    try container.encode(n, forKey: .n)
    try container.encode(m, forKey: .m)
    try container.encode(steps, forKey: .steps)
    try container.encode(seed, forKey: .seed)
    try container.encode(initialization, forKey: .initialization)
    try container.encodeIfPresent(settings, forKey: .settings)
    try container.encode(samplesDrawn, forKey: .samplesDrawn)
    try container.encode(featureSets, forKey: .featureSets)
    try container.encode(ExactLossHistory(lossHistory), forKey: .lossHistory)
    try container.encode(instances, forKey: .instances)
    try container.encodeIfPresent(normalize, forKey: .normalize)
  }
}

extension ModelFile.Instance {
  /// Also writes `loss` as null before training rather than leaving the key out.
  public func encode(to encoder: any Encoder) throws {
    var container = encoder.container(keyedBy: CodingKeys.self)
    try container.encode(ExactFloats(featureProbability), forKey: .featureProbability)
    try container.encode(ExactFloats(importance), forKey: .importance)
    try container.encode(weights.map(ExactFloats.init), forKey: .weights)
    try container.encodeIfPresent(outputWeights?.map(ExactFloats.init), forKey: .outputWeights)
    try container.encode(ExactFloats(bias), forKey: .bias)
    try container.encode(loss, forKey: .loss)
    try container.encode(ExactFloats(recentLosses), forKey: .recentLosses)
    try container.encode(adamM, forKey: .adamM)
    try container.encode(adamV, forKey: .adamV)
    try container.encodeIfPresent(datasetSize, forKey: .datasetSize)
  }
}

extension ModelFile.Parameters {
  public func encode(to encoder: any Encoder) throws {
    var container = encoder.container(keyedBy: CodingKeys.self)
    try container.encode(weights.map(ExactFloats.init), forKey: .weights)
    try container.encodeIfPresent(outputWeights?.map(ExactFloats.init), forKey: .outputWeights)
    try container.encode(ExactFloats(bias), forKey: .bias)
  }
}

/// A loss history as model and autoencoder files write it: under LossHistory's own keys, so
/// that its synthesized decoding reads it back, its losses as `ExactFloats`.
struct ExactLossHistory: Encodable {
  var history: LossHistory

  init(_ history: LossHistory) { self.history = history }

  func encode(to encoder: any Encoder) throws {
    var container = encoder.container(keyedBy: Keys.self)
    try container.encode(history.stride, forKey: .stride)
    try container.encode(history.steps, forKey: .steps)
    try container.encode(history.losses.map(ExactFloats.init), forKey: .losses)
  }

  private enum Keys: String, CodingKey {
    case stride, steps, losses
  }
}

/// An array of floats written so that Float32 and Float64-first readers both get its bits.
struct ExactFloats: Encodable {
  var values: [Float]

  init(_ values: [Float]) { self.values = values }

  /// The magnitude of the one Float32 whose shortest decimal, read as a Float64 and then
  /// rounded to Float32, gives a different Float32 (found by trying all 2³² bit patterns).
  static let doubleRoundingTrap: UInt32 = 0x15AE_43FD

  func encode(to encoder: any Encoder) throws {
    var container = encoder.unkeyedContainer()
    for value in values {
      if value.magnitude.bitPattern == Self.doubleRoundingTrap {
        try container.encode(Double(value))
      } else {
        try container.encode(value)
      }
    }
  }
}
