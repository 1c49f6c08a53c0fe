import Foundation
import ToyTestSupport
import XCTest

/// The example scripts, run by the release binary that `scripts/test` builds (set
/// `TOY_RELEASE_BIN` to its path; without it these tests skip): every example in fast mode
/// against its golden output, and the paper's results from the numbers the scripts print.
final class ExampleTests: XCTestCase {
  static let repository = Repository.root

  func binary() throws -> String { try ToyRun.binary() }

  /// Runs toy with `arguments` (and `input` on its standard input); returns its exit status
  /// and standard output.
  func run(_ arguments: [String], input: Data? = nil) throws -> (status: Int32, output: String) {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: try binary())
    process.arguments = arguments
    process.currentDirectoryURL = Self.repository
    let pipe = Pipe()
    process.standardOutput = pipe
    process.standardError = FileHandle.nullDevice
    let stdin = Pipe()
    if input != nil { process.standardInput = stdin }
    try process.run()
    if let input {
      stdin.fileHandleForWriting.write(input)
      try stdin.fileHandleForWriting.close()
    }
    let data = pipe.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return (process.terminationStatus, String(decoding: data, as: UTF8.self))
  }

  // MARK: Golden outputs in fast mode

  /// The examples, and the workshop's exercises and solutions (docs/workshop), each against
  /// the golden output beside it.
  func testEveryExampleMatchesItsGoldenOutputInFastMode() throws {
    _ = try binary()
    for (folder, least) in [("examples", 12), ("docs/workshop", 6)] {
      let directory = Self.repository.appendingPathComponent(folder)
      let scripts = try FileManager.default.contentsOfDirectory(atPath: directory.path)
        .filter { $0.hasSuffix(".toy") }.sorted()
      XCTAssertGreaterThanOrEqual(scripts.count, least, folder)
      for script in scripts {
        let name = String(script.dropLast(4))
        let (status, output) = try run(["--quick", "--color", "never", "--width", "100", "\(folder)/\(script)"])
        XCTAssertEqual(status, 0, "\(folder)/\(script) exited with \(status)")
        assertGolden(
          output, at: directory.appendingPathComponent("golden/\(name).txt"), difference: GoldenText.difference)
      }
    }
  }

  /// Every exercise of the workshop has its solution, and the other way round.
  func testEveryWorkshopExerciseHasASolution() throws {
    let files = try FileManager.default.contentsOfDirectory(
      atPath: Self.repository.appendingPathComponent("docs/workshop").path
    ).filter { $0.hasSuffix(".toy") }
    let exercises = Set(files.filter { $0.hasPrefix("exercise-") }.map { $0.dropFirst("exercise-".count) })
    let solutions = Set(files.filter { $0.hasPrefix("solution-") }.map { $0.dropFirst("solution-".count) })
    XCTAssertEqual(exercises, solutions)
    XCTAssertGreaterThanOrEqual(exercises.count, 3)
    let plan = try String(
      contentsOf: Self.repository.appendingPathComponent("docs/workshop.md"), encoding: .utf8)
    for file in files { XCTAssertTrue(plan.contains("workshop/\(file)"), "docs/workshop.md names \(file)") }
  }

  func testScriptsReadFromStandardInputByDashOrPath() throws {
    for arguments in [["run", "-"], ["run", "/dev/stdin"], ["-"], ["check", "-"]] {
      let (status, output) = try run(arguments, input: Data("print 6*7\n".utf8))
      XCTAssertEqual(status, 0, "\(arguments)")
      XCTAssertEqual(output, arguments[0] == "check" ? "<stdin>: ok\n" : "42\n", "\(arguments)")
    }
    // The bad byte sits in a comment, so that only the refusal, not a syntax error, stops it.
    let (status, output) = try run(["run", "-"], input: Data("print 1 # ".utf8) + [0xFF, 0x0A])
    XCTAssertNotEqual(status, 0, "bytes that are not UTF-8 are refused")
    XCTAssertEqual(output, "")
    for arguments in [["run", "/tmp"], ["check", "/tmp"]] {
      let (status, output) = try run(arguments)
      XCTAssertEqual(status, 1, "\(arguments): a directory is refused, not a crash")
      XCTAssertEqual(output, "")
    }
  }

  func testTheGoldenComparisonCatchesLayoutAndValueChanges() {
    let plot = String(repeating: "⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀│\n", count: 4)
    let golden = "  p    ‖W0‖\n  1  0.9987\n0.1  0.5000\n" + plot + "⠀⠀⣀⠤⠒⠉⠀⠀⠀⠀⠀⠀ axis\n"
    XCTAssertNil(GoldenText.difference(expected: golden, actual: golden))
    // Small numeric drift and a few moved plot dots are tolerated.
    XCTAssertNil(
      GoldenText.difference(expected: golden, actual: golden.replacingOccurrences(of: "0.9987", with: "0.9961")))
    XCTAssertNil(GoldenText.difference(expected: golden, actual: golden.replacingOccurrences(of: "⣀⠤", with: "⠤⣀")))
    // A value far off, a missing line, changed words, or a redrawn plot are not.
    XCTAssertNotNil(
      GoldenText.difference(expected: golden, actual: golden.replacingOccurrences(of: "0.5000", with: "0.7000")))
    XCTAssertNotNil(
      GoldenText.difference(expected: golden, actual: golden.replacingOccurrences(of: "0.1  0.5000\n", with: "")))
    XCTAssertNotNil(
      GoldenText.difference(expected: golden, actual: golden.replacingOccurrences(of: "axis", with: "sixa")))
    XCTAssertNotNil(
      GoldenText.difference(expected: golden, actual: golden.replacingOccurrences(of: "⠀⠀⠀⠀⠀⠀", with: "⣿⣿⣿⣿⣿⣿")))
  }

  // The paper's results are the examples' claims: see examples/README.md and the *ClaimTests
  // files.
}

