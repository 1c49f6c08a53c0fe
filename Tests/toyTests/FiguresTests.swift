import Foundation
import XCTest

#if canImport(FoundationXML)
  import FoundationXML
#endif

/// `toy run FILE --figures DIR`: one SVG per figure, numbered in order and named after the
/// statement, each a well-formed SVG document; DIR is created; a DIR that is a file is a
/// clear error.
final class FiguresTests: XCTestCase {
  func temporaryDirectory() throws -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("toy-figures-\(UUID().uuidString)")
    addTeardownBlock { try? FileManager.default.removeItem(at: url) }
    return url
  }

  func testEveryShowOfAnExampleBecomesANamedSVG() throws {
    let directory = try temporaryDirectory().appendingPathComponent("slides/figures")
    let example = ToyRun.repository.appendingPathComponent("examples/12-tour.toy").path
    let status = try BuiltToy.shell(
      "\"$TOY\" run --quick --color never --figures \"$2\" \"$1\" > /dev/null; echo $?",
      arguments: ["sh", example, directory.path])
    XCTAssertEqual(status, "0\n")
    // The example's three show statements, in order: `show wtw` (after `model …; train …;`
    // on one line), `show norms`, `show geometry orient=canonical`.
    let expected = ["01-show-wtw", "02-show-norms", "03-show-geometry-orient-canonical"]
    let files = try FileManager.default.contentsOfDirectory(atPath: directory.path).sorted()
    XCTAssertEqual(files.filter { $0.hasSuffix(".svg") }, expected.map { $0 + ".svg" })
    for name in expected {
      let data = try Data(contentsOf: directory.appendingPathComponent(name + ".svg"))
      let document = try XMLDocument(data: data)
      XCTAssertEqual(document.rootElement()?.name, "svg", name)
    }
    // PNGs where rsvg-convert is on the PATH the test gives (/usr/bin:/bin).
    if FileManager.default.isExecutableFile(atPath: "/usr/bin/rsvg-convert") {
      XCTAssertEqual(files.filter { $0.hasSuffix(".png") }, expected.map { $0 + ".png" })
      let png = try Data(contentsOf: directory.appendingPathComponent(expected[0] + ".png"))
      XCTAssertEqual(Array(png.prefix(4)), [0x89, 0x50, 0x4E, 0x47])
    }
  }

  func testAFigureDirectoryThatIsAFileIsAClearError() throws {
    let file = try temporaryDirectory()
    try Data("x".utf8).write(to: file)
    let output = try BuiltToy.shell(
      "\"$TOY\" run --figures \"$1\" -e 'print 1' 2>&1; echo \"status $?\"", arguments: ["sh", file.path])
    XCTAssertTrue(output.contains("--figures \(file.path): a file, not a directory"), output)
    XCTAssertFalse(output.contains("status 0"), output)
  }

  /// `toy run --help` documents --figures, in lines that fit 80 columns (a discussion line
  /// wider than that is broken by the help renderer after one word).
  func testRunHelpDocumentsFiguresWithinEightyColumns() throws {
    let help = try BuiltToy.shell("COLUMNS=80 \"$TOY\" run --help")
    XCTAssertTrue(help.contains("--figures <dir>"), help)
    XCTAssertTrue(help.contains("01-show-wtw.svg"), help)
    let lines = help.split(separator: "\n", omittingEmptySubsequences: false)
    XCTAssertEqual(lines.filter { $0.count > 80 && !$0.hasPrefix("USAGE:") }, [])
    // No line of the discussion is a lone word left over from a wrapped line.
    let discussion = lines.prefix { !$0.hasPrefix("USAGE:") }
    XCTAssertEqual(discussion.filter { !$0.isEmpty && !$0.contains(" ") }, [], help)
  }

  /// `--theme` reaches the SVGs: dark draws on the dark background, projector with larger
  /// text; without it the page is white.
  func testTheThemeOptionReachesTheFigures() throws {
    let root = try temporaryDirectory()
    for theme in ["auto", "dark", "projector"] {
      let status = try BuiltToy.shell(
        "\"$TOY\" run --theme $2 --figures \"$1/$2\" -e 'model n=3 m=2; show norms' > /dev/null; echo $?",
        arguments: ["sh", root.path, theme])
      XCTAssertEqual(status, "0\n", theme)
    }
    func svg(_ theme: String) throws -> String {
      try String(contentsOf: root.appendingPathComponent("\(theme)/01-show-norms.svg"), encoding: .utf8)
    }
    XCTAssertTrue(try svg("auto").contains("<rect width=\"100%\" height=\"100%\" fill=\"#ffffff\"/>"))
    XCTAssertTrue(try svg("dark").contains("<rect width=\"100%\" height=\"100%\" fill=\"#1e1e1e\"/>"))
    XCTAssertTrue(try svg("auto").contains("font-size=\"13\""))
    XCTAssertTrue(try svg("projector").contains("font-size=\"19.5\""), "titles at 1.5 × 13 px")
  }
}
