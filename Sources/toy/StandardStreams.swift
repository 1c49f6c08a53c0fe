import Foundation

#if canImport(Glibc)
  import Glibc
#endif

/// Standard output and standard error, written as coreutils write them: every byte or a
/// clean exit. A closed pipe (EPIPE, when SIGPIPE is ignored) ends the program quietly
/// with the status SIGPIPE would have given; any other failure (a full disk, a closed
/// descriptor) ends it with one line on standard error and status 1. Before this,
/// Foundation's `FileHandle.write` trapped on a failed write and left a crash dump.
enum StandardStream {
  case output, error

  var descriptor: Int32 { self == .output ? STDOUT_FILENO : STDERR_FILENO }

  /// The status of a program that SIGPIPE ended (128 + 13), which a shell reports.
  static let closedPipeStatus: Int32 = 141

  /// Why writing failed, rendered in one place.
  enum Failure {
    case failed(StandardStream, reason: String)

    var message: String {
      switch self {
      case .failed(let stream, let reason):
        "toy: cannot write to standard \(stream == .output ? "output" : "error"): \(reason)\n"
      }
    }
  }

  /// Writes all of `text`, or exits.
  func write(_ text: String) {
    var bytes = Array(text.utf8)
    var written = 0
    while written < bytes.count {
      let result = bytes.withUnsafeMutableBytes {
        Glibc.write(descriptor, $0.baseAddress! + written, $0.count - written)
      }
      if result >= 0 {
        written += result
        continue
      }
      if errno == EINTR { continue }
      if errno == EPIPE { exit(Self.closedPipeStatus) }
      let failure = Failure.failed(self, reason: String(cString: strerror(errno)).lowercased())
      // Standard error may be what failed: then there is no one to tell, only the status.
      if self == .output { Self.error.writeOrIgnore(failure.message) }
      exit(1)
    }
  }

  /// Writes what it can and ignores failure: for the last words of a failing program.
  private func writeOrIgnore(_ text: String) {
    var bytes = Array(text.utf8)
    _ = bytes.withUnsafeMutableBytes { Glibc.write(descriptor, $0.baseAddress!, $0.count) }
  }
}

/// Writes to standard output (see `StandardStream`).
func writeOut(_ text: String) {
  StandardStream.output.write(text)
}

/// Writes a line to standard output: the executable's `print`, with failures handled.
func writeLine(_ text: String) {
  StandardStream.output.write(text + "\n")
}

func writeError(_ text: String) {
  StandardStream.error.write(text)
}
