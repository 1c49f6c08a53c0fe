import ToyPlot
import XCTest

/// The visible width of a rendered line: characters outside ANSI escape sequences.
public func visibleWidth(_ line: Substring) -> Int {
  var width = 0
  var inEscape = false
  for ch in line {
    if inEscape {
      if ch.isLetter { inEscape = false }
    } else if ch == "\u{1B}" {
      inEscape = true
    } else {
      width += 1
    }
  }
  return width
}

/// Asserts every line of a rendering has the same visible width, at most `limit`.
public func assertEqualWidths(
  _ text: String, limit: Int? = nil, _ label: String = "", file: StaticString = #filePath, line: UInt = #line
) {
  let widths = text.split(separator: "\n", omittingEmptySubsequences: false).map(visibleWidth)
  XCTAssertEqual(Set(widths).count, 1, "\(label): line widths differ: \(Set(widths).sorted())", file: file, line: line)
  if let limit, let w = widths.first {
    XCTAssertLessThanOrEqual(w, limit, "\(label): wider than \(limit)", file: file, line: line)
  }
}

/// Draws `plot` in text at every width and height given, on its own canvas, quadrants and
/// ASCII, and asserts what every mode keeps: the grid within the size asked for; every line
/// the same visible width, within it, in plain text and at every colour depth; no escape
/// codes in plain text; nothing outside 7-bit ASCII when ASCII is asked for.
public func assertEveryModeKeepsWidths(
  _ plot: any Plot, widths: [Int], heights: [Int?], file: StaticString = #filePath, line: UInt = #line
) {
  for width in widths {
    for height in heights {
      for canvas in [nil, Canvas.quadrant, .ascii] {
        let size = "\(width)×\(height.map(String.init) ?? "auto") \(canvas?.rawValue ?? "-")"
        let options = TextOptions(width: width, height: height, canvas: canvas)
        let body = plot.textGrid(options)
        XCTAssertLessThanOrEqual(body.width, width, size, file: file, line: line)
        if let height { XCTAssertLessThanOrEqual(body.height, height, size, file: file, line: line) }
        let plain = plot.plainText(options)
        assertEqualWidths(plain, limit: width, size, file: file, line: line)
        XCTAssertFalse(plain.contains("\u{1B}"), "\(size): no escapes in plain text", file: file, line: line)
        for depth in ColorDepth.allCases {
          assertEqualWidths(
            plot.terminalText(options, depth: depth), limit: width, "\(size) \(depth)", file: file, line: line)
        }
        let ascii = plot.plainText(TextOptions(width: width, height: height, ascii: true))
        XCTAssertTrue(ascii.utf8.allSatisfy { $0 < 128 }, "\(size): ASCII only:\n\(ascii)", file: file, line: line)
      }
    }
  }
}
