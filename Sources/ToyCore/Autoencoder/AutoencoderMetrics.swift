/// How well an autoencoder instance reconstructs its model's hidden states on a batch, and how
/// well its dictionary recovers the model's features. Computed from the reference's
/// equations in Double.
///
/// Shapes: B = samples, H = m, D = d latents, F = n features.
public struct AutoencoderMetrics: Sendable, Equatable {
  /// L0: the mean over samples of the number of active latents (z ≠ 0).
  public var l0: Double
  /// The mean over samples and dimensions of (ĥ − h)².
  public var mse: Double
  /// The fraction of variance unexplained, Σ(ĥ − h)² / Σ(h − h̄)² (sums over samples and
  /// dimensions, h̄ the batch mean); nil when the hidden states do not vary.
  public var fvu: Double?
  /// Latents inactive on every sample of the batch.
  public var deadLatents: Int
  /// Each latent's share of samples on which it is active, D values.
  public var latentDensity: [Double]
  /// MMCS: the mean over the model's feature directions (`ToyModel.featureDirections`) of
  /// length at least 1e-6 of the best signed cosine between a dictionary direction (a unit
  /// decoder row) and the feature's; nil when no direction is that long.
  public var mmcs: Double?
  /// Per feature direction, in `featureDirections`' order: the best-matching latent and its
  /// cosine; nil for a direction shorter than 1e-6.
  public var matches: [FeatureMatch?]
  /// The model's notebook loss (mean over samples and features of I_f·(x′_f − target_f)²)
  /// with its hidden state as it is, replaced by ĥ, and replaced by zeros.
  public var modelLoss: Double
  public var reconstructedLoss: Double
  public var zeroAblatedLoss: Double
  /// (zeroAblatedLoss − reconstructedLoss) / (zeroAblatedLoss − modelLoss): 1 when ĥ serves
  /// the model as well as h, 0 when no better than zeros, negative when worse; nil when the
  /// zeros cost the model nothing.
  public var lossRecovered: Double?
}

/// A feature direction's best latent and their cosine.
public struct FeatureMatch: Sendable, Equatable {
  public var latent: Int
  public var cosine: Double
}

/// A feature's direction in the hidden space: the hidden state of its one-hot input.
public struct FeatureDirection: Sendable, Equatable {
  public var feature: Int
  /// Whether the input is −1 rather than +1 (abs only: its inputs are signed).
  public var negative: Bool
  /// H values.
  public var vector: [Double]
}

extension ToyModel {
  /// The hidden state of each feature's one-hot input: Wᵢ for the linear and ReLU-output
  /// models (the feature's direction), ReLU(Wᵢ) for hidden_relu (the neurons the feature
  /// drives). For abs, whose inputs lie on [−1, 1], two per feature: ReLU(Wᵢ) for +1 and
  /// ReLU(−Wᵢ) for −1, in the order (0, +), (0, −), (1, +), …. A hidden state is linear in
  /// the input's size along a ray, so these are the directions an autoencoder should find.
  public func featureDirections(instance: Int) -> [FeatureDirection] {
    weights(instance: instance).enumerated().flatMap { f, row -> [FeatureDirection] in
      let w = row.map(Double.init)
      guard kind.hiddenReLU else { return [FeatureDirection(feature: f, negative: false, vector: w)] }
      let positive = FeatureDirection(feature: f, negative: false, vector: w.map { max($0, 0) })
      guard kind.signedInputs else { return [positive] }
      return [positive, FeatureDirection(feature: f, negative: true, vector: w.map { max(-$0, 0) })]
    }
  }

  /// An instance's notebook loss on `inputs` with its hidden states replaced by `hidden`
  /// (one row of m per input).
  func loss(instance: Int, inputs: [[Double]], hidden: [[Double]]) -> Double {
    let p = referenceParameters(instance: instance)
    let outWeights = kind.untied ? p.w2 : p.w
    let importance = importance(instance: instance).map(Double.init)
    var total = 0.0
    for (x, h) in zip(inputs, hidden) {
      for f in 0..<n {
        var pre = p.b[f]
        for k in 0..<m { pre += outWeights[f][k] * h[k] }
        let out = kind.outputReLU ? max(pre, 0) : pre
        let error = out - Swift.abs(x[f])
        total += importance[f] * error * error
      }
    }
    return total / Double(inputs.count * n)
  }
}

