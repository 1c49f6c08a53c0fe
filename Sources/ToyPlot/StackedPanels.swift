/// Two plots one above the other in a given height, the upper one given all the rows the
/// lower one can spare at its smallest and the lower one the rest: a live frame on a short
/// screen keeps WᵀW whole (a cell per feature) above norm bars that shrink, and fills the
/// screen.
///
/// Without a height both take their own. In SVG they stack as a one-column `PanelGrid`.
public struct StackedPanels: Plot {
  public var upper: any Plot
  public var lower: any Plot
  public var title: String? { nil }

  public init(upper: any Plot, lower: any Plot) {
    self.upper = upper
    self.lower = lower
  }

  public func textGrid(_ options: TextOptions) -> TextGrid {
    // `height` counts a panel's title row, as PanelGrid's does.
    func drawn(_ plot: any Plot, height: Int?) -> TextGrid {
      PanelGrid.centredCell(plot, options, height: height)
    }
    guard let height = options.height else {
      return TextGrid.vertical([drawn(upper, height: nil), drawn(lower, height: nil)], gap: 1)
    }
    let smallest = drawn(lower, height: 1).height
    let top = drawn(upper, height: max(1, height - 1 - smallest))
    return TextGrid.vertical([top, drawn(lower, height: max(1, height - 1 - top.height))], gap: 1)
  }

  public func svg(_ style: SVGStyle) -> SVGWriter { PanelGrid([upper, lower], columns: 1).svg(style) }
}
