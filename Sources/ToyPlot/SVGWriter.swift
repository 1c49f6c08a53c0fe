/// Builds an SVG document from shapes, with numbers written compactly and text escaped.
public struct SVGWriter: Sendable {
  public let width: Double
  public let height: Double
  /// The background, ink and sizes shapes are drawn with.
  public let style: SVGStyle
  private var body: [String] = []

  public init(width: Double, height: Double, style: SVGStyle = .standard) {
    self.width = width
    self.height = height
    self.style = style
  }

  public static func escape(_ text: String) -> String {
    var out = ""
    for ch in text {
      switch ch {
      case "&": out += "&amp;"
      case "<": out += "&lt;"
      case ">": out += "&gt;"
      case "\"": out += "&quot;"
      default: out.append(ch)
      }
    }
    return out
  }

  /// A number with at most two decimals, no trailing zeros.
  static func number(_ v: Double) -> String {
    guard v.isFinite else { return "0" }
    let scaled = (v * 100).rounded()
    let whole = Int(scaled) / 100
    let fraction = abs(Int(scaled)) % 100
    let sign = scaled < 0 && whole == 0 ? "-" : ""
    if fraction == 0 { return sign + String(whole) }
    if fraction % 10 == 0 { return sign + "\(whole).\(fraction / 10)" }
    return sign + "\(whole).\(fraction < 10 ? "0" : "")\(fraction)"
  }

  /// A rectangle. `area`: a cell of a colour field (a heatmap, a phase diagram, a colour
  /// bar's strip), whose colours are read against each other and a legend rather than
  /// against the page; it is marked `class="area"`.
  public mutating func rect(
    x: Double, y: Double, width: Double, height: Double, fill: RGB, stroke: RGB? = nil, area: Bool = false
  ) {
    var s =
      (area ? "<rect class=\"area\" " : "<rect ")
      + "x=\"\(Self.number(x))\" y=\"\(Self.number(y))\" width=\"\(Self.number(width))\" "
    s += "height=\"\(Self.number(height))\" fill=\"\(fill.hex)\""
    if let stroke { s += " stroke=\"\(stroke.hex)\" stroke-width=\"\(Self.number(0.5 * style.lineScale))\"" }
    body.append(s + "/>")
  }

  /// The outline of a rectangle in the style's ink (around a colour field).
  public mutating func frame(x: Double, y: Double, width: Double, height: Double) {
    var s = "<rect x=\"\(Self.number(x))\" y=\"\(Self.number(y))\" width=\"\(Self.number(width))\" "
    s += "height=\"\(Self.number(height))\" fill=\"none\" stroke=\"\(style.ink.hex)\" "
    s += "stroke-width=\"\(Self.number(0.5 * style.lineScale))\""
    body.append(s + "/>")
  }

  /// Pixels stretched over a rectangle, each drawn as a sharp square (no smoothing between
  /// cells), as one embedded PNG.
  public mutating func image(x: Double, y: Double, width: Double, height: Double, pixels: [[RGB]]) {
    var s = "<image class=\"area\" x=\"\(Self.number(x))\" y=\"\(Self.number(y))\" width=\"\(Self.number(width))\" "
    s += "height=\"\(Self.number(height))\" preserveAspectRatio=\"none\" image-rendering=\"pixelated\" "
    s += "style=\"image-rendering:pixelated;image-rendering:crisp-edges\" href=\"\(PNG.dataURI(pixels))\""
    body.append(s + "/>")
  }

  public mutating func line(
    x1: Double, y1: Double, x2: Double, y2: Double, stroke: RGB, width: Double = 1, dashed: Bool = false,
    arrow: Bool = false, opacity: Double = 1
  ) {
    var s = "<line x1=\"\(Self.number(x1))\" y1=\"\(Self.number(y1))\" x2=\"\(Self.number(x2))\" "
    s += "y2=\"\(Self.number(y2))\" stroke=\"\(stroke.hex)\" stroke-width=\"\(Self.number(width * style.lineScale))\""
    if opacity < 1 { s += " stroke-opacity=\"\(Self.number(opacity))\"" }
    if dashed { s += " stroke-dasharray=\"4 3\"" }
    if arrow { s += " marker-end=\"url(#arrow-\(stroke.hex.dropFirst()))\"" }
    body.append(s + "/>")
    if arrow { arrowColors.insert(stroke) }
  }

