/// The heatmap as SVG: one rectangle a cell on whole pixels, axis labels and a colour bar.
extension Heatmap {
  /// At most this many cells a side are drawn; larger matrices are block-averaged.
  static let svgMaxCells = 128
  /// Above this many cells the matrix is one embedded image rather than a rectangle per
  /// cell: a 100×100 WᵀW is about 40 kB so, against 700 kB of rectangles, which matters for
  /// a notebook receiving live frames.
  static let svgImageCells = 32 * 32

  public func svg(_ style: SVGStyle) -> SVGWriter {
    guard rowCount > 0, columnCount > 0 else {
      var svg = SVGWriter(width: 160, height: 40, style: style)
      svg.text(title ?? "(empty matrix)", x: 80, y: 24, anchor: .middle)
      return svg
    }
    let largest = labelsEveryColumn ? columnCount : max(rowCount, columnCount)
    let factor = (largest + Self.svgMaxCells - 1) / Self.svgMaxCells
    let rowFactor = rowFactor(forColumnFactor: factor)
    let matrix = Self.blockAverage(paddedValues, rowFactor: rowFactor, columnFactor: factor)
    let sideColumn = paddedSide.map { Self.blockAverage($0, rowFactor: rowFactor, columnFactor: 1).map { $0[0] } }
    let limit = effectiveLimit
    let rows = matrix.count
    let columns = matrix[0].count
    // Whole-pixel cells keep neighbouring rectangles from showing seams.
    var cell = max(2, min(24, 400 / max(rows, columns)))
    let s = style.textScale
    if labelsEveryColumn && factor == 1 {
      let widest = (0..<columnCount).map { label(column: $0).count }.max() ?? 1
      cell = max(cell, min(48, Int(style.textWidth(widest)) + 6))
    }
    let rowLabelWidth = Int(style.textWidth((0..<rowCount).map { label(row: $0).count }.max() ?? 1))
    let left = 10 + Int((rowTitle == nil ? 0 : 18 * s)) + rowLabelWidth + 6
    let top = svgTop(style)
    // The side column stays wide enough to see next to a large matrix of small cells.
    let sideWidth = max(cell, 8)
    let sideX = left + columns * cell + sideWidth
    let matrixRight = sideColumn == nil ? left + columns * cell : sideX + sideWidth
    let barX = matrixRight + 24
    let barHeight = max(rows * cell, 120)
    let noData = matrix.joined().contains { $0.isNaN } || (sideColumn ?? []).contains { $0.isNaN }
    let sideNote = sideScaleNote(ascii: false)
    let line = Int(18 * s)
    let noteHeight = (factor > 1 ? line : 0) + (sideNote == nil ? 0 : line)
    let notesWidth = Int(style.textWidth(max(factor > 1 ? 34 : 0, sideNote?.count ?? 0)) * 0.85)
    let width = max(hidesColorBar ? matrixRight + 8 : barX + 12 + Int(style.textWidth(6)), left + notesWidth)
    let height = top + (hidesColorBar ? rows * cell : barHeight) + 12 + noteHeight + (noData ? line : 0)
    var svg = SVGWriter(width: Double(width), height: Double(height), style: style)

    let range = sequentialRange
    if rows * columns > Self.svgImageCells {
      svg.image(
        x: Double(left), y: Double(top), width: Double(columns * cell), height: Double(rows * cell),
        pixels: matrix.map { row in row.map { color($0, limit: limit, range: range) } })
    } else {
      for (r, row) in matrix.enumerated() {
        for (c, value) in row.enumerated() {
          svg.rect(
            x: Double(left + c * cell), y: Double(top + r * cell), width: Double(cell), height: Double(cell),
            fill: color(value, limit: limit, range: range), area: true)
        }
      }
    }
    if let sideColumn {
      for (r, value) in sideColumn.enumerated() {
        svg.rect(
          x: Double(sideX), y: Double(top + r * cell), width: Double(sideWidth), height: Double(cell),
          fill: color(value, limit: effectiveSideLimit, range: range), area: true)
      }
      svg.text(sideLabel, x: Double(sideX) + Double(sideWidth) / 2, y: Double(top - 5), size: 10, anchor: .middle)
    }
    // The matrix's edge in ink: its cells near 0 are as pale (or dark) as the page.
    svg.frame(x: Double(left), y: Double(top), width: Double(columns * cell), height: Double(rows * cell))
    if let sideColumn {
      svg.frame(x: Double(sideX), y: Double(top), width: Double(sideWidth), height: Double(sideColumn.count * cell))
    }
    drawLabels(in: &svg, factor: factor, cell: cell, left: left, top: top, rows: rows, columns: columns)

    if !hidesColorBar {
      drawColorBar(in: &svg, x: Double(barX), y: Double(top), height: barHeight)
    }
    var y = Double(top + (hidesColorBar ? rows * cell : barHeight)) + 16 * s
    if factor > 1 {
      svg.text(averagingNote(factor: factor, ascii: false), x: Double(left), y: y, size: 10, color: style.muted)
      y += Double(line)
    }
    if let sideNote {
      svg.text(sideNote, x: Double(left), y: y, size: 10, color: style.muted)
      y += Double(line)
    }
    if noData {
      svg.rect(x: Double(left), y: y - 9, width: 10, height: 10, fill: Self.noData)
      svg.text("no data", x: Double(left + 14), y: y, size: 10)
    }
    if let title { svg.text(title, x: Double(width) / 2, y: 20 * s, size: 13, anchor: .middle, bold: true) }
    return svg
  }

