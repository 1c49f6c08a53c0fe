/// The bar chart as SVG: a rectangle a bar, the value axis, the marker rule and a colour bar.
extension BarChart {
  public func svg() -> SVGWriter {
    guard !values.isEmpty else {
      var svg = SVGWriter(width: 160, height: 40)
      svg.text(title ?? "(no bars)", x: 80, y: 24, anchor: .middle)
      return svg
    }
    let ticks = Self.valueTicks(values, count: 5)
    let top = ticks.last ?? 1
    let slot = max(2, min(24, 480 / values.count))
    let gap = slot / 6
    let plotHeight = 200
    let left = 14 + 7 * (ticks.map { Ticks.label($0, among: ticks).count }.max() ?? 1)
    let plotTop = 12 + (title == nil ? 0 : 24) + (valueTitle == nil ? 0 : 20)
    let plotWidth = values.count * slot
    let baseline = plotTop + plotHeight
    let barX = left + plotWidth + 28
    let width = barX + (colorValues == nil ? 0 : 12 + 40 + max(0, 6 * colorTitle.count - 52))
    var svg = SVGWriter(width: Double(width), height: Double(baseline + 34))

    for (index, value) in values.enumerated() {
      let x = Double(left + index * slot + gap / 2)
      guard !value.isNaN else {
        svg.text("?", x: x + Double(slot - gap) / 2, y: Double(baseline - 3), size: 10, anchor: .middle, color: .grey)
        continue
      }
      let height = Double(Self.eighths(value, top: top, rows: plotHeight)) / 8
      // A page is white: the bars keep their contrast on it (inferno's pale end did not).
      let color = barColor(colorValues.map { index < $0.count ? $0[index] : .nan }, theme: .light)
      svg.rect(x: x, y: Double(baseline) - height, width: Double(slot - gap), height: height, fill: color)
    }
    for tick in ticks {
      let y = Double(baseline) - tick / top * Double(plotHeight)
      svg.line(x1: Double(left - 4), y1: y, x2: Double(left), y2: y, stroke: .black)
      svg.text(Ticks.label(tick, among: ticks), x: Double(left - 6), y: y + 3.5, size: 10, anchor: .end)
    }
    svg.line(
      x1: Double(left), y1: Double(plotTop), x2: Double(left), y2: Double(baseline), stroke: .black)
    svg.line(
      x1: Double(left), y1: Double(baseline), x2: Double(left + plotWidth), y2: Double(baseline), stroke: .black)
    if let marker {
      let x = Double(left + max(0, min(values.count, marker)) * slot)
      svg.line(x1: x, y1: Double(plotTop), x2: x, y2: Double(baseline), stroke: .grey, dashed: true)
    }
    let spacing = 7 * ((0..<values.count).map { label($0).count }.max() ?? 1) + 6
    let step = IndexAxis.step(cellsPerIndex: Double(slot), spacing: spacing)
    for index in stride(from: 0, to: values.count, by: step) {
      let x = Double(left + index * slot) + Double(slot) / 2
      svg.text(label(index), x: x, y: Double(baseline + 14), size: 10, anchor: .middle)
    }
    if let valueTitle { svg.text(valueTitle, x: Double(left), y: Double(plotTop - 12), size: 11, anchor: .middle) }
    if colorValues != nil {
      let low = colorRange.lowerBound
      let high = colorRange.upperBound
      let colormap = colormap.clipped(for: .light)
      let bar = ColorBar(
        low: low, high: high, ticks: Ticks.linear(low, high, count: 3),
        color: { colormap.color(at: colorPosition($0)) }, glyph: { _ in " " })
      bar.draw(
        in: &svg, x: Double(barX), y: Double(plotTop + 20), width: 12, height: plotHeight - 20, title: colorTitle)
    }
    if let title { svg.text(title, x: Double(width) / 2, y: 20, size: 13, anchor: .middle, bold: true) }
    return svg
  }
}
