import Foundation
import XCTest

/// SIGTERM and SIGHUP during a save remove the temporary `.NAME.PID.RAND.tmp` file (as a
/// failed save does) and end toy with the signal's conventional status.
final class TerminationTests: XCTestCase {
  static var toy: String { BuiltToy.path }

  override func setUpWithError() throws {
    guard FileManager.default.isExecutableFile(atPath: Self.toy) else {
      throw XCTSkip("no toy beside the tests at \(Self.toy)")
    }
  }

  /// Starts a save of a big model, signals toy once its temporary file appears, and returns
  /// the shell's report: the status and what is left in the directory.
  func signalDuringSave(_ signal: String) throws -> String {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("toy-term-\(getpid())-\(signal)")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: directory) }
    let script = #"""
      cd "$0"
      "$TOY" -e 'model n=2000 m=1000; save "big.json"' 2>/dev/null &
      pid=$!
      tries=0
      until ls -a | grep -q '^\.big\.json\..*\.tmp$'; do
        tries=$((tries + 1)); [ $tries -gt 1200 ] && break; sleep 0.05
      done
      kill -"$1" $pid
      wait $pid
      echo "rc=$?"
      ls -a | grep -v '^\.\.\?$'
      """#
    return try BuiltToy.shell(script, arguments: [directory.path, signal])
  }

  func testSIGTERMDuringASaveRemovesTheTemporaryFile() throws {
    XCTAssertEqual(try signalDuringSave("TERM"), "rc=143\n")
  }

  func testSIGHUPDuringASaveRemovesTheTemporaryFile() throws {
    XCTAssertEqual(try signalDuringSave("HUP"), "rc=129\n")
  }
}
