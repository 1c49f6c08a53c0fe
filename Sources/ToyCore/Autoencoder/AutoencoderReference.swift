/// The naive reference for the autoencoder kernel (`CToyKernels/toy_sae.c`): the equations of
/// `SparseAutoencoder`, sample by sample, in Double.
///
/// Tests use it as the oracle for the fast kernel and, through finite differences, for its
/// own gradient; the metrics use its forward pass. Shapes: B = batch, H = m hidden, D = d latents.
public enum AutoencoderReference {
  /// One instance's parameters in Double, in the autoencoder's layouts.
  public struct Parameters: Equatable, Sendable {
    /// W_enc, H×D.
    public var encoder: [[Double]]
    /// b_enc, D.
    public var encoderBias: [Double]
    /// W_dec, D×H (row j = latent j's direction, any length).
    public var decoder: [[Double]]
    /// b_dec, H.
    public var decoderBias: [Double]

    public init(encoder: [[Double]], encoderBias: [Double], decoder: [[Double]], decoderBias: [Double]) {
      self.encoder = encoder
      self.encoderBias = encoderBias
      self.decoder = decoder
      self.decoderBias = decoderBias
    }

    var m: Int { decoderBias.count }
    var d: Int { encoderBias.count }
  }

  /// One sample through the autoencoder: pre-activations, latents z and reconstruction ĥ.
  /// `topK` nil is the ReLU of the L1 variant.
  public static func forward(_ p: Parameters, topK: Int?, h: [Double]) -> (
    pre: [Double], z: [Double], reconstruction: [Double]
  ) {
    forward(p, unit: unitRows(p.decoder).rows, topK: topK, h: h)
  }

  /// `forward` with the decoder's unit rows given, for a batch that shares them.
  static func forward(_ p: Parameters, unit: [[Double]], topK: Int?, h: [Double]) -> (
    pre: [Double], z: [Double], reconstruction: [Double]
  ) {
    let (m, d) = (p.m, p.d)
    var pre = p.encoderBias
    for k in 0..<m {
      let centred = h[k] - p.decoderBias[k]
      for j in 0..<d { pre[j] += centred * p.encoder[k][j] }
    }
    var z = pre.map { max($0, 0) }
    if let k = topK, k < d {
      // The k largest pre-activations, ties to the lowest latent; the rest are zeroed.
      let kept = Set((0..<d).sorted { pre[$0] > pre[$1] || (pre[$0] == pre[$1] && $0 < $1) }.prefix(k))
      for j in 0..<d where !kept.contains(j) { z[j] = 0 }
    }
    var reconstruction = p.decoderBias
    for j in 0..<d where z[j] != 0 {
      for k in 0..<m { reconstruction[k] += z[j] * unit[j][k] }
    }
    return (pre, z, reconstruction)
  }

  /// An instance's loss on a batch of hidden states and its two parts: `reconstruction`, the
  /// mean over samples and dimensions of (ĥ − h)², and `sparsity`, the mean over samples of
  /// Σ_j z_j. `total` = reconstruction + λ·sparsity (TopK: reconstruction alone).
  public struct Loss: Equatable, Sendable {
    public var total: Double
    public var reconstruction: Double
    public var sparsity: Double
  }

  public static func loss(_ p: Parameters, l1: Double, topK: Int?, batch: [[Double]]) -> Loss {
    let unit = unitRows(p.decoder).rows
    var squares = 0.0
    var activation = 0.0
    for h in batch {
      let (_, z, reconstruction) = forward(p, unit: unit, topK: topK, h: h)
      for k in h.indices { squares += (reconstruction[k] - h[k]) * (reconstruction[k] - h[k]) }
      activation += z.reduce(0, +)
    }
    let reconstruction = squares / Double(batch.count * p.m)
    let sparsity = activation / Double(batch.count)
    return Loss(
      total: reconstruction + (topK == nil ? l1 * sparsity : 0), reconstruction: reconstruction, sparsity: sparsity)
  }

  /// The gradient of `loss(…).total` with respect to every parameter, through the decoder's
  /// normalisation.
  public static func gradient(_ p: Parameters, l1: Double, topK: Int?, batch: [[Double]]) -> Parameters {
    let (m, d) = (p.m, p.d)
    let (unit, norms) = unitRows(p.decoder)
    var grad = Parameters(
      encoder: Array(repeating: Array(repeating: 0, count: d), count: m), encoderBias: Array(repeating: 0, count: d),
      decoder: Array(repeating: Array(repeating: 0, count: m), count: d), decoderBias: Array(repeating: 0, count: m))
    // ∂loss/∂D, the unit rows, before the normalisation's backward pass.
    var gradUnit = grad.decoder
    let b = Double(batch.count)
    let penalty = topK == nil ? l1 / b : 0
    for h in batch {
      let (_, z, reconstruction) = forward(p, unit: unit, topK: topK, h: h)
      let e = (0..<m).map { 2 * (reconstruction[$0] - h[$0]) / (b * Double(m)) }
      for k in 0..<m { grad.decoderBias[k] += e[k] }
      for j in 0..<d where z[j] > 0 {
        var dz = penalty
        for k in 0..<m {
          dz += unit[j][k] * e[k]
          gradUnit[j][k] += z[j] * e[k]
        }
        grad.encoderBias[j] += dz
        for k in 0..<m {
          grad.encoder[k][j] += (h[k] - p.decoderBias[k]) * dz
          grad.decoderBias[k] -= p.encoder[k][j] * dz
        }
      }
    }
    // D_j = W_j/‖W_j‖, so ∂W_j = (∂D_j − D_j·(D_j·∂D_j))/‖W_j‖ (zero for a zero row).
    for j in 0..<d where norms[j] > 0 {
      let along = (0..<m).reduce(0.0) { $0 + unit[j][$1] * gradUnit[j][$1] }
      for k in 0..<m { grad.decoder[j][k] = (gradUnit[j][k] - unit[j][k] * along) / norms[j] }
    }
    return grad
  }

  /// The rows at unit length (a zero row stays zero) and their lengths.
  static func unitRows(_ rows: [[Double]]) -> (rows: [[Double]], norms: [Double]) {
    let norms = rows.map { row in row.reduce(0) { $0 + $1 * $1 }.squareRoot() }
    return (zip(rows, norms).map { row, norm in norm > 0 ? row.map { $0 / norm } : row }, norms)
  }
}

extension SparseAutoencoder {
  /// An instance's parameters in Double, for the reference.
  public func referenceParameters(instance: Int) -> AutoencoderReference.Parameters {
    AutoencoderReference.Parameters(
      encoder: encoderWeights(instance: instance).map { $0.map(Double.init) },
      encoderBias: encoderBias(instance: instance).map(Double.init),
      decoder: decoderWeights(instance: instance).map { $0.map(Double.init) },
      decoderBias: decoderBias(instance: instance).map(Double.init))
  }
}
