import Foundation

/// toy's kernelspec (`kernel.json`): how Jupyter starts the kernel.
public struct KernelSpec {
  public var executable: String

  public init(executable: String) { self.executable = executable }

  public var json: String {
    let spec: [String: Any] = [
      "argv": [executable, "-f", "{connection_file}"],
      "display_name": "toy",
      "language": "toy",
      "interrupt_mode": "message",
      "metadata": ["debugger": false],
    ]
    let data =
      (try? JSONSerialization.data(
        withJSONObject: spec, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes])) ?? Data()
    return String(decoding: data, as: UTF8.self) + "\n"
  }
}
