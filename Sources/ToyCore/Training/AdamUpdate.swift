import RealModule

/// One AdamW (or Adam) update with PyTorch's arithmetic, over a block of parameters:
///
///     θ ← θ·(1 − ηλ)                       (AdamW only: decoupled decay)
///     μ ← β₁μ + (1 − β₁)g
///     ν ← β₂ν + (1 − β₂)g²
///     θ ← θ − (η/(1 − β₁ᵗ)) · μ / (√ν/√(1 − β₂ᵗ) + ε)
struct AdamUpdate {
  let beta1: Float
  let beta2: Float
  let stepSize: Float
  let rootCorrection: Float
  let epsilon: Float
  let decay: Float

  /// The update at optimiser step `t` (1-based) with learning rate `rate` (schedule applied).
  init(options: TrainingOptions, rate: Double, t: Int) {
    beta1 = Float(options.beta1)
    beta2 = Float(options.beta2)
    stepSize = Float(rate / (1 - Double.pow(options.beta1, Double(t))))
    rootCorrection = Float((1 - Double.pow(options.beta2, Double(t))).squareRoot())
    epsilon = Float(options.epsilon)
    decay = options.optimizer == .adamW ? Float(1 - rate * options.weightDecay) : 1
  }

  func apply(
    to block: UnsafeMutablePointer<Float>, mu: UnsafeMutablePointer<Float>,
    nu: UnsafeMutablePointer<Float>, grad: UnsafePointer<Float>, count: Int
  ) {
    // Eight at a time (the arrays may overlap as far as the compiler knows, so it would not
    // vectorise the loop itself): every lane computes the scalar loop's expression, operation
    // for operation, so the bits are the same.
    typealias Lanes = SIMD8<Float>
    func load(_ p: UnsafePointer<Float>) -> Lanes { UnsafeRawPointer(p).loadUnaligned(as: Lanes.self) }
    func store(_ v: Lanes, _ p: UnsafeMutablePointer<Float>) {
      UnsafeMutableRawPointer(p).storeBytes(of: v, as: Lanes.self)
    }
    var i = 0
    while i + 8 <= count {
      let g = load(grad + i)
      let m1 = beta1 * load(mu + i) + (1 - beta1) * g
      let m2 = beta2 * load(nu + i) + (1 - beta2) * g * g
      let next = load(block + i) * decay - stepSize * m1 / (m2.squareRoot() / rootCorrection + epsilon)
      store(m1, mu + i)
      store(m2, nu + i)
      store(next, block + i)
      i += 8
    }
    for i in i..<count {
      let g = grad[i]
      let m1 = beta1 * mu[i] + (1 - beta1) * g
      let m2 = beta2 * nu[i] + (1 - beta2) * g * g
      mu[i] = m1
      nu[i] = m2
      block[i] = block[i] * decay - stepSize * m1 / (m2.squareRoot() / rootCorrection + epsilon)
    }
  }
}
