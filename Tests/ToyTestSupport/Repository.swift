import Foundation

/// The repository the tests run in: its files (docs, examples, grammar) are what they check.
public enum Repository {
  /// The repository's root, two folders above this file.
  public static let root = URL(fileURLWithPath: "\(#filePath)").deletingLastPathComponent()
    .deletingLastPathComponent().deletingLastPathComponent()

  /// A file or folder of the repository, e.g. `url("docs/guide.md")`.
  public static func url(_ path: String) -> URL { root.appendingPathComponent(path) }

  /// A file's path from the root (`examples/golden/01-intro.txt`), or its whole path when it
  /// lies elsewhere: short enough for a failure message, exact enough to open.
  public static func path(of url: URL) -> String {
    let prefix = root.standardizedFileURL.path + "/"
    let path = url.standardizedFileURL.path
    return path.hasPrefix(prefix) ? String(path.dropFirst(prefix.count)) : path
  }

  /// The text of a repository file.
  public static func text(_ path: String) throws -> String { try String(contentsOf: url(path), encoding: .utf8) }
}
