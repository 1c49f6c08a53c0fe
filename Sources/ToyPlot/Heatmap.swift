/// A matrix drawn on a diverging colour map pinned at 0, with an optional side column.
///
/// WᵀW shows how features interfere, and the paper draws it blue at −1, white at 0 and red
/// at +1, with the bias b as an extra column beside it. The same plot draws any rows ×
/// columns matrix, such as the features × neurons weights of the hidden-layer model.
///
/// The limits are symmetric, so white always means 0: ±1 by default, or ±max|x| when the
/// data is larger, or ±`limit` when set. In text, colour cells are half blocks (`▄`, the
/// lower matrix row in the foreground, the upper in the background). Without colour each
/// cell carries its sign and size in a glyph, in units of the limit:
///
///     =  −1 … −0.6    -  … −0.2    ·  between (. in ASCII)    +  0.2 …    #  0.6 … 1
///
/// and `?` marks NaN (no data). The colour bar under the plot draws the same ramp over its
/// tick labels. A matrix wider or taller than the space is block-averaged to fit, with a note.
///
/// A `sequential` scale runs instead from the smallest value to the largest (on a log scale
/// for losses, which span decades), for a positive quantity with no natural middle.
///
///     Heatmap(gram, side: bias, title: "WᵀW and b")
///     Heatmap(losses, columnLabels: sizes, labelsEveryColumn: true, scale: .sequential(log: true))
public struct Heatmap: Plot {
  /// How values map to colours.
  public enum Scale: Sendable, Hashable {
    /// Symmetric limits ±`limit`, 0 in the middle of a diverging map (WᵀW, cosines).
    case diverging
    /// The smallest finite value at one end of the map, the largest at the other; on a log
    /// scale when `log`, where values that are not positive are drawn as no data.
    case sequential(log: Bool)
  }

  public var title: String?
  /// The matrix as rows of values; short rows are padded with NaN (no data).
  public var values: [[Double]]
  /// A vector with one value per row drawn as an extra column after a gap (the bias).
  public var side: [Double]?
  /// The side column's label, above it.
  public var sideLabel: String
  /// The side column's own colour limit ±`sideLimit`, noted under the plot; nil draws it on
  /// the matrix's scale. The bias is a tenth the size of WᵀW's entries, and on their ±1 scale
  /// its negative values, the point of the paper's bias column, would all read as zero.
  public var sideLimit: Double?
  /// Labels for rows and columns; indices when nil or too short.
  public var rowLabels: [String]?
  public var columnLabels: [String]?
  /// What the rows and columns are ("feature", "neuron"), shown as axis titles.
  public var rowTitle: String?
  public var columnTitle: String?
  /// The colour limit ±`limit`; nil means ±max(1, max|x|).
  public var limit: Double?
  public var colormap: Colormap
  public var scale: Scale
  /// Whether every column is labelled, its cells widened to the longest label: columns that
  /// are categories (a sweep's values) rather than indices, of which every k-th would do.
  public var labelsEveryColumn: Bool
  /// Set by a figure that draws one colour bar for all its panels (SVG only).
  var hidesColorBar = false

  public init(
    _ values: [[Double]], side: [Double]? = nil, sideLabel: String = "b", sideLimit: Double? = nil,
    rowLabels: [String]? = nil,
    columnLabels: [String]? = nil, rowTitle: String? = nil, columnTitle: String? = nil, limit: Double? = nil,
    colormap: Colormap = .coolwarm, scale: Scale = .diverging, labelsEveryColumn: Bool = false,
    title: String? = nil
  ) {
    self.values = values
    self.side = side
    self.sideLabel = sideLabel
    self.sideLimit = sideLimit
    self.rowLabels = rowLabels
    self.columnLabels = columnLabels
    self.rowTitle = rowTitle
    self.columnTitle = columnTitle
    self.limit = limit
    self.colormap = colormap
    self.scale = scale
    self.labelsEveryColumn = labelsEveryColumn
    self.title = title
  }

  var rowCount: Int { values.count }
  var columnCount: Int { values.map(\.count).max() ?? 0 }

  /// The symmetric colour limit actually used: `limit` if positive, else max(1, max|x|).
  public var effectiveLimit: Double {
    if let limit, limit > 0, limit.isFinite { return limit }
    let all = values.joined().filter(\.isFinite) + (sideLimit == nil ? (side ?? []).filter(\.isFinite) : [])
    return max(1, all.map(abs).max() ?? 0)
  }

  /// The side column's colour limit: `sideLimit` when positive, else the matrix's.
  public var effectiveSideLimit: Double {
    if let sideLimit, sideLimit > 0, sideLimit.isFinite { return sideLimit }
    return effectiveLimit
  }

