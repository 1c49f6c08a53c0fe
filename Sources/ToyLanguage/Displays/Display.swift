import ToyPlot

/// One output of a statement, Jupyter style: a mime bundle plus, for plots, the plot model
/// from which a terminal adds colour. Front ends only render displays.
public struct Display: Sendable {
  /// The mime type of toy's numbers. A vendor type, not `application/json`: front ends rank
  /// their JSON viewer above SVG and text, so a generic type would hide every plot behind a
  /// collapsed tree (JupyterLab does), while nothing renders a vendor type it does not know.
  public static let mimeType = "application/vnd.toy.display+json"

  /// The statement that produced it.
  public var span: Span?
  /// `text/plain`: the rendering without escape codes.
  public var plain: String
  /// `image/svg+xml`, for plots.
  public var svg: String?
  /// `text/html`, for tables: a notebook reads a table better than aligned text.
  public var html: String?
  /// `application/vnd.toy.display+json` (`Display.mimeType`): the numbers behind the
  /// output, with the toy version, seed and settings.
  public var numbers: JSON.Node
  /// The numbers as JSON text.
  public var json: String { JSON.write(numbers) }
  /// The plot, for terminal renderers that add colour.
  public var plot: (any Plot)?
  /// The value an expression or `print` of one value produced (the prompt's `Out[n]`, `_`).
  public var value: Value?
  /// The text options the plot was drawn with, for a terminal redrawing it in colour.
  public var textOptions: TextOptions?
  /// `show … color=always|never`: overrides the front end's colour policy for this display.
  public var color: String?
  /// Whether a bare expression produced it: a notebook's `execute_result` rather than a
  /// display.
  public var isResult = false
  /// Whether it is text alone (no plot, no table): a notebook shows it as printed text, a
  /// `stream` on stdout, as Python's `print` does.
  public var isText: Bool { svg == nil && html == nil }
  /// Whether it is the last frame of `train … live`, which a front end that drew the live
  /// frames in place may draw over them.
  public var isLiveFinal = false

  public init(
    span: Span?, plain: String, svg: String? = nil, numbers: JSON.Node, plot: (any Plot)? = nil, value: Value? = nil,
    textOptions: TextOptions? = nil, color: String? = nil, html: String? = nil
  ) {
    self.html = html
    self.textOptions = textOptions
    self.color = color
    self.span = span
    self.plain = plain
    self.svg = svg
    self.numbers = numbers
    self.plot = plot
    self.value = value
  }
}

/// A table as HTML, for notebooks: a header row, then the rows, numbers right-aligned as in
/// the text table.
func htmlTable(header: [String], rows: [[String]]) -> String {
  func cells(_ row: [String], tag: String) -> String {
    row.map { "<\(tag) style=\"text-align:right\">\(SVGWriter.escape($0))</\(tag)>" }.joined()
  }
  let body = rows.map { "<tr>" + cells($0, tag: "td") + "</tr>" }.joined(separator: "\n")
  return "<table>\n<thead><tr>" + cells(header, tag: "th") + "</tr></thead>\n<tbody>\n" + body + "\n</tbody>\n</table>"
}
