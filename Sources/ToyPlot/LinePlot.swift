/// Lines through points: several series with a legend, linear or log axes, and labelled
/// horizontal reference lines.
///
/// The paper draws the loss against the step (log y) and dimensions per feature m/‖W‖_F²
/// against 1/(1−S) (log x) with lines at its plateaus 1 and 1/2. Text draws in braille
/// unless the options ask for quadrants or ASCII. Without colour each series carries a
/// marker glyph (`*`, `o`, `+`, …, or its own) along its line and in the legend, so series
/// stay apart. A faint series (a raw loss behind its moving average) is drawn under the
/// others: light in SVG, in a dim colour in a colour terminal, and not at all in text without
/// colour, where its dots would be a band the others' dots cannot be told from.
///
///     let loss = (0..<1000).map { 1 / (1 + Double($0)) }
///     let plot = LinePlot([.init("loss", y: loss)], logY: true, xLabel: "step")
///     print(plot.plainText(TextOptions(width: 60, height: 16)))
public struct LinePlot: Plot {
  /// One line: points (x[k], y[k]) joined in order. A point an axis cannot show (NaN,
  /// infinite, or not positive on a log axis) is left out and breaks the line there. When
  /// x and y differ in length the extra values are ignored.
  public struct Series: Sendable, Hashable {
    public var name: String
    public var x: [Double]
    public var y: [Double]
    /// The line's colour; nil takes the next of `Colormap.categorical` (of
    /// `Colormap.categorical20` when the plot has more than ten series).
    public var color: RGB?
    /// Drawn light, behind the other series (see the type's summary).
    public var faint: Bool
    /// The glyph along the line without colour; nil takes the next of `LinePlot.markers`.
    public var marker: Character?
    /// In SVG, a dot at every point as well as the line: the points are samples (one model
    /// per density), not a curve, and the dots say where they were taken.
    public var dots = false
    /// A label beside each point (labels[k] beside point k; empty ones are skipped), for
    /// points that are settings of a sweep rather than samples of a curve (λ = 0.01, k = 2).
    public var labels: [String] = []

    public init(
      _ name: String, x: [Double], y: [Double], color: RGB? = nil, faint: Bool = false, marker: Character? = nil
    ) {
      self.name = name
      self.x = x
      self.y = y
      self.color = color
      self.faint = faint
      self.marker = marker
    }

    /// `y` against its index 0, 1, 2, … (e.g. a loss per step).
    public init(_ name: String, y: [Double], color: RGB? = nil) {
      self.init(name, x: y.indices.map(Double.init), y: y, color: color)
    }
  }

  public var title: String?
  public var series: [Series]
  public var logX: Bool
  public var logY: Bool
  public var xLabel: String?
  public var yLabel: String?
  /// Dashed horizontal lines, e.g. `ReferenceLine.dimensionsPerFeature` (1 and 1/2).
  public var references: [ReferenceLine]
  /// The x ticks and labels, when the points are a sweep's settings (dictionary sizes 10,
  /// 15, 20, …): the axis runs just around them; nil: nice round ticks.
  public var xTicks: [Double]?
  /// Values the y axis covers besides the series' own: 0 and 1 for a count that may be all
  /// zero, so that its axis starts at 0 rather than centring a flat line between ±1.
  public var yIncludes: [Double] = []
  /// Whether y is a count (dead latents): ticks at whole numbers only.
  public var yWhole = false
  /// Set by `StackedLinePlot`: x values the axis must cover besides the series' own (the
  /// other panels'), and the least text columns beside the plot area.
  var sharedX: [Double] = []
  var gutter = XYFrame.Gutter()

  public init(
    _ series: [Series], logX: Bool = false, logY: Bool = false, xLabel: String? = nil, yLabel: String? = nil,
    references: [ReferenceLine] = [], title: String? = nil
  ) {
    self.series = series
    self.logX = logX
    self.logY = logY
    self.xLabel = xLabel
    self.yLabel = yLabel
    self.references = references
    self.title = title
  }

  /// The glyphs that tell series apart without colour, in order.
  static let markers: [Character] = ["*", "o", "+", "x", "#", "@", "%", "&"]

  /// A marker that names series `index` itself: 0–9, then a–z for 10–35, then A–Z for
  /// 36–61 (and again from 0 past that). For many series of numbered things (features), so
  /// that a glyph on a line says which it is without the legend's help.
  public static func indexMarker(_ index: Int) -> Character {
    let digits = Array("0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ")
    return digits[((index % digits.count) + digits.count) % digits.count]
  }

