import XCTest

@testable import ToyLanguage

/// Scripts to notebook cells.
final class NotebookTests: XCTestCase {
  func testCellsSplitAtBlankLinesBetweenStatementsNotInsideThem() {
    let cells = Notebook.cells(of: "# Title\n\nmodel n=5 m=2\ntrain 10\n\nfor p in [1, 2] do\n\nprint p\nend\n")
    XCTAssertEqual(cells.map(\.markdown), [true, false, false])
    XCTAssertEqual(cells[0].source, "Title")
    XCTAssertEqual(cells[2].source, "for p in [1, 2] do\n\nprint p\nend")
  }

  func testWindowsLineEndsSplitAsUnixOnes() {
    let unix = Notebook.cells(of: "# %%\nx = 1\n# %%\n# Notes\nprint x\n")
    let windows = Notebook.cells(of: "# %%\r\nx = 1\r\n# %%\r\n# Notes\r\nprint x\r\n")
    XCTAssertEqual(windows.map(\.source), unix.map(\.source))
    XCTAssertEqual(windows.map(\.markdown), [false, false])
  }
}
