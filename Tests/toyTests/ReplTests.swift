import CReadline
import Foundation
import ToyLanguage
import ToyPlot
import XCTest

@testable import toy

/// The interactive session's logic, driven through a scripted reader.
final class ReplTests: XCTestCase {
  func run(_ results: [LineResult]) -> (output: String, errors: String, repl: Repl<ScriptedReader>) {
    var output = ""
    var errors = ""
    let session = Session()
    session.threads = 1
    session.textWidth = 200
    let repl = Repl(
      reader: ScriptedReader(results), session: session, write: { output += $0 }, writeError: { errors += $0 })
    repl.run()
    return (output, errors, repl)
  }

  func testCellsAreNumberedAndResultsNamed() {
    let (output, errors, repl) = run(["print 2^3", "_ + 1", "__ * 10", "_1 - 1"].map(LineResult.line))
    XCTAssertEqual(errors, "")
    XCTAssertTrue(output.contains("Out[1]: 8\n"), output)
    XCTAssertTrue(output.contains("Out[2]: 9\n"), output)
    XCTAssertTrue(output.contains("Out[3]: 80\n"), output)
    XCTAssertTrue(output.contains("Out[4]: 7\n"), output)
    XCTAssertEqual(repl.reader.prompts, ["In [1]: ", "In [2]: ", "In [3]: ", "In [4]: ", "In [5]: "])
  }

  func testIncompleteInputContinuesAndCtrlCKeepsTheCellNumber() {
    let (output, _, repl) = run([.line("print [1,"), .line("2]"), .line("x = (1 +"), .interrupted, .line("print 5")])
    XCTAssertTrue(output.contains("Out[1]: [1, 2]"), output)
    XCTAssertTrue(output.contains("Out[2]: 5"), output)
    XCTAssertEqual(repl.reader.prompts, ["In [1]: ", "   ...: ", "In [2]: ", "   ...: ", "In [2]: ", "In [3]: "])
    XCTAssertEqual(repl.reader.remembered, ["print [1,\n2]", "print 5"])
  }

  func testErrorsKeepTheSessionAndItsModels() {
    let (_, errors, repl) = run(["model n=3 m=1", "train 0", "print steps"].map(LineResult.line))
    XCTAssertTrue(errors.contains("In[2]:1:7: error: the number of steps must be a whole number"), errors)
    XCTAssertNotNil(repl.session.models["model1"])
  }

  func testQuestionMarkExploreListsTheKeys() {
    let (output, errors, _) = run([.line("?explore")])
    XCTAssertEqual(errors, "")
    for binding in ExplorerKeys.bindings {
      XCTAssertTrue(output.contains("  " + binding.keys.joined(separator: " ") + " "), "\(binding.keys): \(output)")
      XCTAssertTrue(output.contains(binding.summary), binding.summary)
    }
  }

  func testHistorySaveRunWhoResetAndHelp() throws {
    let file = FileManager.default.temporaryDirectory.appendingPathComponent("toy-repl-\(getpid()).toy").path
    defer { try? FileManager.default.removeItem(atPath: file) }
    let (output, errors, _) = run(
      [
        "x = 2", "model n=4 m=2", "%history 1-2", "%save \(file) 1-2", "%who", "%reset", "%who", "%run \(file)",
        "print x", "?train", "%histroy", "%history 5-2", "%history -", "%history 3-", "%save", "%lsmagic",
      ].map(LineResult.line))
    XCTAssertTrue(output.contains("1: x = 2\n2: model n=4 m=2\n"), output)
    XCTAssertTrue(
      try String(contentsOfFile: file, encoding: .utf8).hasPrefix("x = 2\nmodel n=4 m=2 seed="),
      "%save pins the derived seed")
    XCTAssertTrue(output.contains("model1 (current): relu model, n=4 m=2, 1 setting, 0 steps\n"), output)
    XCTAssertTrue(output.contains("x: a number = 2\n"), output)
    XCTAssertTrue(output.contains("nothing defined yet\n"), output)
    XCTAssertTrue(output.contains("Out[9]: 2\n"), "after %run the script's x is back: \(output)")
    XCTAssertTrue(output.contains("train: train the current model"), "?train is help train")
    XCTAssertTrue(errors.contains("unknown magic %histroy; did you mean %history? %lsmagic lists the magics"), errors)
    for magic in ["time", "timeit", "history", "save", "run", "who", "reset", "config", "lsmagic"] {
      XCTAssertTrue(output.contains("\n%\(magic) ") || output.contains("\n%\(magic):"), "%lsmagic lists %\(magic)")
    }
    XCTAssertTrue(errors.contains("%history: '5-2' is not a range"), errors)
    XCTAssertTrue(errors.contains("%history: '-' is not a range"), errors)
    XCTAssertTrue(errors.contains("%history: '3-' is not a range"), errors)
  }

