import Glibc
import ToyLanguage

/// SIGTERM and SIGHUP end toy as they would by default (the status a shell reports as
/// 128 + the signal), but first remove the temporary file of a save in progress, as a
/// failed save does.
enum Termination {
  static let signals = [SIGTERM, SIGHUP]

  static func install() {
    for number in signals { signal(number, handler) }
  }

  /// The handler: async-signal-safe calls only (unlink, signal, raise).
  static let handler: @convention(c) (Int32) -> Void = { number in
    FileWriter.removePendingTemporary()
    signal(number, SIG_DFL)
    raise(number)
  }
}