/// Compares a run's text with its golden text loosely enough that a faster kernel (a few
/// rounding differences, a few plot dots moved) passes, and tightly enough that a change of
/// layout or of a rounded value fails: the same lines; every number within 5% (or 0.02);
/// outside plots the same words; and at most 4% of the other characters different. In a
/// line of a plot's body (one with an axis, `│ ┤ ┼ ├`), only the numbers before the axis are
/// values (tick labels); the rest is drawing, counted in the 4%.
enum GoldenText {
  static let axes: Set<Character> = ["│", "┤", "┼", "├"]

  static func difference(expected: String, actual: String) -> String? {
    let e = expected.split(separator: "\n", omittingEmptySubsequences: false)
    let a = actual.split(separator: "\n", omittingEmptySubsequences: false)
    guard e.count == a.count else { return "\(a.count) lines instead of \(e.count)" }
    var characters = 0
    var changed = 0
    var firstChange: Int?
    for (index, (el, al)) in zip(e, a).enumerated() {
      let plotBody = el.contains { axes.contains($0) }
      let (eNumbers, eText) = split(el, valuesUpTo: plotBody ? el.firstIndex { axes.contains($0) } : nil)
      let (aNumbers, aText) = split(al, valuesUpTo: plotBody ? al.firstIndex { axes.contains($0) } : nil)
      let context = "line \(index + 1): '\(al)'"
      guard eNumbers.count == aNumbers.count else {
        return "\(aNumbers.count) numbers instead of \(eNumbers.count) at \(context)"
      }
      for (x, y) in zip(eNumbers, aNumbers) where Swift.abs(x - y) > max(0.02, 0.05 * max(Swift.abs(x), Swift.abs(y))) {
        return "\(y) instead of \(x) at \(context)"
      }
      if !plotBody && eText.filter(\.isLetter) != aText.filter(\.isLetter) {
        return "different words at \(context)"
      }
      let (ec, ac) = (Array(eText), Array(aText))
      characters += max(ec.count, ac.count)
      let differing = zip(ec, ac).filter { $0 != $1 }.count + Swift.abs(ec.count - ac.count)
      if differing > 0 && firstChange == nil { firstChange = index + 1 }
      changed += differing
    }
    if Double(changed) > 0.04 * Double(max(characters, 1)) {
      return "\(changed) of \(characters) characters differ (first at line \(firstChange ?? 0))"
    }
    return nil
  }

  /// A line's numbers (only those before `limit`, when given), and its text with each of
  /// them replaced by `#`.
  static func split(_ line: Substring, valuesUpTo limit: Substring.Index?) -> ([Double], String) {
    var numbers: [Double] = []
    var text = ""
    var index = line.startIndex
    while index < line.endIndex {
      if limit.map({ index < $0 }) ?? true,
        let match = line[index...].prefixMatch(of: /-?[0-9]+(\.[0-9]+)?(e[-+]?[0-9]+)?/),
        let value = Double(match.output.0), !(index > line.startIndex && line[line.index(before: index)].isLetter)
      {
        numbers.append(value)
        text.append("#")
        index = match.range.upperBound
      } else {
        text.append(line[index])
        index = line.index(after: index)
      }
    }
    return (numbers, text)
  }
}
