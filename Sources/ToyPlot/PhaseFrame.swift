/// What both phase diagrams share: the grid's placement, downsampling, log axes, the legend
/// and the note, in text and in SVG. The diagrams supply the cells.
struct PhaseFrame {
  let axes: PhaseAxes
  /// The source grid's size.
  let columns: Int
  let rows: Int
  let title: String?

  /// Source cells that one shown cell stands for.
  struct Block {
    var rows: Range<Int>
    var columns: Range<Int>
  }

  /// Where the plot area sits in the text grid.
  struct Layout {
    /// Columns left of the plot area (tick labels and the axis).
    var margin: Int
    /// The points shown: the grid's, or fewer where it does not fit.
    var shownColumns: Int
    var shownRows: Int
    /// The plot area in text cells. A grid smaller than the space is scaled up to fill it,
    /// each point taking a share of whole cells, so that diagrams of different grids drawn
    /// side by side (theory and trained) have the same size and their axes line up.
    var plotWidth: Int
    var plotHeight: Int
    /// The most rows the plot area may take.
    var rowBudget: Int
    /// The first row of the plot area (below the density label).
    var top: Int { 1 }
    /// The shown point under a text cell of the plot area.
    func shownColumn(_ x: Int) -> Int { x * shownColumns / max(1, plotWidth) }
    func shownRow(_ y: Int) -> Int { y * shownRows / max(1, plotHeight) }
  }

  /// The most lines the note takes (it is wrapped to the diagram's width).
  static let noteLines = 2

  static let svgLeft = 60.0
  private static let svgPlot = 300.0

  private func yTicks() -> [(value: Double, label: String)] {
    let ticks = Ticks.logarithmic(axes.density.lowerBound, axes.density.upperBound)
    if !ticks.isEmpty { return ticks.reversed().map { ($0, Ticks.label($0, among: ticks)) } }
    let ends = [axes.density(row: 0, of: rows), axes.density(row: max(0, rows - 1), of: rows)]
    return ends.map { ($0, Ticks.label($0, among: ends)) }
  }

  private func xTicks() -> [(value: Double, label: String)] {
    let ticks = Ticks.logarithmic(axes.importance.lowerBound, axes.importance.upperBound)
    if !ticks.isEmpty { return ticks.map { ($0, Ticks.label($0, among: ticks)) } }
    let ends = [axes.importance(column: 0, of: columns), axes.importance(column: max(0, columns - 1), of: columns)]
    return ends.map { ($0, Ticks.label($0, among: ends)) }
  }

  func layout(_ options: TextOptions, legendLines: Int) -> Layout {
    let labelWidth = yTicks().map(\.label.count).max() ?? 0
    let margin = labelWidth + 2
    let available = max(1, options.width - margin)
    let (sourceColumns, sourceRows) = (max(1, columns), max(1, rows))
    // The size depends on the options alone, never on the grid or the legend, so that
    // diagrams side by side (theory and trained) line up. With a height (the body's, as
    // `titled` adds the title's row above it), the rows left after the density label, the
    // axis line, its tick labels, the importance label, the note's lines and a legend of up
    // to four lines.
    let budget =
      options.height.map { max(1, $0 - 4 - Self.noteLines - max(4, legendLines)) }
      // About square over the width, within a screen.
      ?? max(24, min(32, available / 2))
    // The budget's rows, and as many columns as make it square (a cell is twice as tall as
    // wide), within the width.
    let plotWidth = min(available, 2 * budget)
    return Layout(
      margin: margin, shownColumns: min(sourceColumns, plotWidth), shownRows: min(sourceRows, budget),
      plotWidth: plotWidth, plotHeight: budget, rowBudget: budget)
  }

  /// The source cells behind shown cell (column, row); nil when the grid is empty.
  func block(column: Int, row: Int, _ layout: Layout) -> Block? {
    guard columns > 0, rows > 0 else { return nil }
    func span(_ i: Int, shown: Int, source: Int) -> Range<Int> {
      let start = i * source / shown
      return start..<max(start + 1, (i + 1) * source / shown)
    }
    return Block(
      rows: span(row, shown: layout.shownRows, source: rows),
      columns: span(column, shown: layout.shownColumns, source: columns))
  }

