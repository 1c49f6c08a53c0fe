/// The naive reference for `ChunkKernel`: the models' equations sample by sample, in Double.
///
/// Used by tests as the oracle for the fast kernel and, through finite differences,
/// for its own gradient. Shapes: B = batch, F = n features, H = m hidden.
public enum ReferenceKernel {
  /// One instance's parameters in Double: `w` and `w2` are F×H (row f = feature f);
  /// `w2` is used by the abs model only (tied kinds use `w` for both layers).
  public struct Parameters: Equatable, Sendable {
    public var w: [[Double]]
    public var w2: [[Double]]
    public var b: [Double]

    public init(w: [[Double]], w2: [[Double]] = [], b: [Double]) {
      self.w = w
      self.w2 = w2
      self.b = b
    }
  }

  /// The notebook's per-instance loss, mean over batch and features of I_f·(x'−|x|)².
  public static func loss(
    kind: ModelKind, parameters p: Parameters, importance: [Double], batch: [[Double]]
  ) -> Double {
    var total = 0.0
    for x in batch {
      let (out, _, _) = forward(kind: kind, p, x)
      for f in x.indices {
        let d = out[f] - Swift.abs(x[f])
        total += importance[f] * d * d
      }
    }
    return total / Double(batch.count * importance.count)
  }

  /// The gradient of `loss` with respect to W, W₂ (abs only) and b.
  public static func gradient(
    kind: ModelKind, parameters p: Parameters, importance: [Double], batch: [[Double]]
  ) -> Parameters {
    let n = p.b.count
    let m = p.w.first?.count ?? 0
    let zeros = [[Double]](repeating: [Double](repeating: 0, count: m), count: n)
    var grad = Parameters(w: zeros, w2: kind.untied ? zeros : [], b: [Double](repeating: 0, count: n))
    let scale = 2 / Double(batch.count * n)
    for x in batch {
      let (out, hidden, preOut) = forward(kind: kind, p, x)
      // δ_f = ∂L/∂z_f
      var delta = [Double](repeating: 0, count: n)
      for f in 0..<n {
        let active = !kind.outputReLU || preOut[f] > 0
        delta[f] = active ? scale * importance[f] * (out[f] - Swift.abs(x[f])) : 0
      }
      let outW = kind.untied ? p.w2 : p.w
      // ∂L/∂h_k, through the hidden ReLU where there is one.
      var g = [Double](repeating: 0, count: m)
      for k in 0..<m {
        for f in 0..<n { g[k] += outW[f][k] * delta[f] }
        if kind.hiddenReLU && hidden[k] <= 0 { g[k] = 0 }
      }
      for f in 0..<n {
        grad.b[f] += delta[f]
        for k in 0..<m {
          if kind.untied {
            grad.w2[f][k] += delta[f] * hidden[k]
            grad.w[f][k] += x[f] * g[k]
          } else {
            grad.w[f][k] += delta[f] * hidden[k] + x[f] * g[k]
          }
        }
      }
    }
    return grad
  }

  /// Returns (output, hidden activations, output pre-activations) for one sample.
  static func forward(kind: ModelKind, _ p: Parameters, _ x: [Double]) -> ([Double], [Double], [Double]) {
    let n = p.b.count
    let m = p.w.first?.count ?? 0
    var hidden = [Double](repeating: 0, count: m)
    for k in 0..<m {
      for f in 0..<n { hidden[k] += p.w[f][k] * x[f] }
      if kind.hiddenReLU { hidden[k] = max(hidden[k], 0) }
    }
    let outW = kind.untied ? p.w2 : p.w
    var pre = p.b
    for f in 0..<n {
      for k in 0..<m { pre[f] += outW[f][k] * hidden[k] }
    }
    let out = kind.outputReLU ? pre.map { max($0, 0) } : pre
    return (out, hidden, pre)
  }
}
