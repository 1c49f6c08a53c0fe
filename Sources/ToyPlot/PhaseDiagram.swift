/// Phase diagrams (paper §3.4): what a model does with an extra feature, over the feature's
/// relative importance r (x, log) and the density 1−S (y, log, 1 at the top).
///
/// `PhaseDiagram` draws named categories, e.g. the theory's cheapest candidate at each point;
/// `EmpiricalPhaseDiagram` draws trained models in the paper's colouring. Both take a grid of
/// points evenly spaced in log over their axes, row 0 at the top (highest density), column 0
/// at the left (lowest importance). The plot area's size depends on the options alone (about
/// square, within the width), so diagrams side by side line up: a smaller grid is scaled up
/// to fill it, each point taking a share of whole cells; a larger one is downsampled, with a
/// note saying so.
///
///     let axes = PhaseAxes.paper
///     let cells = (0..<20).map { row in (0..<40).map { column in
///       winner(r: axes.importance(column: column, of: 40), s: axes.density(row: row, of: 20)) } }
///     print(PhaseDiagram(cells, axes: axes).plainText(TextOptions(width: 60)))
public struct PhaseDiagram: Plot {
  /// A category of the diagram: its name in the legend, its colour, and the letter drawn
  /// for it without colour.
  public struct Category: Sendable, Hashable {
    public var name: String
    public var color: RGB
    public var letter: Character

    public init(_ name: String, color: RGB, letter: Character) {
      self.name = name
      self.color = color
      self.letter = letter
    }

    /// The extra feature has no weight (paper: light grey).
    public static let notRepresented = Category(
      "not represented", color: EmpiricalPhaseDiagram.color(norm: 0, superposition: 0), letter: ".")
    /// The extra feature has a dimension of its own (paper: blue).
    public static let dedicated = Category(
      "dedicated dimension", color: EmpiricalPhaseDiagram.color(norm: 1, superposition: 0), letter: "D")
    /// The extra feature shares a dimension with another (paper: red).
    public static let superposition = Category(
      "superposition", color: EmpiricalPhaseDiagram.color(norm: 1, superposition: 1), letter: "S")

    /// The paper's three phases, in that order.
    public static let paper: [Category] = [.notRepresented, .dedicated, .superposition]
  }

  public var title: String?
  public var categories: [Category]
  /// Category indices, row 0 at the top; an index outside `categories` means no data.
  public var cells: [[Int]]
  public var axes: PhaseAxes
  /// Lines under the legend, e.g. how the trained seeds split.
  public var notes: [String]

  public init(
    _ cells: [[Int]], categories: [Category] = Category.paper, axes: PhaseAxes = .paper, title: String? = nil,
    notes: [String] = []
  ) {
    self.cells = cells
    self.categories = categories
    self.axes = axes
    self.title = title
    self.notes = notes
  }

  /// A diagram of `category(r, s)` at each point of a `columns`×`rows` grid over `axes`.
  public init(
    columns: Int, rows: Int, categories: [Category] = Category.paper, axes: PhaseAxes = .paper,
    title: String? = nil, category: (_ importance: Double, _ density: Double) -> Int
  ) {
    let cells = (0..<max(0, rows)).map { row in
      (0..<max(0, columns)).map { column in
        category(axes.importance(column: column, of: columns), axes.density(row: row, of: rows))
      }
    }
    self.init(cells, categories: categories, axes: axes, title: title)
  }

  var frame: PhaseFrame {
    PhaseFrame(axes: axes, columns: cells.map(\.count).max() ?? 0, rows: cells.count, title: title)
  }

  /// The category shown for the source cells of `block`: the most frequent one; ties go to
  /// the block's centre cell if it is among them, else to the lowest index. Nil: no data.
  func majority(_ block: PhaseFrame.Block) -> Int? {
    var counts: [Int: Int] = [:]
    for row in block.rows {
      for column in block.columns {
        let value = column < cells[row].count ? cells[row][column] : -1
        guard categories.indices.contains(value) else { continue }
        counts[value, default: 0] += 1
      }
    }
    guard let most = counts.values.max() else { return nil }
    let centreRow = block.rows.lowerBound + block.rows.count / 2
    let centreColumn = block.columns.lowerBound + block.columns.count / 2
    let centre = centreColumn < cells[centreRow].count ? cells[centreRow][centreColumn] : -1
    if counts[centre] == most { return centre }
    return counts.filter { $0.value == most }.keys.min()
  }

  public func textGrid(_ options: TextOptions) -> TextGrid {
    let legend = legendGrids(options)
    return frame.textGrid(options, legend: legend, method: "the phase most of its points have") { block in
      guard let block, let index = majority(block) else { return PhaseFrame.noData(options) }
      let category = categories[index]
      if options.color { return Cell(" ", background: category.color) }
      return Cell(PhaseFrame.glyph(category.letter, ascii: options.ascii))
    }
  }

  /// One swatch and name per category, flowed into lines no wider than the options' width.
  func legendGrids(_ options: TextOptions) -> [TextGrid] {
    let items = categories.map { category -> TextGrid in
      let name = options.ascii ? Self.asciiOnly(category.name) : category.name
      var item = TextGrid(width: 3 + name.count, height: 1)
      if options.color {
        item[0, 0] = Cell(" ", background: category.color)
        item[1, 0] = Cell(" ", background: category.color)
      } else {
        item[0, 0] = Cell(PhaseFrame.glyph(category.letter, ascii: options.ascii))
      }
      item.write(name, x: 3, y: 0)
      return item
    }
    let notes = notes.map { TextGrid(lines: [options.ascii ? Self.asciiOnly($0) : $0]) }
    return TextGrid.flow(items, width: options.width) + notes
  }

  public func svg(_ style: SVGStyle) -> SVGWriter {
    let s = style.textScale
    let left = PhaseFrame.svgLeft(style)
    return frame.svg(legendHeight: 18 * (categories.count + notes.count), style: style) { block in
      majority(block).map { categories[$0].color }
    } legend: { svg, y in
      for (i, category) in categories.enumerated() {
        let top = y + 18 * s * Double(i)
        svg.rect(
          x: left, y: top, width: 12 * s, height: 12 * s, fill: category.color, stroke: style.ink, area: true)
        svg.text(category.name, x: left + 18 * s, y: top + 10.5 * s)
      }
      for (i, note) in notes.enumerated() {
        svg.text(note, x: left, y: y + 18 * s * Double(categories.count + i) + 10.5 * s)
      }
    }
  }
}

extension PanelGrid {
  /// The theory's phase diagram beside the trained models', as the paper shows them.
  public static func phaseComparison(theory: PhaseDiagram, trained: any Plot, title: String? = nil) -> PanelGrid {
    PanelGrid([theory, trained], columns: 2, title: title)
  }
}
