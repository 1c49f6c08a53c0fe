import XCTest

@testable import toy

final class TrainCommandTests: XCTestCase {
  func testTheDefaultSweepIsTheNotebooksDensities() {
    let densities = notebookDensities(10)
    XCTAssertEqual(densities.first, 1)
    XCTAssertEqual(Double(densities.last!), 0.05, accuracy: 1e-7)
    // Evenly spaced in log: each ratio is 20^(−1/9).
    for (a, b) in zip(densities, densities.dropFirst()) {
      XCTAssertEqual(Double(b / a), 1 / 1.394_93, accuracy: 1e-4)
    }
    XCTAssertEqual(notebookDensities(1), [1])
  }

  func testListsParseAndNameTheBadItem() throws {
    XCTAssertEqual(try parseList("1, 0.3,0.1", option: "--density"), [1, 0.3, 0.1])
    XCTAssertThrowsError(try parseList("1,x", option: "--density")) { error in
      XCTAssertTrue("\(error)".contains("'x' is not a number"), "\(error)")
    }
    XCTAssertThrowsError(try parseList("", option: "--density"))
  }
}