  func color(of index: Int, theme: Theme? = nil) -> RGB {
    let palette = series.count > Colormap.categorical.count ? Colormap.categorical20 : Colormap.categorical
    let color = series[index].color ?? palette[index % palette.count]
    return theme?.readable(color) ?? color
  }

  /// A faint series' colour in a terminal: its colour most of the way to grey, which reads
  /// as dim on a dark background and on a light one.
  func faintColor(of index: Int) -> RGB { color(of: index).mixed(with: .grey, 0.75) }

  /// The opacity of a faint series' line in SVG.
  static let faintOpacity = 0.3

  func marker(of index: Int) -> Character { series[index].marker ?? Self.markers[index % Self.markers.count] }

  /// The series text draws at `options`: all, or without colour all but the faint ones.
  func drawn(_ options: TextOptions) -> [Int] {
    series.indices.filter { options.color || !series[$0].faint }
  }

  /// Whether a point can be drawn on these axes.
  func shows(_ x: Double, _ y: Double) -> Bool {
    x.isFinite && y.isFinite && (!logX || x > 0) && (!logY || y > 0)
  }

  var frame: XYFrame {
    var xs = sharedX
    var ys: [Double] = []
    for s in series {
      for (x, y) in zip(s.x, s.y) where shows(x, y) {
        xs.append(x)
        ys.append(y)
      }
    }
    ys += references.map(\.value) + yIncludes
    return XYFrame(
      xValues: xs, yValues: ys, logX: logX, logY: logY, xLabel: xLabel, yLabel: yLabel, references: references,
      xTicks: xTicks, yWhole: yWhole, gutter: gutter)
  }

  /// Every x value a series holds that these axes can show: what a stacked panel's x axis
  /// must cover for the others.
  var shownX: [Double] {
    series.flatMap { s in zip(s.x, s.y).filter { shows($0.0, $0.1) }.map(\.0) }
  }

  /// Notes on points left out, or "no data".
  var notes: [String] {
    var nonFinite = 0
    var nonPositive = 0
    var shown = 0
    for s in series {
      for (x, y) in zip(s.x, s.y) {
        if !x.isFinite || !y.isFinite {
          nonFinite += 1
        } else if shows(x, y) {
          shown += 1
        } else {
          nonPositive += 1
        }
      }
    }
    let skipped = XYFrame.skippedNotes(nonFinite: nonFinite, nonPositive: nonPositive)
    return shown == 0 && skipped.isEmpty ? ["no data"] : skipped
  }

  /// Where `textGrid` puts the plot area and how it maps data, at `options`.
  func textLayout(_ options: TextOptions) -> XYFrame.Layout {
    let frame = self.frame
    let legendLines = legend(options, markers: withMarkers(options)).count
    return frame.layout(options, legendLines: legendLines, noteLines: frame.wrapped(notes, options).count)
  }

  /// Whether series carry marker glyphs: when colour cannot tell them apart.
  func withMarkers(_ options: TextOptions) -> Bool { !options.color && drawn(options).count > 1 }

  public func textGrid(_ options: TextOptions) -> TextGrid {
    let withMarkers = withMarkers(options)
    return frame.textGrid(options, legend: legend(options, markers: withMarkers), notes: notes) { canvas, layout in
      for index in drawn(options) {
        let color =
          options.color ? (series[index].faint ? faintColor(of: index) : color(of: index, theme: options.theme)) : nil
        draw(index, on: &canvas, layout, color: color, markers: withMarkers && !series[index].faint)
      }
      var labelled: [(column: Int, row: Int)] = []
      for index in drawn(options) where !series[index].labels.isEmpty {
        label(
          index, on: &canvas, layout, color: options.color ? color(of: index, theme: options.theme) : nil,
          ascii: options.ascii, labelled: &labelled)
      }
    }
  }

