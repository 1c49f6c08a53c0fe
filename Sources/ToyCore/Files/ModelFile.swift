/// A model as it is saved: the documented JSON layout of docs/model-format.md, as values.
///
/// The core does no I/O: the executable encodes and decodes this with any `Encoder`, and
/// `ToyModel(file:)` checks it. Every number the trainer reads is here, so training a loaded
/// model continues bit for bit where the saved one stopped. How floats are written, so that
/// they read back bit for bit, is in ModelFile+Encoding.swift.
///
/// Shapes: I = instances, F = n features, H = m hidden dimensions.
public struct ModelFile: Codable, Sendable, Equatable {
  /// The value of `format` in every toy model file.
  public static let formatName = "toy-model"
  /// The versions this toy reads, oldest first: one per `DataScheme`. A model is written with
  /// its scheme's version, so a loaded model goes back out as the version it came in as.
  public static let readableVersions = DataScheme.allCases.map(\.rawValue)
  /// The values of `normalize`: the paper's law, and examples rescaled to unit norm.
  public static let noNorm = "none"
  public static let unitNorm = "unit"

  public var format: String
  public var version: Int
  /// The toy that wrote the file (informational).
  public var toyVersion: String
  /// A `ModelKind` raw value; kept as text so an unknown kind gets a clear error.
  public var kind: String
  public var n: Int
  public var m: Int
  /// Optimiser steps taken so far; the next step is Adam's step `steps + 1`.
  public var steps: Int
  public var seed: UInt64
  /// An `Initialization` raw value.
  public var initialization: String
  /// How many distinct settings the instances hold (the I of `xavier_notebook`'s scale);
  /// absent when every instance is its own setting, as in files written before the key.
  public var settings: Int?
  /// Samples drawn so far by each instance's data stream: the next batch starts here.
  public var samplesDrawn: UInt64
  public var featureSets: [FeatureSetEntry]
  /// The sampled loss over all training (its stride, steps and one row per instance).
  public var lossHistory: LossHistory
  public var instances: [Instance]
  /// `"unit"` when every example the model draws is rescaled to unit norm (only with fixed
  /// training sets, `dataset_size`); absent (or `"none"`) for the paper's law, as in files
  /// written before the key.
  public var normalize: String?

  enum CodingKeys: String, CodingKey {
    case format, version, kind, n, m, steps, seed, instances, settings, normalize
    case toyVersion = "toy_version"
    case initialization = "init"
    case samplesDrawn = "samples_drawn"
    case featureSets = "feature_sets"
    case lossHistory = "loss_history"
  }

  /// One instance: its data settings, parameters, recent losses and optimiser state.
  public struct Instance: Codable, Sendable, Equatable {
    /// Density 1−S of each feature, F values in (0, 1].
    public var featureProbability: [Float]
    /// F values, finite and at least 0.
    public var importance: [Float]
    /// W: F rows of H, row f = feature f's direction (for abs, W₁ transposed).
    public var weights: [[Float]]
    /// W₂ (abs only): F rows of H, row f = feature f's output weights.
    public var outputWeights: [[Float]]?
    /// b: F values.
    public var bias: [Float]
    /// The mean of `recentLosses` (informational: recomputed on load); nil before training.
    public var loss: Double?
    /// The loss of the last (up to 100) steps, oldest first.
    public var recentLosses: [Float]
    /// Adam's first moment μ, in the shapes of W, W₂ and b.
    public var adamM: Parameters
    /// Adam's second moment ν (every value at least 0), in the shapes of W, W₂ and b.
    public var adamV: Parameters
    /// T of the instance's fixed training set (`dataset=`), which its seed draws again on
    /// load; absent for fresh data, as in files written before the key.
    public var datasetSize: Int?

    enum CodingKeys: String, CodingKey {
      case importance, loss
      case datasetSize = "dataset_size"
      case featureProbability = "feature_probability"
      case weights = "W"
      case outputWeights = "W2"
      case bias = "b"
      case recentLosses = "recent_losses"
      case adamM = "adam_m"
      case adamV = "adam_v"
    }
  }

  /// Numbers in the shape of one instance's parameters: W, W₂ (abs only) and b.
  public struct Parameters: Codable, Sendable, Equatable {
    public var weights: [[Float]]
    public var outputWeights: [[Float]]?
    public var bias: [Float]

    enum CodingKeys: String, CodingKey {
      case weights = "W"
      case outputWeights = "W2"
      case bias = "b"
    }

    public init(weights: [[Float]], outputWeights: [[Float]]?, bias: [Float]) {
      self.weights = weights
      self.outputWeights = outputWeights
      self.bias = bias
    }
  }

  /// A feature set: its relation and its members, consecutive feature indices.
  public struct FeatureSetEntry: Codable, Sendable, Equatable {
    /// A `FeatureSet.Relation` raw value.
    public var relation: String
    public var features: [Int]

    public init(relation: String, features: [Int]) {
      self.relation = relation
      self.features = features
    }
  }

  /// The two keys read before anything else, so that a file from another program or a
  /// later version is named as such instead of failing on some key it lacks.
  public struct Header: Codable, Sendable, Equatable {
    public var format: String
    public var version: Int

    public init(format: String, version: Int) {
      self.format = format
      self.version = version
    }

    /// Throws unless this is a toy model file of a version this toy reads.
    public func check() throws(ModelFileError) {
      _ = try checked()
    }

    /// The data scheme of the file's version, after the checks of `check`.
    func checked() throws(ModelFileError) -> DataScheme {
      guard format == ModelFile.formatName else { throw .wrongFormat(found: format) }
      guard let scheme = DataScheme(rawValue: version) else { throw .unsupportedVersion(found: version) }
      return scheme
    }
  }
}

extension ModelFile.Parameters {
  /// One instance's block of a flat parameter-layout array (W, then W₂ for abs, then b).
  init(block: ArraySlice<Float>, n: Int, m: Int, untied: Bool) {
    let base = block.startIndex
    func rows(at offset: Int) -> [[Float]] {
      (0..<n).map { f in Array(block[base + offset + f * m..<base + offset + (f + 1) * m]) }
    }
    weights = rows(at: 0)
    outputWeights = untied ? rows(at: n * m) : nil
    let biasStart = base + (untied ? 2 : 1) * n * m
    bias = Array(block[biasStart..<biasStart + n])
  }

  /// The block in the flat layout; shapes must have been checked.
  var flattened: [Float] {
    weights.flatMap { $0 } + (outputWeights ?? []).flatMap { $0 } + bias
  }
}

extension ModelFile {
  /// The keys that fix a model's size, `n`, `m` and the number of instances, read before
  /// the rest: a file claiming more numbers than toy holds is refused by its counts, without
  /// decoding (and checking) every instance first. A count that is absent or not a plain
  /// whole number is nil, left to the full decoding, which names it.
  public struct Shape: Sendable, Equatable {
    public var n: Int?
    public var m: Int?
    public var instances: Int?

    public init(n: Int?, m: Int?, instances: Int?) {
      self.n = n
      self.m = m
      self.instances = instances
    }

    /// Throws `sizeTooLarge` when the counts alone pass `ToyModel.sizeLimit`.
    public func check() throws(ModelFileError) {
      guard let n, let m, let instances, n >= 1, m >= 1, instances >= 1 else { return }
      do {
        try ToyModel.checkSize(n: n, m: m, instances: instances)
      } catch .sizeTooLarge(let floats, let limit) {
        throw .sizeTooLarge(floats: floats, limit: limit)
      } catch {
        return
      }
    }
  }
}