  /// `%config theme=` sets how exports are drawn too: `export … ".svg"` after
  /// `%config theme=projector` has the projector's larger text; `theme=auto` is a white page.
  func testConfigThemeSetsTheSVGStyle() throws {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("toy-repl-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: directory) }
    let room = directory.appendingPathComponent("room.svg").path
    let page = directory.appendingPathComponent("page.svg").path
    let (_, errors, repl) = run(
      [
        "%config theme=projector", "model n=4 m=2", "export norms \"\(room)\"", "%config theme=auto",
        "export norms \"\(page)\"", "%config theme=sepia",
      ].map(LineResult.line))
    XCTAssertTrue(errors.contains("%config: theme must be one of auto, dark, light, projector"), errors)
    XCTAssertEqual(repl.session.svgStyle, SVGStyle.standard)
    XCTAssertTrue(try String(contentsOfFile: room, encoding: .utf8).contains("font-size=\"19.5\""))
    XCTAssertFalse(try String(contentsOfFile: page, encoding: .utf8).contains("font-size=\"19.5\""))
  }

  /// Error messages and hints wrap at words to the width; the source line and caret stay whole.
  func testErrorsWrapAtWordsToTheWidth() {
    let (_, errors, _) = run(["%config width=40", "model n=5 m=2", "train 0"].map(LineResult.line))
    let lines = errors.split(separator: "\n").map(String.init)
    XCTAssertEqual(lines.filter { $0.contains(" | ") }.count, 2, errors)
    for line in lines where !line.contains(" | ") { XCTAssertLessThanOrEqual(line.count, 40, line) }
    XCTAssertTrue(
      lines.filter { !$0.contains(" | ") }.joined(separator: " ")
        == "In[3]:1:7: error: the number of steps must be a whole number from 1 to 100000000, got 0",
      errors)
  }

  /// %who counts a model's settings and seeds as show's instance= and seed= do.
  func testWhoCountsSettingsAndSeeds() {
    let (output, errors, _) = run(
      ["model n=4 m=2 density=p seeds=3 for p in [1, 0.5]", "%who"].map(LineResult.line))
    XCTAssertEqual(errors, "")
    XCTAssertTrue(output.contains("model1 (current): relu model, n=4 m=2, 2 settings × 3 seeds, 0 steps\n"), output)
  }

  /// A saved session runs without the cells that failed and, pinned seeds, gives the numbers
  /// seen: run again by %run in the same session (where models come later) or by a fresh one.
  func testSaveThenRunReproducesTheSession() throws {
    let file = FileManager.default.temporaryDirectory.appendingPathComponent("toy-repl-save-\(getpid()).toy").path
    defer { try? FileManager.default.removeItem(atPath: file) }
    let (output, errors, _) = run(
      [
        "model n=4 m=2 sparsity=0.5", "train 0", "a = model n=5 m=2 sparsity=0.7\ntrain 30", "print a.loss",
        "%save \(file)", "%run \(file)", "print a.loss",
      ].map(LineResult.line))
    XCTAssertTrue(errors.contains("In[2]:1:7: error:"), errors)
    XCTAssertTrue(output.contains("saved 4 cells to \(file) (2 failed: kept as comments)\n"), output)
    let script = try String(contentsOfFile: file, encoding: .utf8)
    XCTAssertTrue(script.contains("# In [2] failed:\n# train 0\n"), script)
    XCTAssertTrue(script.contains("model n=4 m=2 sparsity=0.5 seed="), script)
    var fresh: [String] = []
    let session = Session()
    session.threads = 1
    session.onDisplay = { fresh.append($0.plain) }
    XCTAssertEqual(session.run(Source(name: file, text: script)), .finished)
    let loss = try XCTUnwrap(fresh.last)
    XCTAssertTrue(output.contains("Out[4]:\n\(loss)\n"), "a fresh run gives the numbers seen: \(loss)\n\(output)")
    XCTAssertTrue(output.contains("Out[7]:\n\(loss)\n"), "so does %run in the session: \(output)")
  }

  /// A multi-line cell comes back as one entry after a restart (↑ gives the cell, not `end`).
  func testHistoryKeepsAMultiLineCellAcrossRestarts() throws {
    let state = FileManager.default.temporaryDirectory.appendingPathComponent("toy-history-\(getpid())").path
    defer { try? FileManager.default.removeItem(atPath: state) }
    clear_history()
    var reader = ReadlineReader(environment: ["XDG_STATE_HOME": state])
    reader.remember("x = 1")
    reader.remember("for d in [0.1, 0.2] do\n  model n=5 m=2 density=d\nend")
    reader.remember("print x")
    clear_history()
    _ = ReadlineReader(environment: ["XDG_STATE_HOME": state])
    XCTAssertEqual(
      ReadlineReader.entries, ["x = 1", "for d in [0.1, 0.2] do\n  model n=5 m=2 density=d\nend", "print x"])
    clear_history()
  }

  func testTimeAndConfig() {
    let (output, errors, repl) = run(
      [
        "%time print 1", "%timeit print 1", "%config width=100 color=never", "%config", "%config width=5",
        "m = model n=4 m=2", "%timeit train 5", "print m.steps", "train?",
      ].map(LineResult.line))
    XCTAssertTrue(output.contains("Wall time: "), output)
    // %timeit trains copies of the session: the model keeps its 0 steps.
    XCTAssertTrue(output.contains("Out[8]: 0\n"), output)
    XCTAssertTrue(output.contains("train: train the current model"), "train? is help train")
    XCTAssertTrue(output.contains("per run (mean ± std of "), output)
    XCTAssertEqual(repl.session.textWidth, 100)
    XCTAssertTrue(output.contains("color = never\n"), output)
    XCTAssertTrue(errors.contains("%config: width must be auto or a whole number from 20 to 1000"), errors)
  }

  func testCompletion() {
    let engine = Completion(models: ["a", "b"], magics: Repl<PlainReader>.magics)
    XCTAssertTrue(engine.candidates(line: "tr", word: "tr").contains("train"))
    XCTAssertEqual(engine.candidates(line: "model kind=", word: ""), ["linear", "relu", "hidden_relu", "abs"])
    XCTAssertTrue(engine.candidates(line: "show w", word: "w").contains("wtw"))
    XCTAssertTrue(engine.candidates(line: "train 100 ba", word: "ba").contains("batch="))
    XCTAssertTrue(engine.candidates(line: "model n=5 de", word: "de").contains("density="))
    XCTAssertEqual(engine.candidates(line: "use ", word: ""), ["a", "b"])
    XCTAssertTrue(engine.candidates(line: "%ti", word: "%ti").contains("%timeit"))
  }
}
