import Foundation
import XCTest

@testable import toy

/// `toy run FILE --shard K/N --out DIR` run by the engines people have (GNU parallel here; a
/// Slurm array in SlurmTests), then `toy run FILE --from DIR`: the output is one run's, byte
/// for byte, but for the timing of live frames.
final class ShardCommandTests: XCTestCase {
  var directory = ""

  override func setUpWithError() throws {
    directory = FileManager.default.temporaryDirectory.appendingPathComponent("toy-parts-\(UUID().uuidString)").path
    try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
  }

  override func tearDownWithError() throws {
    try? FileManager.default.removeItem(atPath: directory)
  }

  /// The release build scripts/test makes, or else the debug build beside the tests.
  static var toy: String {
    let release = ProcessInfo.processInfo.environment["TOY_RELEASE_BIN"] ?? ""
    return release.isEmpty ? BuiltToy.path : release
  }

  /// The first `name` on the usual paths, or nil.
  static func which(_ name: String) -> String? {
    ["/usr/local/bin", "/usr/bin", "/bin", "/usr/sbin", "/sbin"].map { "\($0)/\(name)" }
      .first { FileManager.default.isExecutableFile(atPath: $0) }
  }

  /// Runs `executable` in the repository; returns its status, standard output and error.
  static func run(_ executable: String, _ arguments: [String], environment: [String: String] = [:]) throws -> (
    status: Int32, output: String, error: String
  ) {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: executable)
    process.arguments = arguments
    process.currentDirectoryURL = ToyRun.repository
    process.environment = ["PATH": "/usr/bin:/bin", "HOME": NSTemporaryDirectory()].merging(environment) { $1 }
    let output = Pipe()
    process.standardOutput = output
    // Standard error to a file: two pipes read one after the other could fill and stop it.
    let errorPath = NSTemporaryDirectory() + "toy-shard-stderr-\(UUID().uuidString)"
    _ = FileManager.default.createFile(atPath: errorPath, contents: nil)
    defer { try? FileManager.default.removeItem(atPath: errorPath) }
    process.standardError = FileHandle(forWritingAtPath: errorPath)
    process.standardInput = FileHandle.nullDevice
    try process.run()
    let outputData = output.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    let errorData = FileManager.default.contents(atPath: errorPath) ?? Data()
    return (
      process.terminationStatus, String(decoding: outputData, as: UTF8.self), String(decoding: errorData, as: UTF8.self)
    )
  }

  /// The output without what only timing changes: the steps per second in the header of a
  /// live frame (a run that takes its results from the parts trains for no time). The
  /// example below has no live frame, so its output is compared byte for byte.
  static func withoutTiming(_ output: String) -> String {
    output.replacingOccurrences(of: #"  [0-9.e+]+ steps/s"#, with: "", options: .regularExpression)
  }

  /// The issue's recipe, with N = 3: `parallel toy run FILE --shard {}/3 --out DIR ::: $(seq 3)`,
  /// then `toy run FILE --from DIR --format json`, against `toy run FILE --format json`.
  func testSharesRunByGNUParallelGiveOneRunsOutput() throws {
    guard Self.which("parallel") != nil else {
      throw XCTSkip("GNU parallel is not installed (apt-get install parallel; CI installs it)")
    }
    let script = "examples/07-correlated.toy"
    let single = try Self.run(Self.toy, ["run", script, "--quick", "--format", "json"])
    XCTAssertEqual(single.status, 0, single.error)
    let shares = try Self.run(
      "/bin/sh",
      ["-c", #"parallel "$TOY" run "$1" --quick --shard {}/3 --out "$2" ::: $(seq 3)"#, "sh", script, directory],
      environment: ["TOY": Self.toy])
    XCTAssertEqual(shares.status, 0, shares.error)
    XCTAssertEqual(shares.output, "", "a share shows nothing")
    let parts = try FileManager.default.contentsOfDirectory(atPath: directory).sorted()
    XCTAssertEqual(parts.count, 3, "\(parts)")
    XCTAssertTrue(parts.allSatisfy { $0.hasPrefix("07-correlated.") && $0.contains(".part-") }, "\(parts)")
    let assembled = try Self.run(Self.toy, ["run", script, "--quick", "--from", directory, "--format", "json"])
    XCTAssertEqual(assembled.status, 0, assembled.error)
    XCTAssertGreaterThan(single.output.split(separator: "\n").count, 3)
    XCTAssertEqual(Self.withoutTiming(assembled.output), Self.withoutTiming(single.output))
  }

  /// Parts missing or of another version of the script stop `--from` before it runs anything.
  func testFromNamesMissingParts() throws {
    let code = "model n=3 m=2 seeds=4\ntrain 20\nprint loss"
    let script = (directory as NSString).appendingPathComponent("small.toy")
    try code.write(toFile: script, atomically: true, encoding: .utf8)
    let parts = (directory as NSString).appendingPathComponent("parts")
    let share = try Self.run(Self.toy, ["run", script, "--shard", "2/2", "--out", parts])
    XCTAssertEqual(share.status, 0, share.error)
    XCTAssertEqual(share.output, "")
    let from = try Self.run(Self.toy, ["run", script, "--from", parts])
    XCTAssertEqual(from.status, 1)
    XCTAssertEqual(from.output, "")
    XCTAssertEqual(
      from.error, "Error: \(parts) lacks share 1/2 of \(script): run toy run \(script) --shard 1/2 --out \(parts)\n")
  }

  /// `--shard slurm` counts an array's tasks from 1 whatever index the array starts at.
  func testSlurmArrayTasksAreSharesCountedFromOne() throws {
    func share(_ environment: [String: String]) throws -> String {
      "\(try ShardOptions.slurmShare(environment))"
    }
    let oneBased = ["SLURM_ARRAY_TASK_MIN": "1", "SLURM_ARRAY_TASK_MAX": "8", "SLURM_ARRAY_TASK_COUNT": "8"]
    XCTAssertEqual(try share(oneBased.merging(["SLURM_ARRAY_TASK_ID": "1"]) { $1 }), "1/8")
    XCTAssertEqual(try share(oneBased.merging(["SLURM_ARRAY_TASK_ID": "8"]) { $1 }), "8/8")
    let zeroBased = ["SLURM_ARRAY_TASK_MIN": "0", "SLURM_ARRAY_TASK_COUNT": "8", "SLURM_ARRAY_TASK_ID": "0"]
    XCTAssertEqual(try share(zeroBased), "1/8")
    let stepped = ["SLURM_ARRAY_TASK_MIN": "0", "SLURM_ARRAY_TASK_STEP": "2", "SLURM_ARRAY_TASK_COUNT": "4"]
    XCTAssertEqual(try share(stepped.merging(["SLURM_ARRAY_TASK_ID": "6"]) { $1 }), "4/4")
    XCTAssertThrowsError(try share([:])) { error in
      XCTAssertEqual(
        "\(error)",
        "--shard slurm: SLURM_ARRAY_TASK_ID and SLURM_ARRAY_TASK_COUNT are not set; run it as an array job "
          + "(sbatch --array=1-N)")
    }
    XCTAssertThrowsError(try share(stepped.merging(["SLURM_ARRAY_TASK_ID": "3"]) { $1 }))
  }

  /// `--shard` needs `--out`, takes K from 1 to N, and draws no figures.
  func testShardArgumentsAreChecked() throws {
    for (arguments, message) in [
      (["--shard", "0/3", "--out", "p"], "--shard takes K/N, share K of N with K from 1 to N"),
      (["--shard", "4/3", "--out", "p"], "--shard takes K/N"),
      (["--shard", "1/3"], "--shard needs --out DIR"),
      (["--out", "p"], "--out goes with --shard K/N"),
      (["--shard", "1/3", "--out", "p", "--from", "p"], "give --shard or --from, not both"),
      (["--shard", "1/3", "--out", "p", "--figures", "f"], "--shard draws nothing"),
    ] {
      let result = try Self.run(Self.toy, ["run", "examples/01-intro.toy"] + arguments)
      XCTAssertEqual(result.status, 64, "\(arguments)")
      XCTAssertTrue(result.error.contains(message), "\(arguments): \(result.error)")
    }
  }
}
