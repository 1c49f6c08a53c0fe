/// A labelled horizontal line at a value of interest, drawn dashed across an x–y plot.
///
/// The paper reads its geometry plots against such lines: dimensions per feature sticks at
/// 1 and 1/2, and feature dimensionalities cluster at the fractions of tight frames (3/4 a
/// tetrahedron, 2/3 a triangle, 1/2 a digon, 2/5 a pentagon, 3/8 a square antiprism).
public struct ReferenceLine: Sendable, Hashable {
  public var value: Double
  /// Written at the plot's right edge, e.g. "3/4"; nil or empty leaves the line unlabelled.
  public var label: String?
  /// The line's colour; nil draws it grey.
  public var color: RGB?

  public init(_ value: Double, label: String? = nil, color: RGB? = nil) {
    self.value = value
    self.label = label
    self.color = color
  }

  /// A line at numerator/denominator labelled "numerator/denominator".
  public static func fraction(_ numerator: Int, _ denominator: Int, color: RGB? = nil) -> ReferenceLine {
    ReferenceLine(Double(numerator) / Double(denominator), label: "\(numerator)/\(denominator)", color: color)
  }

  /// The notebook's colour for fractions of 2-D frames (k-gons).
  public static let purple = RGB(128, 0, 128)
  /// The notebook's colour for fractions of 3-D frames.
  public static let blue = RGB(31, 119, 180)

  /// The paper's lines for feature dimensionality (§3.5): 3/4, 2/3, 1/2, 2/5, 3/8.
  public static let paperFractions: [ReferenceLine] = [
    .fraction(3, 4), .fraction(2, 3), .fraction(1, 2), .fraction(2, 5), .fraction(3, 8),
  ]

  /// The notebook's longer set: purple at 1/2, 2/3, 2/5, 2/6, 2/7 (digon, triangle, k-gons);
  /// blue at 5/6, 4/5, 3/4, 3/8, 3/12, 3/20 (simplices, antiprism, icosahedron, dodecahedron).
  public static let notebookFractions: [ReferenceLine] =
    [(1, 2), (2, 3), (2, 5), (2, 6), (2, 7)].map { fraction($0.0, $0.1, color: purple) }
    + [(5, 6), (4, 5), (3, 4), (3, 8), (3, 12), (3, 20)].map { fraction($0.0, $0.1, color: blue) }

  /// Dimensions per feature's plateaus (§3.5): 1 and 1/2.
  public static let dimensionsPerFeature: [ReferenceLine] = [
    ReferenceLine(1, label: "1"), .fraction(1, 2),
  ]
}
