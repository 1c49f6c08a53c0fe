import Foundation
import ToyTestSupport
import XCTest

/// One run of the release binary with `--format json`: each display's statement and its
/// `application/vnd.toy.display+json` record (`model`, `target`, `settings`, … and the numbers: `data` for
/// `show`, `values` for `print`).
///
/// Runs are cached for the test process by their arguments: the claims of one example are
/// separate tests but read one run of it (full examples take seconds to minutes).
struct ToyRun {
  struct Display {
    let statement: String
    let record: [String: Any]
  }

  let displays: [Display]

  /// The mime type of toy's numbers in `--format json` and notebooks (docs/displays.md).
  static let mimeType = "application/vnd.toy.display+json"

  static let repository = Repository.root

  nonisolated(unsafe) private static var cache: [[String]: ToyRun] = [:]
  private static let lock = NSLock()

  /// The release binary that `scripts/test` builds (`TOY_RELEASE_BIN`); tests skip without it.
  static func binary() throws -> String {
    guard let path = ProcessInfo.processInfo.environment["TOY_RELEASE_BIN"], !path.isEmpty else {
      throw XCTSkip("set TOY_RELEASE_BIN to a release build of toy (scripts/test does)")
    }
    return path
  }

  /// `toy --format json --color never ARGUMENTS`, run in the repository, or its cached result.
  static func of(_ arguments: [String]) throws -> ToyRun {
    lock.lock()
    defer { lock.unlock() }
    if let run = cache[arguments] { return run }
    let process = Process()
    process.executableURL = URL(fileURLWithPath: try binary())
    process.arguments = ["--format", "json", "--color", "never"] + arguments
    process.currentDirectoryURL = repository
    let pipe = Pipe()
    process.standardOutput = pipe
    process.standardError = FileHandle.nullDevice
    try process.run()
    let output = pipe.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    guard process.terminationStatus == 0 else {
      throw ToyRunError.failed(arguments, process.terminationStatus)
    }
    let displays = try String(decoding: output, as: UTF8.self).split(separator: "\n").map { line in
      let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]
      let bundle = object?["data"] as? [String: Any]
      let payload = bundle?[ToyRun.mimeType] as? [String: Any]
      return Display(
        statement: object?["statement"] as? String ?? "", record: payload?["data"] as? [String: Any] ?? [:])
    }
    let run = ToyRun(displays: displays)
    cache[arguments] = run
    return run
  }

  /// A full example, `examples/NAME.toy`.
  static func example(_ name: String) throws -> ToyRun { try of(["examples/\(name).toy"]) }

  /// The same example with `--quick`.
  static func quickExample(_ name: String) throws -> ToyRun { try of(["--quick", "examples/\(name).toy"]) }

  /// Whether the example declares (`# quick:` lines) what `--quick` cannot show.
  static func declaresQuickLimits(_ name: String) throws -> Bool {
    let text = try String(
      contentsOf: repository.appendingPathComponent("examples/\(name).toy"), encoding: .utf8)
    return text.split(separator: "\n").contains { $0.hasPrefix("# quick:") }
  }

  /// The record of the `occurrence`-th display of `statement`.
  func record(_ statement: String, occurrence: Int = 0) throws -> [String: Any] {
    let matches = displays.filter { $0.statement == statement }
    guard occurrence < matches.count else {
      throw ToyRunError.missing(statement, occurrence, displays.map(\.statement))
    }
    return matches[occurrence].record
  }

  /// The numbers of the `occurrence`-th `show` display of `statement`, as `T`.
  func data<T>(_ statement: String, occurrence: Int = 0, as type: T.Type = T.self) throws -> T {
    guard let value = try record(statement, occurrence: occurrence)["data"] as? T else {
      throw ToyRunError.shape(statement, String(describing: T.self))
    }
    return value
  }

  /// The values of a `print METRIC` display of a metric with one number per setting.
  func printedNumbers(_ statement: String, occurrence: Int = 0) throws -> [Double] {
    guard let values = try record(statement, occurrence: occurrence)["values"] as? [Double] else {
      throw ToyRunError.shape(statement, "values")
    }
    return values
  }

  /// The values of a `print METRIC` display: one list per setting.
  func printed(_ statement: String, occurrence: Int = 0) throws -> [[Double]] {
    guard let values = try record(statement, occurrence: occurrence)["values"] as? [[Double]] else {
      throw ToyRunError.shape(statement, "values")
    }
    return values
  }
}

extension XCTestCase {
  /// Checks a claim of `example` on its full run, and on its `--quick` run too unless the
  /// script declares what quick mode cannot show: a preview must not show the opposite of the
  /// claim without saying so.
  func checkClaim(_ example: String, _ body: (ToyRun) throws -> Void) throws {
    try body(try ToyRun.example(example))
    guard try !ToyRun.declaresQuickLimits(example) else { return }
    let failuresBefore = testRun?.totalFailureCount ?? 0
    try body(try ToyRun.quickExample(example))
    if (testRun?.totalFailureCount ?? 0) > failuresBefore {
      XCTFail("\(example): the failures just above are in --quick mode; keep the claim there or add a '# quick:' line")
    }
  }
}

enum ToyRunError: Error, CustomStringConvertible {
  case failed([String], Int32)
  case missing(String, Int, [String])
  case shape(String, String)

  var description: String {
    switch self {
    case .failed(let arguments, let status): "toy \(arguments.joined(separator: " ")) exited with \(status)"
    case .missing(let statement, let occurrence, let all):
      "no display #\(occurrence) of '\(statement)' among \(all)"
    case .shape(let statement, let type): "'\(statement)': the numbers are not \(type)"
    }
  }
}

/// Small numeric helpers for reading geometry out of the displays.
enum Vectors {
  static func norm(_ v: [Double]) -> Double { v.reduce(0) { $0 + $1 * $1 }.squareRoot() }
  static func dot(_ a: [Double], _ b: [Double]) -> Double { zip(a, b).reduce(0) { $0 + $1.0 * $1.1 } }
  static func cosine(_ a: [Double], _ b: [Double]) -> Double { dot(a, b) / (norm(a) * norm(b)) }
  static func mean(_ values: [Double]) -> Double { values.reduce(0, +) / Double(max(values.count, 1)) }
  /// Pearson's correlation coefficient.
  static func correlation(_ x: [Double], _ y: [Double]) -> Double {
    let (mx, my) = (mean(x), mean(y))
    let sxy = zip(x, y).reduce(0) { $0 + ($1.0 - mx) * ($1.1 - my) }
    let sxx = x.reduce(0) { $0 + ($1 - mx) * ($1 - mx) }
    let syy = y.reduce(0) { $0 + ($1 - my) * ($1 - my) }
    return sxy / (sxx * syy).squareRoot()
  }
}