  /// Where the matrix starts: under the title, the column title and the column labels.
  func svgTop(_ style: SVGStyle) -> Int {
    let s = style.textScale
    return 10 + Int((title == nil ? 0 : 24 * s) + (columnTitle == nil ? 0 : 16 * s) + 16 * s)
  }

  /// The colour bar of the matrix's scale, `height` pixels tall.
  func drawColorBar(in svg: inout SVGWriter, x: Double, y: Double, height: Int) {
    colorBar(ascii: false).draw(in: &svg, x: x, y: y, width: 12, height: height, title: nil)
  }

  /// Row and column indices (every k-th when crowded) and the axis titles.
  private func drawLabels(
    in svg: inout SVGWriter, factor: Int, cell: Int, left: Int, top: Int, rows: Int, columns: Int
  ) {
    let s = svg.style.textScale
    let columnSpacing = Int(svg.style.textWidth((0..<columnCount).map { label(column: $0).count }.max() ?? 1)) + 6
    let columnStep = IndexAxis.step(cellsPerIndex: Double(cell) / Double(factor), spacing: columnSpacing)
    for index in stride(from: 0, to: columnCount, by: columnStep) {
      let x = Double(left) + (Double(index / factor) + 0.5) * Double(cell)
      svg.text(label(column: index), x: x, y: Double(top - 5), size: 10, anchor: .middle)
    }
    let rowFactor = rowFactor(forColumnFactor: factor)
    let rowStep = IndexAxis.step(cellsPerIndex: Double(cell) / Double(rowFactor), spacing: Int(13 * s))
    for index in stride(from: 0, to: rowCount, by: rowStep) {
      let y = Double(top) + (Double(index / rowFactor) + 0.5) * Double(cell) + 3.5 * s
      svg.text(label(row: index), x: Double(left - 4), y: y, size: 10, anchor: .end)
    }
    if let columnTitle {
      let x = Double(left) + Double(columns * cell) / 2
      svg.text(columnTitle, x: x, y: Double(top) - 21 * s, size: 11, anchor: .middle)
    }
    if let rowTitle {
      let y = Double(top) + Double(rows * cell) / 2
      svg.text(rowTitle, x: 16 * s, y: y, size: 11, anchor: .middle, rotate: -90)
    }
  }
}

extension Heatmap: ColorBarSharing {
  var colorBarKey: String? {
    guard case .sequential(let log) = scale else { return "\(colormap.name) ±\(effectiveLimit)" }
    return "\(colormap.name) \(log ? "log" : "linear") \(String(describing: sequentialRange))"
  }

  func withoutColorBar() -> any Plot {
    var plot = self
    plot.hidesColorBar = true
    return plot
  }

  func colorBarPlacement(_ style: SVGStyle) -> (top: Double, height: Double) { (Double(svgTop(style)), 200) }

  func colorBarWidth(_ style: SVGStyle) -> Double { 12 + style.textWidth(6) }
}
