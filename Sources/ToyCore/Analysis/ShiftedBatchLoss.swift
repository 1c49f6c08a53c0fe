import CToyKernels

/// The notebook loss of one instance on a fixed batch whose inputs are each moved along one
/// direction u by ε times their own norm (x → x + ε‖x‖u), against the clean target |x|; the
/// inner loop of the analytic attack.
///
/// The attack tries every feature's direction on the same batch, so the part of the forward
/// pass that does not depend on the shift is done once: the hidden pre-activation Wx (the
/// shift adds ε‖x‖·Wu to it), and, for kinds without a hidden ReLU, the whole output
/// pre-activation Wᵀ(Wx) + b (the shift adds ε‖x‖·WᵀWu to it), which makes each attack cost
/// O(F) per sample instead of O(FH).
/// Shapes: B = batch, F = n features, H = m hidden; all arrays are flat and row-major, in Double.
struct ShiftedBatchLoss {
  let kind: ModelKind
  let n: Int
  let m: Int
  /// W, F×H: row f is feature f's input direction.
  let w: [Double]
  /// The output weights, F×H (W again for tied kinds).
  let wOut: [Double]
  let bias: [Double]
  let importance: [Double]
  let batchSize: Int
  /// |x|, B×F.
  let target: [Double]
  /// B×H hidden pre-activations Wx for kinds with a hidden ReLU, else B×F output
  /// pre-activations Wᵀ(Wx) + b.
  let clean: [Double]
  /// ‖x‖₂ of each sample, B.
  let inputNorms: [Double]
  /// The mean of ‖x‖₂ over the batch, zero samples included.
  let meanInputNorm: Double
  /// Each sample's Σ_f I_f·(x′ − |x|)² unattacked: what a zero sample (‖x‖ = 0, which the
  /// attack does not move) contributes to every attacked loss.
  private(set) var sampleCleanLoss: [Double]
  /// The samples the attack moves (‖x‖ > 0): a sparse batch has few.
  let movedSamples: [Int]
  /// The output weights transposed, H×F, so that adding one hidden unit's share to all F
  /// outputs reads a contiguous row.
  let wOutByUnit: [Double]

  init(kind: ModelKind, parameters p: ReferenceKernel.Parameters, importance: [Double], inputs: [[Float]]) {
    let n = p.b.count
    let m = p.w.first?.count ?? 0
    self.kind = kind
    self.n = n
    self.m = m
    w = p.w.flatMap { $0 }
    wOut = kind.untied ? p.w2.flatMap { $0 } : w
    bias = p.b
    self.importance = importance
    batchSize = inputs.count
    var target = [Double](repeating: 0, count: inputs.count * n)
    var clean = [Double](repeating: 0, count: inputs.count * (kind.hiddenReLU ? m : n))
    var norms = [Double](repeating: 0, count: inputs.count)
    // Raw buffers: the checked subscripts cost more than the arithmetic in these loops.
    let (w, wOut, b) = (w, wOut, p.b)
    w.withUnsafeBufferPointer { w in
      wOut.withUnsafeBufferPointer { wOut in
        target.withUnsafeMutableBufferPointer { target in
          clean.withUnsafeMutableBufferPointer { clean in
            var hidden = [Double](repeating: 0, count: m)
            hidden.withUnsafeMutableBufferPointer { hidden in
              for (s, x) in inputs.enumerated() {
                var squares = 0.0
                for k in 0..<m { hidden[k] = 0 }
                for f in 0..<n {
                  let value = Double(x[f])
                  // Most features of a sparse batch are zero and add nothing.
                  guard value != 0 else { continue }
                  squares += value * value
                  target[s * n + f] = Swift.abs(value)
                  for k in 0..<m { hidden[k] += w[f * m + k] * value }
                }
                norms[s] = squares.squareRoot()
                if kind.hiddenReLU {
                  for k in 0..<m { clean[s * m + k] = hidden[k] }
                } else {
                  for f in 0..<n {
                    var z = b[f]
                    for k in 0..<m { z += wOut[f * m + k] * hidden[k] }
                    clean[s * n + f] = z
                  }
                }
              }
            }
          }
        }
      }
    }
    self.target = target
    self.clean = clean
    inputNorms = norms
    meanInputNorm = inputs.isEmpty ? 0 : norms.reduce(0, +) / Double(inputs.count)
    movedSamples = norms.indices.filter { norms[$0] > 0 }
    var byUnit = [Double](repeating: 0, count: n * m)
    for f in 0..<n {
      for k in 0..<m { byUnit[k * n + f] = wOut[f * m + k] }
    }
    wOutByUnit = byUnit
    sampleCleanLoss = []
    let (noHiddenShift, noOutputShift) = ([Double](repeating: 0, count: m), [Double](repeating: 0, count: n))
    sampleCleanLoss = (0..<inputs.count).map { s in
      sampleLoss(s, hiddenShift: noHiddenShift, outputShift: noOutputShift, 0)
    }
  }

