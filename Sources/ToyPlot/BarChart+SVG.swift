/// The bar chart as SVG: a rectangle a bar, the value axis, the marker rule and a colour bar.
extension BarChart {
  public func svg(_ style: SVGStyle) -> SVGWriter {
    guard !values.isEmpty else {
      var svg = SVGWriter(width: 160, height: 40, style: style)
      svg.text(title ?? "(no bars)", x: 80, y: 24, anchor: .middle)
      return svg
    }
    let s = style.textScale
    let ticks = Self.valueTicks(values, count: 5)
    let top = ticks.last ?? 1
    let slot = max(2, min(24, 480 / values.count))
    let gap = slot / 6
    let plotHeight = 200
    let left = Int(14 * s + style.textWidth(ticks.map { Ticks.label($0, among: ticks).count }.max() ?? 1))
    let plotTop = svgPlotTop(style)
    let plotWidth = values.count * slot
    let baseline = plotTop + plotHeight
    let barX = left + plotWidth + 28
    let colorBarWidth =
      showsColorBar ? 12 + Int(style.textWidth(6)) + max(0, Int(style.textWidth(colorTitle.count)) - 52) : 0
    let width = barX + colorBarWidth
    var svg = SVGWriter(width: Double(width), height: Double(baseline) + 34 * s, style: style)

    for (index, value) in values.enumerated() {
      let x = Double(left + index * slot + gap / 2)
      guard !value.isNaN else {
        svg.text(
          "?", x: x + Double(slot - gap) / 2, y: Double(baseline - 3), size: 10, anchor: .middle, color: style.muted)
        continue
      }
      let height = Double(Self.eighths(value, top: top, rows: plotHeight)) / 8
      // Each bar keeps its contrast on the page's background (inferno's pale end did not on
      // white, its dark end on black).
      let color = barColor(colorValues.map { index < $0.count ? $0[index] : .nan }, theme: style.theme)
      svg.rect(x: x, y: Double(baseline) - height, width: Double(slot - gap), height: height, fill: color)
    }
    for tick in ticks {
      let y = Double(baseline) - tick / top * Double(plotHeight)
      svg.line(x1: Double(left - 4), y1: y, x2: Double(left), y2: y, stroke: style.ink)
      svg.text(Ticks.label(tick, among: ticks), x: Double(left - 6), y: y + 3.5 * s, size: 10, anchor: .end)
    }
    svg.line(
      x1: Double(left), y1: Double(plotTop), x2: Double(left), y2: Double(baseline), stroke: style.ink)
    svg.line(
      x1: Double(left), y1: Double(baseline), x2: Double(left + plotWidth), y2: Double(baseline), stroke: style.ink)
    if let marker {
      let x = Double(left + max(0, min(values.count, marker)) * slot)
      svg.line(x1: x, y1: Double(plotTop), x2: x, y2: Double(baseline), stroke: style.muted, dashed: true)
    }
    let spacing = Int(style.textWidth((0..<values.count).map { label($0).count }.max() ?? 1)) + 6
    let step = IndexAxis.step(cellsPerIndex: Double(slot), spacing: spacing)
    for index in stride(from: 0, to: values.count, by: step) {
      let x = Double(left + index * slot) + Double(slot) / 2
      svg.text(label(index), x: x, y: Double(baseline) + 14 * s, size: 10, anchor: .middle)
    }
    if let valueTitle {
      svg.text(valueTitle, x: Double(left), y: Double(plotTop) - 12 * s, size: 11, anchor: .middle)
    }
    if showsColorBar {
      drawColorBar(in: &svg, x: Double(barX), y: Double(plotTop + 20), height: plotHeight - 20)
    }
    if let title { svg.text(title, x: Double(width) / 2, y: 20 * s, size: 13, anchor: .middle, bold: true) }
    return svg
  }

  /// The colour bar of the bars' colour scale, in the writer's theme, `height` pixels tall.
  func drawColorBar(in svg: inout SVGWriter, x: Double, y: Double, height: Int) {
    let low = colorRange.lowerBound
    let high = colorRange.upperBound
    let colormap = colormap.clipped(for: svg.style.theme)
    let bar = ColorBar(
      low: low, high: high, ticks: Ticks.linear(low, high, count: 3),
      color: { colormap.color(at: colorPosition($0)) }, glyph: { _ in " " })
    bar.draw(in: &svg, x: x, y: y, width: 12, height: height, title: colorTitle)
  }

  /// Where the bars start: under the title and the value axis's title.
  func svgPlotTop(_ style: SVGStyle) -> Int {
    Int(12 + (title == nil ? 0 : 24 * style.textScale) + (valueTitle == nil ? 0 : 20 * style.textScale))
  }

  /// Whether the SVG draws the colour bar: when the bars are coloured and no figure draws
  /// one colour bar for all its panels instead.
  var showsColorBar: Bool { colorValues != nil && !hidesColorBar }
}

extension BarChart: ColorBarSharing {
  var colorBarKey: String? {
    colorValues == nil ? nil : "\(colormap.name) \(colorRange) \(colorTitle)"
  }

  func withoutColorBar() -> any Plot {
    var plot = self
    plot.hidesColorBar = true
    return plot
  }

  func colorBarPlacement(_ style: SVGStyle) -> (top: Double, height: Double) { (Double(svgPlotTop(style) + 20), 180) }

  func colorBarWidth(_ style: SVGStyle) -> Double { 12 + style.textWidth(max(6, colorTitle.count)) }
}
