import Foundation
import ToyCore

#if canImport(Glibc)
  import Glibc
#endif

/// A one-line progress bar with loss and ETA on standard error, for terminals only. The
/// line fits the terminal's width as it is at each redraw (a wrapped line cannot be
/// redrawn in place: each update would leave a stale copy above), and when training ends it
/// gives way to one summary line that stays.
enum ProgressBar {
  nonisolated(unsafe) private static var shown = false
  nonisolated(unsafe) private static var lastDrawn = -1.0
  /// The bar's cells when the terminal has room.
  static let barWidth = 24

  static func report(_ progress: TrainingProgress, _ elapsed: Double) {
    guard !LiveView.active else { return }  // the live frame's header shows the progress
    let columns = TerminalPolicy.terminalSize()?.columns ?? TerminalPolicy.defaultWidth
    if progress.step == progress.totalSteps {
      writeError("\r\u{1B}[K" + String(summary(progress, elapsed).prefix(max(1, columns - 1))) + "\n")
      shown = false
      lastDrawn = -1
      return
    }
    // At most ten redraws a second.
    guard elapsed - lastDrawn >= 0.1 || elapsed < lastDrawn else { return }
    lastDrawn = elapsed
    writeError("\r" + line(progress, elapsed, columns: columns) + "\u{1B}[K")
    shown = true
  }

  /// The bar, steps, loss and ETA in fewer than `columns` characters (the last column is
  /// left free: writing there makes some terminals wrap): the bar shrinks, then goes.
  static func line(_ progress: TrainingProgress, _ elapsed: Double, columns: Int) -> String {
    let fraction = Double(progress.step) / Double(max(1, progress.totalSteps))
    let eta = fraction > 0 ? elapsed * (1 - fraction) / fraction : 0
    let text = "\(progress.step)/\(progress.totalSteps)  loss \(significant(loss(progress)))  ETA \(fixed(eta, 1)) s"
    let room = columns - 1 - text.count - 1
    guard room >= 5 else { return String(text.prefix(max(1, columns - 1))) }
    let width = min(barWidth, room)
    let filled = Int((fraction * Double(width)).rounded(.down))
    return String(repeating: "█", count: filled) + String(repeating: "·", count: width - filled) + " " + text
  }

  /// What stays when training ends: `trained 10000 steps in 3.2 s, loss 0.01234`.
  static func summary(_ progress: TrainingProgress, _ elapsed: Double) -> String {
    "trained \(progress.totalSteps) steps in \(fixed(elapsed, 1)) s, loss \(significant(loss(progress)))"
  }

  /// The loss summed over instances, as training minimises it.
  private static func loss(_ progress: TrainingProgress) -> Double {
    progress.losses.reduce(0.0) { $0 + Double($1) }
  }

  /// Erases the bar before other output.
  static func clear() {
    guard shown else { return }
    writeError("\r\u{1B}[K")
    shown = false
    lastDrawn = -1
  }
}

/// Keys typed while a cell runs: not echoed (they would land in the progress line or a
/// live frame) but left in the terminal's input queue, so the next prompt reads them.
enum TypeAhead {
  static func held<T>(_ body: () -> T) -> T {
    var saved = termios()
    guard isatty(STDIN_FILENO) != 0, tcgetattr(STDIN_FILENO, &saved) == 0 else { return body() }
    var quiet = saved
    quiet.c_lflag &= ~tcflag_t(ECHO)
    // TCSANOW, not TCSAFLUSH: a flush would throw away what was typed ahead.
    tcsetattr(STDIN_FILENO, TCSANOW, &quiet)
    defer { tcsetattr(STDIN_FILENO, TCSANOW, &saved) }
    return body()
  }
}
