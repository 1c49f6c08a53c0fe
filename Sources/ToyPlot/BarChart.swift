/// One bar per feature, its height a value (‖W_i‖) and its colour another (superposition).
///
/// The paper shows under each WᵀW the norm of every feature's direction, coloured on a 0→1
/// scale from near-black (orthogonal to the others) to yellow (in superposition), with a
/// thin rule between feature m−1 and m, the last that fits in m dimensions without
/// superposition. Bars start at 0 (negative values draw as empty bars).
///
/// In text the bars are eighth blocks (`▁▂▃▄▅▆▇█`), or `#` with a `.`/`:` top in ASCII.
/// Colour cannot carry the second value without colour, so then a row of codes under the
/// bars does, on the ramp `.:-=+*#%@` from the low end of `colorRange` to the high end, and
/// the colour bar draws the same ramp over its ticks; `?` marks NaN. With more features
/// than columns, neighbours are merged into their maximum, with a note.
///
///     BarChart(norms, colors: superposition, marker: 5, valueTitle: "‖W_i‖")
public struct BarChart: Plot {
  public var title: String?
  /// The bar heights.
  public var values: [Double]
  /// The values the bars are coloured by, one per bar; nil draws every bar in one colour.
  public var colorValues: [Double]?
  /// The range of `colorValues` the colour map spans.
  public var colorRange: ClosedRange<Double>
  public var colormap: Colormap
  /// What the colour shows, written beside the colour bar.
  public var colorTitle: String
  /// Draws a rule between bar `marker − 1` and bar `marker` (the paper's m).
  public var marker: Int?
  /// What the heights are, written above the value axis.
  public var valueTitle: String?
  /// Labels under the bars; indices when nil or too short.
  public var labels: [String]?
  /// Set by a figure that draws one colour bar for all its panels (SVG only).
  var hidesColorBar = false

  public init(
    _ values: [Double], colors colorValues: [Double]? = nil, colorRange: ClosedRange<Double> = 0...1,
    colormap: Colormap = .inferno, colorTitle: String = "superposition", marker: Int? = nil,
    valueTitle: String? = nil, labels: [String]? = nil, title: String? = nil
  ) {
    self.values = values
    self.colorValues = colorValues
    self.colorRange = colorRange
    self.colormap = colormap
    self.colorTitle = colorTitle
    self.marker = marker
    self.valueTitle = valueTitle
    self.labels = labels
    self.title = title
  }

  /// The colour of bars when there are no colour values.
  static let plainColor = Colormap.categorical[0]

  /// The position of `value` on the colour scale, 0…1 (NaN stays NaN).
  func colorPosition(_ value: Double) -> Double {
    let span = colorRange.upperBound - colorRange.lowerBound
    guard span > 0 else { return value.isNaN ? .nan : 0.5 }
    return (value - colorRange.lowerBound) / span
  }

  /// The colour of a bar with colour value `value` (nil: no colour values).
  func barColor(_ value: Double?, theme: Theme? = nil) -> RGB {
    guard let value else { return theme?.readable(Self.plainColor) ?? Self.plainColor }
    return colormap.clipped(for: theme).color(at: colorPosition(value))
  }

  /// The code of a colour value for plots without colour: `.:-=+*#%@` from low to high, `?` for NaN.
  static func code(position: Double) -> Character {
    guard !position.isNaN else { return "?" }
    let ramp = Array(".:-=+*#%@")
    return ramp[max(0, min(ramp.count - 1, Int(position * Double(ramp.count))))]
  }

  func label(_ index: Int) -> String {
    if let labels, index < labels.count { return labels[index] }
    return String(index)
  }

  /// The value axis: nice ticks from 0 with the last at or above the largest value.
  static func valueTicks(_ values: [Double], count: Int) -> [Double] {
    let largest = values.filter(\.isFinite).max() ?? 0
    guard largest > 0 else { return [0, 1] }
    var ticks = Ticks.linear(0, largest, count: count)
    if ticks.count < 2 { ticks = [0, largest] }
    if let last = ticks.last, last < largest { ticks.append(last + (ticks[1] - ticks[0])) }
    return ticks
  }

  /// Bars merged `factor` at a time: each group's largest value with its colour value.
  /// NaN values are skipped; a group of NaNs stays NaN.
  func merged(factor: Int) -> (values: [Double], colors: [Double]?) {
    let factor = max(1, factor)
    var heights: [Double] = []
    var colors: [Double] = []
    for start in stride(from: 0, to: values.count, by: factor) {
      let group = start..<min(values.count, start + factor)
      let best = group.filter { !values[$0].isNaN }.max { values[$0] < values[$1] }
      heights.append(best.map { values[$0] } ?? .nan)
      let colorIndex = best ?? group.lowerBound
      colors.append(colorValues.map { colorIndex < $0.count ? $0[colorIndex] : .nan } ?? .nan)
    }
    return (heights, colorValues == nil ? nil : colors)
  }

  /// The eighths of `rows` rows a bar of `value` fills on an axis up to `top`: monotone in
  /// the value, 0 for NaN and negative values.
  static func eighths(_ value: Double, top: Double, rows: Int) -> Int {
    guard value > 0, top > 0 else { return 0 }
    let filled = (min(value, top) / top * Double(rows * 8)).rounded()
    return Int(filled)
  }
}
