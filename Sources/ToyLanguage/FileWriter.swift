import Foundation

/// Writes files the way toy saves everything: to a temporary file beside the target, then
/// renamed over it, so a failure never leaves half a file.
enum FileWriter {
  static func replace(_ path: String, with text: String) throws {
    let url = URL(fileURLWithPath: path)
    try Data(text.utf8).write(to: url, options: .atomic)
  }
}
