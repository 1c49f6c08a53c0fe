import ArgumentParser
import XCTest

@testable import toy

/// How the command line is read, before anything runs.
final class ArgumentTests: XCTestCase {
  /// Code after -e is code even when it starts with a dash, as `python -c` and `sh -c` take it.
  func testCodeAfterDashEMayStartWithADash() throws {
    for code in ["-2^2", "-1", "--x"] {
      guard let run = try Toy.parseAsRoot(["-e", code]) as? RunCommand else {
        return XCTFail("toy -e '\(code)' is not a run")
      }
      XCTAssertEqual(run.code, code)
      let check = try XCTUnwrap(try Toy.parseAsRoot(["check", "-e", code]) as? CheckCommand)
      XCTAssertEqual(check.code, code)
    }
  }
}

/// Help that reads well in an 80-column terminal.
final class HelpTextTests: XCTestCase {
  /// The help renderer wraps each line of a command's discussion at the terminal's width.
  /// A paragraph written as one line wraps well; one broken by hand must break within 80
  /// columns, or a line a little wider leaves its last words alone on the next line
  /// ("except M," then "which trains…"). So a line wider than 80 must end its paragraph.
  func testNoCommandsDiscussionBreaksAParagraphPastEightyColumns() {
    var commands: [ParsableCommand.Type] = [Toy.self]
    var checked: Set<String> = []
    while let command = commands.popLast() {
      commands += command.configuration.subcommands
      let lines = command.configuration.discussion.split(separator: "\n", omittingEmptySubsequences: false)
      for (line, next) in zip(lines, lines.dropFirst()) where line.count > 80 {
        XCTAssert(next.isEmpty, "toy \(command._commandName): '\(line)' runs on into '\(next)'")
      }
      if !command.configuration.discussion.isEmpty { checked.insert(command._commandName) }
    }
    XCTAssert(checked.isSuperset(of: ["toy", "run", "train", "bench", "kernel", "notebook"]), "\(checked)")
  }
}
