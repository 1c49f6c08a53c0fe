/// Counts in bins on a log axis, with one bin kept apart for the values the axis cannot show.
///
/// A sparse autoencoder's latents fire on fractions of samples that span decades (10⁻⁴ to 1),
/// so their histogram wants a log axis; a dead latent fires on none, and 0 has no place on a
/// log axis. It gets a bin of its own left of the axis, in another colour, so that dead latents
/// are counted in the picture rather than dropped from it. Bins touch as in any histogram;
/// their edges are labelled under the axis, and each bar carries its count above it.
///
///     LogHistogram(edges: [1e-3, 1e-2, 1e-1, 1], counts: [0, 4, 1], apart: .init("dead", count: 2))
public struct LogHistogram: Plot {
  /// The bin kept apart, left of the log axis.
  public struct Apart: Sendable, Hashable {
    public var label: String
    public var count: Int

    public init(_ label: String, count: Int) {
      self.label = label
      self.count = count
    }
  }

  public var title: String?
  /// Bin edges, increasing and positive: bin k holds [edges[k], edges[k+1]).
  public var edges: [Double]
  /// One count per bin (edges.count − 1); missing ones are 0.
  public var counts: [Int]
  public var apart: Apart?
  /// What the axis measures, under the edges.
  public var xLabel: String?
  /// What is counted, above the counts' axis.
  public var yLabel: String?

  public init(
    edges: [Double], counts: [Int], apart: Apart? = nil, xLabel: String? = nil, yLabel: String? = nil,
    title: String? = nil
  ) {
    self.edges = edges
    self.counts = counts
    self.apart = apart
    self.xLabel = xLabel
    self.yLabel = yLabel
    self.title = title
  }

  /// The number of bins on the log axis.
  var binCount: Int { max(0, edges.count - 1) }

  /// Bin k's count (0 past the given counts).
  func count(_ bin: Int) -> Int { bin < counts.count ? max(0, counts[bin]) : 0 }

  /// The colours of the bins on the axis and of the bin apart.
  static let binColor = Colormap.categorical[0]
  static let apartColor = Colormap.categorical[3]

  /// The counts' axis: nice ticks from 0 to at least the largest count.
  var countTicks: [Double] {
    let largest = (0..<binCount).map(count) + [apart?.count ?? 0]
    let ticks = BarChart.valueTicks(largest.map(Double.init), count: 4)
    return ticks.filter { $0 == $0.rounded() }.count >= 2 ? ticks.filter { $0 == $0.rounded() } : [0, 1]
  }

  /// An edge's label, in the style all the edges share (1e-3, 0.01, 1 …).
  func edgeLabel(_ k: Int) -> String { Ticks.label(edges[k], among: edges) }
}

/// The histogram in text: eighth-block bars over the counts' axis, the bin apart first.
extension LogHistogram {
  /// Columns per bar, and the first bar's column, for `width` columns after a gutter of `gutter`.
  struct TextFit {
    var bar: Int
    var apartX: Int
    var binsX: Int

    /// The left column of bin `k` on the axis (bars one column apart).
    func x(_ k: Int) -> Int { binsX + k * (bar + 1) }
  }

  func fit(width: Int, gutter: Int) -> TextFit {
    let start = gutter + 2
    let bars = binCount + (apart == nil ? 0 : 1)
    let room = width - start - (apart == nil ? 0 : 4) - binCount
    let bar = max(1, min(6, room / max(1, bars)))
    let binsX = apart == nil ? start : start + bar + 4
    return TextFit(bar: bar, apartX: start, binsX: binsX)
  }