  /// A series' point labels in text: each in the first free place right of, left of, above or
  /// below its point's cell, away from lines when it can be, with a blank cell between it and
  /// any other label. Left out when no place is free, and when its point's cell touches that of
  /// a point already labelled (`labelled`, the cells of every series so far): two labels there
  /// would crowd one spot, and neither could be told to be whose.
  private func label(
    _ index: Int, on canvas: inout DotCanvas, _ layout: XYFrame.Layout, color: RGB?, ascii: Bool,
    labelled: inout [(column: Int, row: Int)]
  ) {
    let s = series[index]
    for (k, (x, y)) in zip(s.x, s.y).enumerated() where k < s.labels.count && !s.labels[k].isEmpty {
      guard shows(x, y), let p = layout.pixel(x, y), let (px, py) = canvas.pixel(p.0, p.1) else { continue }
      let cell = canvas.cell(ofPixel: px, py)
      guard !labelled.contains(where: { abs($0.column - cell.column) <= 1 && abs($0.row - cell.row) <= 1 }) else {
        continue
      }
      let text = ascii ? XYFrame.ascii(s.labels[k]) : s.labels[k]
      let places = [
        (cell.column + 1, cell.row), (cell.column - text.count, cell.row), (cell.column + 1, cell.row - 1),
        (cell.column + 1, cell.row + 1), (cell.column - text.count, cell.row - 1),
        (cell.column - text.count, cell.row + 1),
      ]
      func fits(_ place: (Int, Int), clear: Bool) -> Bool {
        let inside = (0..<text.count).allSatisfy { dx in
          let column = place.0 + dx
          return column >= 0 && column < canvas.columns && place.1 >= 0 && place.1 < canvas.rows
            && !canvas.isMarked(column: column, row: place.1)
            && (!clear || !canvas.hasPixels(column: column, row: place.1))
        }
        // Off the canvas counts as blank: the frame's edge parts a label from what is beyond.
        return inside && !canvas.isMarked(column: place.0 - 1, row: place.1)
          && !canvas.isMarked(column: place.0 + text.count, row: place.1)
      }
      guard
        let place = places.first(where: { fits($0, clear: true) }) ?? places.first(where: { fits($0, clear: false) })
      else { continue }
      canvas.text(text, column: place.0, row: place.1, color: color)
      labelled.append((cell.column, cell.row))
    }
  }

  /// One series: its points joined by lines; isolated points as single dots. With `markers`,
  /// the series' glyph on its first point and then every six columns, each series on its own
  /// phase (staggered two columns apart), so that lines running together show each other's
  /// glyphs in turn. More series than the eight default markers (twenty features) spread
  /// their phases one column apart over up to twelve columns.
  private func draw(_ index: Int, on canvas: inout DotCanvas, _ layout: XYFrame.Layout, color: RGB?, markers: Bool) {
    let s = series[index]
    var previous: (Double, Double)?
    let many = series.count > Self.markers.count
    let spacing = many ? min(12, series.count) : 6
    let phase = (many ? index : 2 * index) % spacing
    var nextMarkColumn = phase
    for (x, y) in zip(s.x, s.y) {
      guard shows(x, y), let p = layout.pixel(x, y) else {
        previous = nil
        continue
      }
      if let previous {
        canvas.line(from: previous, to: p, color: color, faint: s.faint)
      } else {
        canvas.point(p.0, p.1, color: color, faint: s.faint)
      }
      previous = p
      guard markers, let (px, py) = canvas.pixel(p.0, p.1) else { continue }
      let cell = canvas.cell(ofPixel: px, py)
      // A glyph beside another series' would run into a word: wait for a free cell.
      let crowded = (cell.column - 1...cell.column + 1).contains { canvas.isMarked(column: $0, row: cell.row) }
      if cell.column >= nextMarkColumn && !crowded {
        canvas.mark(marker(of: index), column: cell.column, row: cell.row, color: nil)
        // The next column on this series' phase at least half the spacing on.
        let after = cell.column + spacing / 2
        nextMarkColumn = after + ((phase - after) % spacing + spacing) % spacing
      }
    }
  }

  /// One item per named series: a sample of its line (with its marker without colour) and
  /// its name, flowed into lines no wider than the options' width.
  func legend(_ options: TextOptions, markers: Bool) -> [TextGrid] {
    let shown = drawn(options)
    guard shown.contains(where: { !series[$0].name.isEmpty }) else { return [] }
    let rule: Character = options.ascii ? "-" : "─"
    let items = shown.map { index -> TextGrid in
      let name = options.ascii ? XYFrame.ascii(series[index].name) : series[index].name
      var item = TextGrid(width: 4 + name.count, height: 1)
      let color =
        options.color ? (series[index].faint ? faintColor(of: index) : color(of: index, theme: options.theme)) : nil
      for k in 0..<3 { item[k, 0] = Cell(k == 1 && markers ? marker(of: index) : rule, foreground: color) }
      item.write(name, x: 4, y: 0)
      return item
    }
    return TextGrid.flow(items, width: options.width)
  }
}
