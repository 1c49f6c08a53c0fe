import Glibc
import ToyCore
import ToyLanguage

/// Ctrl-C handling for long computations: the first SIGINT asks training to stop at the
/// next step (the model is kept); a second one, if training does not stop, ends the program.
enum Interrupt {
  /// The flag the trainer polls. A global so the C signal handler can reach it.
  static let cancellation = Cancellation()

  /// Runs `body` with SIGINT cancelling training instead of killing the process.
  static func whileTraining<T, E: Error>(_ body: () throws(E) -> T) throws(E) -> T {
    cancellation.reset()
    let previous = signal(SIGINT) { _ in
      if Interrupt.cancellation.isCancelled { _exit(130) }
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
      guard let session = Interrupt.session else { _exit(130) }
      if session.cancellation.isCancelled { _exit(130) }
      session.cancellation.cancel()
    }
    defer {
      signal(SIGINT, previous)
      Self.session = nil
    }
    return body()
  }
}
