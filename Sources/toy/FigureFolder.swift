import Foundation
import ToyLanguage

/// `toy run FILE --figures DIR`: every figure of a script written to DIR as SVG, and as PNG
/// where `rsvg-convert` is on PATH, for slides and handouts.
///
/// Files are numbered in the order the script draws them and named after the statement
/// (`03-show-wtw.svg` for the third figure, drawn by `show wtw`), so the same script always
/// gives the same names and a slide can link to them.
final class FigureFolder {
  let directory: String
  /// The PNG converter, when one is on PATH.
  let converter: String?
  private(set) var count = 0
  /// Files written, in order (SVGs and PNGs).
  private(set) var written: [String] = []

  /// Creates DIR (and its parents) if needed; a clear error when it cannot.
  init(directory: String, environment: [String: String] = ProcessInfo.processInfo.environment) throws {
    var isDirectory: ObjCBool = false
    if FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory) {
      guard isDirectory.boolValue else {
        throw CommandFailure("--figures \(directory): a file, not a directory")
      }
    } else {
      do {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
      } catch {
        throw CommandFailure("--figures \(directory): cannot create the directory (\(Self.reason(error)))")
      }
    }
    self.directory = directory
    converter = Self.onPath("rsvg-convert", environment: environment)
  }

  /// The file name (without extension) of figure number `number` drawn by `statement`:
  /// two digits (more past 99), then the statement's words in lower case joined by
  /// hyphens, at most 48 characters.
  static func name(number: Int, statement: String) -> String {
    var slug = ""
    for ch in statement.lowercased() {
      if ch.isASCII && (ch.isLetter || ch.isNumber) {
        slug.append(ch)
      } else if !slug.isEmpty && slug.last != "-" {
        slug.append("-")
      }
      if slug.count >= 48 { break }
    }
    while slug.hasSuffix("-") { slug.removeLast() }
    let digits = String(number)
    return String(repeating: "0", count: max(0, 2 - digits.count)) + digits + (slug.isEmpty ? "" : "-" + slug)
  }

  /// Writes the display's SVG (and its PNG) when it has one; nothing for text and tables.
  /// Returns an error message when a file cannot be written.
  func write(_ display: Display, statement: String) -> String? {
    guard let svg = display.svg else { return nil }
    count += 1
    let base = (directory as NSString).appendingPathComponent(Self.name(number: count, statement: statement))
    do {
      try FileWriter.replace(base + ".svg", with: svg)
    } catch {
      return "--figures: \(base).svg: cannot write: \(error.reason)"
    }
    written.append(base + ".svg")
    if let converter {
      if let failure = Self.run(converter, ["-o", base + ".png", base + ".svg"]) {
        return "--figures: \(base).png not written: \(failure)"
      }
      written.append(base + ".png")
    }
    return nil
  }

  /// The executable `name` in a directory of PATH, or nil.
  static func onPath(_ name: String, environment: [String: String]) -> String? {
    for directory in (environment["PATH"] ?? "").split(separator: ":") {
      let path = String(directory) + "/" + name
      if FileManager.default.isExecutableFile(atPath: path) { return path }
    }
    return nil
  }

  /// Runs a program to its end; nil on success, else what went wrong.
  private static func run(_ executable: String, _ arguments: [String]) -> String? {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: executable)
    process.arguments = arguments
    process.standardOutput = FileHandle.nullDevice
    process.standardError = FileHandle.nullDevice
    do {
      try process.run()
    } catch {
      return "\(executable) did not start (\(reason(error)))"
    }
    process.waitUntilExit()
    return process.terminationStatus == 0 ? nil : "\(executable) exited with status \(process.terminationStatus)"
  }

  private static func reason(_ error: Error) -> String {
    let underlying = (error as NSError).userInfo[NSUnderlyingErrorKey] as? NSError
    return (underlying ?? error as NSError).localizedDescription
  }
}