  /// `naiveLoss` for each of `directions` at once, fast: the batch is read once, each
  /// sample's row trying every direction while it is in cache (the reference reads the whole
  /// batch per direction); a sample with ‖x‖ = 0 is not moved, so it adds its clean loss,
  /// computed once; and a moved sample's hidden units that the ReLU zeroes are skipped.
  func losses(directions: [[Double]], budgetFraction epsilon: Double) -> [Double] {
    guard batchSize > 0 else { return directions.map { _ in 0 } }
    let hiddenShifts = directions.map { u in
      var shift = [Double](repeating: 0, count: m)
      for f in 0..<n where u[f] != 0 {
        for k in 0..<m { shift[k] += w[f * m + k] * u[f] }
      }
      return shift
    }
    let outputShifts = hiddenShifts.map { hiddenShift in
      var shift = [Double](repeating: 0, count: kind.hiddenReLU ? 0 : n)
      for f in shift.indices {
        for k in 0..<m { shift[f] += wOut[f * m + k] * hiddenShift[k] }
      }
      return shift
    }
    // The samples the attack does not move add their clean loss to every direction.
    var unmoved = 0.0
    for s in 0..<batchSize where inputNorms[s] == 0 { unmoved += sampleCleanLoss[s] }
    var totals = [Double](repeating: unmoved, count: directions.count)
    if kind.hiddenReLU {
      for s in movedSamples {
        let scale = epsilon * inputNorms[s]
        for d in totals.indices {
          totals[d] += sampleLoss(s, hiddenShift: hiddenShifts[d], outputShift: [], scale)
        }
      }
    } else {
      addLinearHiddenLosses(outputShifts.flatMap { $0 }, epsilon, to: &totals)
    }
    return totals.map { $0 / Double(batchSize * n) }
  }

  /// Adds each moved sample's loss under each direction (`shifts`: D rows of the F output
  /// shifts) to `totals`; the kinds without a hidden ReLU, whose attacked output is the clean
  /// one plus ε‖x‖ times the shift. The loop is `toy_attack_losses` (CToyKernels), four
  /// directions at a time with each one's sum in the order of the scalar loop.
  private func addLinearHiddenLosses(_ shifts: [Double], _ epsilon: Double, to totals: inout [Double]) {
    let directions = totals.count
    guard directions > 0, !movedSamples.isEmpty else { return }
    var byFeature = [Double](repeating: 0, count: n * directions)
    for d in 0..<directions {
      for f in 0..<n { byFeature[f * directions + d] = shifts[d * n + f] }
    }
    let moved = movedSamples.map { Int32($0) }
    let scales = movedSamples.map { epsilon * inputNorms[$0] }
    toy_attack_losses(
      ChunkKernel.defaultPath, kind.outputReLU ? 1 : 0, Int32(n), Int32(directions), moved, Int32(moved.count),
      scales, clean, target, importance, byFeature, &totals)
  }

