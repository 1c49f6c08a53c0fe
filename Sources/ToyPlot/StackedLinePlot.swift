/// Line plots stacked one above another on one x axis, as the paper's learning-dynamics
/// figure (every feature's D_i above the loss, both against the step).
///
/// Every panel's x axis covers the x values of all of them, so the range, the scale and the
/// ticks are the same; in text every panel also gets the widest panel's columns left of its
/// plot area (y tick labels) and right of it (reference labels), so the plot areas start and
/// end in the same columns and a tick sits in the same column in every panel. In SVG the
/// plot areas have a fixed left edge and width already; the panels are stacked left-aligned.
/// Panels take the first panel's choice of a linear or log x axis, and its x ticks if it sets them.
///
///     let stack = StackedLinePlot([dimensionality, loss])
///     print(stack.plainText(TextOptions(width: 100)))
public struct StackedLinePlot: Plot {
  public var title: String?
  public var panels: [LinePlot]
  /// Blank rows between panels in text.
  public var gap: Int

  public init(_ panels: [LinePlot], title: String? = nil, gap: Int = 1) {
    self.panels = panels
    self.title = title
    self.gap = max(0, gap)
  }

  /// The panels with their x axes joined: each covers every panel's x values.
  var sharedPanels: [LinePlot] {
    guard let logX = panels.first?.logX else { return [] }
    let ticks = panels.first?.xTicks
    var shared = panels.map { panel -> LinePlot in
      var panel = panel
      panel.logX = logX
      panel.xTicks = ticks
      return panel
    }
    let xs = shared.flatMap(\.shownX)
    for index in shared.indices { shared[index].sharedX = xs }
    return shared
  }

  /// Each panel's options: the height, if any, split evenly less the gaps and titles.
  private func options(of panel: LinePlot, _ options: TextOptions) -> TextOptions {
    var options = options
    options.height = options.height.map { height in
      let share = (height - gap * (panels.count - 1)) / max(1, panels.count)
      return max(1, share - (panel.title?.isEmpty == false ? 1 : 0))
    }
    return options
  }

  public func textGrid(_ options: TextOptions) -> TextGrid {
    var panels = sharedPanels
    let layouts = panels.map { $0.textLayout(self.options(of: $0, options)) }
    let gutter = XYFrame.Gutter(left: layouts.map(\.left).max() ?? 0, right: layouts.map(\.right).max() ?? 0)
    for index in panels.indices { panels[index].gutter = gutter }
    return TextGrid.vertical(panels.map { $0.titled(self.options(of: $0, options)) }, gap: gap)
  }

  public func svg(_ style: SVGStyle) -> SVGWriter {
    let drawn = sharedPanels.map { $0.svg(style) }
    let space = 16.0
    let top = title?.isEmpty == false ? 32.0 * style.textScale : 0
    let width = drawn.map(\.width).max() ?? 0
    let height = top + drawn.map(\.height).reduce(0, +) + space * Double(max(0, drawn.count - 1))
    var svg = SVGWriter(width: max(1, width), height: max(1, height), style: style)
    if let title, !title.isEmpty {
      svg.text(title, x: width / 2, y: 22 * style.textScale, size: 15, anchor: .middle, bold: true)
    }
    var y = top
    for panel in drawn {
      svg.include(panel, dx: 0, dy: y)
      y += panel.height + space
    }
    return svg
  }
}
