import Foundation
import ToyLanguage

#if canImport(Glibc)
  import Glibc
#endif

/// Draws `train … live` frames in place on the terminal: each frame overwrites the previous
/// one (cursor up, lines rewritten, the rest cleared) in one write, with the cursor hidden;
/// `clear` erases the last frame and shows the cursor again (before other output, and after
/// every run, whether it finished, failed or was interrupted).
enum LiveView {
  nonisolated(unsafe) private static var lines = 0
  nonisolated(unsafe) static var active = false

  static func draw(_ frame: String) {
    var out = active ? "" : "\u{1B}[?25l"
    if lines > 0 { out += "\u{1B}[\(lines)F" }
    let frameLines = frame.split(separator: "\n", omittingEmptySubsequences: false)
    for line in frameLines { out += line + "\u{1B}[K\n" }
    out += "\u{1B}[J"
    writeOut(out)
    lines = frameLines.count
    active = true
  }

  static func clear() {
    guard active else { return }
    writeOut((lines > 0 ? "\u{1B}[\(lines)F\u{1B}[J" : "") + "\u{1B}[?25h")
    lines = 0
    active = false
  }

  /// Rows of the terminal on standard output (nil when it is not one).
  static var terminalRows: Int? {
    var size = winsize()
    guard isatty(STDOUT_FILENO) != 0, ioctl(STDOUT_FILENO, UInt(TIOCGWINSZ), &size) == 0, size.ws_row > 0 else {
      return nil
    }
    return Int(size.ws_row)
  }

  /// Sets a session up to draw live frames when standard output is a terminal.
  static func attach(to session: Session, render: @escaping (Display) -> String) {
    guard let rows = terminalRows else { return }
    session.liveHeight = max(4, rows - 2)
    session.onLiveFrame = { display in
      ProgressBar.clear()
      draw(render(display))
    }
  }
}
