/// A numeric axis of an x–y plot: a range widened to nice ends, linear or log, and its ticks.
///
/// Linear ranges are widened to a multiple of the tick step, so the ends are labelled; log
/// ranges to whole decades unless that wastes much of the width, and every log tick is a
/// power of ten; given ticks (a sweep's sizes) replace both, the range just around them. Degenerate ranges (no data, one value, all zeros) get a sensible span
/// instead of failing.
struct AxisScale: Sendable, Hashable {
  var low: Double
  var high: Double
  var log: Bool
  var ticks: [Double]

  /// The nice range over `values` (the finite ones, positive ones for a log axis) with about
  /// `count` ticks on a linear axis.
  init(fitting values: [Double], log: Bool, count: Int, ticks chosen: [Double]? = nil) {
    self.log = log
    let usable = values.filter { $0.isFinite && (!log || $0 > 0) }
    let low = usable.min()
    let high = usable.max()
    if let given = chosen?.filter({ $0.isFinite && (!log || $0 > 0) }), !given.isEmpty {
      // Ticks where the caller wants them (the sizes of a sweep), the range just around them.
      let all = usable + given
      var (a, b) = (all.min() ?? 0, all.max() ?? 1)
      if log {
        (a, b) = (a / 1.08, b * 1.08)
      } else {
        let pad = b > a ? (b - a) * 0.03 : max(0.5, abs(a) / 2)
        (a, b) = (a - pad, b + pad)
      }
      self.low = a
      self.high = b
      self.ticks = given.sorted()
    } else if log {
      // Whole decades 10^first … 10^last around the data (clamped to the decades a Double
      // holds). An end more than 1.5× beyond the data is pulled in to 10% beyond it, as long
      // as two powers of ten stay in range: jittered points just under 1 should not cost a
      // decade of width.
      var first = max(-323, low.map { Int((Self.log10($0) + 1e-9).rounded(.down)) } ?? 0)
      var last = min(308, max(first, high.map { Int((Self.log10($0) - 1e-9).rounded(.up)) } ?? 1))
      if last <= first { (first, last) = first < 308 ? (first, first + 1) : (307, 308) }
      var bottom = Self.power(first)
      var top = Self.power(last)
      if let low, let high {
        let inner = (low > 1.5 * bottom ? low / 1.1 : bottom, high * 1.5 < top ? high * 1.1 : top)
        let inside = (first...last).map(Self.power).filter { $0 >= inner.0 && $0 <= inner.1 }
        if inside.count >= 2 { (bottom, top) = inner }
      }
      self.low = bottom
      self.high = top
      // At most about count + 2 ticks: every `every`-th decade when there are many.
      let every = max(1, (last - first + count + 1) / (count + 2))
      ticks = (first...last).filter { $0 % every == 0 }.map(Self.power).filter { $0 >= bottom && $0 <= top }
    } else {
      var (a, b) = (low ?? 0, high ?? 1)
      if a == b {
        let pad = a == 0 ? 1 : abs(a) / 2
        (a, b) = (a - pad, b + pad)
      }
      let first = Ticks.linear(a, b, count: count)
      let step = first.count > 1 ? first[1] - first[0] : b - a
      var ticks = first
      if step > 0 && step.isFinite {
        let widenedLow = (a / step + 1e-9).rounded(.down) * step
        let widenedHigh = (b / step - 1e-9).rounded(.up) * step
        // The widened ends carry the step's rounding error; the ticks for a range a hair
        // wider are exact (k·unit/scale), so the ends come from them.
        let slack = step * 1e-6
        let widened = Ticks.linear(widenedLow - slack, widenedHigh + slack, count: count)
        if widened.count >= 2 && widened.allSatisfy(\.isFinite) { ticks = widened }
      }
      self.low = min(a, ticks.first ?? a)
      self.high = max(b, ticks.last ?? b)
      self.ticks = ticks
    }
  }

  /// Where `value` lies on the axis: 0 at `low`, 1 at `high`; nil when it cannot be shown
  /// (not finite, or not positive on a log axis).
  func fraction(_ value: Double) -> Double? {
    guard value.isFinite else { return nil }
    if log {
      guard value > 0 else { return nil }
      let span = Self.log10(high) - Self.log10(low)
      return span > 0 ? (Self.log10(value) - Self.log10(low)) / span : 0.5
    }
    let span = high - low
    guard span > 0, span.isFinite else { return 0.5 }
    let f = (value - low) / span
    return f.isFinite ? f : nil
  }

  /// Whether `value` can be drawn on this axis at all.
  func accepts(_ value: Double) -> Bool { value.isFinite && (!log || value > 0) }

  /// 10^exponent, correctly rounded (the standard library's decimal parser rounds exactly).
  static func power(_ exponent: Int) -> Double {
    Double("1e\(exponent)") ?? (exponent < 0 ? 0 : .infinity)
  }

  /// log₁₀ with the standard library only (through `LogScale.ln`).
  static func log10(_ x: Double) -> Double {
    guard x > 0 else { return x == 0 ? -.infinity : .nan }
    guard x.isFinite else { return x }
    return LogScale.ln(x) / 2.302_585_092_994_046
  }
}