  public func textGrid(_ options: TextOptions) -> TextGrid {
    let ascii = options.ascii
    let ticks = countTicks
    let top = ticks.last ?? 1
    let gutter = ticks.map { Ticks.label($0).count }.max() ?? 1
    let fit = fit(width: options.width, gutter: gutter)
    let overhead = (yLabel == nil ? 0 : 1) + 2 + (xLabel == nil ? 0 : 1)
    let rows = max(3, (options.height.map { $0 - overhead } ?? 9))
    // The top row is left for the tallest bar's count.
    let barRows = rows - 1
    let end = binCount > 0 ? fit.x(binCount) : fit.binsX + 1
    var chart = TextGrid(width: min(options.width, max(end + 1, gutter + 4)), height: rows + 2)
    // The counts' axis.
    for y in 0..<rows { chart[gutter, y] = Cell(ascii ? "|" : "│") }
    chart[gutter, rows] = Cell(ascii ? "+" : "└")
    for tick in ticks {
      let y = rows - Int((tick / top * Double(barRows)).rounded())
      guard y >= 0, y < rows else { continue }
      let label = Ticks.label(tick)
      chart.write(label, x: gutter - label.count, y: y)
      chart[gutter, y] = Cell(ascii ? "+" : "┤")
    }
    func bar(_ x: Int, _ count: Int, color: RGB, label: String?) {
      let filled = BarChart.eighths(Double(count), top: top, rows: barRows)
      let partials = Array(ascii ? "....::::" : " ▁▂▃▄▅▆▇")
      for dx in 0..<fit.bar {
        for level in 0..<barRows {
          let eighths = filled - level * 8
          guard eighths > 0 else { break }
          let glyph = eighths >= 8 ? (ascii ? "#" : "█") : partials[eighths]
          chart[x + dx, rows - 1 - level] = Cell(glyph, foreground: options.color ? color : nil)
        }
      }
      // The count above the bar, when the bar leaves a row for it.
      let level = (filled + 7) / 8
      let text = String(count)
      if count > 0, text.count <= fit.bar + 1 {
        chart.write(text, x: x + (fit.bar - text.count) / 2, y: rows - 1 - level)
      }
      if let label { chart.write(label, x: x + (fit.bar - label.count) / 2, y: rows + 1) }
    }
    var free = 0
    // The x axis: under the bin apart, then a break, then the log axis with a tick at each edge.
    if let apart {
      for x in fit.apartX - 1..<fit.apartX + fit.bar + 1 { chart[x, rows] = Cell(ascii ? "-" : "─") }
      let label = ascii ? Self.asciiOnly(apart.label) : apart.label
      bar(fit.apartX, apart.count, color: Self.apartColor, label: nil)
      let start = max(gutter + 1, fit.apartX + (fit.bar - label.count) / 2)
      chart.write(label, x: start, y: rows + 1)
      free = start + label.count + 1
    }
    for x in fit.binsX - 1..<end where binCount > 0 { chart[x, rows] = Cell(ascii ? "-" : "─") }
    for k in 0..<binCount { bar(fit.x(k), count(k), color: Self.binColor, label: nil) }
    for k in 0...binCount where binCount > 0 {
      let column = fit.x(k) - 1
      let label = edgeLabel(k)
      let start = max(0, min(column - label.count / 2, chart.width - label.count))
      guard start >= free else { continue }
      chart[column, rows] = Cell(ascii ? "+" : "┴")
      chart.write(label, x: start, y: rows + 1)
      free = start + label.count + 1
    }
    var parts: [TextGrid] = []
    if let yLabel { parts.append(TextGrid(lines: [ascii ? XYFrame.ascii(yLabel) : yLabel])) }
    parts.append(chart)
    if let xLabel {
      let text = ascii ? XYFrame.ascii(xLabel) : xLabel
      for line in XYFrame.wrap(text, width: options.width) {
        var row = TextGrid(width: min(options.width, max(chart.width, line.count)), height: 1)
        let centre = binCount > 0 ? (fit.binsX + end) / 2 : chart.width / 2
        row.write(line, x: max(0, min(centre - line.count / 2, row.width - line.count)), y: 0)
        parts.append(row)
      }
    }
    return Heatmap.clipped(TextGrid.vertical(parts), width: options.width)
  }
}
