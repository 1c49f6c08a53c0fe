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

  /// An example's header and each comment block between statements are markdown cells;
  /// a comment inside a loop stays in its code.
  func testCommentBlocksBetweenStatementsAreMarkdownCells() {
    let script = """
      # Figure 1: five features.
      #
      # What to look for.
      model n=5 m=2
      train 10
      # The geometry:
      #   - a pentagon
      show geometry
      for p in [1, 2] do
      # inside the loop
      print p
      end
      """
    let cells = Notebook.cells(of: script)
    XCTAssertEqual(cells.map(\.markdown), [true, false, true, false])
    XCTAssertEqual(cells[0].source, "Figure 1: five features.\n\nWhat to look for.")
    XCTAssertEqual(cells[1].source, "model n=5 m=2\ntrain 10")
    XCTAssertEqual(cells[2].source, "The geometry:\n  - a pentagon")
    XCTAssertEqual(cells[3].source, "show geometry\nfor p in [1, 2] do\n# inside the loop\nprint p\nend")
  }

  func testWindowsLineEndsSplitAsUnixOnes() {
    let unix = Notebook.cells(of: "# %%\nx = 1\n# %%\n# Notes\nprint x\n")
    let windows = Notebook.cells(of: "# %%\r\nx = 1\r\n# %%\r\n# Notes\r\nprint x\r\n")
    XCTAssertEqual(windows.map(\.source), unix.map(\.source))
    XCTAssertEqual(windows.map(\.markdown), [false, false])
  }
}