  /// Σ_f I_f·(x′ − |x|)² for sample `s` moved by `scale`·u.
  private func sampleLoss(_ s: Int, hiddenShift: [Double], outputShift: [Double], _ scale: Double) -> Double {
    var total = 0.0
    if !kind.hiddenReLU {
      clean.withUnsafeBufferPointer { z in
        target.withUnsafeBufferPointer { t in
          let (z, t) = (z.baseAddress! + s * n, t.baseAddress! + s * n)
          for f in 0..<n {
            let d = output(z[f] + scale * outputShift[f]) - t[f]
            total += importance[f] * d * d
          }
        }
      }
      return total
    }
    var z = bias
    z.withUnsafeMutableBufferPointer { z in
      wOutByUnit.withUnsafeBufferPointer { rows in
        for k in 0..<m {
          let h = max(clean[s * m + k] + scale * hiddenShift[k], 0)
          guard h != 0 else { continue }
          let row = rows.baseAddress! + k * n
          for f in 0..<n { z[f] += row[f] * h }
        }
      }
    }
    for f in 0..<n {
      let d = output(z[f]) - target[s * n + f]
      total += importance[f] * d * d
    }
    return total
  }

  /// The mean over samples and features of I_f·(x′ − |x|)², where x′ is the output on
  /// x + ε‖x‖u (ε = `budgetFraction`, u = `direction`): the reference computation, every
  /// sample and hidden unit in full; `loss` gives the same faster.
  func naiveLoss(direction u: [Double], budgetFraction epsilon: Double) -> Double {
    guard batchSize > 0 else { return 0 }
    // Wu, the hidden pre-activation's shift per unit of ε‖x‖.
    var hiddenShift = [Double](repeating: 0, count: m)
    for f in 0..<n where u[f] != 0 {
      for k in 0..<m { hiddenShift[k] += w[f * m + k] * u[f] }
    }
    let scale = inputNorms.map { epsilon * $0 }
    return kind.hiddenReLU ? hiddenReLULoss(hiddenShift, scale) : linearHiddenLoss(hiddenShift, scale)
  }

  /// The loss on the clean batch.
  var cleanLoss: Double { sampleCleanLoss.reduce(0, +) / Double(max(1, batchSize * n)) }

  private func output(_ z: Double) -> Double { kind.outputReLU ? max(z, 0) : z }

  private func linearHiddenLoss(_ hiddenShift: [Double], _ scale: [Double]) -> Double {
    var shift = [Double](repeating: 0, count: n)
    for f in 0..<n {
      for k in 0..<m { shift[f] += wOut[f * m + k] * hiddenShift[k] }
    }
    var total = 0.0
    clean.withUnsafeBufferPointer { z in
      target.withUnsafeBufferPointer { t in
        for s in 0..<batchSize {
          for f in 0..<n {
            let d = output(z[s * n + f] + scale[s] * shift[f]) - t[s * n + f]
            total += importance[f] * d * d
          }
        }
      }
    }
    return total / Double(batchSize * n)
  }

  private func hiddenReLULoss(_ hiddenShift: [Double], _ scale: [Double]) -> Double {
    var total = 0.0
    var h = [Double](repeating: 0, count: m)
    clean.withUnsafeBufferPointer { u in
      target.withUnsafeBufferPointer { t in
        wOut.withUnsafeBufferPointer { wo in
          for s in 0..<batchSize {
            for k in 0..<m { h[k] = max(u[s * m + k] + scale[s] * hiddenShift[k], 0) }
            for f in 0..<n {
              var z = bias[f]
              for k in 0..<m { z += wo[f * m + k] * h[k] }
              let d = output(z) - t[s * n + f]
              total += importance[f] * d * d
            }
          }
        }
      }
    }
    return total / Double(batchSize * n)
  }
}
