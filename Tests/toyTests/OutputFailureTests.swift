import Foundation
import XCTest

/// A failed write to standard output or standard error ends toy as coreutils end: one line
/// and status 1, or quietly with SIGPIPE's status on a closed pipe; never a trap (status
/// 132 and a crash dump, as Foundation's FileHandle.write gave).
final class OutputFailureTests: XCTestCase {
  /// The toy built beside this test bundle.
  static var toy: String { BuiltToy.path }

  /// Runs `script` in sh with `zero` as $0 (standard error folded in where the script says so).
  func shell(_ script: String, zero: String = "sh") throws -> String {
    try BuiltToy.shell(script, arguments: [zero])
  }

  override func setUpWithError() throws {
    guard FileManager.default.isExecutableFile(atPath: Self.toy) else {
      throw XCTSkip("no toy beside the tests at \(Self.toy)")
    }
  }

  func testAFullDiskOnStandardOutputIsOneLineAndStatusOne() throws {
    let result = try shell(#""$TOY" -e 'for a in range(1000) do print a end' 2>&1 >/dev/full; echo "rc=$?""#)
    XCTAssertEqual(result, "toy: cannot write to standard output: no space left on device\nrc=1\n")
  }

  func testAClosedStandardOutputIsOneLineAndStatusOne() throws {
    let result = try shell(#""$TOY" -e 'print 1' 2>&1 >&-; echo "rc=$?""#)
    XCTAssertEqual(result, "toy: cannot write to standard output: bad file descriptor\nrc=1\n")
  }

  /// With standard error full there is no one to tell: the status says it.
  func testAFullStandardErrorKeepsTheErrorsStatus() throws {
    let result = try shell(#""$TOY" -e 'print 1/0' 2>/dev/full; echo "rc=$?""#)
    XCTAssertEqual(result, "rc=1\n")
  }

  /// With SIGPIPE ignored a closed pipe is EPIPE: toy stops quietly.
  func testAClosedPipeEndsQuietly() throws {
    let script = #"""
      trap '' PIPE
      { "$TOY" -e 'for a in range(100000) do print a end' 2>"$0.err"; echo "rc=$?" >"$0.rc"; } | head -1
      cat "$0.rc"; cat "$0.err"; rm -f "$0.rc" "$0.err"
      """#
    let base = FileManager.default.temporaryDirectory.appendingPathComponent("toy-pipe-\(getpid())").path
    XCTAssertEqual(try shell(script, zero: base), "0\nrc=141\n")
  }
}
