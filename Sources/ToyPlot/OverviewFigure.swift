/// The paper's combined figure: one column per setting, WᵀW with the bias beside it above
/// the norm bars coloured by superposition, all on shared colour scales.
///
/// The paper's "linear vs ReLU" figure reads across: as sparsity grows, off-diagonal entries
/// appear in WᵀW, the biases turn negative, and the bars past the mark grow and turn yellow.
/// In SVG each scale has one colour bar at the figure's right (WᵀW's beside the heatmaps,
/// superposition's beside the bars), and the columns wrap into bands when one row would be
/// wider than `PanelGrid.maximumSVGWidth`. In text the columns are panels of a `PanelGrid`.
///
///     OverviewFigure(heatmaps: gram.map { Heatmap($0) }, bars: norms.map { BarChart($0) })
public struct OverviewFigure: Plot {
  public var title: String?
  /// WᵀW (and the bias), one per setting, titled with the setting.
  public var heatmaps: [Heatmap]
  /// The norm bars, one per setting, in the same order.
  public var bars: [BarChart]

  public init(heatmaps: [Heatmap], bars: [BarChart], title: String? = nil) {
    self.heatmaps = heatmaps
    self.bars = bars
    self.title = title
  }

  /// A setting's column: its heatmap above its bars.
  private struct Column: Plot {
    var heatmap: Heatmap
    var bars: BarChart
    var title: String? { nil }

    func textGrid(_ options: TextOptions) -> TextGrid {
      var barOptions = options
      barOptions.height = options.height.map { max(1, $0 / 3) }
      var heatOptions = options
      heatOptions.height = options.height.map { max(1, $0 - $0 / 3 - 2) }
      return TextGrid.vertical([heatmap.titled(heatOptions), bars.titled(barOptions)], gap: 1)
    }

    func svg(_ style: SVGStyle) -> SVGWriter {
      let top = heatmap.svg(style)
      let bottom = bars.svg(style)
      var svg = SVGWriter(width: max(top.width, bottom.width), height: top.height + bottom.height, style: style)
      svg.include(top, dx: 0, dy: 0)
      svg.include(bottom, dx: 0, dy: top.height)
      return svg
    }
  }

  private var columns: [Column] {
    zip(heatmaps, bars).map { Column(heatmap: $0, bars: $1) }
  }

  public func textGrid(_ options: TextOptions) -> TextGrid {
    PanelGrid(columns).textGrid(options)
  }

  public func svg(_ style: SVGStyle) -> SVGWriter {
    let count = min(heatmaps.count, bars.count)
    guard count > 0 else {
      var svg = SVGWriter(width: 160, height: 40, style: style)
      svg.text(title ?? "(no settings)", x: 80, y: 24, anchor: .middle)
      return svg
    }
    let s = style.textScale
    let tops = heatmaps.prefix(count).map { heatmap -> SVGWriter in
      var heatmap = heatmap
      heatmap.hidesColorBar = true
      return heatmap.svg(style)
    }
    let bottoms = bars.prefix(count).map { bars -> SVGWriter in
      var bars = bars
      bars.hidesColorBar = true
      return bars.svg(style)
    }
    let space = 16.0
    let cellWidth = zip(tops, bottoms).map { max($0.width, $1.width) }.max() ?? 0
    let perBand = PanelGrid.svgColumns(count: count, cellWidth: cellWidth, space: space, columns: nil)
    let topHeight = tops.map(\.height).max() ?? 0
    let bottomHeight = bottoms.map(\.height).max() ?? 0
    let bandHeight = topHeight + bottomHeight + space
    let bands = (count + perBand - 1) / perBand
    let head = title?.isEmpty == false ? 32.0 * s : 0
    let panelsWidth = Double(perBand) * cellWidth + space * Double(perBand - 1)
    let barWidth = max(heatmaps[0].colorBarWidth(style), bars[0].colorBarWidth(style))
    let width = panelsWidth + space + barWidth
    let height = head + Double(bands) * bandHeight
    var svg = SVGWriter(width: width, height: height, style: style)
    if let title, !title.isEmpty {
      svg.text(title, x: width / 2, y: 22 * s, size: 15, anchor: .middle, bold: true)
    }
    for index in 0..<count {
      let x = Double(index % perBand) * (cellWidth + space)
      let y = head + Double(index / perBand) * bandHeight
      svg.include(tops[index], dx: x + (cellWidth - tops[index].width) / 2, dy: y)
      svg.include(bottoms[index], dx: x + (cellWidth - bottoms[index].width) / 2, dy: y + topHeight)
    }
    // One colour bar per scale, beside the first band.
    let heat = heatmaps[0].colorBarPlacement(style)
    heatmaps[0].drawColorBar(
      in: &svg, x: panelsWidth + space, y: head + heat.top, height: Int(max(120, min(topHeight - heat.top - 24, 300))))
    if bars.prefix(count).contains(where: { $0.colorValues != nil }) {
      let norms = bars[0].colorBarPlacement(style)
      bars[0].drawColorBar(in: &svg, x: panelsWidth + space, y: head + topHeight + norms.top, height: Int(norms.height))
    }
    return svg
  }
}
