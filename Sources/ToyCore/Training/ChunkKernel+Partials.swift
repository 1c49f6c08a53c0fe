/// One pass's gradient kept apart, for a batch split across threads.
///
/// Shapes: F = n features, H = m hidden, P = the parameter block's floats, Hp = H rounded up
/// to 8 (the wide kernel's padded rows).
///
/// The sequential trainer adds each pass's sums straight into the batch's running gradient,
/// in a fixed order of floating-point additions. When several threads share one instance's
/// batch, each pass instead writes its sums to a partial of its own, starting from −0 (the
/// identity of IEEE addition, so a partial holds each sum exactly as the pass computed it),
/// and the partials are then added into an accumulator in the order the sequential trainer
/// would have added them: the same additions on the same values, so the same bits whatever
/// the thread count. Where a pass adds twice to one float (tied models: ∂W from δ, then
/// from x; the wide kernel's sparse product: two sums), the partial keeps the two apart.
///
/// Partial layouts:
/// - dense: the parameter layout (P floats: ∂W or ∂W₁, ∂W₂ for abs, ∂b), then for tied
///   kinds ∂W from x (F×H), added second;
/// - wide: ∂Win's two halves and ∂Wout, padded (F×Hp each), then ∂b (F).
///
/// Accumulator layout: the parameter layout, then for tied kinds F×H more (the wide kernel's
/// ∂Wout sum, which its sequential run adds to ∂W after ∂Win's). `finish` turns it into
/// the gradient.
extension ChunkKernel {
  /// Hidden rows padded to whole vectors, as the wide kernel's work space holds them.
  private var paddedHidden: Int { (m + 7) / 8 * 8 }

  /// Floats in one partial.
  var partialCount: Int {
    wide ? 3 * n * paddedHidden + n : parameterCount + (kind.untied ? 0 : n * m)
  }

  /// Floats in an accumulator.
  var accumulatorCount: Int { parameterCount + (kind.untied ? 0 : n * m) }

  /// `pass` over the first `count` samples of `x`, its gradient written to `partial`
  /// (cleared first); returns the pass's loss sum.
  func passApart(
    params: UnsafePointer<Float>, importance: UnsafePointer<Float>, scale: Float, scratch: Scratch,
    x: UnsafeMutablePointer<Float>, count: Int, partial: UnsafeMutablePointer<Float>
  ) -> Double {
    partial.update(repeating: -0.0, count: partialCount)
    let targets: Targets
    if wide {
      let rows = n * paddedHidden
      beginWide(params: params, scratch: scratch)
      targets = Targets(
        input: partial, output: partial, bias: partial + 3 * rows,
        wide: (input: partial, input2: partial + rows, output: partial + 2 * rows))
    } else if kind.untied {
      targets = Targets(input: partial, output: partial + outputWeightsOffset, bias: partial + biasOffset)
    } else {
      targets = Targets(input: partial + parameterCount, output: partial, bias: partial + biasOffset)
    }
    return pass(
      params: params, importance: importance, scale: scale, scratch: scratch, x: x, count: count, targets: targets)
  }

  /// Adds `partial` to the accumulator's elements `range` (of the parameter layout), in the
  /// order the sequential trainer adds that pass's sums.
  func addPartial(_ partial: UnsafePointer<Float>, to acc: UnsafeMutablePointer<Float>, range: Range<Int>) {
    let weights = biasOffset
    let bias = range.clamped(to: weights..<parameterCount)
    if wide {
      let (rows, mp) = (n * paddedHidden, paddedHidden)
      // Row by row: a row of m weights is a row of mp padded floats in the partial.
      var e = range.lowerBound
      let end = min(range.upperBound, weights)
      while e < end {
        let row = e / m
        let (first, count) = (e % m, min(m - e % m, end - e))
        let padded = partial + (row % n) * mp + first
        let out = acc + e
        if row < n {  // W (W₁ for abs)
          let (input, input2, output) = (padded, padded + rows, padded + 2 * rows)
          for k in 0..<count { out[k] = out[k] + input[k] + input2[k] }
          if !kind.untied {
            let extra = acc + parameterCount + e
            for k in 0..<count { extra[k] += output[k] }
          }
        } else {  // W₂
          let output = padded + 2 * rows
          for k in 0..<count { out[k] += output[k] }
        }
        e += count
      }
      for e in bias { acc[e] += partial[3 * rows + e - weights] }
      return
    }
    Self.add(partial + range.lowerBound, to: acc + range.lowerBound, count: range.count)
    if !kind.untied {
      let tied = range.clamped(to: 0..<weights)
      Self.add(partial + parameterCount + tied.lowerBound, to: acc + tied.lowerBound, count: tied.count)
    }
  }

  /// acc[k] += x[k] for k < count, eight at a time (the compiler cannot tell that the two do
  /// not overlap, so it would not vectorise the loop itself).
  private static func add(_ x: UnsafePointer<Float>, to acc: UnsafeMutablePointer<Float>, count: Int) {
    var k = 0
    while k + 8 <= count {
      let sum =
        UnsafeRawPointer(acc + k).loadUnaligned(as: SIMD8<Float>.self)
        + UnsafeRawPointer(x + k).loadUnaligned(as: SIMD8<Float>.self)
      UnsafeMutableRawPointer(acc + k).storeBytes(of: sum, as: SIMD8<Float>.self)
      k += 8
    }
    for k in k..<count { acc[k] += x[k] }
  }

  /// Adds to the accumulator's ∂b elements within `range` what `zeros` all-zero samples of
  /// a dense chunk add (`zeroSamples`).
  func addZeroSamples(
    _ zeros: Int, params: UnsafePointer<Float>, importance: UnsafePointer<Float>, scale: Float,
    to acc: UnsafeMutablePointer<Float>, range: Range<Int>
  ) {
    guard zeros > 0 else { return }
    for e in range.clamped(to: biasOffset..<parameterCount) {
      let f = e - biasOffset
      acc[e] += Self.zeroSampleBiasGradient(
        zeros, importance: importance[f], output: zeroSampleOutput(f, params: params), scale: scale)
    }
  }

  /// The gradient's elements `range` from a whole batch's accumulator: the dense kernel's
  /// accumulator is the gradient; the wide kernel's weight sums are added to a zero gradient
  /// (∂Win's, then ∂Wout's for tied kinds) as `toy_wide_end` does.
  func finish(_ acc: UnsafePointer<Float>, into grad: UnsafeMutablePointer<Float>, range: Range<Int>) {
    guard wide else {
      for e in range { grad[e] = acc[e] }
      return
    }
    for e in range {
      if e >= biasOffset {
        grad[e] = acc[e]
      } else if kind.untied {
        grad[e] = 0 + acc[e]
      } else {
        grad[e] = 0 + acc[e] + acc[parameterCount + e]
      }
    }
  }
}