extension SparseAutoencoder {
  /// An instance's metrics on the first `samples` of its model instance's fixed evaluation
  /// batch (the same inputs for every seed and instance reading that setting).
  public func metrics(instance: Int, model: ToyModel, samples: Int = 16_384) -> AutoencoderMetrics {
    let source = settings[instance].source
    return metrics(instance: instance, model: model, inputs: model.evaluationSamples(instance: source, count: samples))
  }

  /// An instance's metrics on given inputs of its model instance (rows of n values).
  public func metrics(instance: Int, model: ToyModel, inputs: [[Float]]) -> AutoencoderMetrics {
    let source = settings[instance].source
    let x = inputs.map { $0.map(Double.init) }
    let modelParameters = model.referenceParameters(instance: source)
    let h = x.map { ReferenceKernel.forward(kind: model.kind, modelParameters, $0).1 }
    let p = referenceParameters(instance: instance)
    let topK = settings[instance].variant.k
    let d = p.d
    var reconstructions: [[Double]] = []
    var activeCount = [Int](repeating: 0, count: d)
    var squares = 0.0
    let unit = AutoencoderReference.unitRows(p.decoder).rows
    for sample in h {
      let (_, z, reconstruction) = AutoencoderReference.forward(p, unit: unit, topK: topK, h: sample)
      for j in 0..<d where z[j] != 0 { activeCount[j] += 1 }
      for k in 0..<m { squares += (reconstruction[k] - sample[k]) * (reconstruction[k] - sample[k]) }
      reconstructions.append(reconstruction)
    }
    let batch = Double(max(1, h.count))
    let mean = (0..<m).map { k in h.reduce(0) { $0 + $1[k] } / batch }
    let variance = h.reduce(0.0) { total, sample in
      (0..<m).reduce(total) { $0 + (sample[$1] - mean[$1]) * (sample[$1] - mean[$1]) }
    }
    let matches = Self.matches(
      directions: model.featureDirections(instance: source).map(\.vector),
      dictionary: decoderDirections(instance: instance))
    let found = matches.compactMap { $0?.cosine }
    let modelLoss = model.loss(instance: source, inputs: x, hidden: h)
    let reconstructedLoss = model.loss(instance: source, inputs: x, hidden: reconstructions)
    let zeroAblatedLoss = model.loss(
      instance: source, inputs: x, hidden: Array(repeating: Array(repeating: 0, count: m), count: h.count))
    let lost = zeroAblatedLoss - modelLoss
    return AutoencoderMetrics(
      l0: Double(activeCount.reduce(0, +)) / batch, mse: squares / (batch * Double(m)),
      fvu: variance > 0 ? squares / variance : nil, deadLatents: activeCount.filter { $0 == 0 }.count,
      latentDensity: activeCount.map { Double($0) / batch },
      mmcs: found.isEmpty ? nil : found.reduce(0, +) / Double(found.count), matches: matches,
      modelLoss: modelLoss, reconstructedLoss: reconstructedLoss, zeroAblatedLoss: zeroAblatedLoss,
      lossRecovered: lost != 0 ? (zeroAblatedLoss - reconstructedLoss) / lost : nil)
  }

  /// For each direction of length at least 1e-6, the dictionary row (unit length) with the
  /// largest signed cosine, the lowest latent on ties.
  static func matches(directions: [[Double]], dictionary: [[Double]]) -> [FeatureMatch?] {
    directions.map { direction in
      let norm = direction.reduce(0) { $0 + $1 * $1 }.squareRoot()
      guard norm >= 1e-6 else { return nil }
      var best: FeatureMatch?
      for (j, row) in dictionary.enumerated() {
        let cosine = zip(row, direction).reduce(0) { $0 + $1.0 * $1.1 } / norm
        if cosine > best?.cosine ?? -.infinity { best = FeatureMatch(latent: j, cosine: cosine) }
      }
      return best
    }
  }
}
