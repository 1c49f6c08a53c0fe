import XCTest

@testable import ToyLanguage

final class SourceTests: XCTestCase {
  /// Bytes that are not UTF-8 are refused at the line and column of the first bad one, as
  /// every other error is located.
  func testInvalidUTF8IsLocatedAtItsFirstBadByte() {
    let bytes = Array("print 1\nx = \"é\" # ".utf8) + [0xFF, 0x0A, 0xC3]
    XCTAssertThrowsError(try Source(name: "bad.toy", bytes: bytes)) { error in
      XCTAssertEqual(error as? SourceError, .invalidUTF8(name: "bad.toy", line: 2, column: 11, byte: 0xFF))
      XCTAssertEqual(
        "\(error)", "bad.toy:2:11: not UTF-8 text: byte 0xFF here does not begin or continue a character")
    }
    // A character cut short at the end of the file.
    XCTAssertThrowsError(try Source(name: "-", bytes: [0x61, 0xE2, 0x82])) { error in
      XCTAssertEqual(error as? SourceError, .invalidUTF8(name: "-", line: 1, column: 2, byte: 0xE2))
    }
    XCTAssertEqual(try Source(name: "ok", bytes: Array("a\né".utf8)).text, "a\né")
  }
}

final class VisibleControlCharacterTests: XCTestCase {
  /// A NUL in a message and a bare CR in a source line are shown as ␀ and ␍, the caret
  /// still under its character.
  func testControlCharactersInDiagnosticsAreShownNotWritten() {
    let nul = Parser.parse(Source(name: "t", text: "print 1 +\u{0} 2")).diagnostics
    XCTAssertEqual(
      nul.first?.rendered,
      """
      t:1:10: error: unexpected character '␀'
        1 | print 1 +␀ 2
          |          ^
      """)
    let cr = Parser.parse(Source(name: "t", text: "x = 1\r y = )")).diagnostics
    XCTAssertFalse(cr.first?.rendered.contains("\r") ?? true, cr.first?.rendered ?? "")
    XCTAssertTrue(cr.first?.rendered.contains("  1 | x = 1␍ y = )\n") ?? false, cr.first?.rendered ?? "")
  }
}
