#if canImport(Glibc)
  import Glibc
#endif

/// Keeps the input being run where a signal handler can reach it, and on a crash (a trap,
/// a stack overflow, an abort) or a hang past the time limit writes it to the findings
/// directory before the process ends, so that every finding can be replayed.
///
/// The handler runs on its own stack (a stack overflow leaves none) and calls only
/// async-signal-safe functions: open, write, close, signal, raise, _exit.
enum CrashGuard {
  nonisolated(unsafe) private static var input: UnsafeMutablePointer<UInt8>?
  nonisolated(unsafe) private static var inputCount = 0
  nonisolated(unsafe) private static var capacity = 0
  /// The path each kind of finding is written to, as C strings made before any crash.
  nonisolated(unsafe) private static var crashPath: UnsafeMutablePointer<CChar>?
  nonisolated(unsafe) private static var timeoutPath: UnsafeMutablePointer<CChar>?

  static let signals: [Int32] = [SIGSEGV, SIGBUS, SIGILL, SIGTRAP, SIGABRT, SIGFPE]

  /// Installs the handlers; findings go to `directory/TARGET-crash` and `-timeout`
  /// (suffixed by the process id so that parallel runs do not overwrite each other).
  static func install(directory: String, target: String) {
    crashPath = strdup("\(directory)/\(target)-crash-\(getpid())")
    timeoutPath = strdup("\(directory)/\(target)-timeout-\(getpid())")
    let size = 1 << 20
    var stack = stack_t()
    stack.ss_sp = UnsafeMutableRawPointer.allocate(byteCount: size, alignment: 16)
    stack.ss_size = size
    sigaltstack(&stack, nil)
    for signal in signals + [SIGALRM] {
      var action = sigaction()
      action.__sigaction_handler.sa_handler = handle
      action.sa_flags = SA_ONSTACK
      sigaction(signal, &action, nil)
    }
  }

  /// Records `bytes` as the input now running and arms the time limit.
  static func begin(_ bytes: [UInt8], seconds: UInt32) {
    if bytes.count > capacity {
      input?.deallocate()
      capacity = max(bytes.count, 2 * capacity)
      input = .allocate(capacity: capacity)
    }
    bytes.withUnsafeBufferPointer { input?.update(from: $0.baseAddress!, count: bytes.count) }
    inputCount = bytes.count
    alarm(seconds)
  }

  static func end() { alarm(0) }

  private static let handle: @convention(c) (Int32) -> Void = { signal in
    let path = signal == SIGALRM ? CrashGuard.timeoutPath : CrashGuard.crashPath
    if let path {
      let file = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
      if file >= 0, let input = CrashGuard.input { _ = write(file, input, CrashGuard.inputCount) }
      if file >= 0 { close(file) }
      let words: StaticString = "\ntoy-fuzz: FINDING: the input is in "
      _ = write(STDERR_FILENO, words.utf8Start, words.utf8CodeUnitCount)
      _ = write(STDERR_FILENO, path, strlen(path))
      _ = write(STDERR_FILENO, "\n", 1)
    }
    if signal == SIGALRM { _exit(3) }
    // Ends the process as the signal would have, with its status.
    Glibc.signal(signal, SIG_DFL)
    raise(signal)
  }
}
