import ToyPlot
import XCTest

@testable import toy

/// The colour and width policy of issue 4, one rule per assertion.
final class TerminalPolicyTests: XCTestCase {
  /// A terminal with TERM set, nothing else said.
  let terminal = ["TERM": "xterm"]

  func color(
    _ choice: ColorChoice = .auto, _ environment: [String: String], isTerminal: Bool = true
  ) -> ColorDepth {
    TerminalPolicy.decide(
      color: choice, width: nil, environment: environment, isTerminal: isTerminal, terminalColumns: nil
    ).depth
  }

  func width(_ explicit: Int? = nil, _ environment: [String: String] = [:], columns: Int? = nil) -> Int {
    TerminalPolicy.decide(
      color: .never, width: explicit, environment: environment, isTerminal: columns != nil, terminalColumns: columns
    ).width
  }

  // MARK: Colour

  func testNeverMeansNoColourEvenWhenForced() {
    XCTAssertEqual(color(.never, terminal.merging(["FORCE_COLOR": "1"]) { $1 }), .none)
  }

  func testAlwaysMeansColourEvenWithoutATerminal() {
    XCTAssertEqual(color(.always, [:], isTerminal: false), .ansi16)
  }

  func testAlwaysWinsOverNoColor() {
    XCTAssertEqual(color(.always, ["NO_COLOR": "1", "TERM": "xterm-256color"], isTerminal: false), .ansi256)
  }

  func testAutoColoursATerminalWithTERM() {
    XCTAssertEqual(color(.auto, terminal), .ansi16)
  }

  func testAutoDoesNotColourAPipe() {
    XCTAssertEqual(color(.auto, terminal, isTerminal: false), .none)
  }

  func testAutoDoesNotColourADumbTerminal() {
    XCTAssertEqual(color(.auto, ["TERM": "dumb"]), .none)
  }

  func testAutoDoesNotColourATerminalWithoutTERM() {
    XCTAssertEqual(color(.auto, [:]), .none)
  }

  func testAutoDoesNotColourAnEmptyTERM() {
    XCTAssertEqual(color(.auto, ["TERM": ""]), .none)
  }

  func testNoColorTurnsColourOff() {
    XCTAssertEqual(color(.auto, terminal.merging(["NO_COLOR": "1"]) { $1 }), .none)
  }

  func testAnEmptyNoColorIsIgnored() {
    XCTAssertEqual(color(.auto, terminal.merging(["NO_COLOR": ""]) { $1 }), .ansi16)
  }

  func testNoColorWinsOverForceColor() {
    XCTAssertEqual(color(.auto, ["NO_COLOR": "1", "FORCE_COLOR": "1"]), .none)
  }

  func testForceColorColoursAPipe() {
    XCTAssertEqual(color(.auto, ["FORCE_COLOR": "1"], isTerminal: false), .ansi16)
  }

  func testCliColorForceColoursAPipe() {
    XCTAssertEqual(color(.auto, ["CLICOLOR_FORCE": "1"], isTerminal: false), .ansi16)
  }

  func testForceColorZeroDoesNotForce() {
    XCTAssertEqual(color(.auto, ["FORCE_COLOR": "0"], isTerminal: false), .none)
  }

  func testCliColorForceZeroDoesNotForce() {
    XCTAssertEqual(color(.auto, ["CLICOLOR_FORCE": "0"], isTerminal: false), .none)
  }

  func testAnEmptyForceColorDoesNotForce() {
    XCTAssertEqual(color(.auto, ["FORCE_COLOR": ""], isTerminal: false), .none)
  }

  func testForceColorColoursADumbTerminal() {
    XCTAssertEqual(color(.auto, ["FORCE_COLOR": "1", "TERM": "dumb"]), .ansi16)
  }

  // MARK: Depth

  func testColortermTruecolorMeansTruecolor() {
    XCTAssertEqual(color(.auto, ["TERM": "xterm", "COLORTERM": "truecolor"]), .truecolor)
  }

  func testColorterm24bitMeansTruecolor() {
    XCTAssertEqual(color(.auto, ["TERM": "xterm", "COLORTERM": "24bit"]), .truecolor)
  }

  func testColortermWinsOverA256ColourTERM() {
    XCTAssertEqual(color(.auto, ["TERM": "xterm-256color", "COLORTERM": "truecolor"]), .truecolor)
  }

