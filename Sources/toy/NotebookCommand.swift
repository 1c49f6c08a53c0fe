import ArgumentParser
import Foundation
import ToyLanguage

/// `toy notebook`: a .toy script run into a Jupyter notebook (nbformat 4.5) with its
/// outputs, or a notebook's code back into a script.
struct NotebookCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "notebook",
    abstract: "Run a .toy script into a Jupyter notebook (.ipynb), or turn a notebook back into a script.",
    discussion: """
      toy notebook FILE.toy -o FILE.ipynb runs the script and writes a notebook whose cells \
      hold its outputs (plots as SVG, numbers as JSON). Cells split at `# %%` lines, or else \
      at blank lines between statements; a block of comments becomes a markdown cell.

      toy notebook FILE.ipynb -o FILE.toy writes the notebook's cells as a script, each after \
      a `# %%` line.
      """
  )

  @Argument(help: ArgumentHelp("A .toy script or an .ipynb notebook.", valueName: "file"))
  var file: String

  @Option(
    name: .shortAndLong,
    help: ArgumentHelp("Where to write (default: the file with the other extension).", valueName: "file"))
  var output: String?

  @Option(help: "Seed of the session that runs the script.")
  var seed: UInt64 = 0

  @Flag(help: "Train every `train N` for N/20 steps, as `toy --quick` does.")
  var quick = false

  func run() throws {
    guard let data = FileManager.default.contents(atPath: file) else {
      throw CommandFailure("\(file): no such file or it cannot be read")
    }
    let toNotebook = !file.lowercased().hasSuffix(".ipynb")
    let base = file.contains(".") ? String(file[..<file.lastIndex(of: ".")!]) : file
    let destination = output ?? base + (toNotebook ? ".ipynb" : ".toy")
    guard destination != file else { throw CommandFailure("\(file): the output would overwrite the input") }
    if toNotebook {
      guard let script = String(data: data, encoding: .utf8) else { throw CommandFailure("\(file): not UTF-8 text") }
      let session = Session(seed: seed)
      session.textWidth = 100
      if quick { session.stepScale = Session.quickStepScale }
      let (notebook, finished) = Notebook.notebook(running: script, name: file, in: session)
      try writeFile(String(decoding: notebook, as: UTF8.self) + "\n", to: destination)
      writeLine("wrote \(destination)")
      if !finished {
        throw CommandFailure("\(file): a cell failed; the notebook shows the error and stops there")
      }
    } else {
      do {
        try writeFile(try Notebook.script(fromNotebook: data), to: destination)
      } catch let error as Notebook.ReadError {
        throw CommandFailure("\(file): \(error.description)")
      }
      writeLine("wrote \(destination)")
    }
  }
}