  /// The diagram in text: the density label, the plot area with its axes and ticks, the
  /// importance label, the legend, and a note when the grid was downsampled.
  func textGrid(_ options: TextOptions, legend: [TextGrid], method: String, paint: (Block?) -> Cell) -> TextGrid {
    let layout = self.layout(options, legendLines: legend.count)
    let densityLabel = options.ascii ? PhaseDiagram.asciiOnly(axes.densityLabel) : axes.densityLabel
    let importanceLabel = options.ascii ? PhaseDiagram.asciiOnly(axes.importanceLabel) : axes.importanceLabel
    let widths = [layout.margin + layout.plotWidth, densityLabel.count, importanceLabel.count]
    var width = min(options.width, (widths + legend.map(\.width)).max()!)
    let note = self.note(layout, method: method, ascii: options.ascii)
    // The note widens the diagram as far as the options allow to fit in its lines.
    while width < options.width && wrapWords(note, width: width).count > Self.noteLines { width += 1 }
    let noteLines =
      note.isEmpty
      ? [] : wrapWords(note, width: width).prefix(Self.noteLines).map { String($0.prefix(width)) }
    let axisRow = layout.top + layout.plotHeight
    var grid = TextGrid(width: width, height: axisRow + 3 + legend.count + noteLines.count)
    grid.write(densityLabel, x: 0, y: 0)
    let shown = (0..<layout.shownRows).map { row in
      (0..<layout.shownColumns).map { paint(block(column: $0, row: row, layout)) }
    }
    for y in 0..<layout.plotHeight {
      for x in 0..<layout.plotWidth {
        grid[layout.margin + x, layout.top + y] = shown[layout.shownRow(y)][layout.shownColumn(x)]
      }
    }
    drawDensityAxis(&grid, layout, ascii: options.ascii)
    drawImportanceAxis(&grid, layout, ascii: options.ascii)
    let labelX = layout.margin + (layout.plotWidth - importanceLabel.count) / 2
    grid.write(importanceLabel, x: max(0, min(labelX, width - importanceLabel.count)), y: axisRow + 2)
    for (i, line) in legend.enumerated() { grid.place(line, x: 0, y: axisRow + 3 + i) }
    for (i, line) in noteLines.enumerated() { grid.write(line, x: 0, y: grid.height - noteLines.count + i) }
    return grid
  }

  /// When the grid has more points than fit, what a cell then shows, in words: "200×200
  /// points in 54×27 cells: each shows the phase most of its points have"
  /// (`method` ends the sentence); "no data" when empty; nothing when every point has a cell.
  func note(_ layout: Layout, method: String, ascii: Bool) -> String {
    guard columns > 0, rows > 0 else { return "no data" }
    guard columns > layout.shownColumns || rows > layout.shownRows else { return "" }
    let times = ascii ? "x" : "×"
    return
      "\(columns)\(times)\(rows) points in \(layout.shownColumns)\(times)\(layout.shownRows) cells: each shows \(method)"
  }

  /// A rule left of the plot with a tick and a right-aligned label per decade.
  private func drawDensityAxis(_ grid: inout TextGrid, _ layout: Layout, ascii: Bool) {
    let x = layout.margin - 1
    for row in 0..<layout.plotHeight { grid[x, layout.top + row] = Cell(ascii ? "|" : "│") }
    var labelled = Set<Int>()
    for tick in yTicks() {
      guard let f = LogScale.fraction(tick.value, in: axes.density) else { continue }
      let row = max(0, min(layout.plotHeight - 1, Int(((1 - f) * Double(layout.plotHeight)).rounded(.down))))
      guard labelled.insert(row).inserted else { continue }
      grid[x, layout.top + row] = Cell(ascii ? "+" : "┤")
      grid.write(tick.label, x: x - 1 - tick.label.count, y: layout.top + row)
    }
  }

  /// A rule under the plot with a tick per decade, and the labels that do not overlap.
  private func drawImportanceAxis(_ grid: inout TextGrid, _ layout: Layout, ascii: Bool) {
    let y = layout.top + layout.plotHeight
    let width = layout.plotWidth
    grid[layout.margin - 1, y] = Cell(ascii ? "+" : "└")
    for x in 0..<width { grid[layout.margin + x, y] = Cell(ascii ? "-" : "─") }
    var end = -1
    for tick in xTicks() {
      guard let f = LogScale.fraction(tick.value, in: axes.importance) else { continue }
      let x = max(0, min(width - 1, Int((f * Double(width)).rounded(.down))))
      let start = max(0, min(x - tick.label.count / 2, width - tick.label.count))
      guard start > end else { continue }
      grid[layout.margin + x, y] = Cell(ascii ? "+" : "┬")
      grid.write(tick.label, x: layout.margin + start, y: y + 1)
      end = start + tick.label.count
    }
  }

