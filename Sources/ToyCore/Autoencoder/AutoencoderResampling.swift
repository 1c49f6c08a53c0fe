import CToyKernels

/// How training replaces dead latents: every `every` steps (counted over all training, so that
/// one long call and several short ones resample at the same steps), each latent that has been
/// inactive on every sample of the last `window` steps gets a new direction, a zero encoder
/// bias and zero Adam moments for its encoder column, bias and decoder row (as Towards
/// Monosemanticity resets them), and a fresh window.
public struct Resampling: Sendable, Equatable {
  public enum Method: String, Sendable, CaseIterable {
    /// A random unit direction u (normal components, normalised): W_dec row u, W_enc column
    /// `scale`·u (ARENA's simple resampling).
    case random
    /// Towards the inputs the autoencoder reconstructs worst (Towards Monosemanticity, in
    /// ARENA's form): a sample of the step's batch is drawn with probability proportional to
    /// the square of its reconstruction error, u = (h − b_dec)/‖h − b_dec‖; W_dec row u,
    /// W_enc column u·`scale`·(the mean length of the live latents' encoder columns, 1 when
    /// none lives). An instance whose errors are all below 1e-6 is left as it is.
    case lossWeighted = "loss_weighted"
  }

  public var method: Method
  public var every: Int
  public var window: Int
  public var scale: Float

  /// ARENA's defaults: every 2,500 steps, latents dead for 500, scale 0.5.
  public init(method: Method, every: Int = 2500, window: Int = 500, scale: Float = 0.5) {
    self.method = method
    self.every = every
    self.window = window
    self.scale = scale
  }

  func validate() throws(AutoencoderError) {
    guard every >= 1 else { throw .resampleEveryNotPositive(every) }
    guard window >= 1 else { throw .resampleWindowNotPositive(window) }
    guard scale.isFinite, scale > 0 else { throw .resampleScaleInvalid(scale) }
  }
}

/// One instance's dead latents replaced in place, by `Resampling`'s rules.
///
/// Shapes: H = m, D = d, B = batch. `hidden` holds the step's batch in the trainer's chunks
/// (H rows of `width` per chunk); only `lossWeighted` reads it.
struct LatentResampler {
  let resampling: Resampling
  let layout: SparseAutoencoder.Layout
  let topK: Int?
  /// The instance's resampling stream (see `stream(step:)`).
  let key: UInt64

  init(resampling: Resampling, layout: SparseAutoencoder.Layout, topK: Int?, seed: UInt64, instance: Int) {
    self.resampling = resampling
    self.layout = layout
    self.topK = topK
    key = RandomStream(seed: seed, instance: instance, purpose: .autoencoderResampling).key
  }

  /// Whether resampling runs after global step `step` (counted from 1).
  func isDue(step: Int) -> Bool { step % resampling.every == 0 }

  /// The words of one resampling: a stream of its own per step, so that a latent's new
  /// direction depends only on (seed, instance, step, latent).
  private func stream(step: Int) -> RandomStream {
    RandomStream(key: toy_mix64(key &+ UInt64(step) &* 0x9E37_79B9_7F4A_7C15))
  }

