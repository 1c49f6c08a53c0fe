import Glibc
import ToyCore

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
}
