/// What line plots and scatters share: axes with nice ticks (linear or log), their labels,
/// labelled reference lines, a legend and notes, around a pixel canvas the plot draws into.
///
/// Text layout, top to bottom: the y label, the plot area with the y ticks on its left and
/// the reference lines' labels on its right, the x axis, its tick labels, the x label, the
/// legend, the notes. A requested height is the body's (`titled` adds the title above); when
/// it is short the notes, x label, y label and legend give way to the plot area, in that order.
struct XYFrame {
  /// The values each axis must show (data and reference lines); non-finite ones are ignored.
  var xValues: [Double]
  var yValues: [Double]
  var logX: Bool
  var logY: Bool
  var xLabel: String?
  var yLabel: String?
  var references: [ReferenceLine]
  /// The x ticks, when the plot chooses them (a sweep's sizes); nil: nice ones.
  var xTicks: [Double]?
  /// The least columns left and right of the plot area in text, so that plots stacked on
  /// one x axis (`StackedLinePlot`) put their plot areas at the same columns.
  var gutter = Gutter()

  struct Gutter: Hashable {
    var left = 0
    var right = 0
  }

  /// Where everything sits in the text grid, and how data maps to the canvas's pixels.
  struct Layout {
    var kind: DotCanvas.Kind
    /// Columns left of the plot area: y tick labels, a space, the axis.
    var left: Int
    /// Rows above the plot area (the y label).
    var top: Int
    var columns: Int
    var rows: Int
    /// Columns right of the plot area: a space and the reference lines' labels.
    var right: Int
    var x: AxisScale
    var y: AxisScale
    var showXLabel: Bool
    var legendLines: Int
    var noteLines: Int

    var pixelWidth: Int { columns * kind.dotsAcross }
    var pixelHeight: Int { rows * kind.dotsDown }

    /// The canvas position of (x, y) in pixels, nil when it cannot be shown on these axes.
    /// Values outside the range map outside the canvas and are clipped when drawn.
    func pixel(_ x: Double, _ y: Double) -> (Double, Double)? {
      guard let fx = self.x.fraction(x), let fy = self.y.fraction(y) else { return nil }
      return (fx * Double(pixelWidth - 1), (1 - fy) * Double(pixelHeight - 1))
    }

    /// The canvas row of value `y`, nil when it is off the axis.
    func row(_ y: Double) -> Int? {
      guard let fy = self.y.fraction(y), fy >= -1e-9, fy <= 1 + 1e-9 else { return nil }
      let pixel = ((1 - fy) * Double(pixelHeight - 1)).rounded()
      return max(0, min(rows - 1, Int(pixel) / kind.dotsDown))
    }

    /// The canvas column of value `x`, nil when it is off the axis.
    func column(_ x: Double) -> Int? {
      guard let fx = self.x.fraction(x), fx >= -1e-9, fx <= 1 + 1e-9 else { return nil }
      let pixel = (fx * Double(pixelWidth - 1)).rounded()
      return max(0, min(columns - 1, Int(pixel) / kind.dotsAcross))
    }
  }

  /// The reference lines' labels by canvas row; lines that share a row share a label ("2/5,3/8").
  func referenceLabels(_ layout: Layout, ascii: Bool) -> [Int: String] {
    var labels: [Int: String] = [:]
    for line in references {
      guard let row = layout.row(line.value), let label = line.label, !label.isEmpty else { continue }
      let text = ascii ? Self.ascii(label) : label
      if let existing = labels[row] {
        if !existing.split(separator: ",").contains(Substring(text)) { labels[row] = existing + "," + text }
      } else {
        labels[row] = text
      }
    }
    return labels
  }

  func layout(_ options: TextOptions, legendLines: Int, noteLines: Int) -> Layout {
    var showYLabel = yLabel?.isEmpty == false
    var showXLabel = xLabel?.isEmpty == false
    var legendLines = legendLines
    var noteLines = noteLines
    func chrome() -> Int { (showYLabel ? 1 : 0) + 2 + (showXLabel ? 1 : 0) + legendLines + noteLines }
    let rows: Int
    if let height = options.height {
      // Give way, least needed first, until the plot area has three rows.
      if height - chrome() < 3 { noteLines = 0 }
      if height - chrome() < 3 { showXLabel = false }
      if height - chrome() < 3 { showYLabel = false }
      if height - chrome() < 3 { legendLines = 0 }
      rows = max(1, height - chrome())
    } else {
      rows = max(6, min(16, (options.width - 8) / 4))
    }
    let y = AxisScale(fitting: yValues, log: logY, count: max(2, min(6, rows / 3 + 1)))
    let labelWidth = y.ticks.map { Ticks.label($0, among: y.ticks).count }.max() ?? 1
    let left = max(labelWidth + 2, gutter.left)
    var layout = Layout(
      kind: DotCanvas.Kind(options), left: left, top: showYLabel ? 1 : 0, columns: 1, rows: rows, right: 0,
      x: AxisScale(fitting: [], log: logX, count: 2), y: y, showXLabel: showXLabel, legendLines: legendLines,
      noteLines: noteLines)
    let labels = referenceLabels(layout, ascii: options.ascii).values.map { $0.count + 1 }.max() ?? 0
    let right = max(labels, gutter.right)
    layout.right = right
    layout.columns = max(1, options.width - left - right)
    layout.x = AxisScale(
      fitting: xValues, log: logX, count: max(2, min(8, layout.columns / 10)), ticks: xTicks)
    return layout
  }

  /// The notes as drawn in text: spelled in ASCII if asked, wrapped to the width.
  func wrapped(_ notes: [String], _ options: TextOptions) -> [String] {
    notes.flatMap { Self.wrap(options.ascii ? Self.ascii($0) : $0, width: options.width) }
  }

