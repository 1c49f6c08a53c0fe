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
