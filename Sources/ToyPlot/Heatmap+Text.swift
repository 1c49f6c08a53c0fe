/// The heatmap in text: half blocks in colour, glyphs without, block-averaged to fit.
extension Heatmap {
  /// How the matrix fits the text space: `factor` columns (and as many rows, unless the rows
  /// are categories: see `rowFactor(forColumnFactor:)`) are averaged into one cell, and each
  /// cell is `cellWidth` columns wide.
  ///
  /// Cells are square at either width: with half blocks a cell is one column by half a row
  /// (or two columns by a whole row); with glyphs, one row by two columns (or one column when
  /// space is short, the only shape that is not square).
  struct TextFit: Equatable {
    var factor: Int
    var cellWidth: Int
  }

  /// Whether the matrix is drawn with half blocks (colour, Unicode) or with glyphs.
  static func usesHalfBlocks(_ options: TextOptions) -> Bool {
    options.color && !options.ascii
  }

  var rowGutter: Int {
    ((0..<rowCount).map { label(row: $0).count }.max() ?? 0) + 1
  }

  /// The cell width at which every column's label fits (`labelsEveryColumn`), when that
  /// is wider than two; else 0. A label needs a space before the next one, the last only
  /// its own width: sizes up to 300 then 1000 take four columns a cell.
  var labelledCellWidth: Int {
    guard labelsEveryColumn, columnCount > 0 else { return 0 }
    let lengths = (0..<columnCount).map { label(column: $0).count }
    let width = max((lengths.dropLast().max() ?? 0) + 1, lengths.last ?? 1)
    return width > 2 ? width : 0
  }

  /// Whether a text row holds two matrix rows: half blocks put two one-column cells in a
  /// text row, wider cells take a row each, and so do rows that are categories, each of
  /// which keeps its own label.
  func stacksRows(halfBlocks: Bool, cellWidth: Int) -> Bool {
    halfBlocks && cellWidth == 1 && !labelsEveryColumn
  }

  func fit(_ options: TextOptions) -> TextFit {
    let rows = rowCount
    let columns = columnCount
    let halfBlocks = Self.usesHalfBlocks(options)
    let gutter = rowGutter
    func width(_ fit: TextFit) -> Int {
      let cells = (columns + fit.factor - 1) / fit.factor
      return gutter + cells * fit.cellWidth + (side == nil ? 0 : 2 * fit.cellWidth)
    }
    func height(_ fit: TextFit) -> Int {
      let rowFactor = rowFactor(forColumnFactor: fit.factor)
      let cells = (rows + rowFactor - 1) / rowFactor
      let matrix = stacksRows(halfBlocks: halfBlocks, cellWidth: fit.cellWidth) ? (cells + 1) / 2 : cells
      let header = (rowTitle != nil || columnTitle != nil ? 1 : 0) + 1
      return (title == nil ? 0 : 1) + header + matrix + (fit.factor > 1 ? 1 : 0) + 3
    }
    let largest = max(1, labelsEveryColumn ? columns : max(rows, columns))
    let room = max(1, options.width - gutter - (side == nil ? 0 : 2))
    let first = max(1, (columns + room - 1) / room)
    var widthOnly: TextFit?
    for factor in first...max(first, largest) {
      for cellWidth in factor == 1 ? [labelledCellWidth, 2, 1].filter({ $0 >= 1 }) : [1] {
        let candidate = TextFit(factor: factor, cellWidth: cellWidth)
        guard width(candidate) <= options.width else { continue }
        if widthOnly == nil { widthOnly = candidate }
        if let limit = options.height, height(candidate) > limit { continue }
        return candidate
      }
      if options.height == nil && widthOnly != nil { break }
    }
    return widthOnly ?? TextFit(factor: largest, cellWidth: 1)
  }

  public func textGrid(_ options: TextOptions) -> TextGrid {
    guard rowCount > 0, columnCount > 0 else {
      return Self.clipped(TextGrid(lines: ["(empty matrix)"]), width: options.width)
    }
    let fit = fit(options)
    let limit = effectiveLimit
    let rowFactor = rowFactor(forColumnFactor: fit.factor)
    let matrix = Self.blockAverage(paddedValues, rowFactor: rowFactor, columnFactor: fit.factor)
    let sideColumn = paddedSide.map { Self.blockAverage($0, rowFactor: rowFactor, columnFactor: 1).map { $0[0] } }
    let gutter = rowGutter
    let cellWidth = fit.cellWidth
    let matrixWidth = (matrix.first?.count ?? 0) * cellWidth
    let sideX = gutter + matrixWidth + cellWidth
    let pictureWidth = matrixWidth + (sideColumn == nil ? 0 : 2 * cellWidth)

    var parts: [TextGrid] = []
    if rowTitle != nil || columnTitle != nil {
      let down = options.ascii ? "v" : "↓"
      let right = options.ascii ? "->" : "→"
      let text = [rowTitle.map { "\(down) \($0)" }, columnTitle.map { "\(right) \($0)" }]
        .compactMap { $0 }.joined(separator: "  ")
      parts.append(TextGrid(lines: [options.ascii ? Self.asciiOnly(text) : text]))
    }
    parts.append(columnLabelRow(fit: fit, gutter: gutter, sideX: sideX, ascii: options.ascii))
    parts.append(body(matrix: matrix, side: sideColumn, fit: fit, limit: limit, options: options))
    if fit.factor > 1 { parts.append(TextGrid(lines: [averagingNote(factor: fit.factor, ascii: options.ascii)])) }
    parts.append(TextGrid(width: 1, height: 1))
    let hasNaN = matrix.joined().contains { $0.isNaN } || (sideColumn ?? []).contains { $0.isNaN }
    parts.append(legend(x: gutter, pictureWidth: pictureWidth, noData: hasNaN, options: options))
    if let note = sideScaleNote(ascii: options.ascii) { parts.append(TextGrid(lines: [note])) }
    return Self.clipped(TextGrid.vertical(parts), width: options.width)
  }

