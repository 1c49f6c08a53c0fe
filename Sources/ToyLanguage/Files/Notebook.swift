import Foundation
import ToyCore

extension Display {
  /// The display as a Jupyter mime bundle: plain text, SVG for plots, HTML for tables, the
  /// numbers under toy's own type (`Display.mimeType`).
  public var mimeBundle: [String: Any] {
    var data: [String: Any] = ["text/plain": plain, Display.mimeType: numbers]
    if let svg { data["image/svg+xml"] = svg }
    if let html { data["text/html"] = html }
    return data
  }

  /// The display as a notebook output (nbformat 4): text alone as a `stream` on stdout, as
  /// Python's `print` writes; a bare expression's value as an `execute_result`; plots and
  /// tables as `display_data`. The kernel sends the same dictionary, less `output_type`,
  /// as the message of that type.
  public func notebookOutput(executionCount: Int) -> [String: Any] {
    if isResult {
      return ["output_type": "execute_result", "execution_count": executionCount, "data": mimeBundle, "metadata": [:]]
    }
    if isText { return ["output_type": "stream", "name": "stdout", "text": plain + "\n"] }
    return ["output_type": "display_data", "data": mimeBundle, "metadata": [:]]
  }
}

extension RunOutcome {
  /// A failed run as Jupyter reports errors: a name, the message, and the traceback (the
  /// caret diagnostics); nil when the run finished.
  public var failure: (name: String, value: String, traceback: [String])? {
    switch self {
    case .finished:
      return nil
    case .syntaxErrors(let diagnostics):
      return ("SyntaxError", diagnostics.first?.message ?? "syntax error", diagnostics.map(\.rendered))
    case .runtimeError(let diagnostic):
      return ("Error", diagnostic.message, [diagnostic.rendered])
    case .interrupted(let trainingStopped):
      let text =
        trainingStopped
        ? "interrupted: training stopped at a step boundary; the model keeps the steps it took" : "interrupted"
      return ("KeyboardInterrupt", text, [text])
    case .incomplete:
      let text = "the cell ends in the middle of a statement"
      return ("SyntaxError", text, [text])
    }
  }
}

/// .toy scripts to Jupyter notebooks (nbformat 4.5) and back.
public enum Notebook {
  /// The notebook's and the kernel's `language_info`: how front ends highlight toy.
  ///
  /// `pygments_lexer` names the lexer of `grammar/editors/pygments` (nbconvert falls back to plain
  /// text without it); `codemirror_mode` names the CodeMirror language of toy's JupyterLab
  /// extension, which `toy kernel install` writes beside the kernelspec. JupyterLab has no
  /// fallback for a mode it lacks (it shows plain text), so naming a near language instead
  /// would only lose toy's own keywords.
  public static let languageInfo: [String: String] = [
    "name": "toy", "version": toyVersion, "file_extension": ".toy", "mimetype": "text/x-toy",
    "pygments_lexer": "toy", "codemirror_mode": "toy",
  ]

  /// A script's cells: split at `# %%` marker lines when it has any, else one cell per block
  /// of statements (blocks end at a blank line outside an unfinished statement), with each
  /// run of comment lines between statements (the header, the notes before a step) a cell of
  /// its own, so that a notebook of an example reads like a handout. A block of comments alone
  /// becomes a markdown cell; comments inside a statement (a loop's body) stay in its code.
  public static func cells(of script: String) -> [(markdown: Bool, source: String)] {
    // "\r\n" is one Character: normalise line ends first, as the lexer accepts both.
    let lines = script.replacingOccurrences(of: "\r\n", with: "\n")
      .split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    var blocks: [[String]] = [[]]
    if lines.contains(where: { $0.hasPrefix("# %%") }) {
      for line in lines {
        if line.hasPrefix("# %%") { blocks.append([]) } else { blocks[blocks.count - 1].append(line) }
      }
    } else {
      for line in lines {
        let current = blocks[blocks.count - 1]
        let complete = !Parser.parse(Source(name: "cell", text: current.joined(separator: "\n"))).incomplete
        let comment = line.hasPrefix("#")
        let inComments = !current.isEmpty && current.allSatisfy { $0.hasPrefix("#") }
        if line.trimmingCharacters(in: .whitespaces).isEmpty && complete {
          blocks.append([])
        } else if complete && !current.isEmpty && comment != inComments {
          blocks.append([line])
        } else {
          blocks[blocks.count - 1].append(line)
        }
      }
    }
    return blocks.compactMap { block in
      var trimmed = block
      while trimmed.first?.trimmingCharacters(in: .whitespaces).isEmpty == true { trimmed.removeFirst() }
      while trimmed.last?.trimmingCharacters(in: .whitespaces).isEmpty == true { trimmed.removeLast() }
      guard !trimmed.isEmpty else { return nil }
      let comments = trimmed.allSatisfy { $0.hasPrefix("#") }
      if comments {
        let text = trimmed.map { line in
          line.hasPrefix("# ") ? String(line.dropFirst(2)) : String(line.dropFirst())
        }
        return (true, text.joined(separator: "\n"))
      }
      return (false, trimmed.joined(separator: "\n"))
    }
  }

