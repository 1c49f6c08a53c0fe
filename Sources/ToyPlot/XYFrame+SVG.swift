/// The x–y frame in SVG: the same axes, ticks, reference lines and legend as in text, with
/// real lines, at a fixed size that reads well on a slide.
extension XYFrame {
  /// Where the plot area sits in the SVG, and how data maps to it.
  struct SVGLayout {
    static let left = 64.0
    static let plotWidth = 380.0
    static let plotHeight = 240.0

    var top: Double
    var x: AxisScale
    var y: AxisScale
    /// The plot area's left edge: `SVGLayout.left`, more for larger text.
    var left = SVGLayout.left

    var bottom: Double { top + Self.plotHeight }
    var right: Double { left + Self.plotWidth }

    /// The SVG position of (x, y), nil when it cannot be shown on these axes.
    func point(_ x: Double, _ y: Double) -> (Double, Double)? {
      guard let fx = self.x.fraction(x), let fy = self.y.fraction(y) else { return nil }
      return (left + fx * Self.plotWidth, bottom - fy * Self.plotHeight)
    }
  }

  /// One legend entry: a sample of the series' line and its name.
  struct SVGLegendItem {
    var name: String
    var color: RGB
    var opacity = 1.0
  }

  func svg(
    title: String?, legend: [SVGLegendItem], notes: [String], style: SVGStyle,
    draw: (inout SVGWriter, SVGLayout) -> Void
  ) -> SVGWriter {
    let s = style.textScale
    let hasTitle = title?.isEmpty == false
    let layout = SVGLayout(
      top: hasTitle ? 40 * s : 20, x: AxisScale(fitting: xValues, log: logX, count: 7, ticks: xTicks),
      y: AxisScale(fitting: yValues, log: logY, count: 6), left: SVGLayout.left * s)
    let labelled = references.contains { $0.label?.isEmpty == false }
    let width = layout.right + (labelled ? 48 * s : 16)
    let legendTop = layout.bottom + 52 * s
    let columns = Self.legendColumns(legend, width: width - layout.left, scale: s)
    let legendRows = (legend.count + columns.count - 1) / max(1, columns.count)
    let height = legendTop + 16 * s * Double(legendRows + notes.count) + 4
    var svg = SVGWriter(width: width, height: height, style: style)
    if let title, hasTitle {
      svg.text(title, x: layout.left + SVGLayout.plotWidth / 2, y: 22 * s, size: 13, anchor: .middle, bold: true)
    }
    drawReferenceLines(&svg, layout)
    draw(&svg, layout)
    drawAxes(&svg, layout)
    for (i, item) in legend.enumerated() {
      let x = layout.left + columns[i % columns.count]
      let y = legendTop + 16 * s * Double(i / columns.count)
      svg.line(x1: x, y1: y - 4 * s, x2: x + 20, y2: y - 4 * s, stroke: item.color, width: 2, opacity: item.opacity)
      svg.text(item.name, x: x + 26, y: y)
    }
    for (i, note) in notes.enumerated() {
      svg.text(note, x: layout.left, y: legendTop + 16 * s * Double(legendRows + i), color: style.muted)
    }
    return svg
  }

  /// Where each legend column starts, from the legend's left edge: as many columns as fit in
  /// `width` at the widest item's width, so twenty features take five rows, not twenty.
  /// Items run across, then down, as in text.
  static func legendColumns(_ legend: [SVGLegendItem], width: Double, scale: Double = 1) -> [Double] {
    // About 6.2 px a character at 11 px Helvetica; the sample line and a gap besides.
    let itemWidth = 26 + 6.2 * scale * Double(legend.map(\.name.count).max() ?? 0) + 14
    let count = max(1, min(legend.count, Int(width / itemWidth)))
    return (0..<count).map { Double($0) * itemWidth }
  }

  /// Dashed lines across the plot, labelled at the right; labels of close lines are pushed
  /// apart (downwards, in order) so they never overlap.
  private func drawReferenceLines(_ svg: inout SVGWriter, _ layout: SVGLayout) {
    var labels: [(y: Double, text: String, color: RGB)] = []
    for line in references {
      guard let f = layout.y.fraction(line.value), f >= -1e-9, f <= 1 + 1e-9 else { continue }
      let y = layout.bottom - f * SVGLayout.plotHeight
      let color = line.color.map(svg.style.mark) ?? svg.style.muted
      svg.line(x1: layout.left, y1: y, x2: layout.right, y2: y, stroke: color, dashed: true)
      if let label = line.label, !label.isEmpty {
        labels.append((y, label, svg.style.theme.readable(color, contrast: Theme.textContrast)))
      }
    }
    let s = svg.style.textScale
    var free = -Double.infinity
    for label in labels.sorted(by: { $0.y < $1.y }) {
      let y = max(label.y + 4 * s, free)
      svg.text(label.text, x: layout.right + 4, y: y, size: 10, color: label.color)
      free = y + 11 * s
    }
  }

  private func drawAxes(_ svg: inout SVGWriter, _ layout: SVGLayout) {
    let left = layout.left
    let ink = svg.style.ink
    let s = svg.style.textScale
    svg.line(x1: left, y1: layout.top, x2: left, y2: layout.bottom, stroke: ink)
    svg.line(x1: left, y1: layout.bottom, x2: layout.right, y2: layout.bottom, stroke: ink)
    for tick in layout.y.ticks {
      guard let f = layout.y.fraction(tick), f >= -1e-9, f <= 1 + 1e-9 else { continue }
      let y = layout.bottom - f * SVGLayout.plotHeight
      svg.line(x1: left - 5, y1: y, x2: left, y2: y, stroke: ink)
      svg.text(Ticks.label(tick, among: layout.y.ticks), x: left - 8, y: y + 4 * s, anchor: .end)
    }
    for tick in layout.x.ticks {
      guard let f = layout.x.fraction(tick), f >= -1e-9, f <= 1 + 1e-9 else { continue }
      let x = left + f * SVGLayout.plotWidth
      svg.line(x1: x, y1: layout.bottom, x2: x, y2: layout.bottom + 5, stroke: ink)
      svg.text(Ticks.label(tick, among: layout.x.ticks), x: x, y: layout.bottom + 18 * s, anchor: .middle)
    }
    if let xLabel, !xLabel.isEmpty {
      svg.text(xLabel, x: left + SVGLayout.plotWidth / 2, y: layout.bottom + 36 * s, anchor: .middle)
    }
    if let yLabel, !yLabel.isEmpty {
      svg.text(yLabel, x: 16 * s, y: layout.top + SVGLayout.plotHeight / 2, anchor: .middle, rotate: -90)
    }
  }
}
