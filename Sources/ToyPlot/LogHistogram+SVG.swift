/// The histogram in SVG: touching bars over the log axis, the bin apart left of a break.
extension LogHistogram {
  public func svg(_ style: SVGStyle) -> SVGWriter {
    let s = style.textScale
    let ticks = countTicks
    let top = ticks.last ?? 1
    let bins = Double(max(1, binCount))
    let slot = max(24, min(56, 400 / bins)) * s
    let left = 20 * s + style.textWidth(ticks.map { Ticks.label($0).count }.max() ?? 1)
    let plotTop = (title == nil ? 16 : 40 * s) + (yLabel == nil ? 0 : 18 * s)
    let plotHeight = 200.0
    let baseline = plotTop + plotHeight
    let apartX = left + 10
    let binsX = apart == nil ? left + 10 : apartX + slot + 24 * s
    let end = binsX + Double(binCount) * slot
    let width = end + 24 * s
    let height = baseline + (xLabel == nil ? 28 : 46) * s + 4
    var svg = SVGWriter(width: width, height: height, style: style)
    if let title { svg.text(title, x: width / 2, y: 22 * s, size: 13, anchor: .middle, bold: true) }
    if let yLabel { svg.text(yLabel, x: left, y: plotTop - 10 * s, anchor: .middle) }
    for tick in ticks {
      let y = baseline - tick / top * plotHeight
      svg.line(x1: left - 4, y1: y, x2: left, y2: y, stroke: style.ink)
      svg.text(Ticks.label(tick), x: left - 6, y: y + 3.5 * s, size: 10, anchor: .end)
    }
    svg.line(x1: left, y1: plotTop, x2: left, y2: baseline, stroke: style.ink)
    func bar(_ x: Double, _ count: Int, color: RGB) {
      let h = Double(BarChart.eighths(Double(count), top: top, rows: Int(plotHeight))) / 8
      if h > 0 { svg.rect(x: x + 1, y: baseline - h, width: slot - 2, height: h, fill: style.mark(color)) }
      if count > 0 {
        svg.text(String(count), x: x + slot / 2, y: baseline - h - 4, size: 10, anchor: .middle)
      }
    }
    if let apart {
      svg.line(x1: left, y1: baseline, x2: apartX + slot + 6, y2: baseline, stroke: style.ink)
      bar(apartX, apart.count, color: Self.apartColor)
      svg.text(apart.label, x: apartX + slot / 2, y: baseline + 14 * s, size: 10, anchor: .middle)
    }
    if binCount > 0 {
      svg.line(x1: binsX - 6, y1: baseline, x2: end + 6, y2: baseline, stroke: style.ink)
      for k in 0..<binCount { bar(binsX + Double(k) * slot, count(k), color: Self.binColor) }
      var free = -Double.infinity
      for k in 0...binCount {
        let x = binsX + Double(k) * slot
        svg.line(x1: x, y1: baseline, x2: x, y2: baseline + 4, stroke: style.ink)
        let label = edgeLabel(k)
        let half = SVGWriter.estimatedWidth(of: label, size: style.font(10)) / 2
        guard x - half >= free else { continue }
        svg.text(label, x: x, y: baseline + 14 * s, size: 10, anchor: .middle)
        free = x + half + 4
      }
    }
    if let xLabel {
      svg.text(xLabel, x: binCount > 0 ? (binsX + end) / 2 : width / 2, y: baseline + 34 * s, anchor: .middle)
    }
    return svg
  }
}
