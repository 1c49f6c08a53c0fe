import Foundation
import XCTest

/// Every "what to look for" sentence is a claim with a test: the claims of the examples (the
/// bullets under `# What to look for`), of docs/guide.md (the `**What to look for:**`
/// paragraphs) and of docs/workshop.md (the plan's "notice" column) must each have a row in
/// the map in examples/README.md, and every row names a test that exists.
final class ClaimMapTests: XCTestCase {
  struct Claim: Hashable {
    let place: String
    let text: String
  }

  struct Row {
    let place: String
    let opening: String
    let test: String
  }

  static let repository = ToyRun.repository

  static func collapse(_ text: some StringProtocol) -> String {
    text.split(whereSeparator: \.isWhitespace).joined(separator: " ")
  }

  /// The bullets under a `# What to look for` line of a script, each with its continuation
  /// lines joined.
  static func exampleClaims(_ name: String, _ text: String) -> [Claim] {
    var claims: [Claim] = []
    var inList = false
    var current: String?
    func flush() {
      if let current { claims.append(Claim(place: name, text: collapse(current))) }
      current = nil
    }
    for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
      if line.hasPrefix("# What to look for") {
        flush()
        inList = true
      } else if inList, line.hasPrefix("#   - ") {
        flush()
        current = String(line.dropFirst(6))
      } else if inList, current != nil, line.hasPrefix("#     ") {
        current! += " " + line.dropFirst(6)
      } else {
        flush()
        inList = false
      }
    }
    flush()
    return claims
  }

  /// The guide's `**What to look for:**` paragraphs.
  static func guideClaims(_ text: String) -> [Claim] {
    text.components(separatedBy: "\n\n").compactMap { paragraph in
      let trimmed = paragraph.trimmingCharacters(in: .whitespacesAndNewlines)
      let marker = "**What to look for:**"
      guard trimmed.hasPrefix(marker) else { return nil }
      return Claim(place: "guide", text: collapse(trimmed.dropFirst(marker.count)))
    }
  }

  /// The non-empty cells of the workshop plan's last column ("notice").
  static func workshopClaims(_ text: String) -> [Claim] {
    text.split(separator: "\n").compactMap { line in
      guard line.hasPrefix("| "), !line.hasPrefix("| ---"), !line.hasPrefix("| minutes") else { return nil }
      let cells = line.split(separator: "|", omittingEmptySubsequences: false).map {
        $0.trimmingCharacters(in: .whitespaces)
      }
      // "| a | b | c | d | e |" splits into an empty first and last cell around five; a row
      // that splits otherwise (a stray "|" in a cell) is returned whole, so that it matches
      // no row of the map and fails the test instead of vanishing.
      guard cells.count == 7 else { return Claim(place: "workshop", text: "a malformed row: \(line)") }
      guard !cells[5].isEmpty else { return nil }
      return Claim(place: "workshop", text: collapse(cells[5]))
    }
  }

  /// The rows of the map's table in examples/README.md.
  static func mapRows(_ text: String) -> [Row] {
    guard let start = text.range(of: "## Every claim and its test") else { return [] }
    return text[start.upperBound...].split(separator: "\n").compactMap { line in
      let cells = line.split(separator: "|", omittingEmptySubsequences: false).map {
        $0.trimmingCharacters(in: .whitespaces)
      }
      guard cells.count == 5, cells[1] != "where", !cells[1].hasPrefix("---") else { return nil }
      let test = cells[3].replacingOccurrences(of: "`", with: "")
      return Row(place: cells[1], opening: collapse(cells[2]), test: test)
    }
  }

  func read(_ path: String) throws -> String {
    try String(contentsOf: Self.repository.appendingPathComponent(path), encoding: .utf8)
  }

  func allClaims() throws -> [Claim] {
    let examples = try FileManager.default.contentsOfDirectory(
      atPath: Self.repository.appendingPathComponent("examples").path
    ).filter { $0.hasSuffix(".toy") }.sorted()
    var claims: [Claim] = []
    for script in examples {
      claims += Self.exampleClaims(String(script.dropLast(4)), try read("examples/\(script)"))
    }
    claims += Self.guideClaims(try read("docs/guide.md"))
    claims += Self.workshopClaims(try read("docs/workshop.md"))
    return claims
  }

  func testEveryClaimHasARowInTheMapAndEveryRowATest() throws {
    let claims = try allClaims()
    let rows = Self.mapRows(try read("examples/README.md"))
    XCTAssertGreaterThan(claims.count, 30, "the examples, the guide and the workshop make claims")
    // The tests' sources, to check that each named test exists.
    let testsDirectory = Self.repository.appendingPathComponent("Tests/toyTests")
    let sources = try FileManager.default.contentsOfDirectory(atPath: testsDirectory.path)
      .filter { $0.hasSuffix(".swift") }
      .map { try String(contentsOf: testsDirectory.appendingPathComponent($0), encoding: .utf8) }
      .joined(separator: "\n")
    for claim in claims {
      let matching = rows.filter { $0.place == claim.place && claim.text.hasPrefix($0.opening) }
      XCTAssertEqual(
        matching.count, 1,
        "\(claim.place): '\(claim.text)' needs exactly one row in examples/README.md's claim map, has \(matching.count)"
      )
    }
    for row in rows {
      XCTAssertTrue(
        claims.contains { $0.place == row.place && $0.text.hasPrefix(row.opening) },
        "the map's row '\(row.place): \(row.opening)' matches no claim (stale?)")
      for test in row.test.split(separator: ",").map({ $0.trimmingCharacters(in: .whitespaces) }) {
        let name = test.split(separator: ".").last.map(String.init) ?? test
        XCTAssertTrue(sources.contains("func \(name)("), "the map names \(test), which does not exist")
      }
    }
  }

  /// The parsers find what they should, so that the map test cannot pass by finding nothing.
  func testTheClaimParsersReadEachForm() {
    let script = """
      # Figure: x.
      # What to look for, dense to sparse:
      #   - first claim,
      #     continued;
      #   - second claim.
      # Not a claim.
      model n=2 m=1
      """
    XCTAssertEqual(
      Self.exampleClaims("x", script).map(\.text), ["first claim, continued;", "second claim."])
    let guide = "Text.\n\n**What to look for:** the pentagon\nforms.\n\nMore."
    XCTAssertEqual(Self.guideClaims(guide).map(\.text), ["the pentagon forms."])
    let plan =
      "| minutes | what | run | ask | notice |\n| --- | --- | --- | --- | --- |\n| 0–10 | a | b | c | Pairs. |\n| 85 | a | b | c | |"
    XCTAssertEqual(Self.workshopClaims(plan).map(\.text), ["Pairs."])
    let map =
      "## Every claim and its test\n\n| where | claim | test |\n| --- | --- | --- |\n| 01-intro | dense: the two | `T.testA` |"
    let rows = Self.mapRows(map)
    XCTAssertEqual(rows.map(\.place), ["01-intro"])
    XCTAssertEqual(rows.map(\.test), ["T.testA"])
  }
}
