/// Plots side by side in rows, each under its own title, as the paper's rows of figures
/// (one panel per instance, or linear beside ReLU).
///
/// In text every panel gets the same width, (options.width − gaps)/columns, and is centred in
/// it; every line has the same width and none is wider than options.width. In SVG each panel
/// is drawn at its natural size in a cell as large as the largest panel.
///
///     let row = PanelGrid(densities.map { s in VectorPlot(…, title: "1−S = \(s)") }, columns: 5)
///     print(row.terminalText(TextOptions(width: 120), depth: .truecolor))
public struct PanelGrid: Plot {
  public var title: String?
  public var panels: [any Plot]
  /// Panels per row; nil chooses from the width (panels at least `minimumPanelWidth` wide).
  public var columns: Int?
  /// Blank columns between panels in text.
  public var gap: Int

  /// The narrowest panel an automatic column count allows, in text columns.
  public static let minimumPanelWidth = 30
  /// The widest an automatic column count makes an SVG row, in pixels: four WᵀW panels, five
  /// or six 2-D geometries (a slide scales the picture down).
  public static let maximumSVGWidth = 2400.0

  public init(_ panels: [any Plot], columns: Int? = nil, title: String? = nil, gap: Int = 2) {
    self.panels = panels
    self.columns = columns
    self.title = title
    self.gap = max(0, gap)
  }

  /// Panels per row at `width` columns: the requested count (or as many as fit at
  /// `minimumPanelWidth`), at most one per panel, and few enough that each is a column wide.
  func columnCount(width: Int) -> Int {
    let wanted = columns ?? (width + gap) / (Self.minimumPanelWidth + gap)
    let fitting = (width + gap) / (1 + gap)
    return max(1, min(wanted, panels.count, fitting))
  }

  /// Each panel's width in text at `width` columns.
  func panelWidth(width: Int) -> Int {
    Self.panelWidth(width: width, columns: columnCount(width: width), gap: gap)
  }

  /// The width of each of `columns` panels `gap` apart in `width` columns: for sizing a
  /// panel's data to the space it will get.
  public static func panelWidth(width: Int, columns: Int, gap: Int = 2) -> Int {
    let columns = max(1, columns)
    return max(1, (width - gap * (columns - 1)) / columns)
  }

  public func textGrid(_ options: TextOptions) -> TextGrid {
    guard !panels.isEmpty else { return TextGrid(width: 0, height: 0) }
    let count = columnCount(width: options.width)
    let rowCount = (panels.count + count - 1) / count
    var panelOptions = options
    panelOptions.width = panelWidth(width: options.width)
    // Heights, like widths, exclude titles: `titled` adds a row above each titled panel.
    let panelHeight = options.height.map { max(1, ($0 - (rowCount - 1)) / rowCount) }
    var rows: [TextGrid] = []
    for start in stride(from: 0, to: panels.count, by: count) {
      let cells = panels[start..<min(panels.count, start + count)].map {
        Self.centredCell($0, panelOptions, height: panelHeight)
      }
      rows.append(TextGrid.horizontal(cells, gap: gap))
    }
    return TextGrid.vertical(rows, gap: 1)
  }

  /// `panel` drawn `options.width` wide and, when `height` is set, that many rows high
  /// counting its title row; centred in a cell of the full width.
  static func centredCell(_ panel: any Plot, _ options: TextOptions, height: Int?) -> TextGrid {
    var options = options
    options.height = height.map { max(1, $0 - (panel.title?.isEmpty == false ? 1 : 0)) }
    let drawn = panel.titled(options)
    var cell = TextGrid(width: options.width, height: drawn.height)
    cell.place(drawn, x: max(0, (options.width - drawn.width) / 2), y: 0)
    return cell
  }

  /// Panels per SVG row: `columns` if set; else all in one row when it is at most
  /// `maximumSVGWidth` wide (a sweep reads across, as in the paper), or else as few rows
  /// as fit, with the panels spread evenly over them (ten panels: two rows of five).
  static func svgColumns(count: Int, cellWidth: Double, space: Double, columns: Int?) -> Int {
    if let columns { return max(1, min(columns, count)) }
    let fitting = max(1, Int((maximumSVGWidth + space) / max(1, cellWidth + space)))
    let rows = (count + fitting - 1) / fitting
    return max(1, (count + rows - 1) / max(1, rows))
  }

