/// The bar chart in text: eighth blocks (or `#`) over a value axis, codes and a colour bar.
extension BarChart {
  /// Where the bars go: `factor` features merged into a bar `width` columns wide, `gap`
  /// blank columns between bars.
  struct TextFit: Equatable {
    var factor: Int
    var width: Int
    var gap: Int
    var pitch: Int { width + gap }
  }

  /// Rows the chart needs beside the bars.
  private func overhead(_ options: TextOptions, merged: Bool) -> Int {
    let colors = colorValues != nil
    return (title == nil ? 0 : 1) + (valueTitle == nil ? 0 : 1) + 2 + (colors && !options.color ? 1 : 0)
      + (colors ? 3 : 0) + (merged ? 1 : 0)
  }

  func fit(_ options: TextOptions, gutter: Int) -> TextFit {
    let room = options.width - gutter - 2 - (marker == nil ? 0 : 2)
    for (width, gap) in [(2, 1), (1, 1), (1, 0)] where values.count * (width + gap) <= room {
      return TextFit(factor: 1, width: width, gap: gap)
    }
    let factor = max(1, (values.count + max(1, room) - 1) / max(1, room))
    return TextFit(factor: factor, width: 1, gap: 0)
  }

  public func textGrid(_ options: TextOptions) -> TextGrid {
    guard !values.isEmpty else { return Heatmap.clipped(TextGrid(lines: ["(no bars)"]), width: options.width) }
    let ascii = options.ascii
    let probeRows = 10
    let probeTicks = Self.valueTicks(values, count: 5)
    let gutter = probeTicks.map { Ticks.label($0, among: probeTicks).count }.max() ?? 1
    let fit = fit(options, gutter: gutter)
    let rows = options.height.map { max(2, $0 - overhead(options, merged: fit.factor > 1)) } ?? probeRows
    let ticks = Self.valueTicks(values, count: max(2, min(5, rows / 3 + 1)))
    let top = ticks.last ?? 1
    let (heights, colors) = merged(factor: fit.factor)
    let markerBar = marker.map { min(heights.count, $0 <= 0 ? 0 : ($0 - 1) / fit.factor + 1) }
    let x0 = gutter + 2
    func x(_ bar: Int) -> Int {
      x0 + bar * fit.pitch + (markerBar.map { bar >= $0 ? 1 + fit.gap : 0 } ?? 0)
    }
    let width = x(heights.count) - fit.gap

    var chart = TextGrid(width: width, height: rows + 1)
    drawAxis(&chart, ticks: ticks, top: top, rows: rows, gutter: gutter, ascii: ascii)
    if let markerBar {
      let mx = x0 + markerBar * fit.pitch
      for y in 0..<rows { chart[mx, y] = Cell(ascii ? "|" : "│", foreground: options.color ? .grey : nil) }
      chart[mx, rows] = Cell(ascii ? "+" : "┴")
    }
    let partials = Array(ascii ? "....::::" : " ▁▂▃▄▅▆▇")
    for (bar, value) in heights.enumerated() {
      let color = options.color ? barColor(colors.map { $0[bar] }, theme: options.theme) : nil
      let filled = Self.eighths(value, top: top, rows: rows)
      for dx in 0..<fit.width {
        if value.isNaN {
          chart[x(bar) + dx, rows - 1] = Cell("?", foreground: options.color ? .grey : nil)
          continue
        }
        for level in 0..<rows {
          let eighths = filled - level * 8
          guard eighths > 0 else { break }
          let glyph = eighths >= 8 ? (ascii ? "#" : "█") : partials[eighths]
          chart[x(bar) + dx, rows - 1 - level] = Cell(glyph, foreground: color)
        }
      }
    }

    var parts: [TextGrid] = []
    if let valueTitle { parts.append(TextGrid(lines: [ascii ? Self.asciiOnly(valueTitle) : valueTitle])) }
    parts.append(chart)
    if let colors, !options.color {
      var codes = TextGrid(width: width, height: 1)
      for (bar, value) in colors.enumerated() {
        // A bar too short to draw has no colour to show, in text as in SVG: no code either.
        let drawn = bar < heights.count && (heights[bar].isNaN || Self.eighths(heights[bar], top: top, rows: rows) > 0)
        let code = drawn ? Self.code(position: colorPosition(value)) : " "
        for dx in 0..<fit.width { codes[x(bar) + dx, 0] = Cell(code) }
      }
      parts.append(codes)
    }
    let spacing = ((0..<values.count).map { label($0).count }.max() ?? 1) + 1
    let step = IndexAxis.step(cellsPerIndex: Double(fit.pitch) / Double(fit.factor), spacing: spacing)
    parts.append(
      IndexAxis.labelRow(
        count: values.count, step: step, width: width, ascii: ascii, x: { x($0 / fit.factor) }, label: label))
    if fit.factor > 1 {
      parts.append(TextGrid(lines: ["(\(values.count) bars, the largest of each \(fit.factor) shown)"]))
    }
    if colorValues != nil { parts.append(colorBar(options)) }
    return Heatmap.clipped(TextGrid.vertical(parts), width: options.width)
  }

  /// The value axis: tick labels right-aligned in the gutter, `┤` at ticks, the baseline.
  private func drawAxis(
    _ chart: inout TextGrid, ticks: [Double], top: Double, rows: Int, gutter: Int, ascii: Bool
  ) {
    for y in 0..<rows { chart[gutter, y] = Cell(ascii ? "|" : "│") }
    for x in gutter + 1..<chart.width { chart[x, rows] = Cell(ascii ? "-" : "─") }
    chart[gutter, rows] = Cell(ascii ? "+" : "└")
    var used: Set<Int> = []
    for tick in ticks {
      let level = Int((tick / top * Double(rows)).rounded())
      let y = rows - level
      guard y >= 0, y <= rows, !used.contains(y) else { continue }
      used.insert(y)
      let text = Ticks.label(tick, among: ticks)
      chart.write(text, x: gutter - text.count, y: y)
      if y < rows { chart[gutter, y] = Cell(ascii ? "+" : "┤") }
    }
  }

  /// "superposition" and a strip of the colour map (or the code ramp) with ticks under it.
  private func colorBar(_ options: TextOptions) -> TextGrid {
    let low = colorRange.lowerBound
    let high = colorRange.upperBound
    let colormap = colormap.clipped(for: options.theme)
    let bar = ColorBar(
      low: low, high: high, ticks: Ticks.linear(low, high, count: 3),
      color: { colormap.color(at: colorPosition($0)) }, glyph: { Self.code(position: colorPosition($0)) })
    let name = options.ascii ? Self.asciiOnly(colorTitle) : colorTitle
    let length = max(9, min(27, options.width - name.count - 1))
    var grid = TextGrid(width: name.count + 1 + length, height: 3)
    grid.write(name, x: 0, y: 1)
    grid.place(bar.text(length: length, color: options.color), x: name.count + 1, y: 1)
    return grid
  }
}