  /// Runs a script's cells in a session and returns the notebook, outputs included. Like a
  /// script, it stops at the first error: that cell shows the error, later cells no output.
  /// Returns whether every cell ran.
  public static func notebook(running script: String, name: String, in session: Session) -> (Data, Bool) {
    var cells: [[String: Any]] = []
    var count = 0
    var failed = false
    for (index, cell) in Self.cells(of: script).enumerated() {
      let id = "cell-\(index + 1)"
      if cell.markdown {
        cells.append(["cell_type": "markdown", "id": id, "metadata": [:], "source": sourceLines(cell.source)])
        continue
      }
      var outputs: [[String: Any]] = []
      var executionCount: Any = NSNull()
      if !failed {
        count += 1
        executionCount = count
        let number = count
        session.onDisplay = { display in
          let output = display.notebookOutput(executionCount: number)
          // Consecutive printed text is one stream output, as Jupyter stores it.
          if output["output_type"] as? String == "stream", let last = outputs.last,
            last["output_type"] as? String == "stream", let text = last["text"] as? String
          {
            outputs[outputs.count - 1]["text"] = text + (output["text"] as? String ?? "")
          } else {
            outputs.append(output)
          }
        }
        let outcome = session.run(Source(name: "\(name) [\(number)]", text: cell.source))
        if let failure = outcome.failure {
          outputs.append([
            "output_type": "error", "ename": failure.name, "evalue": failure.value, "traceback": failure.traceback,
          ])
          failed = true
        }
      }
      cells.append([
        "cell_type": "code", "id": id, "metadata": [:], "execution_count": executionCount,
        "source": sourceLines(cell.source), "outputs": outputs,
      ])
    }
    let notebook: [String: Any] = [
      "nbformat": 4, "nbformat_minor": 5,
      "metadata": [
        "kernelspec": ["name": "toy", "display_name": "toy", "language": "toy"],
        "language_info": languageInfo,
      ],
      "cells": cells,
    ]
    return (Data(JSON.write(JSON.Node(notebook), indented: true).utf8), !failed)
  }

  /// nbformat's multi-line source: lines with their newlines, the last without.
  static func sourceLines(_ text: String) -> [String] {
    let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
    return lines.enumerated().map { $0.offset < lines.count - 1 ? $0.element + "\n" : String($0.element) }
  }

  /// Why a notebook could not be read.
  public struct ReadError: Error, CustomStringConvertible {
    public var description: String
  }

  /// A notebook's cells as a runnable script: code cells as they are, markdown as comments,
  /// each cell after a `# %%` marker so that converting back gives the same cells.
  public static func script(fromNotebook data: Data) throws(ReadError) -> String {
    guard let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
      let cells = object["cells"] as? [[String: Any]]
    else {
      throw ReadError(description: "not a Jupyter notebook (no cells)")
    }
    var parts: [String] = []
    for cell in cells {
      let source: String
      if let lines = cell["source"] as? [String] {
        source = lines.joined()
      } else {
        source = cell["source"] as? String ?? ""
      }
      switch cell["cell_type"] as? String {
      case "code":
        parts.append("# %%\n" + source)
      case "markdown":
        let comment = source.split(separator: "\n", omittingEmptySubsequences: false).map { "# " + $0 }
        parts.append("# %%\n" + comment.joined(separator: "\n"))
      default:
        continue
      }
    }
    return parts.joined(separator: "\n\n") + "\n"
  }
}
