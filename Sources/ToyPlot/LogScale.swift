/// Logarithms and powers in the standard library only, for every log axis: x = m·2^e with m in [1, 2), and
/// ln m = 2·atanh((m−1)/(m+1)), whose series converges fast for |z| ≤ 1/3.
enum LogScale {
  static func ln(_ x: Double) -> Double {
    guard x > 0, x.isFinite else { return x == 0 ? -.infinity : .nan }
    let e = Double(x.exponent)
    let m = x.significand
    let z = (m - 1) / (m + 1)
    var term = z
    var sum = 0.0
    var k = 1.0
    while k < 60 {
      sum += term / k
      term *= z * z
      k += 2
    }
    return e * 0.693_147_180_559_945_3 + 2 * sum
  }

  static func exp(_ x: Double) -> Double {
    guard x.isFinite else { return x > 0 ? .infinity : (x.isNaN ? .nan : 0) }
    guard x < 709, x > -745 else { return x > 0 ? .infinity : 0 }
    let ln2 = 0.693_147_180_559_945_3
    let k = (x / ln2).rounded()
    let r = x - k * ln2
    var term = 1.0
    var sum = 1.0
    for i in 1..<30 {
      term *= r / Double(i)
      sum += term
    }
    return Double(sign: .plus, exponent: Int(k), significand: sum)
  }

  /// Where `value` lies on `range` in log: 0 at the lower bound, 1 at the upper. Nil when
  /// the range or the value is not positive and finite; 0.5 for a range of one value.
  static func fraction(_ value: Double, in range: ClosedRange<Double>) -> Double? {
    guard range.lowerBound > 0, range.upperBound.isFinite, value > 0, value.isFinite else { return nil }
    let span = ln(range.upperBound) - ln(range.lowerBound)
    guard span > 0 else { return 0.5 }
    return (ln(value) - ln(range.lowerBound)) / span
  }

  /// The value at `fraction` of `range` in log (the lower bound if the range is not positive).
  static func value(at fraction: Double, in range: ClosedRange<Double>) -> Double {
    guard range.lowerBound > 0, range.upperBound.isFinite, fraction.isFinite else { return range.lowerBound }
    let low = ln(range.lowerBound)
    return exp(low + fraction * (ln(range.upperBound) - low))
  }
}
