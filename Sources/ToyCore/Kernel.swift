/// The fast forward and backward pass over one chunk of samples of one instance.
///
/// Shapes: F = n features, H = m hidden, C = chunk width (a multiple of 8 samples).
/// Activations are stored feature-major (`x[f]` is a row of C samples), so every product
/// is an axpy or a dot product over samples in SIMD8 vectors with no gathers. That is
/// why it is fast: the shapes of the toy models are tiny in F and H but wide in the batch.
/// `ReferenceKernel` computes the same thing naively, sample by sample, in Double.
struct ChunkKernel {
  let kind: ModelKind
  let n: Int
  let m: Int
  /// Vectors of 8 samples per row.
  let vectors: Int

  typealias Vector = SIMD8<Float>

  /// Per-thread scratch rows.
  final class Scratch {
    let x: UnsafeMutablePointer<Vector>
    let h: UnsafeMutablePointer<Vector>
    let z: UnsafeMutablePointer<Vector>
    let g: UnsafeMutablePointer<Vector>
    let valid: UnsafeMutablePointer<Vector>

    init(n: Int, m: Int, vectors: Int) {
      x = .allocate(capacity: n * vectors)
      h = .allocate(capacity: m * vectors)
      z = .allocate(capacity: n * vectors)
      g = .allocate(capacity: m * vectors)
      valid = .allocate(capacity: vectors)
    }

    deinit {
      x.deallocate()
      h.deallocate()
      z.deallocate()
      g.deallocate()
      valid.deallocate()
    }

    var xFloats: UnsafeMutablePointer<Float> { UnsafeMutableRawPointer(x).assumingMemoryBound(to: Float.self) }

    /// Marks the first `count` of `vectors·8` lanes valid.
    func setValid(count: Int, vectors: Int) {
      for v in 0..<vectors {
        var lane = Vector()
        for l in 0..<8 { lane[l] = v * 8 + l < count ? 1 : 0 }
        valid[v] = lane
      }
    }
  }

  /// Runs the chunk in `scratch.x` through the model in `params` (one instance's block).
  /// Adds the gradient of the loss, scaled by `scale` (= 1/(B·F) for the notebook's mean),
  /// to `grad` when it is non-nil, and returns Σ I_f·(x'−target)² over the chunk.
  func run(
    params: UnsafePointer<Float>, importance: UnsafePointer<Float>, scale: Float,
    scratch: Scratch, padded: Bool, grad: UnsafeMutablePointer<Float>?
  ) -> Double {
    let (n, m, V) = (n, m, vectors)
    let x = scratch.x, h = scratch.h, z = scratch.z, g = scratch.g
    let win = params
    let wout = params + (kind.untied ? n * m : 0)
    let bias = params + (kind.untied ? 2 : 1) * n * m

    // h[k] = Σ_f Win[f,k]·x[f], then ReLU for the hidden-layer kinds.
    for k in 0..<m {
      let hk = h + k * V
      for v in 0..<V { hk[v] = Vector() }
      for f in 0..<n {
        let a = win[f * m + k]
        let xf = x + f * V
        for v in 0..<V { hk[v] = hk[v] + a * xf[v] }
      }
      if kind.hiddenReLU {
        for v in 0..<V { hk[v].replace(with: 0, where: hk[v] .< 0) }
      }
    }

    // z[f] = b_f + Σ_k Wout[f,k]·h[k]; then the error, the loss and δ = ∂L/∂z (stored in z).
    var lossSum = Vector()
    for f in 0..<n {
      let zf = z + f * V
      let xf = x + f * V
      let b = Vector(repeating: bias[f])
      for v in 0..<V { zf[v] = b }
      for k in 0..<m {
        let a = wout[f * m + k]
        let hk = h + k * V
        for v in 0..<V { zf[v] = zf[v] + a * hk[v] }
      }
      let weight = importance[f]
      let deltaScale = 2 * scale * weight
      var fLoss = Vector()
      for v in 0..<V {
        let pre = zf[v]
        var y = pre
        if kind.outputReLU { y.replace(with: 0, where: pre .<= 0) }
        var target = xf[v]
        if kind.signedInputs { target.replace(with: -target, where: target .< 0) }
        var d = y - target
        if padded { d = d * scratch.valid[v] }
        fLoss = fLoss + d * d
        var delta = deltaScale * d
        if kind.outputReLU { delta.replace(with: 0, where: pre .<= 0) }
        zf[v] = delta
      }
      lossSum = lossSum + weight * fLoss
    }
    let loss = Double(lossSum.sum())
    guard let grad else { return loss }

    // g[k] = Σ_f Wout[f,k]·δ[f], masked by the hidden ReLU.
    for k in 0..<m {
      let gk = g + k * V
      for v in 0..<V { gk[v] = Vector() }
      for f in 0..<n {
        let a = wout[f * m + k]
        let df = z + f * V
        for v in 0..<V { gk[v] = gk[v] + a * df[v] }
      }
      if kind.hiddenReLU {
        let hk = h + k * V
        for v in 0..<V { gk[v].replace(with: 0, where: hk[v] .<= 0) }
      }
    }

    // ∂Wout[f,k] = Σ δ[f]·h[k];  ∂Win[f,k] = Σ x[f]·g[k];  ∂b_f = Σ δ[f].
    let gin = grad
    let gout = grad + (kind.untied ? n * m : 0)
    let gbias = grad + (kind.untied ? 2 : 1) * n * m
    for f in 0..<n {
      let df = z + f * V
      let xf = x + f * V
      var biasSum = Vector()
      for v in 0..<V { biasSum = biasSum + df[v] }
      gbias[f] += biasSum.sum()
      for k in 0..<m {
        let hk = h + k * V
        let gk = g + k * V
        var outSum = Vector()
        var inSum = Vector()
        for v in 0..<V {
          outSum = outSum + df[v] * hk[v]
          inSum = inSum + xf[v] * gk[v]
        }
        gout[f * m + k] += outSum.sum()
        gin[f * m + k] += inSum.sum()
      }
    }
    return loss
  }
}