  /// Replaces the latents idle for `window` steps or more after global step `step`; returns
  /// how many it replaced. `idle` restarts at 0 for them.
  func resample(
    step: Int, params: UnsafeMutablePointer<Float>, mu: UnsafeMutablePointer<Float>,
    nu: UnsafeMutablePointer<Float>, idle: inout [Int], hidden: UnsafePointer<Float>, batch: Int, width: Int
  ) -> Int {
    let dead = idle.indices.filter { idle[$0] >= resampling.window }
    guard !dead.isEmpty else { return 0 }
    let (m, d) = (layout.m, layout.d)
    let words = stream(step: step)
    var directions: [[Float]] = []
    var encoderScale = resampling.scale
    switch resampling.method {
    case .random:
      directions = dead.map { j in
        unit((0..<m).map { Double(words.normal(UInt64(j * m + $0))) }) ?? [Float](repeating: 0, count: m)
      }
    case .lossWeighted:
      let samples = sampleRows(hidden: hidden, batch: batch, width: width)
      let errors = reconstructionErrors(params: params, samples: samples)
      guard let largest = errors.max(), largest >= 1e-6 else { return 0 }
      var cumulative: [Double] = []
      var total = 0.0
      for error in errors {
        total += error * error
        cumulative.append(total)
      }
      let bias = (0..<m).map { Double(params[layout.decoderBias + $0]) }
      for j in dead {
        let target = RandomStream.unitDouble(words.word(UInt64(j))) * total
        let chosen = min(cumulative.partitioningIndex { $0 > target }, samples.count - 1)
        let centred = (0..<m).map { Double(samples[chosen][$0]) - bias[$0] }
        directions.append(unit(centred) ?? [Float](repeating: 0, count: m))
      }
      let live = (0..<d).filter { idle[$0] < resampling.window }
      if !live.isEmpty {
        let lengths = live.map { j in
          (0..<m).reduce(0.0) { $0 + Double(params[layout.encoder + $1 * d + j] * params[layout.encoder + $1 * d + j]) }
            .squareRoot()
        }
        encoderScale *= Float(lengths.reduce(0, +) / Double(live.count))
      }
    }
    for (j, u) in zip(dead, directions) {
      for k in 0..<m {
        params[layout.decoder + j * m + k] = u[k]
        params[layout.encoder + k * d + j] = encoderScale * u[k]
      }
      params[layout.encoderBias + j] = 0
      for index in [layout.encoderBias + j]
        + (0..<m).flatMap({ [layout.decoder + j * m + $0, layout.encoder + $0 * d + j] })
      {
        mu[index] = 0
        nu[index] = 0
      }
      idle[j] = 0
    }
    return dead.count
  }

  /// v/‖v‖ in Float, or nil for a zero vector.
  private func unit(_ v: [Double]) -> [Float]? {
    let norm = v.reduce(0) { $0 + $1 * $1 }.squareRoot()
    guard norm > 0 else { return nil }
    return v.map { Float($0 / norm) }
  }

  /// The batch's hidden states as rows of H, in sample order.
  private func sampleRows(hidden: UnsafePointer<Float>, batch: Int, width: Int) -> [[Float]] {
    (0..<batch).map { s in
      let (chunk, lane) = s.quotientAndRemainder(dividingBy: width)
      return (0..<layout.m).map { k in hidden[chunk * layout.m * width + k * width + lane] }
    }
  }

  /// Each sample's mean squared reconstruction error at the parameters `params`, from the
  /// reference's equations.
  private func reconstructionErrors(params: UnsafePointer<Float>, samples: [[Float]]) -> [Double] {
    let (m, d) = (layout.m, layout.d)
    let p = AutoencoderReference.Parameters(
      encoder: (0..<m).map { k in (0..<d).map { Double(params[layout.encoder + k * d + $0]) } },
      encoderBias: (0..<d).map { Double(params[layout.encoderBias + $0]) },
      decoder: (0..<d).map { j in (0..<m).map { Double(params[layout.decoder + j * m + $0]) } },
      decoderBias: (0..<m).map { Double(params[layout.decoderBias + $0]) })
    let unit = AutoencoderReference.unitRows(p.decoder).rows
    return samples.map { row in
      let h = row.map(Double.init)
      let reconstruction = AutoencoderReference.forward(p, unit: unit, topK: topK, h: h).reconstruction
      return zip(reconstruction, h).reduce(0) { $0 + ($1.0 - $1.1) * ($1.0 - $1.1) } / Double(m)
    }
  }
}

extension Array where Element == Double {
  /// The first index whose element satisfies `belongs` in an array where those elements come
  /// last (binary search); `count` when none does.
  fileprivate func partitioningIndex(where belongs: (Double) -> Bool) -> Int {
    var (low, high) = (0, count)
    while low < high {
      let mid = (low + high) / 2
      if belongs(self[mid]) { high = mid } else { low = mid + 1 }
    }
    return low
  }
}
