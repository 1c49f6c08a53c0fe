/// A plot: a model of a picture built from plain numbers, drawn by interchangeable back ends.
///
/// Text back ends draw a `TextGrid` (glyphs with colours as values); the terminal renderer
/// adds escape codes from those colours, the plain renderer leaves them out. The SVG back
/// end draws the same model with real shapes. No back end parses another's output.
public protocol Plot: Sendable {
  /// A title drawn above the plot (panels use it for e.g. "1−S = 0.01").
  var title: String? { get }
  /// The plot drawn in text at `options.width` columns (and `options.height` rows if set).
  func textGrid(_ options: TextOptions) -> TextGrid
  /// The plot drawn as SVG at its natural size, in `style`.
  func svg(_ style: SVGStyle) -> SVGWriter
}

/// Which text canvas draws a plot's marks.
public enum Canvas: String, Sendable, CaseIterable {
  /// Braille dots, 2×4 per cell (lines, scatter, arrows).
  case braille
  /// Quadrant blocks, 2×2 per cell.
  case quadrant
  /// Half blocks, two matrix rows per text row (heatmaps).
  case halfBlock = "half"
  /// Eighth blocks (bars).
  case bars
  /// Pure 7-bit ASCII, for every plot.
  case ascii
}

/// How a plot is drawn in text.
public struct TextOptions: Sendable, Hashable {
  /// Columns available; a plot never draws wider.
  public var width: Int
  /// Rows wanted; nil lets the plot choose.
  public var height: Int?
  /// Draw with 7-bit ASCII only.
  public var ascii: Bool
  /// A preferred canvas; plots ignore one that does not suit them.
  public var canvas: Canvas?
  /// Whether colour will be shown. Without it, plots carry their meaning in glyphs
  /// (a ramp for signed values, `-`/`+` marks) instead of leaving blank cells.
  public var color: Bool
  /// The background the colours are drawn on: marks keep their contrast against it (nil:
  /// the palettes as they are).
  public var theme: Theme?

  public init(
    width: Int = 80, height: Int? = nil, ascii: Bool = false, canvas: Canvas? = nil, color: Bool = true,
    theme: Theme? = nil
  ) {
    self.width = max(1, width)
    self.height = height.map { max(1, $0) }
    self.ascii = ascii || canvas == .ascii
    self.canvas = canvas
    self.color = color
    self.theme = theme
  }
}

extension Plot {
  /// The text a display's `text/plain` carries: no escape codes.
  public func plainText(_ options: TextOptions) -> String {
    var options = options
    options.color = false
    return titled(options).plainText
  }

  /// The text with ANSI colour for a terminal of `depth`.
  public func terminalText(_ options: TextOptions, depth: ColorDepth) -> String {
    var options = options
    options.color = depth != .none
    return titled(options).ansiText(depth: depth)
  }

  /// The grid with the title, if any, centred on a first row.
  public func titled(_ options: TextOptions) -> TextGrid {
    let body = textGrid(options)
    guard let title, !title.isEmpty else { return body }
    let text = options.ascii ? Self.asciiOnly(title) : title
    var head = TextGrid(width: max(body.width, min(options.width, text.count)), height: 1)
    head.write(text, x: max(0, (head.width - text.count) / 2), y: 0)
    return TextGrid.vertical([head, body])
  }

  /// The plot as SVG on a white page.
  public func svg() -> SVGWriter { svg(.standard) }

  /// The SVG document on a white page.
  public var svgDocument: String { svg(.standard).document }

  /// The SVG document in `style` (a theme's background, ink and text size).
  public func svgDocument(_ style: SVGStyle) -> String { svg(style).document }

  /// Replaces non-ASCII characters with ASCII stand-ins ("−" → "-", "‖" → "|", others "?").
  public static func asciiOnly(_ text: String) -> String {
    String(
      text.map { ch -> Character in
        if ch.isASCII { return ch }
        switch ch {
        case "−", "–", "—": return "-"
        case "‖": return "|"
        case "ᵀ": return "T"
        case "×": return "x"
        case "·": return "*"
        case "≥": return ">"
        case "≤": return "<"
        default: return "?"
        }
      })
  }
}
