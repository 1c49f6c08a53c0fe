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
  nonisolated(unsafe) private static var drawnSize: (columns: Int, rows: Int)?
  /// Frames still to draw from the top of a cleared screen after a resize.
  nonisolated(unsafe) private static var redrawsFromTop = 0
  nonisolated(unsafe) static var active = false

  static func draw(_ frame: String) {
    var out = active ? "" : "\u{1B}[?25l"
    let size = TerminalPolicy.terminalSize()
    if lines > 0, let drawnSize, let size, drawnSize != size {
      // Resized: the terminal may have rewrapped the last frame, so counting its lines back
      // up no longer finds its top. Start again from the top of the screen, for this frame
      // and the next: this one may have been drawn for the old size and wrap too.
      redrawsFromTop = 2
    }
    if redrawsFromTop > 0 {
      out += "\u{1B}[H\u{1B}[2J"
      redrawsFromTop -= 1
    } else if lines > 0 {
      out += "\u{1B}[\(lines)F"
    }
    drawnSize = size
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
    drawnSize = nil
    redrawsFromTop = 0
    active = false
  }

  /// Sets a session up to draw live frames when standard output is a terminal, each at
  /// the terminal's size at the time (`fixedWidth`: a width asked for, `--width` or
  /// `%config width=`, which wins over it).
  static func attach(
    to session: Session, fixedWidth: @escaping () -> Int? = { nil }, render: @escaping (Display) -> String
  ) {
    guard let size = TerminalPolicy.terminalSize() else { return }
    session.liveHeight = max(4, size.rows - 2)
    session.liveSize = {
      guard let size = TerminalPolicy.terminalSize() else { return nil }
      return (fixedWidth() ?? size.columns, max(4, size.rows - 2))
    }
    session.onLiveFrame = { display in
      ProgressBar.clear()
      draw(render(display))
    }
  }
}
