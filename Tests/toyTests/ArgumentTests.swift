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
  /// The help renderer wraps each line of a command's discussion to fit 80 columns (79
  /// characters and the newline). A paragraph written as one line wraps well; one broken
  /// by hand must break within 79 columns, or a line a little wider leaves its last words
  /// alone on the next line ("except M," then "which trains…"). So a line of 80 or more
  /// must end its paragraph.
  func testNoCommandsDiscussionBreaksAParagraphPastEightyColumns() {
    var commands: [ParsableCommand.Type] = [Toy.self]
    var checked: Set<String> = []
    while let command = commands.popLast() {
      commands += command.configuration.subcommands
      let lines = command.configuration.discussion.split(separator: "\n", omittingEmptySubsequences: false)
      for (line, next) in zip(lines, lines.dropFirst()) where line.count >= 80 {
        XCTAssert(next.isEmpty, "toy \(command._commandName): '\(line)' runs on into '\(next)'")
      }
      if !command.configuration.discussion.isEmpty { checked.insert(command._commandName) }
    }
    XCTAssert(checked.isSuperset(of: ["toy", "run", "train", "bench", "kernel", "notebook"]), "\(checked)")
  }
}

/// `toy bench --rounds`: each thread count's best, the counts measured in alternation.
final class BenchRoundsTests: XCTestCase {
  struct Timing: BenchMeasurement {
    let threads: Int
    let seconds: Double
    var label: String { "T test" }
    var shape: String { "n=1 m=1 ×1" }
    var steps: Int { 1 }
    var peakKiB: Int { 0 }
    var gflops: Double { 0 }
  }

  func testEachThreadCountKeepsItsFastestRoundMeasuredInAlternation() throws {
    let bench = try BenchCommand.parse(["--rounds", "3"])
    let seconds: [Int: [Double]] = [2: [0.5, 0.3, 0.4], 1: [0.9, 1.0, 0.8]]
    var calls: [Int] = []
    let results = bench.fastest([1, 2]) { count in
      let round = calls.filter { $0 == count }.count
      calls.append(count)
      return Timing(threads: count, seconds: seconds[count]![round])
    }
    XCTAssertEqual(calls, [2, 1, 2, 1, 2, 1])
    XCTAssertEqual(results.map(\.threads), [2, 1])
    XCTAssertEqual(results.map(\.seconds), [0.3, 0.8])
    XCTAssertThrowsError(try BenchCommand.parse(["--rounds", "0"]))
  }

  func testABenchOfAFewStepsPrintsOneLinePerConfiguration() throws {
    let output = try BuiltToy.shell("\"$TOY\" bench --config S --steps 20 --rounds 2 --threads 1 --json")
    let lines = output.split(separator: "\n")
    XCTAssertEqual(lines.count, 1, output)
    let line = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(lines[0].utf8)) as? [String: Any])
    XCTAssertEqual(line["config"] as? String, "S")
    XCTAssertEqual(line["steps"] as? Int, 20)
    XCTAssertGreaterThan(line["seconds"] as? Double ?? 0, 0)
  }
}
