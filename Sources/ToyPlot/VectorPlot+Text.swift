/// The feature geometry in text: axes through the origin, a line of dots from the origin to
/// each W_i with an arrow head at its tip and the feature's index just beyond it.
extension VectorPlot {
  /// A square plot area (an odd number of rows, and twice as many columns less one) with the
  /// origin at the centre of its middle cell, and one scale in physical units for both axes.
  ///
  /// Positions are worked out in continuous cell coordinates (cell (c, r) spans [c, c+1) ×
  /// [r, r+1)), so a vector and its opposite land the same number of cells from the origin.
  struct TextLayout {
    var kind: DotCanvas.Kind
    var columns: Int
    var rows: Int
    /// The origin's cell.
    var origin: (column: Int, row: Int)
    /// Cell widths per unit, across; rows per unit are half as many.
    var unit: Double

    init(rows: Int, width: Int, kind: DotCanvas.Kind, extent: Double) {
      self.kind = kind
      let rows = max(1, rows)
      self.rows = rows.isMultiple(of: 2) ? rows - 1 : rows
      columns = max(1, min(2 * self.rows - 1, width))
      origin = ((columns - 1) / 2, (self.rows - 1) / 2)
      // The reach to the nearest edge in cell widths (a row is two), a little inside it.
      let across = min(Double(origin.column) + 0.5, Double(columns - origin.column) - 0.5)
      let down = 2 * (Double(origin.row) + 0.5)
      unit = max(min(across, down) - 0.05, 1e-9) / extent
    }

    /// The continuous cell coordinates of (x, y), y up.
    func position(_ x: Double, _ y: Double) -> (Double, Double) {
      (Double(origin.column) + 0.5 + x * unit, Double(origin.row) + 0.5 - y * unit / 2)
    }

    /// The pixel position of (x, y) (pixel k's centre at k).
    func pixel(_ x: Double, _ y: Double) -> (Double, Double) {
      let (c, r) = position(x, y)
      return (c * Double(kind.dotsAcross) - 0.5, r * Double(kind.dotsDown) - 0.5)
    }

    /// The cell holding (x, y), which may lie off the canvas.
    func cell(_ x: Double, _ y: Double) -> (column: Int, row: Int) {
      let (c, r) = position(x, y)
      return (Int(max(-1e9, min(1e9, c)).rounded(.down)), Int(max(-1e9, min(1e9, r)).rounded(.down)))
    }
  }

  /// The plot area's rows: what the height leaves after `notes` lines, else 16, and never
  /// more than half the width (the area is twice as wide as tall).
  func rows(_ options: TextOptions, notes: Int) -> Int {
    let budget = options.height.map { max(1, $0 - notes) } ?? 16
    return max(1, min(budget, options.width / 2))
  }

  public func textGrid(_ options: TextOptions) -> TextGrid {
    var drawing = draw(options, rows: rows(options, notes: 0))
    let noteLines = drawing.notes.map { XYFrame.wrap($0, width: options.width).count }.reduce(0, +)
    if let height = options.height, drawing.canvas.rows + noteLines > height {
      // The notes need room: shrink the plot area to leave it.
      drawing = draw(options, rows: rows(options, notes: noteLines))
    }
    let notes = drawing.notes.flatMap { note in
      XYFrame.wrap(options.ascii ? XYFrame.ascii(note) : note, width: options.width)
    }
    let width = min(options.width, max(drawing.canvas.columns, notes.map(\.count).max() ?? 0))
    var height = drawing.canvas.rows + notes.count
    if let limit = options.height { height = max(drawing.canvas.rows, min(height, limit)) }
    var grid = TextGrid(width: width, height: height)
    grid.place(drawing.canvas.grid, x: 0, y: 0)
    for (i, note) in notes.enumerated() { grid.write(note, x: 0, y: drawing.canvas.rows + i) }
    return grid
  }

