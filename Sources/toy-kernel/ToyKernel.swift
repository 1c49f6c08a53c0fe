import ArgumentParser
import Foundation
import ToyCore
import ToyJupyter
import ToyLanguage

/// `toy-kernel`: toy's Jupyter kernel. `toy kernel …` runs it.
@main
struct ToyKernelCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "toy kernel",
    abstract: "Run toy as a Jupyter kernel, or install its kernelspec.",
    discussion: """
      Jupyter starts the kernel itself, with the connection file it wrote:
        toy kernel -f CONNECTION_FILE
      Install the kernelspec once so that Jupyter lists toy:
        toy kernel install --user
      """,
    version: toyVersionDescription,
    subcommands: [Serve.self, Install.self],
    defaultSubcommand: Serve.self
  )

  /// SIGTERM and SIGHUP remove the temporary file of a save in progress, then end the
  /// kernel as they would by default.
  static func main() {
    for number in [SIGTERM, SIGHUP] {
      signal(number) { number in
        FileWriter.removePendingTemporary()
        signal(number, SIG_DFL)
        raise(number)
      }
    }
    main(nil)
  }

  struct Serve: ParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "serve", abstract: "Serve the Jupyter messaging protocol (the default).")

    @Option(name: .customShort("f"), help: ArgumentHelp("The connection file Jupyter wrote.", valueName: "file"))
    var connectionFile: String

    func run() throws {
      do {
        let connection = try ConnectionInfo.read(connectionFile)
        if connection.key.isEmpty {
          FileHandle.standardError.write(
            Data("toy kernel: warning: the connection file has an empty key; messages are not signed\n".utf8))
        }
        let kernel = Kernel(connection: connection)
        try kernel.run()
      } catch {
        FileHandle.standardError.write(Data("toy kernel: \(error)\n".utf8))
        throw ExitCode(1)
      }
    }
  }

  struct Install: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Write toy's kernelspec and JupyterLab extension where Jupyter finds them.",
      discussion: """
        Writes the kernelspec, kernels/toy, and toy's highlighting for JupyterLab and
        Notebook 7, labextensions/toy-language, into one Jupyter data directory:
        without options /usr/local/share/jupyter, as Jupyter does;
        --user: $JUPYTER_DATA_DIR when it is set, else $XDG_DATA_HOME/jupyter, else
        $HOME/.local/share/jupyter;
        --prefix P: P/share/jupyter (e.g. a virtual environment's prefix).
        """)

    @Flag(help: "Install for this user only.")
    var user = false

    @Option(help: ArgumentHelp("Install under this prefix.", valueName: "prefix"))
    var prefix: String?

    func validate() throws {
      if user && prefix != nil { throw ValidationError("--user and --prefix exclude each other") }
    }

    func run() throws {
      let data: String
      if let prefix {
        data = prefix + "/share/jupyter"
      } else if user {
        data = Self.userData(ProcessInfo.processInfo.environment)
      } else {
        data = "/usr/local/share/jupyter"
      }
      let directory = data + "/kernels/toy"
      let executable = URL(fileURLWithPath: CommandLine.arguments[0]).standardizedFileURL.resolvingSymlinksInPath()
      let spec = KernelSpec(executable: Self.resolved(executable.path))
      try Self.writing(into: directory) {
        try spec.json.write(toFile: directory + "/kernel.json", atomically: true, encoding: .utf8)
        for logo in KernelSpec.logos {
          try Data(logo.png).write(to: URL(fileURLWithPath: directory + "/" + logo.name))
        }
      }
      print("installed the toy kernelspec in \(directory)")
      let extensionDirectory = data + "/labextensions/" + LabExtension.name
      try Self.writing(into: extensionDirectory) {
        // The script's name changes with its content: drop the one an older toy wrote.
        try? FileManager.default.removeItem(atPath: extensionDirectory + "/static")
        try FileManager.default.createDirectory(
          atPath: extensionDirectory + "/static", withIntermediateDirectories: true)
        for file in LabExtension.files {
          try file.contents.write(toFile: extensionDirectory + "/" + file.path, atomically: true, encoding: .utf8)
        }
      }
      print("installed toy's JupyterLab extension in \(extensionDirectory)")
    }

    /// Creates `directory` and runs `write`, turning a failure into one line on stderr.
    static func writing(into directory: String, _ write: () throws -> Void) throws {
      do {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        try write()
      } catch {
        FileHandle.standardError.write(
          Data("toy kernel install: cannot write \(directory): \(error.localizedDescription)\n".utf8))
        throw ExitCode(1)
      }
    }

    /// This user's Jupyter data directory (jupyter_core's `jupyter_data_dir`), where Jupyter
    /// looks for kernelspecs and labextensions: HOME as the environment gives it, since
    /// Jupyter expands `~` from it; the password file's home (NSHomeDirectory) is not where
    /// Jupyter looks when HOME points elsewhere.
    static func userData(_ environment: [String: String]) -> String {
      func set(_ name: String) -> String? { environment[name].flatMap { $0.isEmpty ? nil : $0 } }
      if let data = set("JUPYTER_DATA_DIR") { return data }
      let share = set("XDG_DATA_HOME") ?? ((set("HOME") ?? NSHomeDirectory()) + "/.local/share")
      return share + "/jupyter"
    }

    /// The executable's absolute path (argv[0] may be relative or found on PATH).
    static func resolved(_ path: String) -> String {
      if path.hasPrefix("/") && FileManager.default.isExecutableFile(atPath: path) { return path }
      let name = (CommandLine.arguments[0] as NSString).lastPathComponent
      for directory in (ProcessInfo.processInfo.environment["PATH"] ?? "").split(separator: ":") {
        let candidate = "\(directory)/\(name)"
        if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
      }
      return path
    }
  }
}
