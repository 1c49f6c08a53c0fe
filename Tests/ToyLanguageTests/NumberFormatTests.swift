import ToyLanguage
import XCTest

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
}
