import Foundation
import Synchronization

#if canImport(Glibc)
  import Glibc
#endif

/// Writes files the way toy saves everything (models, exports, saved cells): to a new file
/// beside the target, flushed, then renamed over it, so the target is always either the old
/// file or the whole new one, and a failure never leaves half a file.
///
/// The target is looked at first, as careful tools do: anything but a regular file (a
/// device, a FIFO, a directory, a socket) is refused rather than replaced; a symlink is
/// written through, so the file it names is replaced in its own directory and the link
/// stays; an existing file keeps its permission bits (and its owner where allowed); a new
/// file gets the mode the umask gives.
public enum FileWriter {
  /// Why a file could not be written. `reason` renders each case, in one place.
  public enum Failure: Error, Equatable {
    case noDirectory(String)
    /// The target exists and is `kind` ("a FIFO", "a device"), not a regular file.
    case notARegularFile(path: String, kind: String)
    case tooManySymlinks(String)
    case noTemporaryFile(directory: String)
    /// The system's words for a failed call ("no space left on device").
    case system(String)

    public var reason: String {
      switch self {
      case .noDirectory(let directory): "there is no directory \(directory)"
      case .notARegularFile(let path, let kind):
        "\(path) is \(kind), not a regular file; toy writes only regular files"
      case .tooManySymlinks(let path): "too many levels of symbolic links at \(path)"
      case .noTemporaryFile(let directory): "could not create a temporary file in \(directory)"
      case .system(let words): words
      }
    }
  }

  /// The path of the temporary file being written, as a C string, while `writing` is set: a
  /// SIGTERM or SIGHUP handler reads it, so it is a buffer allocated once, never freed.
  nonisolated(unsafe) private static let pendingPath = UnsafeMutablePointer<CChar>.allocate(
    capacity: Int(PATH_MAX) + 1)
  private static let writing = Atomic<Bool>(false)

  /// Removes the temporary file of a write in progress, if there is one. Safe in a signal
  /// handler (it calls only unlink): the executables call it on SIGTERM and SIGHUP before
  /// dying of the signal, as a failed write removes it.
  public static func removePendingTemporary() {
    if writing.load(ordering: .acquiring) { unlink(pendingPath) }
  }

  private static func announce(_ temporary: String) {
    let bytes = Array(temporary.utf8CString.prefix(Int(PATH_MAX)))
    pendingPath.update(from: bytes, count: bytes.count)
    pendingPath[bytes.count - 1] = 0
    writing.store(true, ordering: .releasing)
  }

  public static func replace(_ path: String, with text: String) throws(Failure) {
    try replace(path, with: Data(text.utf8))
  }

  /// `~/` at the start of `path` is the home directory, as in a shell (and as reading does).
  public static func replace(_ path: String, with data: Data) throws(Failure) {
    try replace(path) { (write) throws(Failure) in
      // `withUnsafeBytes` rethrows untyped errors, so the write's is carried out by hand.
      var failure: Failure?
      data.withUnsafeBytes { bytes in
        do throws(Failure) { try write(bytes) } catch { failure = error }
      }
      if let failure { throw failure }
    }
  }

  /// Writes what `produce` hands to its `write` function, in as many pieces as it likes, so
  /// a large file is streamed rather than held in memory. If `produce` throws, the temporary
  /// file is removed and the target stays as it was.
  public static func replace(
    _ path: String,
    producing produce: (_ write: (UnsafeRawBufferPointer) throws(Failure) -> Void) throws(Failure) -> Void
  ) throws(Failure) {
    let target = try resolve(NSString(string: path).expandingTildeInPath)
    let url = URL(fileURLWithPath: target.path)
    let directory = url.deletingLastPathComponent().path
    let (temporary, descriptor) = try createTemporary(
      beside: url, in: directory, private: target.existing != nil)
    announce(temporary)
    defer { writing.store(false, ordering: .releasing) }
    var failure: String?
    do {
      try produce { (bytes) throws(Failure) in
        if let reason = writeAll(bytes, to: descriptor) { throw .system(reason) }
      }
    } catch {
      failure = error.reason
    }
    let kept = failure ?? target.existing.flatMap { keepOwnerAndMode(of: $0, on: descriptor) }
    let synced = kept ?? (fsync(descriptor) == 0 ? nil : lastErrorText())
    let closed = close(descriptor) == 0 ? nil : lastErrorText()
    if let reason = synced ?? closed {
      unlink(temporary)
      throw .system(reason)
    }
    guard rename(temporary, target.path) == 0 else {
      let reason = lastErrorText()
      unlink(temporary)
      throw .system(reason)
    }
  }

