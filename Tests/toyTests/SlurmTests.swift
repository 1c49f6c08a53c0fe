import Foundation
import XCTest

/// Split training on a real single-node Slurm in a temporary directory (Tests/slurm/array.sh):
/// an array job of shares, then the assembly with `--dependency=afterok`, whose JSON output is
/// the single run's. Skips with one line where the cluster cannot come up.
final class SlurmTests: XCTestCase {
  func testAnArrayJobOfSharesThenTheAssemblyGiveOneRunsOutput() throws {
    let result = try ShardCommandTests.run(
      "/bin/bash", ["Tests/slurm/array.sh", ShardCommandTests.toy],
      environment: ["PATH": "/usr/bin:/bin:/usr/sbin:/sbin"])
    if result.status == 77 {
      throw XCTSkip(result.output.split(separator: "\n").last.map(String.init) ?? "skipped")
    }
    XCTAssertEqual(result.status, 0, result.output + result.error)
    XCTAssertTrue(result.output.hasSuffix("4 passed, 0 failed\n"), result.output)
  }
}
