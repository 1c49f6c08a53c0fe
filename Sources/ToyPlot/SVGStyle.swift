/// How an SVG is drawn: on which background, in which ink, and at what text size.
///
/// Every SVG back end takes one. The theme's background fills the page; text and axes are
/// drawn in `ink`, notes in `muted` (both keep WCAG's 4.5:1 for text against the background);
/// marks take the theme's clipped palettes. The projector theme also scales text by
/// `textScale` and lines by `lineScale`, and layouts leave room for the larger text, so a
/// figure reads from the back of a room.
///
///     plot.svgDocument(SVGStyle(theme: .projector))
public struct SVGStyle: Sendable, Hashable {
  public var theme: Theme

  public init(theme: Theme = .light) {
    self.theme = theme
  }

  /// A page: white, black text.
  public static let standard = SVGStyle()

  public var background: RGB { theme.background }

  /// Text, axes and ticks.
  public var ink: RGB {
    switch theme {
    case .dark: RGB(235, 235, 235)
    case .light, .projector: .black
    }
  }

  /// Notes, captions and guides: quieter than `ink`, still at text contrast.
  public var muted: RGB {
    switch theme {
    case .dark: RGB(170, 170, 170)
    case .light: RGB(100, 100, 100)
    case .projector: RGB(40, 40, 40)
    }
  }

  /// Outlines between neighbouring blocks (bars of a stack): the background's colour.
  public var separator: RGB { background }

  /// Text sizes are multiplied by this.
  public var textScale: Double { theme == .projector ? 1.5 : 1 }
  /// Line widths and dot radii are multiplied by this.
  public var lineScale: Double { theme == .projector ? 2 : 1 }

  /// A font size of `size` at the default scale, in this style.
  public func font(_ size: Double) -> Double { size * textScale }

  /// About how wide `count` characters of 10–11 px text are, in this style (7 px each at the
  /// default scale): for margins that hold labels.
  public func textWidth(_ count: Int) -> Double { 7 * textScale * Double(count) }

  /// `color` as a mark on this background (the theme's readable version of it).
  public func mark(_ color: RGB) -> RGB { theme.readable(color) }
}
