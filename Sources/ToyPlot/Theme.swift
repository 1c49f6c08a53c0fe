/// The terminal's or page's background a plot is drawn on, and the colours that read on it.
///
/// Marks (bars, arrows, lines) must stand out from the background: WCAG asks for a contrast
/// ratio of at least 3:1 for graphics. Viridis and inferno start near black and end near
/// white-yellow, so each theme clips the end of a sequential map that would vanish, and
/// darkens or lightens a categorical colour just enough.
///
///     Colormap.inferno.clipped(for: .dark).color(at: 0)   // no longer rgb(20, 11, 52)
///
/// `projector` is for a room: white, with every mark at text contrast (4.5:1 rather than
/// 3:1, so a washed-out beamer still shows it), and SVGs with larger text and thicker lines
/// (`SVGStyle`).
public enum Theme: String, Sendable, CaseIterable {
  case dark, light, projector

  /// The background contrast is measured against: a typical dark terminal's (#1e1e1e), or
  /// white (a light terminal, a slide, paper, a projector's screen).
  public var background: RGB {
    switch self {
    case .dark: RGB(30, 30, 30)
    case .light, .projector: .white
    }
  }

  /// The least contrast a mark keeps against the background (WCAG 2.1, non-text contrast).
  public static let minimumContrast = 3.0
  /// The least contrast text keeps against the background (WCAG 2.1, AA for normal text).
  public static let textContrast = 4.5

  /// The contrast this theme's marks keep: WCAG's 3:1, or text's 4.5:1 on a projector.
  public var markContrast: Double { self == .projector ? Self.textContrast : Self.minimumContrast }

  /// `color`, mixed towards white (dark theme) or black (light themes) until it keeps
  /// `markContrast` against the background; unchanged when it already does.
  public func readable(_ color: RGB) -> RGB { readable(color, contrast: markContrast) }

  /// `color`, mixed as `readable(_:)` does until it keeps `contrast`.
  public func readable(_ color: RGB, contrast: Double) -> RGB {
    let target: RGB = self == .dark ? .white : .black
    var t = 0.0
    var mixed = color
    while mixed.contrast(with: background) < contrast && t < 1 {
      t = min(1, t + 0.02)
      mixed = color.mixed(with: target, t)
    }
    return mixed
  }
}

extension RGB {
  /// Relative luminance, as WCAG 2.1 defines it from sRGB.
  public var relativeLuminance: Double {
    func linear(_ channel: UInt8) -> Double {
      let c = Double(channel) / 255
      return c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055).pow24
    }
    return 0.2126 * linear(r) + 0.7152 * linear(g) + 0.0722 * linear(b)
  }

  /// The WCAG contrast ratio between two colours, from 1 (the same) to 21 (black on white).
  public func contrast(with other: RGB) -> Double {
    let (a, b) = (relativeLuminance, other.relativeLuminance)
    return (max(a, b) + 0.05) / (min(a, b) + 0.05)
  }
}

extension Double {
  /// x^2.4 for sRGB decoding, without Foundation.
  fileprivate var pow24: Double {
    // x^2.4 = x^2 · x^0.4 = x^2 · (x^2)^(1/5); the fifth root by Newton from x^0.4 ≥ x.
    guard self > 0 else { return 0 }
    let square = self * self
    var root = 1.0
    for _ in 0..<60 { root -= (root * root * root * root * root - square) / (5 * root * root * root * root) }
    return square * root
  }
}

extension Colormap {
  /// The map with the end that would not read on `theme`'s background cut off, so that
  /// every colour it gives keeps the minimum contrast (and the map still runs one way, low
  /// to high). Nil theme: the map as it is.
  public func clipped(for theme: Theme?) -> Colormap {
    guard let theme else { return self }
    return Self.clippedStandard[theme]?[self] ?? measuredClip(for: theme)
  }

  /// The standard maps clipped for every theme, measured once: plots ask for a clipped map
  /// per mark (a neuron plot of 100 features on 40 neurons, 16,000 times), and each asking
  /// measured 201 contrasts, a quarter of 11-computation's time.
  private static let clippedStandard: [Theme: [Colormap: Colormap]] = Dictionary(
    uniqueKeysWithValues: Theme.allCases.map { theme in
      (theme, Dictionary(uniqueKeysWithValues: [coolwarm, viridis, inferno].map { ($0, $0.measuredClip(for: theme)) }))
    })

  /// `clipped(for:)`, measured: the contrast of 201 colours along the map against the background.
  private func measuredClip(for theme: Theme) -> Colormap {
    let samples = 200
    let readable = (0...samples).map { color(at: Double($0) / Double(samples)).contrast(with: theme.background) }
    guard let low = readable.firstIndex(where: { $0 >= theme.markContrast + 0.05 }),
      let high = readable.lastIndex(where: { $0 >= theme.markContrast + 0.05 })
    else { return Colormap(name: name, stops: stops.map(theme.readable)) }
    // Keep the readable stretch [low, high] and resample it into as many stops again.
    let count = max(2, stops.count * 2)
    let resampled = (0..<count).map { i -> RGB in
      let t = (Double(low) + Double(high - low) * Double(i) / Double(count - 1)) / Double(samples)
      return theme.readable(color(at: t))
    }
    return Colormap(name: name + "-" + theme.rawValue, stops: resampled)
  }
}