  /// The plot in text: `draw` paints the canvas, the frame adds the rest.
  func textGrid(
    _ options: TextOptions, legend: [TextGrid], notes: [String], draw: (inout DotCanvas, Layout) -> Void
  ) -> TextGrid {
    let notes = wrapped(notes, options)
    let layout = self.layout(options, legendLines: legend.count, noteLines: notes.count)
    let ascii = options.ascii
    var canvas = DotCanvas(columns: layout.columns, rows: layout.rows, kind: layout.kind)
    drawReferenceLines(&canvas, layout, options)
    draw(&canvas, layout)

    let axisRow = layout.top + layout.rows
    // Below three rows even the axis has no room: what does not fit is cut off at the bottom.
    let height = min(
      options.height ?? .max, axisRow + 2 + (layout.showXLabel ? 1 : 0) + layout.legendLines + layout.noteLines)
    let width = min(options.width, layout.left + layout.columns + layout.right)
    var grid = TextGrid(width: width, height: height)
    if layout.top > 0, let yLabel {
      grid.write(ascii ? Self.ascii(yLabel) : yLabel, x: 0, y: 0)
    }
    grid.place(canvas.grid, x: layout.left, y: layout.top)
    drawYAxis(&grid, layout, ascii: ascii)
    drawXAxis(&grid, layout, ascii: ascii)
    for (row, label) in referenceLabels(layout, ascii: ascii) {
      let color = options.color ? references.first { layout.row($0.value) == row }?.color ?? .grey : nil
      grid.write(label, x: layout.left + layout.columns + 1, y: layout.top + row, foreground: color)
    }
    var line = axisRow + 2
    if layout.showXLabel, let xLabel {
      let text = ascii ? Self.ascii(xLabel) : xLabel
      let x = max(0, min(layout.left + (layout.columns - text.count) / 2, width - text.count))
      grid.write(text, x: x, y: line)
      line += 1
    }
    for item in legend.prefix(layout.legendLines) {
      grid.place(item, x: 0, y: line)
      line += 1
    }
    for note in notes.prefix(layout.noteLines) {
      grid.write(note, x: 0, y: line)
      line += 1
    }
    return grid
  }

  /// Dashed lines across the plot area, behind the data: `╌` in every cell, `-` in every
  /// other one in ASCII (so they do not read as the x axis).
  private func drawReferenceLines(_ canvas: inout DotCanvas, _ layout: Layout, _ options: TextOptions) {
    for line in references {
      guard let row = layout.row(line.value) else { continue }
      let color = options.color ? line.color ?? .grey : nil
      for column in 0..<layout.columns where !options.ascii || column % 2 == 0 {
        canvas.background(options.ascii ? "-" : "╌", column: column, row: row, color: color)
      }
    }
  }

  /// The y axis: a rule with a tick and a right-aligned label per tick.
  private func drawYAxis(_ grid: inout TextGrid, _ layout: Layout, ascii: Bool) {
    let axisX = layout.left - 1
    for row in 0..<layout.rows { grid[axisX, layout.top + row] = Cell(ascii ? "|" : "│") }
    var labelled = Set<Int>()
    for tick in layout.y.ticks {
      guard let row = layout.row(tick), labelled.insert(row).inserted else { continue }
      let label = Ticks.label(tick, among: layout.y.ticks)
      grid[axisX, layout.top + row] = Cell(ascii ? "+" : "┤")
      grid.write(label, x: axisX - 1 - label.count, y: layout.top + row)
    }
  }

  /// The x axis: a rule with a tick per labelled value; labels that would touch are left out.
  private func drawXAxis(_ grid: inout TextGrid, _ layout: Layout, ascii: Bool) {
    let axisRow = layout.top + layout.rows
    grid[layout.left - 1, axisRow] = Cell(ascii ? "+" : "└")
    for x in 0..<layout.columns { grid[layout.left + x, axisRow] = Cell(ascii ? "-" : "─") }
    var free = 0
    for tick in layout.x.ticks {
      guard let column = layout.column(tick) else { continue }
      let label = Ticks.label(tick, among: layout.x.ticks)
      let start = max(0, min(layout.left + column - label.count / 2, grid.width - label.count))
      guard start >= free else { continue }
      grid[layout.left + column, axisRow] = Cell(ascii ? "+" : "┬")
      grid.write(label, x: start, y: axisRow + 1)
      free = start + label.count + 1
    }
  }

  /// 7-bit text for ASCII output: `Plot.asciiOnly` after spelling out the few characters
  /// these plots' labels and notes use that it would turn into "?".
  static func ascii(_ text: String) -> String {
    let spelled = text.flatMap { ch -> [Character] in
      switch ch {
      case "±": return Array("+/-")
      case "²": return ["2"]
      case "³": return ["3"]
      default: return [ch]
      }
    }
    return LinePlot.asciiOnly(String(spelled))
  }

  /// `text` broken at spaces into lines at most `width` long (`wrapWords`).
  static func wrap(_ text: String, width: Int) -> [String] { wrapWords(text, width: width) }

  /// "n points not shown (…)" notes for points an axis cannot show.
  static func skippedNotes(nonFinite: Int, nonPositive: Int, noun: String = "point") -> [String] {
    func count(_ n: Int) -> String { "\(n) \(noun)\(n == 1 ? "" : "s") not shown" }
    var notes: [String] = []
    if nonFinite > 0 { notes.append(count(nonFinite) + " (NaN or infinite)") }
    if nonPositive > 0 { notes.append(count(nonPositive) + " (not positive on a log axis)") }
    return notes
  }
}
