import Glibc
import ToyCore
import ToyLanguage

/// Ctrl-C handling for long computations: the first SIGINT asks training to stop at the
/// next step (the model is kept); a second one, if training does not stop, ends the program.
enum Interrupt {
  /// Ends the program at once (a second Ctrl-C), showing the cursor first in case a live
  /// view hid it: write(2) and _exit are safe in a signal handler.
  static func exitNow() -> Never {
    let show: [UInt8] = Array("\u{1B}[?25h".utf8)
    _ = show.withUnsafeBufferPointer { write(STDOUT_FILENO, $0.baseAddress, $0.count) }
    _exit(130)
  }

  /// The flag the trainer polls. A global so the C signal handler can reach it.
  static let cancellation = Cancellation()

  /// Runs `body` with SIGINT cancelling training instead of killing the process.
  static func whileTraining<T, E: Error>(_ body: () throws(E) -> T) throws(E) -> T {
    cancellation.reset()
    let previous = signal(SIGINT) { _ in
      if Interrupt.cancellation.isCancelled { Interrupt.exitNow() }
      Interrupt.cancellation.cancel()
    }
    defer { signal(SIGINT, previous) }
    return try body()
  }

  /// The session whose training SIGINT stops. A global so the C signal handler can reach it.
  nonisolated(unsafe) static var session: Session?

  /// Runs `body` with SIGINT stopping `session`'s training at the next step; a second
  /// Ctrl-C before it stops ends the program with status 130.
  static func whileRunning<T>(_ session: Session, _ body: () -> T) -> T {
    Self.session = session
    session.cancellation.reset()
    let previous = signal(SIGINT) { _ in
      guard let session = Interrupt.session else { Interrupt.exitNow() }
      if session.cancellation.isCancelled { Interrupt.exitNow() }
      session.cancellation.cancel()
    }
    defer {
      signal(SIGINT, previous)
      Self.session = nil
    }
    return body()
  }
}
