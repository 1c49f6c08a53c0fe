import XCTest

@testable import ToyPlot

/// Every colour a mark can take keeps a WCAG contrast of at least 3:1 against the
/// background of each theme (the dark norm bar and viridis's purple vanished on a dark
/// terminal; the pale yellow on white).
final class ThemeTests: XCTestCase {
  /// The WCAG formula against its own fixed points.
  func testContrastMatchesWCAGReferenceValues() {
    XCTAssertEqual(RGB.black.contrast(with: .white), 21, accuracy: 1e-9)
    XCTAssertEqual(RGB.white.contrast(with: .white), 1, accuracy: 1e-9)
    // #777777 on white is WCAG's well-known 4.48:1.
    XCTAssertEqual(RGB(119, 119, 119).contrast(with: .white), 4.48, accuracy: 0.01)
  }

  func testEveryPaletteColourReadsOnBothBackgrounds() {
    let maps = [Colormap.viridis, .inferno]
    let palettes = ["categorical": Colormap.categorical, "categorical20": Colormap.categorical20]
    for theme in Theme.allCases {
      var worst = (contrast: Double.infinity, what: "")
      for map in maps {
        let clipped = map.clipped(for: theme)
        for i in 0...1000 {
          let color = clipped.color(at: Double(i) / 1000)
          let contrast = color.contrast(with: theme.background)
          if contrast < worst.contrast { worst = (contrast, "\(map.name) at \(Double(i) / 1000): \(color.hex)") }
        }
      }
      for (name, colors) in palettes {
        for (i, color) in colors.enumerated() {
          let contrast = theme.readable(color).contrast(with: theme.background)
          if contrast < worst.contrast { worst = (contrast, "\(name)[\(i)]: \(theme.readable(color).hex)") }
        }
      }
      XCTAssertGreaterThanOrEqual(
        worst.contrast, Theme.minimumContrast,
        "\(theme) theme: lowest contrast \(worst.contrast) (\(worst.what)), wanted ≥ \(Theme.minimumContrast)")
    }
  }

  /// Clipping keeps a map running one way: its luminance never turns back.
  func testClippedMapsStayMonotoneInLuminance() {
    for theme in Theme.allCases {
      for map in [Colormap.viridis, .inferno] {
        let clipped = map.clipped(for: theme)
        let lum = (0...100).map { clipped.color(at: Double($0) / 100).relativeLuminance }
        let falls = zip(lum, lum.dropFirst()).filter { $1 < $0 - 0.01 }.count
        XCTAssertEqual(falls, 0, "\(map.name) on \(theme): luminance \(lum)")
      }
    }
  }

  /// An SVG is read on white (a slide, a page): its norm bars and their colour bar keep the
  /// contrast there, superposed bars included (inferno's pale yellow end did not).
  func testSVGNormBarsReadOnWhite() {
    let svg = BarChart([1, 1, 1, 1], colors: [0, 0.3, 0.7, 1]).svgDocument
    var fills: [String] = []
    var rest = Substring(svg)
    while let range = rest.range(of: "fill=\"#") {
      fills.append(String(rest[range.upperBound...].prefix(6)))
      rest = rest[range.upperBound...]
    }
    func rgb(_ hex: String) -> RGB {
      let v = Int(hex, radix: 16) ?? 0
      return RGB(UInt8(v >> 16), UInt8((v >> 8) & 255), UInt8(v & 255))
    }
    let marks = fills.filter { $0 != "ffffff" }
    XCTAssertFalse(marks.isEmpty)
    for hex in marks {
      XCTAssertGreaterThanOrEqual(rgb(hex).contrast(with: .white), Theme.minimumContrast, "#\(hex) on white")
    }
  }

  /// The standard maps' clips are kept from the first asking: each must be what measuring
  /// the same stops under another name (which nothing keeps) gives.
  func testKeptClipsOfTheStandardMapsAreTheMeasuredOnes() {
    for map in [Colormap.coolwarm, .viridis, .inferno] {
      for theme in Theme.allCases {
        let kept = map.clipped(for: theme)
        let measured = Colormap(name: "unkept", stops: map.stops).clipped(for: theme)
        XCTAssertEqual(kept.stops, measured.stops, "\(map.name) on \(theme)")
      }
      XCTAssertEqual(map.clipped(for: nil), map)
    }
  }
}
