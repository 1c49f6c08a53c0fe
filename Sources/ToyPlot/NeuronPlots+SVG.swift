/// The stack plot as SVG: a rectangle a block, outlined in the background's colour so
/// neighbours stay apart, with the axes named ("neuron" under, "weight" beside).
extension NeuronStackPlot {
  public func svg(_ style: SVGStyle) -> SVGWriter {
    guard featureCount > 0, neuronCount > 0 else {
      var svg = SVGWriter(width: 160, height: 40, style: style)
      svg.text(title ?? "(no neurons)", x: 80, y: 24, anchor: .middle)
      return svg
    }
    let (upExtent, downExtent) = extent
    let plotHeight = 240.0
    let scale = upExtent + downExtent > 0 ? plotHeight / (upExtent + downExtent) : 1
    let column = max(8, min(40, 480 / neuronCount))
    let gap = max(2, column / 4)
    let ticks = Ticks.linear(-downExtent, upExtent, count: 5)
    let s = style.textScale
    let left = Int(30 * s + style.textWidth(ticks.map { Ticks.label($0, among: ticks).count }.max() ?? 1))
    let top = Int(14 + (title == nil ? 0 : 24 * s))
    let axis = Double(top) + upExtent * scale
    let plotWidth = neuronCount * (column + gap)
    let bottom = Double(top) + (upExtent + downExtent) * scale
    let legendX = left + plotWidth + 24
    let listed = featureCount <= 20
    let width = legendX + Int((listed ? 50 : 70) * s)
    let rowHeight = 16 * s
    let height = max(
      bottom + 40 * s + (caption == nil ? 0 : rowHeight),
      Double(top) + (listed ? rowHeight * Double(featureCount) + 20 * s : 180))
    var svg = SVGWriter(width: Double(width), height: height, style: style)

    for neuron in 0..<neuronCount {
      let (up, down, hasNaN) = stacks(neuron: neuron)
      let x = Double(left + gap / 2 + neuron * (column + gap))
      for block in up {
        svg.rect(
          x: x, y: axis - block.end * scale, width: Double(column), height: (block.end - block.start) * scale,
          fill: color(feature: block.feature, theme: style.theme), stroke: style.separator)
      }
      for block in down {
        svg.rect(
          x: x, y: axis + block.start * scale, width: Double(column), height: (block.end - block.start) * scale,
          fill: color(feature: block.feature, theme: style.theme), stroke: style.separator)
      }
      if hasNaN {
        svg.text("?", x: x + Double(column) / 2, y: axis - 3, size: 10, anchor: .middle, color: style.muted)
      }
    }
    svg.line(x1: Double(left), y1: axis, x2: Double(left + plotWidth), y2: axis, stroke: style.ink)
    svg.line(x1: Double(left), y1: Double(top), x2: Double(left), y2: max(bottom, axis + 1), stroke: style.ink)
    for tick in ticks {
      let y = axis - tick * scale
      svg.line(x1: Double(left - 4), y1: y, x2: Double(left), y2: y, stroke: style.ink)
      svg.text(Ticks.label(tick, among: ticks), x: Double(left - 6), y: y + 3.5 * s, size: 10, anchor: .end)
    }
    let spacing = Int(style.textWidth((0..<neuronCount).map { label(neuron: $0).count }.max() ?? 1)) + 6
    let step = IndexAxis.step(cellsPerIndex: Double(column + gap), spacing: spacing)
    for neuron in stride(from: 0, to: neuronCount, by: step) {
      let x = Double(left + gap / 2 + neuron * (column + gap)) + Double(column) / 2
      svg.text(label(neuron: neuron), x: x, y: bottom + 16 * s, size: 10, anchor: .middle)
    }
    svg.text(
      Self.neuronAxisTitle, x: Double(left) + Double(plotWidth) / 2, y: bottom + 32 * s, size: 11, anchor: .middle)
    svg.text(
      Self.weightAxisTitle, x: 14 * s, y: (Double(top) + max(bottom, axis + 1)) / 2, size: 11, anchor: .middle,
      rotate: -90)
    if let caption { svg.text(caption, x: Double(left), y: bottom + 48 * s, size: 10, color: style.muted) }
    drawLegend(in: &svg, x: Double(legendX), y: Double(top), listed: listed)
    if let title { svg.text(title, x: Double(width) / 2, y: 20 * s, size: 13, anchor: .middle, bold: true) }
    return svg
  }

  /// The axes' names: the neurons along, each feature's weight into a neuron up and down.
  static let neuronAxisTitle = "neuron"
  static let weightAxisTitle = "weight W_ij"

  /// Swatches with feature indices, or a strip from feature 0 (top) to the last.
  private func drawLegend(in svg: inout SVGWriter, x: Double, y: Double, listed: Bool) {
    let s = svg.style.textScale
    let theme = svg.style.theme
    svg.text("feature", x: x, y: y + 4, size: 10)
    if listed {
      for feature in 0..<featureCount {
        let fy = y + 12 * s + 16 * s * Double(feature)
        svg.rect(x: x, y: fy, width: 12 * s, height: 12 * s, fill: color(feature: feature, theme: theme))
        svg.text(String(feature), x: x + 17 * s, y: fy + 10 * s, size: 10)
      }
      return
    }
    let bands = 160
    for band in 0..<bands {
      let feature = band * (featureCount - 1) / (bands - 1)
      svg.rect(x: x, y: y + 12 + Double(band), width: 12, height: 1, fill: color(feature: feature, theme: theme))
    }
    svg.text("0", x: x + 17, y: y + 12 + 10 * s, size: 10)
    svg.text(String(featureCount - 1), x: x + 17, y: y + 12 + Double(bands), size: 10)
  }
}
