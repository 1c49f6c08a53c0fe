/// Maps numbers to colours: the paper's diverging map for WᵀW, viridis for importance,
/// a dark-to-yellow map for superposition, and a categorical palette.
public struct Colormap: Sendable, Hashable {
  /// Colour stops, evenly spaced over [0, 1].
  public let stops: [RGB]
  public let name: String

  public init(name: String, stops: [RGB]) {
    self.name = name
    self.stops = stops
  }

  /// The colour at t ∈ [0, 1] (clamped; NaN gives the middle grey of "no data").
  public func color(at t: Double) -> RGB {
    guard t.isFinite else { return .grey }
    let t = max(0, min(1, t))
    let position = t * Double(stops.count - 1)
    let i = min(stops.count - 2, Int(position))
    return stops[i].mixed(with: stops[i + 1], position - Double(i))
  }

  /// Matplotlib's coolwarm as the paper uses it: blue at −1, white-ish at 0, red at +1.
  /// `diverging(value:limit:)` pins 0 to the middle.
  public static let coolwarm = Colormap(
    name: "coolwarm",
    stops: [
      RGB(59, 76, 192), RGB(98, 130, 234), RGB(141, 176, 254), RGB(184, 208, 249),
      RGB(221, 221, 221), RGB(245, 196, 173), RGB(244, 154, 123), RGB(222, 96, 77), RGB(180, 4, 38),
    ])

  /// Viridis (dark purple → yellow), the notebook's importance colours.
  public static let viridis = Colormap(
    name: "viridis",
    stops: [
      RGB(68, 1, 84), RGB(72, 40, 120), RGB(62, 74, 137), RGB(49, 104, 142), RGB(38, 130, 142),
      RGB(31, 158, 137), RGB(53, 183, 121), RGB(109, 205, 89), RGB(180, 222, 44), RGB(253, 231, 37),
    ])

  /// Near-black to yellow through red: the paper's superposition colouring of norm bars.
  public static let inferno = Colormap(
    name: "inferno",
    stops: [
      RGB(20, 11, 52), RGB(87, 16, 110), RGB(147, 38, 103), RGB(203, 71, 55), RGB(237, 121, 25),
      RGB(251, 180, 26), RGB(252, 255, 164),
    ])

  /// The colour of `value` on a map pinned at 0 with symmetric limits ±`limit`.
  public func diverging(_ value: Double, limit: Double) -> RGB {
    guard limit > 0, limit.isFinite else { return color(at: 0.5) }
    return color(at: 0.5 + 0.5 * value / limit)
  }

  /// Ten distinguishable colours for categories (features, series), as matplotlib's tab10.
  public static let categorical: [RGB] = [
    RGB(31, 119, 180), RGB(255, 127, 14), RGB(44, 160, 44), RGB(214, 39, 40), RGB(148, 103, 189),
    RGB(140, 86, 75), RGB(227, 119, 194), RGB(127, 127, 127), RGB(188, 189, 34), RGB(23, 190, 207),
  ]

  /// Twenty colours for up to twenty categories: `categorical`, then a lighter partner of
  /// each (matplotlib's tab20, reordered so that the first ten are tab10).
  public static let categorical20: [RGB] =
    categorical + [
      RGB(174, 199, 232), RGB(255, 187, 120), RGB(152, 223, 138), RGB(255, 152, 150), RGB(197, 176, 213),
      RGB(196, 156, 148), RGB(247, 182, 210), RGB(199, 199, 199), RGB(219, 219, 141), RGB(158, 218, 229),
    ]
}
