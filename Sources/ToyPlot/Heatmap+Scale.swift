/// The heatmap's sequential scale: the range it spans, where a value falls in it, its glyph
/// ramp, and the colour bar of either scale.
extension Heatmap {
  /// The smallest and largest values the sequential scale spans: the finite ones, positive
  /// ones on a log scale (nil when there are none).
  public var sequentialRange: ClosedRange<Double>? {
    guard case .sequential(let log) = scale else { return nil }
    let usable = values.joined().filter { $0.isFinite && (!log || $0 > 0) }
    guard let low = usable.min(), let high = usable.max() else { return nil }
    return low...high
  }

  /// Where `value` falls in `sequentialRange`: 0 at the smallest, 1 at the largest, in log
  /// on a log scale; 0.5 for a range of one value; nil for no data or a value the scale
  /// cannot place (not positive on a log scale).
  public func sequentialFraction(_ value: Double) -> Double? {
    guard case .sequential(let log) = scale else { return nil }
    return Self.sequentialFraction(value, in: sequentialRange, log: log)
  }

  /// Where `value` falls in `range`, as `sequentialFraction(_:)`.
  static func sequentialFraction(_ value: Double, in range: ClosedRange<Double>?, log: Bool) -> Double? {
    guard let range, value.isFinite else { return nil }
    if log { return LogScale.fraction(value, in: range) }
    let span = range.upperBound - range.lowerBound
    return span > 0 ? (value - range.lowerBound) / span : 0.5
  }

  /// The glyph of a place `t` in the sequential range, lightest to densest:
  ///
  ///     ·  0 … 0.2    :  … 0.4    +  … 0.6    #  … 0.8    @  0.8 … 1
  ///
  /// and `?` for no data.
  static func sequentialGlyph(_ t: Double, ascii: Bool) -> Character {
    guard !t.isNaN else { return "?" }
    if t < 0.2 { return ascii ? "." : "·" }
    if t < 0.4 { return ":" }
    if t < 0.6 { return "+" }
    if t < 0.8 { return "#" }
    return "@"
  }

  /// Ticks for a log colour bar over `low`…`high`: the first of the powers of ten in it,
  /// then 1, 2 and 5 times them, then 1, 2, 3 and 5 times, then every whole multiple, that
  /// gives three ticks, else the first that gives two; at worst its two ends. A loss that
  /// varies by a factor of four has one power of ten inside, or none.
  static func logTicks(_ low: Double, _ high: Double) -> [Double] {
    guard low > 0, high > low, high.isFinite else { return low.isFinite ? [low] : [] }
    let decades: [Double] = Ticks.logarithmic(low / 10, high * 10)
    let every: [[Double]] = [[1], [1, 2, 5], [1, 2, 3, 5], [1, 2, 3, 4, 5, 6, 7, 8, 9]]
    let choices = every.map { multiples -> [Double] in
      let candidates: [Double] = decades.flatMap { power in multiples.map { $0 * power } }
      return candidates.filter { $0 >= low * (1 - 1e-9) && $0 <= high * (1 + 1e-9) }
    }
    return choices.first { $0.count >= 3 } ?? choices.first { $0.count >= 2 } ?? [low, high]
  }

  /// The colour bar of the matrix's scale: ±limit on the diverging map; the range on a
  /// sequential one, whose log bar runs over log₁₀ of the values and labels them as values.
  func colorBar(ascii: Bool) -> ColorBar {
    let limit = effectiveLimit
    guard case .sequential(let log) = scale else {
      return ColorBar(
        low: -limit, high: limit, ticks: Ticks.linear(-limit, limit, count: 5),
        color: { colormap.diverging($0, limit: limit) }, glyph: { Self.glyph($0 / limit, ascii: ascii) })
    }
    let range = sequentialRange ?? 0...1
    let position = { (value: Double) in log ? AxisScale.log10(value) : value }
    let (low, high) = (position(range.lowerBound), position(range.upperBound))
    let values = log ? Self.logTicks(range.lowerBound, range.upperBound) : Ticks.linear(low, high, count: 5)
    let fraction = { (p: Double) in high > low ? (p - low) / (high - low) : 0.5 }
    var bar = ColorBar(
      low: low, high: high, ticks: values.map(position), color: { colormap.color(at: fraction($0)) },
      glyph: { Self.sequentialGlyph(fraction($0), ascii: ascii) })
    if log {
      // A tick's label is the value it stands for, in the style the whole set shares.
      bar.label = { p in
        let index = values.indices.min { abs(position(values[$0]) - p) < abs(position(values[$1]) - p) }
        return Ticks.label(index.map { values[$0] } ?? p, among: values)
      }
    }
    return bar
  }
}