  /// Column indices (every k-th when crowded) and the side column's label.
  private func columnLabelRow(fit: TextFit, gutter: Int, sideX: Int, ascii: Bool) -> TextGrid {
    let spacing = ((0..<columnCount).map { label(column: $0).count }.max() ?? 1) + 1
    // Cells as wide as `labelledCellWidth` hold every label; narrower ones every k-th.
    let step =
      fit.factor == 1 && fit.cellWidth == labelledCellWidth
      ? 1 : IndexAxis.step(cellsPerIndex: Double(fit.cellWidth) / Double(fit.factor), spacing: spacing)
    let labelsEnd = side == nil ? gutter + (columnCount + fit.factor - 1) / fit.factor * fit.cellWidth + 4 : sideX - 1
    var row = IndexAxis.labelRow(
      count: columnCount, step: step, width: labelsEnd, ascii: ascii, x: { gutter + $0 / fit.factor * fit.cellWidth },
      label: label(column:))
    if side != nil {
      var wide = TextGrid(width: sideX + max(fit.cellWidth, sideLabel.count), height: 1)
      wide.place(row, x: 0, y: 0)
      wide.write(ascii ? Self.asciiOnly(sideLabel) : sideLabel, x: sideX, y: 0)
      row = wide
    }
    return row
  }

  /// Row labels, the matrix and the side column.
  private func body(matrix: [[Double]], side: [Double]?, fit: TextFit, limit: Double, options: TextOptions)
    -> TextGrid
  {
    let halfBlocks = Self.usesHalfBlocks(options)
    let cellWidth = fit.cellWidth
    let cells = matrix.count
    let stacked = stacksRows(halfBlocks: halfBlocks, cellWidth: cellWidth)
    let rowsPerText = stacked ? 2 : 1
    let textRows = (cells + rowsPerText - 1) / rowsPerText
    let gutter = rowGutter
    let columns = matrix.first?.count ?? 0
    let width = gutter + columns * cellWidth + (side == nil ? 0 : 2 * cellWidth)
    var grid = TextGrid(width: width, height: textRows)

    let sideLimit = effectiveSideLimit
    let range = sequentialRange
    func cell(_ upper: Double?, _ lower: Double?, limit: Double) -> Cell {
      if halfBlocks {
        let top = upper.map { color($0, limit: limit, range: range) }
        guard let lower else { return Cell("▀", foreground: top) }
        return Cell("▄", foreground: color(lower, limit: limit, range: range), background: top)
      }
      let value = upper ?? .nan
      let glyph = glyph(value, limit: limit, range: range, ascii: options.ascii)
      guard options.color else { return Cell(glyph) }
      let background = color(value, limit: limit, range: range)
      return Cell(glyph, foreground: Self.ink(on: background), background: background)
    }
    func pair(_ y: Int, _ value: (Int) -> Double) -> (Double?, Double?) {
      guard stacked else { return (value(y), halfBlocks ? value(y) : nil) }
      return (value(2 * y), 2 * y + 1 < cells ? value(2 * y + 1) : nil)
    }
    for y in 0..<textRows {
      for c in 0..<columns {
        let (upper, lower) = pair(y) { matrix[$0][c] }
        for dx in 0..<cellWidth { grid[gutter + c * cellWidth + dx, y] = cell(upper, lower, limit: limit) }
      }
      if let side {
        let (upper, lower) = pair(y) { side[$0] }
        for dx in 0..<cellWidth {
          grid[gutter + (columns + 1) * cellWidth + dx, y] = cell(upper, lower, limit: sideLimit)
        }
      }
    }

    let indicesPerText = rowsPerText * rowFactor(forColumnFactor: fit.factor)
    let step = IndexAxis.step(cellsPerIndex: 1 / Double(indicesPerText), spacing: textRows > 12 ? 2 : 1)
    var used = -1
    for index in stride(from: 0, to: rowCount, by: step) {
      let y = index / indicesPerText
      guard y > used else { continue }
      let text = options.ascii ? Self.asciiOnly(label(row: index)) : label(row: index)
      grid.write(text, x: gutter - 1 - text.count, y: y)
      used = y
    }
    return grid
  }

  /// The colour bar (or glyph ramp) with tick labels, and "no data" when there are NaNs.
  private func legend(x: Int, pictureWidth: Int, noData: Bool, options: TextOptions) -> TextGrid {
    let room = options.width - x
    let start = room >= 11 ? x : 0
    let length = max(1, min(max(pictureWidth, 21), 41, options.width - start))
    let bar = colorBar(ascii: options.ascii)
    var grid = TextGrid(width: start + length, height: 2)
    grid.place(bar.text(length: length, color: options.color), x: start, y: 0)
    guard noData else { return grid }
    var mark = TextGrid(width: 9, height: 1)
    mark[0, 0] = options.color ? Cell(" ", background: Self.noData) : Cell("?")
    mark.write(" no data", x: 1, y: 0)
    if grid.width + 2 + mark.width <= options.width {
      var wide = TextGrid(width: grid.width + 2 + mark.width, height: 2)
      wide.place(grid, x: 0, y: 0)
      wide.place(mark, x: grid.width + 2, y: 0)
      return wide
    }
    return TextGrid.vertical([grid, mark])
  }

  /// The grid cut to at most `width` columns.
  static func clipped(_ grid: TextGrid, width: Int) -> TextGrid {
    guard grid.width > width else { return grid }
    var result = TextGrid(width: width, height: grid.height)
    result.place(grid, x: 0, y: 0)
    return result
  }
}
