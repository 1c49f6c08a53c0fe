/// A colour in sRGB, 8 bits a channel. Plots carry colours as values; only a renderer
/// turns them into escape codes or SVG attributes.
public struct RGB: Sendable, Hashable {
  public var r: UInt8
  public var g: UInt8
  public var b: UInt8

  public init(_ r: UInt8, _ g: UInt8, _ b: UInt8) {
    self.r = r
    self.g = g
    self.b = b
  }

  /// From channels in [0, 1] (clamped).
  public init(unit r: Double, _ g: Double, _ b: Double) {
    func byte(_ v: Double) -> UInt8 {
      guard v.isFinite else { return 0 }
      return UInt8(max(0, min(255, (v * 255).rounded())))
    }
    self.init(byte(r), byte(g), byte(b))
  }

  public static let white = RGB(255, 255, 255)
  public static let black = RGB(0, 0, 0)
  public static let grey = RGB(128, 128, 128)
  public static let lightGrey = RGB(200, 200, 200)

  /// `#rrggbb`, for SVG and HTML.
  public var hex: String {
    let digits = Array("0123456789abcdef")
    var s = "#"
    for v in [r, g, b] {
      s.append(digits[Int(v >> 4)])
      s.append(digits[Int(v & 15)])
    }
    return s
  }

  /// Linear interpolation between two colours, t in [0, 1].
  public func mixed(with other: RGB, _ t: Double) -> RGB {
    let t = max(0, min(1, t.isFinite ? t : 0))
    return RGB(
      unit: (Double(r) + (Double(other.r) - Double(r)) * t) / 255,
      (Double(g) + (Double(other.g) - Double(g)) * t) / 255,
      (Double(b) + (Double(other.b) - Double(b)) * t) / 255)
  }

  /// Relative luminance (0 black … 1 white), to pick readable text over a colour.
  public var luminance: Double {
    (0.2126 * Double(r) + 0.7152 * Double(g) + 0.0722 * Double(b)) / 255
  }

  /// The nearest entry of the xterm 256-colour palette (6×6×6 cube or grey ramp).
  public var xterm256: Int {
    func level(_ v: UInt8) -> Int {
      let steps = [0, 95, 135, 175, 215, 255]
      var best = 0
      for i in 1..<6 where abs(steps[i] - Int(v)) < abs(steps[best] - Int(v)) { best = i }
      return best
    }
    let (ri, gi, bi) = (level(r), level(g), level(b))
    let steps = [0, 95, 135, 175, 215, 255]
    let cube = RGB(UInt8(steps[ri]), UInt8(steps[gi]), UInt8(steps[bi]))
    let average = (Int(r) + Int(g) + Int(b)) / 3
    let greyIndex = max(0, min(23, (average - 8 + 5) / 10))
    let greyLevel = UInt8(8 + 10 * greyIndex)
    let grey = RGB(greyLevel, greyLevel, greyLevel)
    return distance(to: grey) < distance(to: cube) ? 232 + greyIndex : 16 + 36 * ri + 6 * gi + bi
  }

  /// The nearest of the 16 standard ANSI colours, as its index 0…15.
  public var ansi16: Int {
    var best = 0
    for (i, c) in Self.ansi16Palette.enumerated() where distance(to: c) < distance(to: Self.ansi16Palette[best]) {
      best = i
    }
    return best
  }

  static let ansi16Palette: [RGB] = [
    RGB(0, 0, 0), RGB(205, 49, 49), RGB(13, 188, 121), RGB(229, 229, 16),
    RGB(36, 114, 200), RGB(188, 63, 188), RGB(17, 168, 205), RGB(229, 229, 229),
    RGB(102, 102, 102), RGB(241, 76, 76), RGB(35, 209, 139), RGB(245, 245, 67),
    RGB(59, 142, 234), RGB(214, 112, 214), RGB(41, 184, 219), RGB(255, 255, 255),
  ]

  func distance(to other: RGB) -> Int {
    let dr = Int(r) - Int(other.r)
    let dg = Int(g) - Int(other.g)
    let db = Int(b) - Int(other.b)
    return dr * dr * 3 + dg * dg * 4 + db * db * 2
  }
}