  /// The canvas with axes, arrows, hidden states over them, heads and labels, and the notes to print.
  func draw(_ options: TextOptions, rows: Int) -> (canvas: DotCanvas, notes: [String]) {
    let extent = self.extent
    let layout = TextLayout(rows: rows, width: options.width, kind: DotCanvas.Kind(options), extent: extent)
    var canvas = DotCanvas(columns: layout.columns, rows: layout.rows, kind: layout.kind)
    let grey: RGB? = options.color ? .grey : nil
    drawAxes(&canvas, layout, ascii: options.ascii, color: grey)

    let origin = layout.origin
    // Too short to draw, or (on a small canvas) ending in the origin's own cell.
    let shown = arrows.arrows.filter { !isAtOrigin($0, extent: extent) && layout.cell($0.x, $0.y) != origin }
    let atOrigin = arrows.arrows.filter { isAtOrigin($0, extent: extent) || layout.cell($0.x, $0.y) == origin }
      .map(\.index)
    let centre = layout.pixel(0, 0)
    for arrow in shown {
      canvas.line(
        from: centre, to: layout.pixel(arrow.x, arrow.y), color: options.color ? arrow.color(on: options.theme) : nil)
    }
    // Latents over the features' shafts: where a latent found a feature the two coincide,
    // and the latent's colour says so.
    let latents = latentArrows.filter { !isAtOrigin(Arrow(index: $0.index, x: $0.x, y: $0.y, rank: 0), extent: extent) }
    for latent in latents {
      let color = options.color ? Self.latentColor(dead: latent.dead, on: options.theme) : nil
      canvas.line(from: centre, to: layout.pixel(latent.x, latent.y), color: color)
    }
    // Hidden states go over the arrows' shafts (as ARENA draws them), under heads and labels.
    var outside = 0
    for (x, y) in hiddenPoints.points {
      guard abs(x) <= extent, abs(y) <= extent else {
        outside += 1
        continue
      }
      let (px, py) = layout.pixel(x, y)
      canvas.point(px, py, color: grey)
    }
    // Latent tips under the features' heads: a latent on a feature leaves the feature's
    // arrow whole, its label beside it.
    for latent in latents {
      let tip = layout.cell(latent.x, latent.y)
      let color = options.color ? Self.latentColor(dead: latent.dead, on: options.theme) : nil
      canvas.mark(options.ascii ? "o" : "◆", column: tip.column, row: tip.row, color: color)
    }
    for arrow in shown {
      let tip = layout.cell(arrow.x, arrow.y)
      let head = Self.head(arrow.x, arrow.y, ascii: options.ascii)
      canvas.mark(head, column: tip.column, row: tip.row, color: options.color ? arrow.color(on: options.theme) : nil)
    }
    var unlabelled: [Int] = []
    var labelCells: Set<Int> = []
    var labelled = 0
    for arrow in Self.labelOrder(shown) {
      let label = String(arrow.index)
      let tip = layout.cell(arrow.x, arrow.y)
      guard labelled < Self.labelLimit,
        let start = labelPlace(
          label, tip: tip, direction: Self.direction(arrow.x, arrow.y), on: canvas, apartFrom: labelCells)
      else {
        unlabelled.append(arrow.index)
        continue
      }
      canvas.text(
        label, column: start.column, row: start.row, color: options.color ? arrow.color(on: options.theme) : nil)
      labelled += 1
      for column in start.column..<start.column + label.count { labelCells.insert(start.row * canvas.columns + column) }
    }
    var latentsUnlabelled: [Int] = []
    for latent in latents {
      let tip = layout.cell(latent.x, latent.y)
      guard
        let start = labelPlace(
          latent.label, tip: tip, direction: Self.direction(latent.x, latent.y), on: canvas, apartFrom: labelCells)
      else {
        latentsUnlabelled.append(latent.index)
        continue
      }
      let color = options.color ? Self.latentColor(dead: latent.dead, on: options.theme) : nil
      canvas.text(latent.label, column: start.column, row: start.row, color: color)
      for column in start.column..<start.column + latent.label.count {
        labelCells.insert(start.row * canvas.columns + column)
      }
    }
    let tip = options.ascii ? "o" : "◆"
    let key = latentKey(how: options.color ? "red, tipped \(tip)" : "tipped \(tip)")
    return (
      canvas,
      key
        + notes(
          atOrigin: atOrigin, unlabelled: unlabelled, hiddenOutside: outside, latentsUnlabelled: latentsUnlabelled)
    )
  }

