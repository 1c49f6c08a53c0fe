import XCTest

@testable import ToyLanguage

/// `formatNumber`: whole numbers as such, up to `significant` digits, trailing zeros dropped,
/// an exponent outside [1e-4, 1e6).
final class NumberFormatTests: XCTestCase {
  func testSixSignificantDigitsByDefault() {
    XCTAssertEqual(formatNumber(0.716871234), "0.716871")
    XCTAssertEqual(formatNumber(1.0 / 3), "0.333333")
    XCTAssertEqual(formatNumber(0.5), "0.5")
    XCTAssertEqual(formatNumber(42), "42")
    XCTAssertEqual(formatNumber(123_456_789.5), "1.23457e8")
    XCTAssertEqual(formatNumber(-2.5e-7), "-2.5e-7")
    XCTAssertEqual(formatNumber(.nan), "nan")
  }

  func testFewerSignificantDigitsRoundAndCarry() {
    XCTAssertEqual(formatNumber(0.716871, significant: 3), "0.717")
    XCTAssertEqual(formatNumber(0.0972944, significant: 3), "0.0973")
    XCTAssertEqual(formatNumber(0.99951, significant: 3), "1")
    XCTAssertEqual(formatNumber(12.345, significant: 3), "12.3")
    XCTAssertEqual(formatNumber(9.9996e-6, significant: 3), "1e-5")
    XCTAssertEqual(formatNumber(0.05, significant: 3), "0.05")
  }

  /// Table cells: one number of decimals per quantity, three significant digits for the
  /// smallest value that matters (at least 1% of the largest), never fewer than four.
  func testValueCellsShareTheirDecimals() {
    XCTAssertEqual(valueCells([0.04036, 0.03368, 0.00752, 0.00148]), ["0.04036", "0.03368", "0.00752", "0.00148"])
    XCTAssertEqual(valueCells([0.001835, 0.000718]), ["0.001835", "0.000718"])
    XCTAssertEqual(valueCells([1.0234, 0.000815, 0.1759]), ["1.0234", "0.0008", "0.1759"], "about zero")
    XCTAssertEqual(valueCells([1, .nan, 0]), ["1.0000", "-", "0.0000"])
    XCTAssertEqual(valueCells([2e-9, 1e-9]), ["0.00000000", "0.00000000"], "at most eight decimals")
    XCTAssertEqual(valueCells([1_234_567.5, 2.25]), ["1.235e6", "2.25"], "large values in significant digits")
  }

  /// Setting columns: four significant digits, more only where two values would read alike.
  func testSettingCellsAreShortButDistinct() {
    XCTAssertEqual(settingCells([1, 0.368403, 0.135721, 0.05]), ["1", "0.3684", "0.1357", "0.05"])
    XCTAssertEqual(settingCells([1, 1.5, 2.5]), ["1", "1.5", "2.5"])
    XCTAssertEqual(settingCells([0.1, 0.1000001, 0.1]), ["0.1", "0.1000001", "0.1"])
  }

  /// A table wider than the text width comes in blocks of columns, each with the settings.
  func testWideTablesComeInBlocksThatRepeatTheSettings() {
    let header = ["p"] + (0..<9).map { "f\($0)" }
    let rows = [["1"] + (0..<9).map { _ in "0.1234" }, ["0.05"] + (0..<9).map { _ in "1.0000" }]
    let text = TextTable(header: header, rows: rows, keep: 1).render(width: 40)
    let blocks = text.components(separatedBy: "\n\n")
    XCTAssertEqual(blocks.count, 3, text)
    for block in blocks {
      let lines = block.split(separator: "\n")
      XCTAssertEqual(lines.count, 3)
      XCTAssertTrue(lines[0].hasPrefix("   p"), block)
      XCTAssertTrue(lines[2].hasPrefix("0.05"), block)
      for line in lines { XCTAssertLessThanOrEqual(line.count, 40, block) }
    }
    XCTAssertEqual(text.components(separatedBy: "f").count - 1, 9, "every feature once")
    XCTAssertFalse(TextTable(header: header, rows: rows, keep: 1).render().contains("\n\n"), "no width: one block")
  }

  /// Left-aligned columns (names, as `toy bench` has) pad on the right, the others on the
  /// left; every line keeps the same width.
  func testLeftAlignedColumnsPadOnTheRight() {
    var table = TextTable(header: ["config", "steps", "ms"], leftAligned: [0])
    table.append(["A tiny", "10", "1.5"])
    table.append(["B", "10000", "12.25"])
    XCTAssertEqual(table.render(), "config  steps     ms\nA tiny     10    1.5\nB       10000  12.25")
  }
}
