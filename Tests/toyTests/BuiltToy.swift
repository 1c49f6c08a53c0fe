import Foundation

/// The `toy` built beside the tests, and a shell that runs scripts against it: the tests of
/// exit statuses, closed streams and signals need a real process and a real shell.
enum BuiltToy {
  static var path: String { Bundle.main.bundleURL.appendingPathComponent("toy").path }

  /// Runs `script` in sh with $TOY set to `path` and `arguments` as $0, $1, …; returns its
  /// standard output.
  static func shell(_ script: String, arguments: [String] = ["sh"]) throws -> String {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/bin/sh")
    process.arguments = ["-c", script] + arguments
    process.environment = ["TOY": path, "PATH": "/usr/bin:/bin"]
    let pipe = Pipe()
    process.standardOutput = pipe
    try process.run()
    let output = pipe.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return String(decoding: output, as: UTF8.self)
  }
}
