/// One terminal column: a glyph with optional foreground and background colours.
public struct Cell: Sendable, Hashable {
  public var glyph: Character
  public var foreground: RGB?
  public var background: RGB?

  public init(_ glyph: Character, foreground: RGB? = nil, background: RGB? = nil) {
    self.glyph = glyph
    self.foreground = foreground
    self.background = background
  }

  public static let blank = Cell(" ")
}

/// A rectangle of cells: what every text canvas draws into and every terminal renderer
/// reads. Every row has the same width by construction, so every rendered line of a plot
/// has the same visible width. Glyphs must be one column wide (all of toy's are).
public struct TextGrid: Sendable, Hashable {
  public let width: Int
  public private(set) var rows: [[Cell]]

  public var height: Int { rows.count }

  public init(width: Int, height: Int) {
    self.width = max(0, width)
    rows = Array(repeating: Array(repeating: .blank, count: max(0, width)), count: max(0, height))
  }

  /// A grid of text lines, padded to the widest.
  public init(lines: [String], foreground: RGB? = nil) {
    let width = lines.map(\.count).max() ?? 0
    self.init(width: width, height: lines.count)
    for (y, line) in lines.enumerated() { write(line, x: 0, y: y, foreground: foreground) }
  }

  public subscript(x: Int, y: Int) -> Cell {
    get { rows[y][x] }
    set {
      guard x >= 0, x < width, y >= 0, y < height else { return }
      rows[y][x] = newValue
    }
  }

  /// Writes text from (x, y) to the right; what falls outside is clipped.
  public mutating func write(_ text: String, x: Int, y: Int, foreground: RGB? = nil, background: RGB? = nil) {
    guard y >= 0, y < height else { return }
    var column = x
    for glyph in text {
      if column >= 0 && column < width {
        rows[y][column] = Cell(glyph, foreground: foreground, background: background ?? rows[y][column].background)
      }
      column += 1
    }
  }

  /// Copies `other` with its top-left corner at (x, y), clipped.
  public mutating func place(_ other: TextGrid, x: Int, y: Int) {
    for (dy, row) in other.rows.enumerated() {
      for (dx, cell) in row.enumerated() { self[x + dx, y + dy] = cell }
    }
  }

  /// Grids side by side, top-aligned, separated by `gap` blank columns.
  public static func horizontal(_ grids: [TextGrid], gap: Int = 2) -> TextGrid {
    let width = grids.map(\.width).reduce(0, +) + gap * max(0, grids.count - 1)
    var result = TextGrid(width: width, height: grids.map(\.height).max() ?? 0)
    var x = 0
    for grid in grids {
      result.place(grid, x: x, y: 0)
      x += grid.width + gap
    }
    return result
  }

  /// Grids stacked, left-aligned, separated by `gap` blank rows.
  public static func vertical(_ grids: [TextGrid], gap: Int = 0) -> TextGrid {
    let height = grids.map(\.height).reduce(0, +) + gap * max(0, grids.count - 1)
    var result = TextGrid(width: grids.map(\.width).max() ?? 0, height: height)
    var y = 0
    for grid in grids {
      result.place(grid, x: 0, y: y)
      y += grid.height + gap
    }
    return result
  }

  /// Items (legend entries) flowed into lines at most `width` wide, `gap` blank columns apart.
  public static func flow(_ items: [TextGrid], width: Int, gap: Int = 3) -> [TextGrid] {
    var lines: [[TextGrid]] = []
    var used = 0
    for item in items {
      if let last = lines.indices.last, used + gap + item.width <= width {
        lines[last].append(item)
        used += gap + item.width
      } else {
        lines.append([item])
        used = item.width
      }
    }
    return lines.map { TextGrid.horizontal($0, gap: gap) }
  }

  /// The text without any colour: what goes into a display's `text/plain`.
  public var plainText: String {
    rows.map { row in String(row.map(\.glyph)) }.joined(separator: "\n")
  }
}

/// How many colours a terminal shows.
public enum ColorDepth: String, Sendable, CaseIterable {
  case none
  case ansi16 = "16"
  case ansi256 = "256"
  case truecolor
}

extension TextGrid {
  /// The grid with ANSI colour escapes for `depth` (`none` gives `plainText`). Every line
  /// ends with a reset, so a plot cut off mid-print leaves the terminal's colours as they were.
  public func ansiText(depth: ColorDepth) -> String {
    guard depth != .none else { return plainText }
    var lines: [String] = []
    for row in rows {
      var line = ""
      var current: (RGB?, RGB?) = (nil, nil)
      for cell in row {
        if cell.foreground != current.0 || cell.background != current.1 {
          line += "\u{1B}[0m"
          if let fg = cell.foreground { line += Self.escape(fg, depth: depth, background: false) }
          if let bg = cell.background { line += Self.escape(bg, depth: depth, background: true) }
          current = (cell.foreground, cell.background)
        }
        line.append(cell.glyph)
      }
      if current != (nil, nil) { line += "\u{1B}[0m" }
      lines.append(line)
    }
    return lines.joined(separator: "\n")
  }

  static func escape(_ color: RGB, depth: ColorDepth, background: Bool) -> String {
    switch depth {
    case .none: return ""
    case .truecolor: return "\u{1B}[\(background ? 48 : 38);2;\(color.r);\(color.g);\(color.b)m"
    case .ansi256: return "\u{1B}[\(background ? 48 : 38);5;\(color.xterm256)m"
    case .ansi16:
      let index = color.ansi16
      let base = (index < 8 ? 30 : 90) + (background ? 10 : 0)
      return "\u{1B}[\(base + index % 8)m"
    }
  }

  /// A `<pre>` block with coloured spans, for HTML outputs.
  public var html: String {
    var out = "<pre style=\"font-family:monospace;line-height:1.1\">"
    for (y, row) in rows.enumerated() {
      if y > 0 { out += "\n" }
      for cell in row {
        let glyph = SVGWriter.escape(String(cell.glyph))
        if cell.foreground == nil && cell.background == nil {
          out += glyph
        } else {
          var style = ""
          if let fg = cell.foreground { style += "color:\(fg.hex);" }
          if let bg = cell.background { style += "background:\(bg.hex);" }
          out += "<span style=\"\(style)\">\(glyph)</span>"
        }
      }
    }
    return out + "</pre>"
  }
}

/// `text` broken at spaces into lines at most `width` long (a longer word is cut): plot
/// notes, and the language's help.
public func wrapWords(_ text: String, width: Int) -> [String] {
  let width = max(1, width)
  var lines: [String] = []
  var line = ""
  for word in text.split(separator: " ", omittingEmptySubsequences: false).map(String.init) {
    if line.isEmpty {
      line = word
    } else if line.count + 1 + word.count <= width {
      line += " " + word
    } else {
      lines.append(line)
      line = word
    }
    while line.count > width {
      lines.append(String(line.prefix(width)))
      line = String(line.dropFirst(width))
    }
  }
  lines.append(line)
  return lines
}
