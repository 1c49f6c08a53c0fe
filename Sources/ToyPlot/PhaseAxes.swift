/// The log axes of a phase diagram: the extra feature's relative importance across, the
/// density 1−S down (highest at the top). A grid of `count` points on an axis puts point k
/// at the centre of the k-th of `count` equal steps in log, so the grid covers the range.
public struct PhaseAxes: Sendable, Hashable {
  public var importance: ClosedRange<Double>
  public var density: ClosedRange<Double>
  public var importanceLabel: String
  public var densityLabel: String

  public init(
    importance: ClosedRange<Double> = 0.1...10, density: ClosedRange<Double> = 0.01...1,
    importanceLabel: String = "relative importance r", densityLabel: String = "density 1−S"
  ) {
    self.importance = importance
    self.density = density
    self.importanceLabel = importanceLabel
    self.densityLabel = densityLabel
  }

  /// The paper's ranges: r from 0.1 to 10, 1−S from 1 down to 0.01.
  public static let paper = PhaseAxes()

  /// The importance at the centre of column `column` of `count`, left to right.
  public func importance(column: Int, of count: Int) -> Double {
    LogScale.value(at: (Double(column) + 0.5) / Double(max(1, count)), in: importance)
  }

  /// The density at the centre of row `row` of `count`, top (highest) to bottom.
  public func density(row: Int, of count: Int) -> Double {
    LogScale.value(at: 1 - (Double(row) + 0.5) / Double(max(1, count)), in: density)
  }

  /// The grid (columns × rows) a phase diagram draws at `options` without downsampling:
  /// for computing a theory diagram at exactly the terminal's resolution. The legend's
  /// line count matters only with a height.
  public func textResolution(_ options: TextOptions, legendLines: Int = 2) -> (columns: Int, rows: Int) {
    let frame = PhaseFrame(axes: self, columns: Int.max / 4, rows: Int.max / 4, title: nil)
    let layout = frame.layout(options, legendLines: legendLines)
    return (layout.plotWidth, layout.rowBudget)
  }
}

/// Logarithms and powers in the standard library only: x = m·2^e with m in [1, 2), and
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