  /// The note under the plot when the side column has a scale of its own, e.g.
  /// "b on its own scale: −0.25 to 0.25".
  func sideScaleNote(ascii: Bool) -> String? {
    guard side != nil, sideLimit != nil else { return nil }
    let limit = Ticks.label(effectiveSideLimit)
    let text = "\(sideLabel) on its own scale: −\(limit) to \(limit)"
    return ascii ? Self.asciiOnly(text) : text
  }

  /// The colour of a value: on the diverging scale blue at −limit, white-ish at 0, red at
  /// +limit; on a sequential one the map's ends at `range`'s (`sequentialRange`, which a
  /// render finds once rather than for every cell); grey for no data.
  func color(_ value: Double, limit: Double, range: ClosedRange<Double>?) -> RGB {
    guard !value.isNaN else { return Self.noData }
    guard case .sequential(let log) = scale else { return colormap.diverging(value, limit: limit) }
    return Self.sequentialFraction(value, in: range, log: log).map { colormap.color(at: $0) } ?? Self.noData
  }

  /// The glyph of a value in plain text: the diverging ramp in units of the limit, or the
  /// sequential one by its place in `range` (`sequentialRange`).
  func glyph(_ value: Double, limit: Double, range: ClosedRange<Double>?, ascii: Bool) -> Character {
    guard case .sequential(let log) = scale else { return Self.glyph(value / limit, ascii: ascii) }
    return Self.sequentialGlyph(Self.sequentialFraction(value, in: range, log: log) ?? .nan, ascii: ascii)
  }

  /// The colour of cells without data.
  static let noData = RGB.grey

  /// The glyph of a value `t` in units of the limit (see the type's documentation).
  static func glyph(_ t: Double, ascii: Bool) -> Character {
    guard !t.isNaN else { return "?" }
    if t <= -0.6 { return "=" }
    if t <= -0.2 { return "-" }
    if t < 0.2 { return ascii ? "." : "·" }
    if t < 0.6 { return "+" }
    return "#"
  }

  func label(row: Int) -> String {
    if let rowLabels, row < rowLabels.count { return rowLabels[row] }
    return String(row)
  }

  func label(column: Int) -> String {
    if let columnLabels, column < columnLabels.count { return columnLabels[column] }
    return String(column)
  }

  /// The matrix padded to `rowCount` × `columnCount` with NaN, the side vector as its own column.
  var paddedValues: [[Double]] {
    let columns = columnCount
    return values.map { $0 + Array(repeating: .nan, count: columns - $0.count) }
  }

  var paddedSide: [[Double]]? {
    side.map { side in (0..<rowCount).map { [$0 < side.count ? side[$0] : .nan] } }
  }

  /// Means over `factor` × `factor` blocks (the last ones partial), ignoring NaN; a block with
  /// no number is NaN. This is how a matrix larger than the space is drawn.
  static func blockAverage(_ matrix: [[Double]], factor: Int) -> [[Double]] {
    blockAverage(matrix, rowFactor: factor, columnFactor: factor)
  }

  /// Means over `rowFactor` × `columnFactor` blocks, as `blockAverage(_:factor:)`: a map whose
  /// rows are categories averages only its columns (`rowFactor` 1).
  static func blockAverage(_ matrix: [[Double]], rowFactor: Int, columnFactor: Int) -> [[Double]] {
    let (rowFactor, columnFactor) = (max(1, rowFactor), max(1, columnFactor))
    let rows = matrix.count
    let columns = matrix.map(\.count).max() ?? 0
    let outRows = (rows + rowFactor - 1) / rowFactor
    let outColumns = (columns + columnFactor - 1) / columnFactor
    var result = Array(repeating: Array(repeating: Double.nan, count: outColumns), count: outRows)
    for r in 0..<outRows {
      for c in 0..<outColumns {
        var sum = 0.0
        var count = 0
        for i in r * rowFactor..<min(rows, (r + 1) * rowFactor) {
          for j in c * columnFactor..<min(matrix[i].count, (c + 1) * columnFactor) where matrix[i][j].isFinite {
            sum += matrix[i][j]
            count += 1
          }
        }
        if count > 0 { result[r][c] = sum / Double(count) }
      }
    }
    return result
  }

  /// How many rows one block averages when columns are averaged `factor` at a time: 1 when
  /// the rows are categories (`labelsEveryColumn`, a descent map's models), whose rows must
  /// each stay a row of their own; else `factor`, keeping cells square.
  func rowFactor(forColumnFactor factor: Int) -> Int {
    labelsEveryColumn ? 1 : factor
  }

  /// The note under a block-averaged plot, e.g. "(400×400 averaged in 5×5 blocks)".
  func averagingNote(factor: Int, ascii: Bool) -> String {
    let x = ascii ? "x" : "×"
    let rows = rowFactor(forColumnFactor: factor)
    return "(\(rowCount)\(x)\(columnCount) averaged in \(rows)\(x)\(factor) blocks)"
  }

  /// Text a terminal can read over a colour.
  static func ink(on background: RGB) -> RGB {
    background.luminance > 0.5 ? .black : .white
  }
}
