/// A pixel canvas drawn in text cells: braille (2×4 dots a cell), quadrant blocks (2×2) or
/// ASCII (1×2 as `'` `.` `:`).
///
/// Lines, scatters and arrows need more resolution than one mark a cell, so they are drawn
/// in pixels and each cell shows the glyph for its set pixels. A cell keeps one colour, the
/// last drawn into it, so what is drawn last is on top. Marks and text replace a cell's
/// glyph; faint pixels (a raw series behind its smoothed one) show only in cells no ordinary
/// pixel was set in, so what is drawn over them reads as a clean line; background glyphs
/// (axis and reference lines) show only in cells nothing else was drawn into, so data is
/// never hidden behind them. Empty braille cells are U+2800, not a
/// space, so a line's width never depends on the font's idea of a blank.
///
///     var canvas = DotCanvas(columns: 20, rows: 5, kind: .braille)
///     canvas.line(from: (0, 0), to: (39, 19), color: nil)
///     print(canvas.grid.plainText)
struct DotCanvas {
  /// How a cell is divided into pixels.
  enum Kind: Sendable, Hashable, CaseIterable {
    case braille
    case quadrant
    case ascii

    /// The canvas the options ask for: ASCII when only 7-bit output is allowed, quadrants on
    /// request, braille otherwise.
    init(_ options: TextOptions) {
      if options.ascii || options.canvas == .ascii {
        self = .ascii
      } else if options.canvas == .quadrant {
        self = .quadrant
      } else {
        self = .braille
      }
    }

    /// Pixels across one cell.
    var dotsAcross: Int { self == .ascii ? 1 : 2 }
    /// Pixels down one cell.
    var dotsDown: Int { self == .braille ? 4 : 2 }

    /// A pixel's width and height in cell widths, for a cell twice as tall as wide.
    var pixelAspect: (width: Double, height: Double) {
      (1 / Double(dotsAcross), 2 / Double(dotsDown))
    }

    /// The glyph of a cell whose pixels are `bits` (bit `dotsAcross·y + x` for pixel (x, y),
    /// except braille, which has its own order).
    func glyph(_ bits: UInt8) -> Character {
      switch self {
      case .braille:
        return Character(Unicode.Scalar(0x2800 + UInt32(bits))!)
      case .quadrant:
        return Self.quadrants[Int(bits & 15)]
      case .ascii:
        return Self.asciiDots[Int(bits & 3)]
      }
    }

    /// The bit of pixel (x, y) within its cell.
    func bit(x: Int, y: Int) -> UInt8 {
      switch self {
      case .braille:
        // Unicode numbers braille dots 1 2 3 7 down the left column, 4 5 6 8 down the right.
        return Self.brailleBits[y][x]
      case .quadrant, .ascii:
        return 1 << UInt8(y * dotsAcross + x)
      }
    }

    private static let brailleBits: [[UInt8]] = [[0x01, 0x08], [0x02, 0x10], [0x04, 0x20], [0x40, 0x80]]
    /// Indexed by bits: top-left 1, top-right 2, bottom-left 4, bottom-right 8.
    private static let quadrants = Array(" ▘▝▀▖▌▞▛▗▚▐▜▄▙▟█")
    /// Indexed by bits: top 1, bottom 2.
    private static let asciiDots = Array(" '.:")
  }

  let kind: Kind
  /// The canvas's size in cells.
  let columns: Int
  let rows: Int
  private var bits: [UInt8]
  private var colors: [RGB?]
  private var faintBits: [UInt8]
  private var faintColors: [RGB?]
  private var marks: [Cell?]
  private var backgrounds: [Cell?]

  init(columns: Int, rows: Int, kind: Kind) {
    self.kind = kind
    self.columns = max(0, columns)
    self.rows = max(0, rows)
    let count = self.columns * self.rows
    bits = Array(repeating: 0, count: count)
    colors = Array(repeating: nil, count: count)
    faintBits = Array(repeating: 0, count: count)
    faintColors = Array(repeating: nil, count: count)
    marks = Array(repeating: nil, count: count)
    backgrounds = Array(repeating: nil, count: count)
  }

  /// The canvas's size in pixels.
  var pixelWidth: Int { columns * kind.dotsAcross }
  var pixelHeight: Int { rows * kind.dotsDown }

  private func index(column: Int, row: Int) -> Int? {
    guard column >= 0, column < columns, row >= 0, row < rows else { return nil }
    return row * columns + column
  }

  /// The cell holding pixel (x, y).
  func cell(ofPixel x: Int, _ y: Int) -> (column: Int, row: Int) {
    (Self.floorDivide(x, kind.dotsAcross), Self.floorDivide(y, kind.dotsDown))
  }

  private static func floorDivide(_ a: Int, _ b: Int) -> Int {
    a >= 0 ? a / b : -((-a + b - 1) / b)
  }

  /// Whether pixel (x, y) is set.
  func isSet(_ x: Int, _ y: Int) -> Bool {
    let (column, row) = cell(ofPixel: x, y)
    guard let i = index(column: column, row: row) else { return false }
    return bits[i] & kind.bit(x: x - column * kind.dotsAcross, y: y - row * kind.dotsDown) != 0
  }

  /// Sets pixel (x, y), colouring its cell; pixels off the canvas are ignored. A faint
  /// pixel goes to the layer under the ordinary pixels.
  mutating func set(_ x: Int, _ y: Int, color: RGB?, faint: Bool = false) {
    let (column, row) = cell(ofPixel: x, y)
    guard let i = index(column: column, row: row) else { return }
    let bit = kind.bit(x: x - column * kind.dotsAcross, y: y - row * kind.dotsDown)
    if faint {
      faintBits[i] |= bit
      if let color { faintColors[i] = color }
    } else {
      bits[i] |= bit
      if let color { colors[i] = color }
    }
  }

