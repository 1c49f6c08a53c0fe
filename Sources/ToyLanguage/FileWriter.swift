import Foundation

#if canImport(Glibc)
  import Glibc
#endif

/// Writes files the way toy saves everything (models, exports, saved cells): to a new file
/// beside the target, flushed, then renamed over it, so the target is always either the old
/// file or the whole new one, and a failure never leaves half a file.
public enum FileWriter {
  /// Why a file could not be written, in the system's words ("no such file or directory").
  public struct Failure: Error, Equatable {
    public let reason: String
  }

  public static func replace(_ path: String, with text: String) throws(Failure) {
    try replace(path, with: Data(text.utf8))
  }

  /// `~/` at the start of `path` is the home directory, as in a shell (and as reading does).
  public static func replace(_ path: String, with data: Data) throws(Failure) {
    let path = NSString(string: path).expandingTildeInPath
    let url = URL(fileURLWithPath: path)
    let directory = url.deletingLastPathComponent().path
    let (temporary, descriptor) = try createTemporary(beside: url, in: directory)
    var written = 0
    let failure: String? = data.withUnsafeBytes { bytes in
      guard let base = bytes.baseAddress else { return nil }
      while written < bytes.count {
        let result = write(descriptor, base + written, bytes.count - written)
        if result < 0 {
          if errno == EINTR { continue }
          return lastErrorText()
        }
        written += result
      }
      return nil
    }
    let synced = failure ?? (fsync(descriptor) == 0 ? nil : lastErrorText())
    let closed = close(descriptor) == 0 ? nil : lastErrorText()
    if let reason = synced ?? closed {
      unlink(temporary)
      throw Failure(reason: reason)
    }
    guard rename(temporary, path) == 0 else {
      let reason = lastErrorText()
      unlink(temporary)
      throw Failure(reason: reason)
    }
  }

  /// A new file `.NAME.PID.RANDOM.tmp` beside the target, created exclusively. A missing
  /// directory is named as such rather than as a missing file.
  private static func createTemporary(beside url: URL, in directory: String) throws(Failure) -> (String, Int32) {
    let name = url.lastPathComponent
    for _ in 0..<16 {
      let suffix = String(UInt32.random(in: 0...UInt32.max), radix: 16)
      let temporary = "\(directory)/.\(name).\(getpid()).\(suffix).tmp"
      let descriptor = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o666)
      if descriptor >= 0 { return (temporary, descriptor) }
      if errno == ENOENT { throw Failure(reason: "there is no directory \(directory)") }
      if errno != EEXIST { throw Failure(reason: lastErrorText()) }
    }
    throw Failure(reason: "could not create a temporary file in \(directory)")
  }

  private static func lastErrorText() -> String {
    String(cString: strerror(errno)).lowercased()
  }
}
