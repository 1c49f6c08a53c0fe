import ArgumentParser
import Foundation

#if canImport(Glibc)
  import Glibc
#endif

/// `toy kernel …`: runs `toy-kernel`, the Jupyter kernel, built beside toy. The kernel is a
/// program of its own so that toy itself needs only readline, not ZeroMQ.
struct KernelCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "kernel",
    abstract:
      "Run toy as a Jupyter kernel (toy kernel -f FILE), or install its kernelspec (toy kernel install --user).",
    discussion: """
      Forwards to toy-kernel, built beside toy:
        swift build -c release --product toy-kernel   (needs Debian's libzmq3-dev)
      toy kernel install [--user | --prefix P] writes the kernelspec; Jupyter
      then starts the kernel itself with toy kernel -f CONNECTION_FILE.
      """
  )

  @Argument(parsing: .captureForPassthrough, help: "Arguments for toy-kernel (see toy kernel --help).")
  var arguments: [String] = []

  func run() throws {
    let kernel = Self.kernelExecutable()
    guard FileManager.default.isExecutableFile(atPath: kernel) else {
      throw CommandFailure(
        "the Jupyter kernel is not built (\(kernel) is missing): "
          + "swift build -c release --product toy-kernel, which needs libzmq3-dev")
    }
    let argv = [kernel] + arguments
    var cArguments = argv.map { strdup($0) } + [nil]
    execv(kernel, &cArguments)
    throw CommandFailure("cannot run \(kernel): \(String(cString: strerror(errno)))")
  }

  /// toy-kernel in the directory of this executable.
  static func kernelExecutable() -> String {
    let this =
      (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
    return URL(fileURLWithPath: this).deletingLastPathComponent().appendingPathComponent("toy-kernel").path
  }
}