  /// Sets the pixel nearest to (x, y) in pixel coordinates; non-finite or far-off points are ignored.
  mutating func point(_ x: Double, _ y: Double, color: RGB?, faint: Bool = false) {
    guard let (px, py) = pixel(x, y) else { return }
    set(px, py, color: color, faint: faint)
  }

  /// The pixel nearest to (x, y), nil when it lies off the canvas or is not finite.
  func pixel(_ x: Double, _ y: Double) -> (Int, Int)? {
    guard x.isFinite, y.isFinite else { return nil }
    let (rx, ry) = (x.rounded(), y.rounded())
    guard rx >= 0, rx < Double(pixelWidth), ry >= 0, ry < Double(pixelHeight) else { return nil }
    return (Int(rx), Int(ry))
  }

  /// A straight line between two points in pixel coordinates, clipped to the canvas first
  /// (so far-off ends cost nothing), then drawn with Bresenham's algorithm.
  mutating func line(from a: (Double, Double), to b: (Double, Double), color: RGB?, faint: Bool = false) {
    guard let (p, q) = clip(a, b) else { return }
    line(
      from: (Int(p.0.rounded()), Int(p.1.rounded())), to: (Int(q.0.rounded()), Int(q.1.rounded())), color: color,
      faint: faint)
  }

  /// A straight line between two pixels (Bresenham: every step moves one pixel along the
  /// longer direction and, when the error says so, one along the shorter).
  mutating func line(from a: (Int, Int), to b: (Int, Int), color: RGB?, faint: Bool = false) {
    var (x, y) = a
    let dx = abs(b.0 - x)
    let dy = -abs(b.1 - y)
    let sx = x < b.0 ? 1 : -1
    let sy = y < b.1 ? 1 : -1
    var error = dx + dy
    while true {
      set(x, y, color: color, faint: faint)
      if x == b.0 && y == b.1 { break }
      let doubled = 2 * error
      if doubled >= dy {
        error += dy
        x += sx
      }
      if doubled <= dx {
        error += dx
        y += sy
      }
    }
  }

  /// The part of segment a–b inside the canvas (Liang–Barsky), nil if none or not finite.
  private func clip(_ a: (Double, Double), _ b: (Double, Double)) -> ((Double, Double), (Double, Double))? {
    guard a.0.isFinite, a.1.isFinite, b.0.isFinite, b.1.isFinite, pixelWidth > 0, pixelHeight > 0 else {
      return nil
    }
    let (dx, dy) = (b.0 - a.0, b.1 - a.1)
    var (t0, t1) = (0.0, 1.0)
    let bounds = [
      (-dx, a.0 + 0.49), (dx, Double(pixelWidth) - 0.51 - a.0),
      (-dy, a.1 + 0.49), (dy, Double(pixelHeight) - 0.51 - a.1),
    ]
    for (p, q) in bounds {
      if p == 0 {
        if q < 0 { return nil }
        continue
      }
      let t = q / p
      if p < 0 { t0 = max(t0, t) } else { t1 = min(t1, t) }
      if t0 > t1 { return nil }
    }
    return ((a.0 + t0 * dx, a.1 + t0 * dy), (a.0 + t1 * dx, a.1 + t1 * dy))
  }

  /// Puts `glyph` in a cell, over any pixels there.
  mutating func mark(_ glyph: Character, column: Int, row: Int, color: RGB?) {
    guard let i = index(column: column, row: row) else { return }
    marks[i] = Cell(glyph, foreground: color)
  }

  /// Whether a cell holds a mark or a letter of text.
  func isMarked(column: Int, row: Int) -> Bool {
    guard let i = index(column: column, row: row) else { return false }
    return marks[i] != nil
  }

  /// Whether a cell has pixels set.
  func hasPixels(column: Int, row: Int) -> Bool {
    guard let i = index(column: column, row: row) else { return false }
    return bits[i] != 0
  }

  /// Writes text from a cell to the right, over pixels; what falls off the canvas is clipped.
  mutating func text(_ text: String, column: Int, row: Int, color: RGB?) {
    for (k, glyph) in text.enumerated() { mark(glyph, column: column + k, row: row, color: color) }
  }

  /// Puts `glyph` in a cell, shown only if nothing else is drawn there.
  mutating func background(_ glyph: Character, column: Int, row: Int, color: RGB? = nil) {
    guard let i = index(column: column, row: row) else { return }
    backgrounds[i] = Cell(glyph, foreground: color)
  }

  /// What a cell shows: its mark, else its pixels, else its faint pixels, else its
  /// background, else an empty cell.
  func cell(column: Int, row: Int) -> Cell {
    guard let i = index(column: column, row: row) else { return .blank }
    if let mark = marks[i] { return mark }
    if bits[i] != 0 { return Cell(kind.glyph(bits[i]), foreground: colors[i]) }
    if faintBits[i] != 0 { return Cell(kind.glyph(faintBits[i]), foreground: faintColors[i]) }
    if let background = backgrounds[i] { return background }
    return Cell(kind.glyph(0))
  }

  /// The canvas as text cells.
  var grid: TextGrid {
    var grid = TextGrid(width: columns, height: rows)
    for row in 0..<rows {
      for column in 0..<columns { grid[column, row] = cell(column: column, row: row) }
    }
    return grid
  }
}