  /// The SVG title's font size, before the style's text scale.
  static let svgTitleSize = 15.0

  public func svg(_ style: SVGStyle) -> SVGWriter {
    // Panels on one colour scale share one colour bar, at the figure's right.
    let shared = Self.sharedColorBar(panels)
    let drawn = (shared?.panels ?? panels).map { $0.svg(style) }
    let cellWidth = drawn.map(\.width).max() ?? 0
    let space = 16.0
    let count = Self.svgColumns(count: drawn.count, cellWidth: cellWidth, space: space, columns: columns)
    let top = title?.isEmpty == false ? 32.0 * style.textScale : 0
    var rowHeights: [Double] = []
    for start in stride(from: 0, to: drawn.count, by: count) {
      rowHeights.append(drawn[start..<min(drawn.count, start + count)].map(\.height).max() ?? 0)
    }
    let panelsWidth = Double(count) * cellWidth + space * Double(count - 1)
    let barWidth = shared.map { $0.bar.colorBarWidth(style) + space } ?? 0
    // A title longer than the panels (a live frame's header over one small model) widens
    // the picture, panels centred under it, rather than being cut at both ends.
    let titleWidth =
      title.map { SVGWriter.estimatedWidth(of: $0, size: style.font(Self.svgTitleSize)) + 2 * space } ?? 0
    let width = max(panelsWidth + barWidth, titleWidth)
    let inset = (width - panelsWidth - barWidth) / 2
    let height = top + rowHeights.reduce(0, +) + space * Double(max(0, rowHeights.count - 1))
    var svg = SVGWriter(width: max(1, width), height: max(1, height), style: style)
    if let title, !title.isEmpty {
      svg.text(title, x: width / 2, y: 22 * style.textScale, size: Self.svgTitleSize, anchor: .middle, bold: true)
    }
    var y = top
    for (rowIndex, rowHeight) in rowHeights.enumerated() {
      for column in 0..<count {
        let index = rowIndex * count + column
        guard index < drawn.count else { break }
        let x = inset + Double(column) * (cellWidth + space) + (cellWidth - drawn[index].width) / 2
        svg.include(drawn[index], dx: x, dy: y)
      }
      y += rowHeight + space
    }
    if let shared {
      let (barTop, barHeight) = shared.bar.colorBarPlacement(style)
      shared.bar.drawColorBar(
        in: &svg, x: inset + panelsWidth + space, y: top + barTop,
        height: max(120, Int(min(height - top - barTop - 24, max(barHeight, min(360, (height - top) * 0.6))))))
    }
    return svg
  }

  /// The panels without their own colour bars and the one to draw for all, when every
  /// panel has a colour bar and all show the same scale; nil otherwise (one panel, or
  /// panels on different scales).
  static func sharedColorBar(_ panels: [any Plot]) -> (panels: [any Plot], bar: any ColorBarSharing)? {
    let sharing = panels.compactMap { $0 as? any ColorBarSharing }
    guard panels.count > 1, sharing.count == panels.count, let first = sharing.first,
      let key = first.colorBarKey, sharing.allSatisfy({ $0.colorBarKey == key })
    else { return nil }
    return (sharing.map { $0.withoutColorBar() }, first)
  }
}

/// A plot whose SVG draws a colour bar that a figure of several such panels can draw once
/// for all of them.
protocol ColorBarSharing: Plot {
  /// Equal for panels on the same colour scale; nil when the plot draws no colour bar.
  var colorBarKey: String? { get }
  /// The plot without its colour bar.
  func withoutColorBar() -> any Plot
  /// Where the plot's own colour bar starts (from its top) and how tall it is.
  func colorBarPlacement(_ style: SVGStyle) -> (top: Double, height: Double)
  /// The colour bar and its labels' width.
  func colorBarWidth(_ style: SVGStyle) -> Double
  func drawColorBar(in svg: inout SVGWriter, x: Double, y: Double, height: Int)
}