  /// Writes every byte, retrying after a signal; the system's words for a failure.
  private static func writeAll(_ bytes: UnsafeRawBufferPointer, to descriptor: Int32) -> String? {
    guard let base = bytes.baseAddress else { return nil }
    var written = 0
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

  /// The file a write to `path` replaces: `path` itself, or the file its symlinks lead to
  /// (a relative link is read from the link's directory), with its status if it exists.
  private static func resolve(_ path: String) throws(Failure) -> (path: String, existing: stat?) {
    var current = path
    for _ in 0..<40 {
      var status = stat()
      guard lstat(current, &status) == 0 else {
        if errno == ENOENT || errno == ENOTDIR { return (current, nil) }
        throw .system(lastErrorText())
      }
      switch status.st_mode & S_IFMT {
      case S_IFREG: return (current, status)
      case S_IFLNK:
        var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
        let count = readlink(current, &buffer, buffer.count - 1)
        guard count >= 0 else { throw .system(lastErrorText()) }
        let link = String(decoding: buffer[..<count].map { UInt8(bitPattern: $0) }, as: UTF8.self)
        current =
          link.hasPrefix("/")
          ? link : URL(fileURLWithPath: current).deletingLastPathComponent().path + "/" + link
      case let kind: throw .notARegularFile(path: current, kind: describe(kind))
      }
    }
    throw .tooManySymlinks(path)
  }

  static func describe(_ kind: mode_t) -> String {
    switch kind {
    case S_IFDIR: "a directory"
    case S_IFCHR: "a character device"
    case S_IFBLK: "a block device"
    case S_IFIFO: "a FIFO"
    case S_IFSOCK: "a socket"
    default: "not a file"
    }
  }

  /// Gives the new file the old one's permission bits and, where the system allows (as
  /// root, or for a group the user is in), its owner and group.
  private static func keepOwnerAndMode(of old: stat, on descriptor: Int32) -> String? {
    _ = fchown(descriptor, old.st_uid, old.st_gid)
    return fchmod(descriptor, old.st_mode & 0o7777) == 0 ? nil : lastErrorText()
  }

  /// A new file `.NAME.PID.RANDOM.tmp` beside the target, created exclusively: readable by
  /// the user alone while it replaces an existing file (which lends it its mode at the
  /// end), else with the umask's mode. A missing directory is named as such rather than as
  /// a missing file.
  private static func createTemporary(
    beside url: URL, in directory: String, private: Bool
  ) throws(Failure) -> (String, Int32) {
    let name = url.lastPathComponent
    for _ in 0..<16 {
      let suffix = String(UInt32.random(in: 0...UInt32.max), radix: 16)
      let temporary = "\(directory)/.\(name).\(getpid()).\(suffix).tmp"
      let descriptor = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, `private` ? 0o600 : 0o666)
      if descriptor >= 0 { return (temporary, descriptor) }
      if errno == ENOENT { throw .noDirectory(directory) }
      if errno != EEXIST { throw .system(lastErrorText()) }
    }
    throw .noTemporaryFile(directory: directory)
  }

  private static func lastErrorText() -> String {
    String(cString: strerror(errno)).lowercased()
  }
}
