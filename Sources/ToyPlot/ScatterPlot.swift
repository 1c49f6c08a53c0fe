/// Points (x, y) with optional deterministic jitter in x, linear or log x, and labelled
/// horizontal reference lines (the paper's tight-frame fractions by default).
///
/// The paper's uniform-superposition figure (§3.5) plots each feature's dimensionality D_i at
/// the density 1/(1−S) of its model, so hundreds of points share an x; the notebook spreads
/// them by dx·U(−0.1, 0.1), dx the gap to the next density. Here the spread comes from a fixed
/// hash of the point's index, so the same data always draws the same picture.
///
///     let plot = ScatterPlot(x: densities, y: dimensionalities, jitter: .gap(0.1), logX: true,
///                            xLabel: "1/(1−S)", yLabel: "D_i")
public struct ScatterPlot: Plot {
  /// How points are spread in x so that points at one x do not hide each other.
  public enum Jitter: Sendable, Hashable {
    case none
    /// Offsets added to each x (e.g. from a seeded generator); missing ones are 0.
    case offsets([Double])
    /// x_k + fraction·dx·u_k, dx the gap from x_k to the next larger x (to the next smaller
    /// for the largest), u_k in [−1, 1) a fixed hash of k. The notebook's spread is `.gap(0.1)`.
    case gap(Double)
    /// x_k·r^(fraction·u_k), r the nearer neighbour's ratio (the smaller of next/x_k and
    /// x_k/previous), u_k as in `gap`: for a log axis over uneven steps (training set sizes 3,
    /// 5, 10, 1000), where `gap` spreads a small x over decades and below zero. An x that is
    /// not positive is drawn as given.
    case logGap(Double)
  }

  public var title: String?
  public var x: [Double]
  public var y: [Double]
  public var jitter: Jitter
  public var logX: Bool
  public var xLabel: String?
  public var yLabel: String?
  public var references: [ReferenceLine]
  /// The points' colour; nil is the terminal's own colour (black in SVG).
  public var color: RGB?

  /// Points (x[k], y[k]); when x and y differ in length the extra values are ignored.
  public init(
    x: [Double], y: [Double], jitter: Jitter = .none, logX: Bool = false, xLabel: String? = nil,
    yLabel: String? = nil, references: [ReferenceLine] = ReferenceLine.paperFractions, color: RGB? = nil,
    title: String? = nil
  ) {
    self.x = x
    self.y = y
    self.jitter = jitter
    self.logX = logX
    self.xLabel = xLabel
    self.yLabel = yLabel
    self.references = references
    self.color = color
    self.title = title
  }

  /// The points as drawn: x with its jitter, y as given.
  var points: [(x: Double, y: Double)] {
    let count = min(x.count, y.count)
    switch jitter {
    case .none:
      return (0..<count).map { (x[$0], y[$0]) }
    case .offsets(let offsets):
      return (0..<count).map { (x[$0] + ($0 < offsets.count ? offsets[$0] : 0), y[$0]) }
    case .gap(let fraction):
      let distinct = Array(Set(x.prefix(count).filter(\.isFinite))).sorted()
      return (0..<count).map { k in
        let xk = x[k]
        guard xk.isFinite, fraction.isFinite else { return (xk, y[k]) }
        return (xk + fraction * Self.gap(after: xk, in: distinct) * Self.unitHash(k), y[k])
      }
    case .logGap(let fraction):
      let distinct = Array(Set(x.prefix(count).filter { $0.isFinite && $0 > 0 })).sorted()
      return (0..<count).map { k in
        let xk = x[k]
        guard xk.isFinite, xk > 0, fraction.isFinite else { return (xk, y[k]) }
        let spread = fraction * Self.unitHash(k) * LogScale.ln(Self.nearerRatio(of: xk, in: distinct))
        return (xk * LogScale.exp(spread), y[k])
      }
    }
  }

  /// The ratio from positive `value` to its nearer neighbour in `sorted` (positive values), as
  /// a number at least 1; 1 when there is no other.
  static func nearerRatio(of value: Double, in sorted: [Double]) -> Double {
    let larger = sorted.first { $0 > value }.map { $0 / value }
    let smaller = sorted.last { $0 < value }.map { value / $0 }
    return [larger, smaller].compactMap { $0 }.min() ?? 1
  }

  /// The distance from `value` to the next larger of `sorted` (to the next smaller when it is
  /// the largest; 0 when there is no other).
  static func gap(after value: Double, in sorted: [Double]) -> Double {
    var low = 0
    var high = sorted.count
    while low < high {
      let mid = (low + high) / 2
      if sorted[mid] <= value { low = mid + 1 } else { high = mid }
    }
    if low < sorted.count { return sorted[low] - value }
    return sorted.count >= 2 ? value - sorted[sorted.count - 2] : 0
  }

  /// A number in [−1, 1) fixed by `index` (SplitMix64's finaliser, top 53 bits), the same on
  /// every machine and every run.
  static func unitHash(_ index: Int) -> Double {
    var z = UInt64(bitPattern: Int64(index)) &+ 0x9E37_79B9_7F4A_7C15
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    z ^= z >> 31
    return Double(z >> 11) / Double(UInt64(1) << 53) * 2 - 1
  }

  func shows(_ x: Double, _ y: Double) -> Bool {
    x.isFinite && y.isFinite && (!logX || x > 0)
  }

  var frame: XYFrame {
    let shown = points.filter { shows($0.x, $0.y) }
    return XYFrame(
      xValues: shown.map(\.x), yValues: shown.map(\.y) + references.map(\.value), logX: logX, logY: false,
      xLabel: xLabel, yLabel: yLabel, references: references)
  }

  /// Notes on points left out, or "no data".
  var notes: [String] {
    let points = self.points
    let nonFinite = points.filter { !$0.x.isFinite || !$0.y.isFinite }.count
    let nonPositive = points.count - nonFinite - points.filter { shows($0.x, $0.y) }.count
    let skipped = XYFrame.skippedNotes(nonFinite: nonFinite, nonPositive: nonPositive)
    return points.isEmpty ? ["no data"] : skipped
  }

  public func textGrid(_ options: TextOptions) -> TextGrid {
    frame.textGrid(options, legend: [], notes: notes) { canvas, layout in
      let color = options.color ? self.color : nil
      for point in points where shows(point.x, point.y) {
        guard let p = layout.pixel(point.x, point.y) else { continue }
        canvas.point(p.0, p.1, color: color)
      }
    }
  }

  /// Small dots at half opacity, as the notebook draws them, so dense clusters show darker.
  public func svg(_ style: SVGStyle) -> SVGWriter {
    // Half opacity keeps a lone dot at 3:1 on white and on the dark background; the
    // projector's 4.5:1 needs three quarters.
    let opacity = style.theme == .projector ? 0.75 : 0.5
    return frame.svg(title: title, legend: [], notes: notes, style: style) { svg, layout in
      for point in points where shows(point.x, point.y) {
        guard let p = layout.point(point.x, point.y) else { continue }
        svg.circle(x: p.0, y: p.1, radius: 2, fill: color.map(style.mark) ?? style.ink, opacity: opacity)
      }
    }
  }
}
