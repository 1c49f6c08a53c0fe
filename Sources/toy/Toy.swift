import ArgumentParser
import ToyCore

@main
struct Toy: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "toy",
    abstract: "Train and look at the toy models of superposition.",
    version: toyVersionDescription,
    subcommands: [
      RunCommand.self, CheckCommand.self, TrainCommand.self, PhaseCommand.self, BenchCommand.self, NotebookCommand.self,
      KernelCommand.self,
    ],
    defaultSubcommand: RunCommand.self
  )
}
