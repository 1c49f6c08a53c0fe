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
  /// The widest an automatic column count makes an SVG, in pixels.
  public static let maximumSVGWidth = 1200.0

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
      let cells = panels[start..<min(panels.count, start + count)].map { panel -> TextGrid in
        var options = panelOptions
        options.height = panelHeight.map { max(1, $0 - (panel.title?.isEmpty == false ? 1 : 0)) }
        let drawn = panel.titled(options)
        var cell = TextGrid(width: panelOptions.width, height: drawn.height)
        cell.place(drawn, x: max(0, (panelOptions.width - drawn.width) / 2), y: 0)
        return cell
      }
      rows.append(TextGrid.horizontal(cells, gap: gap))
    }
    return TextGrid.vertical(rows, gap: 1)
  }

  /// The SVG title's font size.
  static let svgTitleSize = 15.0

  public func svg() -> SVGWriter {
    let drawn = panels.map { $0.svg() }
    let cellWidth = drawn.map(\.width).max() ?? 0
    let count = max(1, min(columns ?? Int(Self.maximumSVGWidth / max(1, cellWidth)), max(1, drawn.count)))
    let space = 16.0
    let top = title?.isEmpty == false ? 32.0 : 0
    var rowHeights: [Double] = []
    for start in stride(from: 0, to: drawn.count, by: count) {
      rowHeights.append(drawn[start..<min(drawn.count, start + count)].map(\.height).max() ?? 0)
    }
    let panelsWidth = Double(count) * cellWidth + space * Double(count - 1)
    // A title longer than the panels (a live frame's header over one small model) widens
    // the picture, panels centred under it, rather than being cut at both ends.
    let titleWidth = title.map { SVGWriter.estimatedWidth(of: $0, size: Self.svgTitleSize) + 2 * space } ?? 0
    let width = max(panelsWidth, titleWidth)
    let inset = (width - panelsWidth) / 2
    let height = top + rowHeights.reduce(0, +) + space * Double(max(0, rowHeights.count - 1))
    var svg = SVGWriter(width: max(1, width), height: max(1, height))
    if let title, !title.isEmpty {
      svg.text(title, x: width / 2, y: 22, size: Self.svgTitleSize, anchor: .middle, bold: true)
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
    return svg
  }
}
