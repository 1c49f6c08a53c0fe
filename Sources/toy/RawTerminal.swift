import Foundation

#if canImport(Glibc)
  import Glibc
#endif

/// The terminal in raw mode on the alternate screen, cursor hidden, until `restore`.
final class RawTerminal {
  private var saved = termios()
  private var restored = false

  init?() {
    guard isatty(STDIN_FILENO) != 0, isatty(STDOUT_FILENO) != 0, tcgetattr(STDIN_FILENO, &saved) == 0 else {
      return nil
    }
    var raw = saved
    // No echo, no line editing, no signals: Ctrl-C arrives as a key and quits.
    raw.c_lflag &= ~tcflag_t(ECHO | ICANON | ISIG | IEXTEN)
    raw.c_iflag &= ~tcflag_t(IXON | ICRNL)
    tcsetattr(STDIN_FILENO, TCSANOW, &raw)
    // Killed or hung up while exploring: put the terminal back before dying.
    rawTerminalSaved = saved
    for signal in [SIGTERM, SIGHUP] {
      Glibc.signal(signal) { number in
        var saved = rawTerminalSaved
        tcsetattr(STDIN_FILENO, TCSANOW, &saved)
        let leave: [UInt8] = Array("\u{1B}[0m\u{1B}[?25h\u{1B}[?1049l".utf8)
        _ = leave.withUnsafeBufferPointer { write(STDOUT_FILENO, $0.baseAddress, $0.count) }
        Termination.handler(number)
      }
    }
    writeOut("\u{1B}[?1049h\u{1B}[?25l\u{1B}[H\u{1B}[2J")
  }

  func restore() {
    guard !restored else { return }
    restored = true
    writeOut("\u{1B}[0m\u{1B}[?25h\u{1B}[?1049l")
    tcsetattr(STDIN_FILENO, TCSANOW, &saved)
    Termination.install()
  }

  deinit { restore() }

  var size: (columns: Int, rows: Int) {
    var size = winsize()
    guard ioctl(STDOUT_FILENO, UInt(TIOCGWINSZ), &size) == 0, size.ws_col > 0, size.ws_row > 0 else { return (80, 24) }
    return (Int(size.ws_col), Int(size.ws_row))
  }

  /// A whole frame from the top left, each line cleared to its end.
  func draw(_ frame: String) {
    var out = "\u{1B}[H"
    for line in frame.split(separator: "\n", omittingEmptySubsequences: false) { out += line + "\u{1B}[0m\u{1B}[K\r\n" }
    out.removeLast(2)
    writeOut(out + "\u{1B}[J")
  }

  /// The next key, waiting up to `timeout` milliseconds.
  func key(timeout: Int32) -> ExplorerState.Key? {
    guard let byte = read(timeout: timeout) else { return nil }
    switch byte {
    case 3: return .interrupt
    case 27:
      guard read(timeout: 20) == UInt8(ascii: "[") else { return .escape }
      switch read(timeout: 20) {
      case UInt8(ascii: "A"): return .up
      case UInt8(ascii: "B"): return .down
      case UInt8(ascii: "C"): return .right
      case UInt8(ascii: "D"): return .left
      default: return nil
      }
    default:
      return .char(Character(UnicodeScalar(byte)))
    }
  }

  private func read(timeout: Int32) -> UInt8? {
    var descriptor = pollfd(fd: STDIN_FILENO, events: Int16(POLLIN), revents: 0)
    guard poll(&descriptor, 1, timeout) > 0 else { return nil }
    var byte: UInt8 = 0
    return Glibc.read(STDIN_FILENO, &byte, 1) == 1 ? byte : nil
  }
}

/// The terminal settings to restore from a signal handler (which cannot capture).
nonisolated(unsafe) private var rawTerminalSaved = termios()
