/// The stack plot as SVG: a rectangle a block, outlined in white so neighbours stay apart.
extension NeuronStackPlot {
  public func svg() -> SVGWriter {
    guard featureCount > 0, neuronCount > 0 else {
      var svg = SVGWriter(width: 160, height: 40)
      svg.text(title ?? "(no neurons)", x: 80, y: 24, anchor: .middle)
      return svg
    }
    let (upExtent, downExtent) = extent
    let plotHeight = 240.0
    let scale = upExtent + downExtent > 0 ? plotHeight / (upExtent + downExtent) : 1
    let column = max(8, min(40, 480 / neuronCount))
    let gap = max(2, column / 4)
    let ticks = Ticks.linear(-downExtent, upExtent, count: 5)
    let left = 14 + 7 * (ticks.map { Ticks.label($0, among: ticks).count }.max() ?? 1)
    let top = 14 + (title == nil ? 0 : 24)
    let axis = Double(top) + upExtent * scale
    let plotWidth = neuronCount * (column + gap)
    let bottom = Double(top) + (upExtent + downExtent) * scale
    let legendX = left + plotWidth + 24
    let listed = featureCount <= 20
    let width = legendX + (listed ? 50 : 70)
    let height = max(bottom + 24 + (caption == nil ? 0 : 16), Double(top + (listed ? 16 * featureCount + 20 : 180)))
    var svg = SVGWriter(width: Double(width), height: height)

    for neuron in 0..<neuronCount {
      let (up, down, hasNaN) = stacks(neuron: neuron)
      let x = Double(left + gap / 2 + neuron * (column + gap))
      for block in up {
        svg.rect(
          x: x, y: axis - block.end * scale, width: Double(column), height: (block.end - block.start) * scale,
          fill: color(feature: block.feature), stroke: .white)
      }
      for block in down {
        svg.rect(
          x: x, y: axis + block.start * scale, width: Double(column), height: (block.end - block.start) * scale,
          fill: color(feature: block.feature), stroke: .white)
      }
      if hasNaN {
        svg.text("?", x: x + Double(column) / 2, y: axis - 3, size: 10, anchor: .middle, color: .grey)
      }
    }
    svg.line(x1: Double(left), y1: axis, x2: Double(left + plotWidth), y2: axis, stroke: .black)
    svg.line(x1: Double(left), y1: Double(top), x2: Double(left), y2: max(bottom, axis + 1), stroke: .black)
    for tick in ticks {
      let y = axis - tick * scale
      svg.line(x1: Double(left - 4), y1: y, x2: Double(left), y2: y, stroke: .black)
      svg.text(Ticks.label(tick, among: ticks), x: Double(left - 6), y: y + 3.5, size: 10, anchor: .end)
    }
    let spacing = 7 * ((0..<neuronCount).map { label(neuron: $0).count }.max() ?? 1) + 6
    let step = IndexAxis.step(cellsPerIndex: Double(column + gap), spacing: spacing)
    for neuron in stride(from: 0, to: neuronCount, by: step) {
      let x = Double(left + gap / 2 + neuron * (column + gap)) + Double(column) / 2
      svg.text(label(neuron: neuron), x: x, y: bottom + 16, size: 10, anchor: .middle)
    }
    if let caption { svg.text(caption, x: Double(left), y: bottom + 32, size: 10, color: .grey) }
    drawLegend(in: &svg, x: Double(legendX), y: Double(top), listed: listed)
    if let title { svg.text(title, x: Double(width) / 2, y: 20, size: 13, anchor: .middle, bold: true) }
    return svg
  }

  /// Swatches with feature indices, or a strip from feature 0 (top) to the last.
  private func drawLegend(in svg: inout SVGWriter, x: Double, y: Double, listed: Bool) {
    svg.text("feature", x: x, y: y + 4, size: 10)
    if listed {
      for feature in 0..<featureCount {
        let fy = y + 12 + Double(16 * feature)
        svg.rect(x: x, y: fy, width: 12, height: 12, fill: color(feature: feature))
        svg.text(String(feature), x: x + 17, y: fy + 10, size: 10)
      }
      return
    }
    let bands = 160
    for band in 0..<bands {
      let feature = band * (featureCount - 1) / (bands - 1)
      svg.rect(x: x, y: y + 12 + Double(band), width: 12, height: 1, fill: color(feature: feature))
    }
    svg.text("0", x: x + 17, y: y + 22, size: 10)
    svg.text(String(featureCount - 1), x: x + 17, y: y + 12 + Double(bands), size: 10)
  }
}