  /// Lines through the origin, behind everything else.
  private func drawAxes(_ canvas: inout DotCanvas, _ layout: TextLayout, ascii: Bool, color: RGB?) {
    let origin = layout.origin
    for column in 0..<layout.columns {
      canvas.background(ascii ? "-" : "─", column: column, row: origin.row, color: color)
    }
    for row in 0..<layout.rows { canvas.background(ascii ? "|" : "│", column: origin.column, row: row, color: color) }
    canvas.background(ascii ? "+" : "┼", column: origin.column, row: origin.row, color: color)
  }

  /// The cell step (−1, 0 or 1 across and down) nearest to the direction of (x, y), y up.
  static func direction(_ x: Double, _ y: Double) -> (dx: Int, dy: Int) {
    let tan22 = 0.414_213_562_373_095
    let (ax, ay) = (abs(x), abs(y))
    let sx = x > 0 ? 1 : (x < 0 ? -1 : 0)
    let sy = y > 0 ? -1 : (y < 0 ? 1 : 0)
    if ay <= ax * tan22 { return (sx, 0) }
    if ax <= ay * tan22 { return (0, sy) }
    return (sx, sy)
  }

  /// The arrow head for a vector: one of eight arrows, or `>` `^` `<` `v` in ASCII.
  static func head(_ x: Double, _ y: Double, ascii: Bool) -> Character {
    if ascii { return abs(x) >= abs(y) ? (x >= 0 ? ">" : "<") : (y > 0 ? "^" : "v") }
    switch direction(x, y) {
    case (1, 0): return "→"
    case (1, -1): return "↗"
    case (0, -1): return "↑"
    case (-1, -1): return "↖"
    case (-1, 0): return "←"
    case (-1, 1): return "↙"
    case (0, 1): return "↓"
    case (1, 1): return "↘"
    default: return "•"
    }
  }

  /// Where a label starts: in the free cells next to the tip, tried in order of how well they
  /// continue the arrow, then two cells out; nil when none is free. A label left of the tip
  /// ends next to it, one right of it starts there, one above or below is centred.
  ///
  /// A label never touches another on its row (`labels`: cells holding labels, as
  /// row × columns + column): "4" beside "3" would read as 43 near the origin.
  private func labelPlace(
    _ label: String, tip: (column: Int, row: Int), direction: (dx: Int, dy: Int), on canvas: DotCanvas,
    apartFrom labels: Set<Int>
  ) -> (column: Int, row: Int)? {
    var offsets: [(Int, Int)] = []
    for dy in -1...1 {
      for dx in -1...1 where dx != 0 || dy != 0 { offsets.append((dx, dy)) }
    }
    // Straight on first, then the cells beside that, then sideways, then back.
    func along(_ o: (Int, Int)) -> Int { o.0 * direction.dx + o.1 * direction.dy }
    func across(_ o: (Int, Int)) -> Int { abs(o.0 * direction.dy - o.1 * direction.dx) }
    offsets.sort { a, b in
      if along(a) != along(b) { return along(a) > along(b) }
      if across(a) != across(b) { return across(a) < across(b) }
      return (a.1, a.0) < (b.1, b.0)
    }
    offsets.append((2 * direction.dx, 2 * direction.dy))
    for (dx, dy) in offsets {
      let anchor = (tip.column + dx, tip.row + dy)
      let length = label.count
      let start = dx < 0 ? anchor.0 - length + 1 : (dx == 0 ? anchor.0 - (length - 1) / 2 : anchor.0)
      let cells = (start..<start + length).map { ($0, anchor.1) }
      let free = cells.allSatisfy { column, row in
        column >= 0 && column < canvas.columns && row >= 0 && row < canvas.rows
          && !canvas.isMarked(column: column, row: row)
      }
      let touching = [start - 1, start + length].contains {
        $0 >= 0 && $0 < canvas.columns && labels.contains(anchor.1 * canvas.columns + $0)
      }
      if free && touching { continue }
      if free { return (start, anchor.1) }
    }
    return nil
  }
}