  func testA256ColourTERMMeans256() {
    XCTAssertEqual(color(.auto, ["TERM": "screen-256color"]), .ansi256)
  }

  func testAnyOtherColortermFallsBackToTERM() {
    XCTAssertEqual(color(.auto, ["TERM": "xterm-256color", "COLORTERM": "yes"]), .ansi256)
  }

  func testOtherwiseSixteenColours() {
    XCTAssertEqual(color(.auto, ["TERM": "vt100"]), .ansi16)
  }

  // MARK: Width

  func testAnExplicitWidthWinsOverEverything() {
    XCTAssertEqual(width(50, ["COLUMNS": "120"], columns: 100), 50)
  }

  func testTheTerminalsColumnsWinOverCOLUMNS() {
    XCTAssertEqual(width(nil, ["COLUMNS": "120"], columns: 100), 100)
  }

  func testCOLUMNSWithoutATerminal() {
    XCTAssertEqual(width(nil, ["COLUMNS": "120"]), 120)
  }

  func testAZeroTerminalSizeFallsBackToCOLUMNS() {
    XCTAssertEqual(width(nil, ["COLUMNS": "120"], columns: 0), 120)
  }

  func testABadCOLUMNSFallsBackTo80() {
    XCTAssertEqual(width(nil, ["COLUMNS": "wide"]), 80)
  }

  func testOtherwise80() {
    XCTAssertEqual(width(), 80)
  }

  // MARK: Options

  func testTheOptionsParseAndRejectAZeroWidth() throws {
    let options = try TerminalOptions.parse(["--color", "always", "--width", "40", "--ascii"])
    XCTAssertEqual(options.color, .always)
    XCTAssertEqual(options.width, 40)
    XCTAssertTrue(options.ascii)
    XCTAssertThrowsError(try TerminalOptions.parse(["--width", "0"]))
    XCTAssertThrowsError(try TerminalOptions.parse(["--color", "sometimes"]))
  }

  func testShowTargetsParseAndNameTheBadItem() throws {
    XCTAssertEqual(try TrainCommand.plots("wtw, norms,phase"), ["wtw", "norms", "phase"])
    XCTAssertEqual(try TrainCommand.plots("Geometry,loss"), ["geometry", "loss"])
    XCTAssertThrowsError(try TrainCommand.plots("wtw,pie chart")) { error in
      XCTAssertTrue("\(error)".contains("'pie chart' is not the name of a plot"), "\(error)")
    }
    XCTAssertThrowsError(try TrainCommand.plots(" , "))
  }

  /// `--theme`: as asked, or under auto the background COLORFGBG names; nothing when it says nothing.
  func testThemeFromTheChoiceOrCOLORFGBG() {
    XCTAssertEqual(TerminalPolicy.theme(.dark, environment: ["COLORFGBG": "0;15"]), .dark)
    XCTAssertEqual(TerminalPolicy.theme(.light, environment: [:]), .light)
    XCTAssertEqual(TerminalPolicy.theme(.auto, environment: ["COLORFGBG": "15;0"]), .dark)
    XCTAssertEqual(TerminalPolicy.theme(.auto, environment: ["COLORFGBG": "0;default;15"]), .light)
    XCTAssertEqual(TerminalPolicy.theme(.auto, environment: ["COLORFGBG": "0;7"]), .light)
    XCTAssertEqual(TerminalPolicy.theme(.auto, environment: ["COLORFGBG": "7;8"]), .dark)
    XCTAssertNil(TerminalPolicy.theme(.auto, environment: [:]))
    XCTAssertNil(TerminalPolicy.theme(.auto, environment: ["COLORFGBG": "default;default"]))
    XCTAssertEqual(TerminalPolicy.theme(.projector, environment: ["COLORFGBG": "15;0"]), .projector)
  }

  /// SVGs follow a theme given by name; under auto they stay on a white page, whatever the
  /// terminal's background (a figure goes on a slide or a page).
  func testSVGsFollowANamedThemeAndAutoIsAWhitePage() {
    XCTAssertEqual(TerminalPolicy.svgStyle(.auto), SVGStyle(theme: .light))
    XCTAssertEqual(TerminalPolicy.svgStyle(.dark).background, RGB(30, 30, 30))
    XCTAssertEqual(TerminalPolicy.svgStyle(.projector).textScale, 1.5)
  }
}