  /// The diagram in SVG: one rectangle per run of equal colour in a row, axes with a tick
  /// per decade, the axis labels, and the legend the diagram draws below at the given y.
  func svg(
    legendHeight: Int, style: SVGStyle, color: (Block) -> RGB?, legend: (inout SVGWriter, Double) -> Void
  ) -> SVGWriter {
    let s = style.textScale
    let (left, size) = (Self.svgLeft(style), Self.svgPlot)
    let top = title?.isEmpty == false ? 34.0 * s : 12.0
    let bottom = top + size
    let ink = style.ink
    var svg = SVGWriter(
      width: left + size + 24, height: bottom + 50 * s + Double(legendHeight) * s + 8, style: style)
    if let title, !title.isEmpty {
      svg.text(title, x: left + size / 2, y: 20 * s, size: 13, anchor: .middle, bold: true)
    }
    if columns > 0 && rows > 0 {
      drawSVGCells(&svg, left: left, top: top, color: color)
      svg.frame(x: left, y: top, width: size, height: size)
    } else {
      svg.text("no data", x: left + size / 2, y: top + size / 2, anchor: .middle, color: style.muted)
    }
    svg.line(x1: left, y1: top, x2: left, y2: bottom, stroke: ink)
    svg.line(x1: left, y1: bottom, x2: left + size, y2: bottom, stroke: ink)
    for tick in yTicks() {
      guard let f = LogScale.fraction(tick.value, in: axes.density), f >= -1e-9, f <= 1 + 1e-9 else { continue }
      let y = bottom - f * size
      svg.line(x1: left - 5, y1: y, x2: left, y2: y, stroke: ink)
      svg.text(tick.label, x: left - 8, y: y + 4 * s, anchor: .end)
    }
    for tick in xTicks() {
      guard let f = LogScale.fraction(tick.value, in: axes.importance), f >= -1e-9, f <= 1 + 1e-9 else { continue }
      let x = left + f * size
      svg.line(x1: x, y1: bottom, x2: x, y2: bottom + 5, stroke: ink)
      svg.text(tick.label, x: x, y: bottom + 18 * s, anchor: .middle)
    }
    svg.text(axes.importanceLabel, x: left + size / 2, y: bottom + 36 * s, anchor: .middle)
    svg.text(axes.densityLabel, x: 18 * s, y: top + size / 2, anchor: .middle, rotate: -90)
    legend(&svg, bottom + 50 * s)
    return svg
  }

  /// The plot area's left edge in SVG: room for the tick labels and the axis label.
  static func svgLeft(_ style: SVGStyle) -> Double { svgLeft * style.textScale }

  /// One rectangle per run of equal colour in each row of the (non-empty) grid.
  private func drawSVGCells(_ svg: inout SVGWriter, left: Double, top: Double, color: (Block) -> RGB?) {
    let layout = Layout(
      margin: 0, shownColumns: columns, shownRows: rows, plotWidth: columns, plotHeight: rows, rowBudget: rows)
    let w = Self.svgPlot / Double(columns)
    let h = Self.svgPlot / Double(rows)
    for row in 0..<rows {
      let colors = (0..<columns).map { color(block(column: $0, row: row, layout)!) }
      var start = 0
      while start < columns {
        var stop = start + 1
        while stop < columns && colors[stop] == colors[start] { stop += 1 }
        if let fill = colors[start] {
          // A little overlap inside the plot hides the seams anti-aliasing leaves between cells.
          let extraX = stop < columns ? 0.5 : 0
          let extraY = row < rows - 1 ? 0.5 : 0
          svg.rect(
            x: left + w * Double(start), y: top + h * Double(row), width: w * Double(stop - start) + extraX,
            height: h + extraY, fill: fill, area: true)
        }
        start = stop
      }
    }
  }

  /// A point without data: a question mark (on grey in colour).
  static func noData(_ options: TextOptions) -> Cell {
    options.color ? Cell("?", foreground: .black, background: .grey) : Cell("?")
  }

  static func glyph(_ letter: Character, ascii: Bool) -> Character {
    ascii && !letter.isASCII ? "?" : letter
  }

}
