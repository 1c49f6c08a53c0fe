import ArgumentParser
import ToyCore

@main
struct Toy: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "toy",
    abstract: "Train and look at the toy models of superposition.",
    discussion:
      "toy alone starts the interactive prompt; toy FILE.toy runs a script and toy -e CODE runs code "
      + "(toy help run: --format json, --quick, --seed, --width, --ascii).",
    version: toyVersionDescription,
    subcommands: [
      RunCommand.self, CheckCommand.self, TrainCommand.self, PhaseCommand.self, BenchCommand.self, NotebookCommand.self,
      KernelCommand.self,
    ],
    defaultSubcommand: RunCommand.self
  )

  static func main() {
    Termination.install()
    main(nil)
  }
}
