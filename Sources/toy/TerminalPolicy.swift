import ArgumentParser
import Foundation
import ToyPlot

#if canImport(Glibc)
  import Glibc
#endif

/// `--color`: whether plots on standard output carry ANSI colour.
enum ColorChoice: String, CaseIterable, ExpressibleByArgument {
  case auto, always, never
}

/// `--theme`: the background colours are drawn on (auto: the terminal's, from COLORFGBG;
/// projector: white at high contrast, with larger SVG text).
enum ThemeChoice: String, CaseIterable, ExpressibleByArgument {
  case auto, dark, light, projector
}

/// How this run draws plots on standard output: the colour depth (`none` for no colour) and
/// the width. Decided once, here, and passed to the plotting module, which never looks at
/// the terminal or the environment itself.
struct TerminalPolicy: Equatable {
  var depth: ColorDepth
  var width: Int
  /// The background marks must read on (nil: unknown, the palettes as they are).
  var theme: Theme? = nil

  /// The width when nothing else says.
  static let defaultWidth = 80

  /// The policy as a function of its inputs only, so every rule can be tested.
  ///
  /// Colour: `--color always|never` wins. Under `auto`, `NO_COLOR` (non-empty) means none;
  /// else `FORCE_COLOR` or `CLICOLOR_FORCE` (non-empty, not "0") means colour; else colour
  /// only on a terminal whose `TERM` is set and not `dumb`. The depth comes from `COLORTERM`
  /// (truecolor or 24bit), else from a `TERM` naming 256color, else 16 colours.
  /// Width: `--width`, else the terminal's columns, else `COLUMNS`, else 80.
  static func decide(
    color: ColorChoice, width: Int?, environment: [String: String], isTerminal: Bool, terminalColumns: Int?
  ) -> TerminalPolicy {
    TerminalPolicy(
      depth: wantsColor(color, environment: environment, isTerminal: isTerminal) ? depth(environment) : .none,
      width: Self.width(width, environment: environment, terminalColumns: terminalColumns))
  }

  static func wantsColor(_ color: ColorChoice, environment: [String: String], isTerminal: Bool) -> Bool {
    switch color {
    case .always: return true
    case .never: return false
    case .auto:
      if let noColor = environment["NO_COLOR"], !noColor.isEmpty { return false }
      for name in ["FORCE_COLOR", "CLICOLOR_FORCE"] {
        if let value = environment[name], !value.isEmpty, value != "0" { return true }
      }
      guard isTerminal, let term = environment["TERM"], !term.isEmpty else { return false }
      return term != "dumb"
    }
  }

  static func depth(_ environment: [String: String]) -> ColorDepth {
    let colorTerm = environment["COLORTERM"]?.lowercased() ?? ""
    if colorTerm == "truecolor" || colorTerm == "24bit" { return .truecolor }
    if environment["TERM"]?.contains("256color") == true { return .ansi256 }
    return .ansi16
  }

  static func width(_ explicit: Int?, environment: [String: String], terminalColumns: Int?) -> Int {
    if let explicit, explicit > 0 { return explicit }
    if let terminalColumns, terminalColumns > 0 { return terminalColumns }
    if let columns = environment["COLUMNS"].flatMap({ Int($0) }), columns > 0 { return columns }
    return defaultWidth
  }

  /// The theme: `dark` or `light` as asked; under `auto`, the background COLORFGBG names
  /// ("15;0": white on black), as rxvt, Konsole and others set it: colours 0–6 and 8 are
  /// dark, 7 and 9–15 light; when it is unset or says nothing, what `terminal` answers (the
  /// terminal asked with OSC 11); nil when that says nothing either.
  static func theme(
    _ choice: ThemeChoice, environment: [String: String], terminal: () -> Theme? = { nil }
  ) -> Theme? {
    switch choice {
    case .dark: return .dark
    case .light: return .light
    case .projector: return .projector
    case .auto:
      guard let value = environment["COLORFGBG"],
        let background = value.split(separator: ";").last.flatMap({ Int($0) }), (0...15).contains(background)
      else { return terminal() }
      return background == 7 || background >= 9 ? .light : .dark
    }
  }

  /// How SVGs are drawn under a theme choice: in the theme asked for; under `auto` on a
  /// white page, whatever the terminal's background (a figure goes on a slide or a page).
  static func svgStyle(_ choice: ThemeChoice) -> SVGStyle {
    switch choice {
    case .auto: .standard
    case .dark: SVGStyle(theme: .dark)
    case .light: SVGStyle(theme: .light)
    case .projector: SVGStyle(theme: .projector)
    }
  }

  /// The theme for this process: the environment's, else the terminal's answer to OSC 11.
  static func currentTheme(_ choice: ThemeChoice) -> Theme? {
    theme(choice, environment: ProcessInfo.processInfo.environment) { TerminalBackground.asked }
  }

  /// The variables the policy reads.
  static let variables = ["NO_COLOR", "FORCE_COLOR", "CLICOLOR_FORCE", "TERM", "COLORTERM", "COLUMNS", "COLORFGBG"]

  /// The policy for this process's standard output and environment.
  static func current(color: ColorChoice, width: Int?, theme: ThemeChoice = .auto) -> TerminalPolicy {
    var environment: [String: String] = [:]
    for name in variables {
      if let value = getenv(name) { environment[name] = String(cString: value) }
    }
    let isTerminal = isatty(STDOUT_FILENO) != 0
    var policy = decide(
      color: color, width: width, environment: environment, isTerminal: isTerminal,
      terminalColumns: terminalSize()?.columns)
    policy.theme = Self.theme(theme, environment: environment) { TerminalBackground.asked }
    return policy
  }

  /// The size of the terminal on standard output now (nil when it is not one). Asked again
  /// for every display and frame rather than kept: a terminal is resized (a font zoomed
  /// for a projector) while toy runs.
  static func terminalSize() -> (columns: Int, rows: Int)? {
    var size = winsize()
    guard isatty(STDOUT_FILENO) != 0, ioctl(STDOUT_FILENO, UInt(TIOCGWINSZ), &size) == 0, size.ws_col > 0,
      size.ws_row > 0
    else { return nil }
    return (Int(size.ws_col), Int(size.ws_row))
  }
}

/// The options of commands that draw plots in the terminal.
struct TerminalOptions: ParsableArguments {
  @Option(
    help: ArgumentHelp(
      "Colour: auto, always or never. Under auto, NO_COLOR turns colour off, FORCE_COLOR or CLICOLOR_FORCE turns it on, else colour on a terminal whose TERM is not dumb.",
      valueName: "when"))
  var color: ColorChoice = .auto

  @Option(help: "Columns for plots (default: the terminal's width, else $COLUMNS, else 80).")
  var width: Int?

  @Flag(help: "Draw with 7-bit ASCII only.")
  var ascii = false

  @Option(
    help: ArgumentHelp(
      "Background: dark, light, projector or auto (COLORFGBG, else the terminal's answer to OSC 11). Colours are clipped to those that keep a 3:1 contrast on it (4.5:1 for projector, whose SVGs also have larger text and thicker lines). SVGs are drawn on white unless a theme is given.",
      valueName: "theme"))
  var theme: ThemeChoice = .auto

  func validate() throws {
    if let width, width < 1 { throw ValidationError("--width must be at least 1, got \(width)") }
  }

  /// The policy for this run's standard output.
  var policy: TerminalPolicy { .current(color: color, width: width, theme: theme) }
}
