import ToyCore
import ToyLanguage
import XCTest

@testable import toy

/// The progress line fits any width (a wrapped line leaves a stale copy per update) and
/// the summary says what training did.
final class ProgressBarTests: XCTestCase {
  func testTheLineFitsEveryWidthAndKeepsTheNumbers() {
    let progress = TrainingProgress(step: 123_456, totalSteps: 1_000_000, losses: [0.012345, 0.5])
    for columns in 1...120 {
      let line = ProgressBar.line(progress, 12.5, columns: columns)
      XCTAssertLessThan(line.count, max(2, columns), "at \(columns) columns: \(line)")
    }
    let wide = ProgressBar.line(progress, 12.5, columns: 120)
    XCTAssertTrue(wide.hasPrefix(String(repeating: "█", count: 2)), wide)
    XCTAssertTrue(wide.hasSuffix("123456/1000000  loss 0.5123  ETA 88.8 s"), wide)
    XCTAssertEqual(wide.prefix(ProgressBar.barWidth).count, ProgressBar.barWidth)
    // At 60 columns the bar shrinks but the numbers stay whole.
    XCTAssertTrue(ProgressBar.line(progress, 12.5, columns: 60).hasSuffix("ETA 88.8 s"))
  }

  func testTheSummarySaysStepsTimeAndLoss() {
    let done = TrainingProgress(step: 10_000, totalSteps: 10_000, losses: [0.2345])
    XCTAssertEqual(ProgressBar.summary(done, 3.21), "trained 10000 steps in 3.2 s, loss 0.2345")
  }
}

/// `width=auto` follows the terminal's width from one cell to the next.
final class ReplTerminalWidthTests: XCTestCase {
  func testAutoWidthFollowsTheTerminalAndConfigShowsIt() {
    var output = ""
    let session = Session()
    var columns = 200
    let repl = Repl(
      reader: ScriptedReader(["%config", "print 1", "%config width=90", "%config"].map(LineResult.line)),
      session: session, write: { output += $0 }, writeError: { _ in })
    repl.terminalColumns = {
      defer { columns = 100 }
      return columns
    }
    repl.run()
    XCTAssertTrue(output.contains("width = auto (200)\n"), output)
    XCTAssertTrue(output.contains("width = 90\n"), output)
    XCTAssertEqual(repl.autoWidth, 100)
    XCTAssertEqual(session.textWidth, 90, "a width asked for wins over the terminal's")
  }
}
