import Foundation
import ToyCore
import ToyPlot

/// `export TARGET "file"`: a `show` target written to a file instead of displayed.
extension Session {
  /// `export TARGET "file"`: the plot as SVG (.svg), its numbers as JSON (.json) or as a
  /// tidy CSV table (.csv, see `CSVTable`), or its text (.txt).
  func export(
    _ target: String, _ targetSpan: Span, _ path: String, _ pathSpan: Span, _ parameters: [Parameter],
    _ statement: Statement, _ source: Source
  ) throws(Diagnostic) {
    let name = path.split(separator: "/").last.map(String.init) ?? path
    let suffix = name.contains(".") ? (name.split(separator: ".").last.map { String($0).lowercased() } ?? "") : ""
    guard ["svg", "json", "csv", "txt"].contains(suffix) else {
      throw Diagnostic(.exportFormat(path: path), at: pathSpan, in: source)
    }
    let (plot, payload, options) = try plotAndPayload(target, targetSpan, parameters, statement, source)
    let given = try checkedParameters(parameters, statement: "export", source)
    _ = try choice(given["color"], "color", default: "auto", source)
    guard !dryRun else { return }
    let text: String
    switch suffix {
    case "svg": text = plot.svgDocument(svgStyle)
    case "json": text = JSON.write(payload) + "\n"
    case "csv": text = CSVTable.write(payload)
    default: text = plot.plainText(options) + "\n"
    }
    do {
      try FileWriter.replace(path, with: text)
    } catch {
      throw Diagnostic(.writeFailed(path: path, reason: error.reason), at: pathSpan, in: source)
    }
    emit(text: "wrote \(target) to \(path)", json: .object([("exported", .string(path))]), statement)
  }
}
