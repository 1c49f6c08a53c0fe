import Foundation
import ToyTestSupport
import XCTest

/// ARCHITECTURE.md sends a newcomer to files and types by name: every path it gives in
/// backticks exists, every file name is a file of the package, and every type name is
/// declared, so a move or a rename that leaves the page behind fails here.
final class ArchitectureTests: XCTestCase {
  static let roots = ["Sources/", "Tests/", "docs/", "grammar/", "scripts/", "examples/"]

  /// The page's code spans: the text between each pair of backticks.
  func spans() throws -> [String] {
    let text = try Repository.text("ARCHITECTURE.md")
    return text.components(separatedBy: "`").enumerated().filter { $0.offset % 2 == 1 }.map(\.element)
  }

  /// Every file under `folder`, relative to it.
  func files(under folder: String) -> [String] {
    FileManager.default.enumerator(atPath: Repository.url(folder).path)?.allObjects as? [String] ?? []
  }

  func testEveryPathTheArchitectureGivesExists() throws {
    let paths = try spans().filter { span in Self.roots.contains { span.hasPrefix($0) } }
    XCTAssertGreaterThan(paths.count, 40, "the page gives its files as paths in backticks")
    for path in paths {
      XCTAssertTrue(FileManager.default.fileExists(atPath: Repository.url(path).path), "no \(path)")
    }
    let names = Set(files(under: "Sources").map { ($0 as NSString).lastPathComponent }).union(["Package.swift"])
    for name in try spans() where name.hasSuffix(".swift") && !name.contains("/") {
      XCTAssertTrue(names.contains(name), "no file \(name) in Sources")
    }
  }

  /// Names written as types (`Session`, `Statement.Kind`'s `Statement`, `ToyCore`) are types,
  /// modules or folders of the package, or the tests' classes.
  func testEveryTypeTheArchitectureNamesIsDeclared() throws {
    var known = Set(files(under: "Sources").flatMap { $0.split(separator: "/").map(String.init) })
    let declaration = try NSRegularExpression(pattern: #"\b(?:struct|enum|class|protocol|typealias)\s+(\w+)"#)
    for folder in ["Sources", "Tests"] {
      for path in files(under: folder) where path.hasSuffix(".swift") {
        let text = try Repository.text("\(folder)/\(path)")
        let range = NSRange(text.startIndex..., in: text)
        for match in declaration.matches(in: text, range: range) {
          known.insert((text as NSString).substring(with: match.range(at: 1)))
        }
      }
    }
    let typeName = try NSRegularExpression(pattern: #"^([A-Z][a-z][A-Za-z0-9]*)(\.\w+)*$"#)
    var checked = 0
    for span in try spans() where !span.hasSuffix(".swift") {
      let range = NSRange(span.startIndex..., in: span)
      guard let match = typeName.firstMatch(in: span, range: range) else { continue }
      let name = (span as NSString).substring(with: match.range(at: 1))
      checked += 1
      XCTAssertTrue(known.contains(name), "ARCHITECTURE.md names \(name), which the package does not declare")
    }
    XCTAssertGreaterThan(checked, 40, "the page names its types in backticks")
  }
}
