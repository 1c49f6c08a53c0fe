import Foundation
import ToyCore
import ToyLanguage

/// What a fuzz input is fed to. Each target takes any bytes and must return: an error is a
/// fine outcome, a trap, a stack overflow or a hang is a finding.
enum FuzzTarget: String, CaseIterable {
  /// The lexer, parser and checker, as `toy check -` runs them: the bytes as a script
  /// (invalid UTF-8 is refused before parsing, as the executable refuses it), parsed,
  /// run as a dry run, and every diagnostic rendered.
  case script
  /// `load`: the bytes as a model file, decoded and checked, and a loaded model saved
  /// back to memory and trained one step.
  case model

  /// Runs one input; returns a signature of how it ended (the kind of ending and the first
  /// message with its numbers left out), so that the fuzzer keeps inputs that end anew.
  func run(_ bytes: [UInt8]) -> String {
    switch self {
    case .script: Self.check(bytes)
    case .model: Self.load(bytes)
    }
  }

  /// How many of an input's syntax errors are rendered.
  private static let renderedDiagnostics = 8

  private static func check(_ bytes: [UInt8]) -> String {
    guard let text = String(validating: bytes, as: UTF8.self) else { return "not UTF-8" }
    let source = Source(name: "fuzz.toy", text: text)
    let session = Session(seed: 0)
    session.dryRun = true
    var rendered = 0
    session.onDisplay = { rendered += $0.plain.utf8.count }
    let signature: String
    switch session.run(source) {
    case .syntaxErrors(let diagnostics):
      // A mutated one-line input can hold thousands of errors, each rendering the whole
      // line: the first few exercise rendering as well, at a bounded cost per input.
      for d in diagnostics.prefix(Self.renderedDiagnostics) { rendered += d.rendered.utf8.count }
      signature = "syntax: " + (diagnostics.first?.message ?? "")
    case .runtimeError(let d):
      rendered += d.rendered.utf8.count
      signature = "runtime: " + d.message
    case .finished: signature = "finished"
    case .interrupted: signature = "interrupted"
    case .incomplete: signature = "incomplete"
    }
    blackHole(rendered)
    return withoutDigits(signature)
  }

  private static func load(_ bytes: [UInt8]) -> String {
    do {
      var model = try ModelStore.load(Data(bytes), path: "fuzz.json")
      _ = model.file
      // Training on is where a loaded counter once trapped: one step, a small batch.
      var options = TrainingOptions(steps: 1)
      options.batchSize = 8
      options.threads = 1
      if model.instanceCount * model.parameterCount <= 1 << 16 { try model.train(options) }
      return "loaded"
    } catch {
      return withoutDigits("\(error)")
    }
  }

  /// A message with its numbers (and quoted text) left out: one signature per kind of error.
  private static func withoutDigits(_ text: String) -> String {
    String(text.unicodeScalars.filter { !("0"..."9").contains($0) }.prefix(80))
  }
}

/// Keeps a value the optimiser would otherwise drop with the work that made it.
@inline(never)
func blackHole(_ value: Int) {
  if value == -1 { print("") }
}