  private var arrowColors: Set<RGB> = []

  public mutating func polyline(points: [(Double, Double)], stroke: RGB, width: Double = 1.5, opacity: Double = 1) {
    guard points.count > 1 else { return }
    let list = points.map { "\(Self.number($0.0)),\(Self.number($0.1))" }.joined(separator: " ")
    var s = "<polyline points=\"\(list)\" fill=\"none\" stroke=\"\(stroke.hex)\" "
    s += "stroke-width=\"\(Self.number(width * style.lineScale))\""
    if opacity < 1 { s += " stroke-opacity=\"\(Self.number(opacity))\"" }
    body.append(s + "/>")
  }

  public mutating func circle(x: Double, y: Double, radius: Double, fill: RGB, opacity: Double = 1) {
    var s =
      "<circle cx=\"\(Self.number(x))\" cy=\"\(Self.number(y))\" r=\"\(Self.number(radius * style.lineScale))\" "
      + "fill=\"\(fill.hex)\""
    if opacity < 1 { s += " fill-opacity=\"\(Self.number(opacity))\"" }
    body.append(s + "/>")
  }

  public enum Anchor: String, Sendable { case start, middle, end }

  /// How wide `text` may be drawn at `size`, generously: 0.6 em a character. Helvetica and
  /// Arial (Liberation Sans in Chromium on Linux) draw a header of digits and lower case at
  /// 0.45–0.5 em a character, bold or not, and a digit at 0.56; the margin covers wider
  /// fallback fonts. For making room, not for layout to the pixel.
  public static func estimatedWidth(of text: String, size: Double) -> Double {
    Double(text.count) * size * 0.6
  }

  /// Text at `size` (scaled by the style's `textScale`), in the style's ink unless `color`
  /// says otherwise.
  public mutating func text(
    _ text: String, x: Double, y: Double, size: Double = 11, anchor: Anchor = .start, color: RGB? = nil,
    bold: Bool = false, rotate: Double? = nil
  ) {
    var s = "<text x=\"\(Self.number(x))\" y=\"\(Self.number(y))\" font-size=\"\(Self.number(style.font(size)))\""
    s += " text-anchor=\"\(anchor.rawValue)\" fill=\"\((color ?? style.ink).hex)\""
    if bold { s += " font-weight=\"bold\"" }
    if let rotate { s += " transform=\"rotate(\(Self.number(rotate)) \(Self.number(x)) \(Self.number(y)))\"" }
    body.append(s + ">\(Self.escape(text))</text>")
  }

  /// Another writer's shapes, moved by (dx, dy): for panels.
  public mutating func include(_ other: SVGWriter, dx: Double, dy: Double) {
    body.append("<g transform=\"translate(\(Self.number(dx)),\(Self.number(dy)))\">")
    body.append(contentsOf: other.body)
    body.append("</g>")
    arrowColors.formUnion(other.arrowColors)
  }

  /// The finished document.
  public var document: String {
    var out = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(Self.number(width))\" "
    out += "height=\"\(Self.number(height))\" viewBox=\"0 0 \(Self.number(width)) \(Self.number(height))\" "
    out += "font-family=\"Helvetica, Arial, sans-serif\">\n"
    if !arrowColors.isEmpty {
      out += "<defs>"
      for color in arrowColors.sorted(by: { $0.hex < $1.hex }) {
        out += "<marker id=\"arrow-\(color.hex.dropFirst())\" viewBox=\"0 0 10 10\" refX=\"9\" refY=\"5\" "
        // Marker units are stroke widths: thicker lines keep heads about as large as before.
        let head = Self.number(6 / style.lineScale.squareRoot())
        out += "markerWidth=\"\(head)\" markerHeight=\"\(head)\" orient=\"auto-start-reverse\">"
        out += "<path d=\"M 0 0 L 10 5 L 0 10 z\" fill=\"\(color.hex)\"/></marker>"
      }
      out += "</defs>\n"
    }
    out += "<rect width=\"100%\" height=\"100%\" fill=\"\(style.background.hex)\"/>\n"
    out += body.joined(separator: "\n")
    return out + "\n</svg>\n"
  }
}
