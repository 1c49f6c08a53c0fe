/// The log axes of a phase diagram: the extra feature's relative importance across, the
/// density 1−S down (highest at the top). A grid of `count` points on an axis puts point k
/// at the centre of the k-th of `count` equal steps in log, so the grid covers the range.
public struct PhaseAxes: Sendable, Hashable {
  public var importance: ClosedRange<Double>
  public var density: ClosedRange<Double>
  public var importanceLabel: String
  public var densityLabel: String

  public init(
    importance: ClosedRange<Double> = 0.1...10, density: ClosedRange<Double> = 0.01...1,
    importanceLabel: String = "relative importance r", densityLabel: String = "density 1−S"
  ) {
    self.importance = importance
    self.density = density
    self.importanceLabel = importanceLabel
    self.densityLabel = densityLabel
  }

  /// The paper's ranges: r from 0.1 to 10, 1−S from 1 down to 0.01.
  public static let paper = PhaseAxes()

  /// The importance at the centre of column `column` of `count`, left to right.
  public func importance(column: Int, of count: Int) -> Double {
    LogScale.value(at: (Double(column) + 0.5) / Double(max(1, count)), in: importance)
  }

  /// The density at the centre of row `row` of `count`, top (highest) to bottom.
  public func density(row: Int, of count: Int) -> Double {
    LogScale.value(at: 1 - (Double(row) + 0.5) / Double(max(1, count)), in: density)
  }

  /// The grid (columns × rows) a phase diagram draws at `options` without downsampling:
  /// for computing a theory diagram at exactly the terminal's resolution. The legend's
  /// line count matters only with a height.
  public func textResolution(_ options: TextOptions, legendLines: Int = 2) -> (columns: Int, rows: Int) {
    let frame = PhaseFrame(axes: self, columns: Int.max / 4, rows: Int.max / 4, title: nil)
    let layout = frame.layout(options, legendLines: legendLines)
    return (layout.plotWidth, layout.rowBudget)
  }
}
