import Foundation
import ToyCore
import ToyPlot
import XCTest

@testable import ToyLanguage

final class SessionTests: XCTestCase {
  func run(_ session: Session, _ text: String) -> (RunOutcome, [String]) {
    var out: [String] = []
    session.onDisplay = { out.append($0.plain) }
    return (session.run(Source(name: "t.toy", text: text)), out)
  }

  /// The size limit is counted from the shape before anything is built: `model n=10000
  /// m=1 seeds=10000` took 800 MB and seconds (in check too) before refusing; now the
  /// refusal takes no memory to speak of.
  func testAModelPastTheSizeLimitIsRefusedBeforeItsMemoryIsTaken() {
    func peakKilobytes() -> Int {
      var usage = rusage()
      getrusage(RUSAGE_SELF.rawValue, &usage)
      return usage.ru_maxrss
    }
    for dryRun in [true, false] {
      let session = Session(seed: 0)
      session.dryRun = dryRun
      let before = peakKilobytes()
      let (outcome, _) = run(session, "model n=10000 m=1 seeds=10000")
      let grown = peakKilobytes() - before
      guard case .runtimeError(let diagnostic) = outcome else { return XCTFail("\(outcome)") }
      XCTAssertEqual(
        diagnostic.message, "the model would need 900000000 numbers, more than the limit of \(ToyModel.sizeLimit)")
      XCTAssertLessThan(grown, 50_000, "peak memory grew by \(grown) kB (dry run: \(dryRun))")
    }
  }

  /// Ctrl-C in a loop that trains nothing is an interruption, not "training stopped"; in a
  /// `train` it is both.
  func testAnInterruptionSaysWhetherItStoppedTraining() {
    let looping = Session()
    looping.cancellation.cancel()
    XCTAssertEqual(run(looping, "for a in range(3) do print a end").0, .interrupted(trainingStopped: false))
    XCTAssertEqual(looping.run(Source(name: "t", text: "x = 1")).failure?.value, "interrupted")
    let training = Session()
    training.onProgress = { _, _ in training.cancellation.cancel() }
    XCTAssertEqual(run(training, "model n=2 m=1\ntrain 100").0, .interrupted(trainingStopped: true))
  }

  /// A step's samples (batch × n × instances) are bounded as a model's numbers are: the
  /// refusal is located at batch=, before any training.
  func testABatchPastTheSizeLimitIsALocatedError() {
    let session = Session()
    let (outcome, _) = run(session, "model n=1000 m=100 seeds=10\ntrain 1 batch=1000000")
    guard case .runtimeError(let d) = outcome else { return XCTFail("\(outcome)") }
    XCTAssertEqual(
      d.rendered,
      """
      t.toy:2:15: error: a step of batch=1000000 would draw 10000000000 numbers (batch × n × instances), more than \
      the limit of 268435456
        2 | train 1 batch=1000000
          |               ^^^^^^^
      """)
    XCTAssertEqual(session.models["model1"]?.model.steps, 0)
    // The bound itself, in a dry run (which checks the batch asked for, then trains one sample).
    let checking = Session()
    checking.dryRun = true
    XCTAssertEqual(run(checking, "model n=1000 m=1 seeds=10\ntrain 1 batch=26843").0, .finished, "268,430,000 numbers")
    guard case .runtimeError = run(checking, "train 1 batch=26844").0 else { return XCTFail("268,440,000 numbers") }
  }

  /// WᵀW panels share one colour scale (the largest any panel would take alone), so that
  /// the same colour means the same value in every panel.
  func testHeatmapPanelsShareOneColourScale() throws {
    let session = Session(seed: 0)
    var plots: [any Plot] = []
    session.onDisplay = { if let plot = $0.plot { plots.append(plot) } }
    let script = "model n=5 m=2 density=p for p in [1, 0.02]\ntrain 3000\nshow wtw"
    XCTAssertEqual(session.run(Source(name: "-", text: script)), .finished)
    XCTAssertEqual(plots.count, 1)
    for plot in plots {
      let panels = try XCTUnwrap((plot as? PanelGrid)?.panels.compactMap { $0 as? Heatmap })
      XCTAssertEqual(panels.count, 2)
      let alone = panels.map { Heatmap($0.values, side: $0.side).effectiveLimit }
      XCTAssertNotEqual(alone[0], alone[1], "the panels differ alone (else the test shows nothing)")
      for panel in panels { XCTAssertEqual(panel.effectiveLimit, alone.max()!) }
    }
  }

  /// A model the script names titles its plots, so that two models' displays are told apart;
  /// an unnamed one (model1, …) does not.
  func testNamedModelsTitleTheirPlots() {
    let session = Session(seed: 0)
    let (outcome, out) = run(session, "anti = model n=4 m=2\nshow geometry\nmodel n=4 m=2\nshow geometry")
    XCTAssertEqual(outcome, .finished)
    XCTAssertEqual(out.count, 2)
    XCTAssertEqual(out[0].split(separator: "\n").first?.trimmingCharacters(in: .whitespaces), "anti")
    XCTAssertFalse(out[1].contains("model"), out[1])
  }

  /// `print steps, loss, dims` is one table, a column per metric, holding what each metric
  /// prints alone; a metric per feature among them falls back to plain values.
  func testMetricsPrintedTogetherShareOneTable() {
    let session = Session(seed: 0)
    let script =
      "model n=5 m=2 sparsity=s for s in [0.9, 0.5, 0]\ntrain 200\nprint loss\nprint dims\n"
      + "print steps, loss, dims\nprint steps, norms"
    let (outcome, out) = run(session, script)
    XCTAssertEqual(outcome, .finished)
    XCTAssertEqual(out.count, 4)
    func rows(_ text: String) -> [[String]] {
      text.split(separator: "\n").map { $0.split(separator: " ").map(String.init) }
    }
    let (loss, dims, both) = (rows(out[0]), rows(out[1]), rows(out[2]))
    XCTAssertEqual(both.first, ["s", "steps", "loss", "dims"])
    XCTAssertEqual(both.count, 4, out[2])
    for r in 1..<both.count {
      XCTAssertEqual(both[r][0], loss[r][0], "the setting column")
      XCTAssertEqual(both[r][1], "200")
      XCTAssertEqual(both[r][2], loss[r][1])
      XCTAssertEqual(both[r][3], dims[r][1])
    }
    // A metric per feature does not fit the shared table: each prints as it would alone.
    XCTAssertTrue(out[3].hasPrefix("steps:\n200\n\nnorms:\n  s    ‖W0‖"), out[3])
  }

  /// `show phase` reads each setting's point from the model, so the sweep's variable names
  /// and order do not matter: sparsity first, importance second, gives the same axes.
  func testPhaseAxesComeFromTheModelNotTheSweepOrder() throws {
    let session = Session(seed: 0)
    var json: [String] = []
    session.onDisplay = { json.append($0.json) }
    let script =
      "model n=2 m=1 sparsity=s importance=[1, r] seeds=3 for s in [0.9, 0.2], r in [0.5, 2]\n"
      + "train 50\nshow phase"
    XCTAssertEqual(session.run(Source(name: "-", text: script)), .finished)
    let object = try XCTUnwrap(
      JSONSerialization.jsonObject(with: Data(try XCTUnwrap(json.last).utf8)) as? [String: Any])
    // The display's JSON wraps the plot's payload (version, seed, then the payload as data).
    let payload = try XCTUnwrap(object["data"] as? [String: Any])
    let data = try XCTUnwrap(payload["data"] as? [String: Any])
    func numbers(_ key: String) -> [Double]? { (data[key] as? [NSNumber])?.map(\.doubleValue) }
    XCTAssertEqual(numbers("relative_importance"), [0.5, 2])
    XCTAssertEqual(numbers("density"), [0.8, 0.1], "1 − sparsity, densest first")
  }

  /// Each trained point of `show phase` is drawn at the centre of its cell: the axes reach
  /// half a step past the swept values, and the theory beside it shares them.
  func testTrainedPhasePointsSitAtTheirCellCentres() throws {
    let session = Session(seed: 0)
    var plots: [any Plot] = []
    session.onDisplay = { if let plot = $0.plot { plots.append(plot) } }
    let (r, s) = ([0.1, 1, 10], [0.01, 0.1, 1])
    let script = "model n=2 m=1 importance=[1, r] density=s seeds=2 for r in \(r), s in \(s)\ntrain 5\nshow phase"
    XCTAssertEqual(session.run(Source(name: "-", text: script)), .finished)
    let grid = try XCTUnwrap(plots.last as? PanelGrid)
    let trained = try XCTUnwrap(grid.panels.last as? PhaseDiagram)
    let theory = try XCTUnwrap(grid.panels.first as? PhaseDiagram)
    for (column, value) in r.enumerated() {
      XCTAssertEqual(trained.axes.importance(column: column, of: r.count), value, accuracy: 1e-9 * value)
    }
    for (row, value) in s.reversed().enumerated() {
      XCTAssertEqual(trained.axes.density(row: row, of: s.count), value, accuracy: 1e-9 * value)
    }
    XCTAssertEqual(theory.axes.importance, trained.axes.importance)
    XCTAssertEqual(theory.axes.density, trained.axes.density)
  }

  /// Past density 1 (where an axis centres a trained grid's top row) the theory reads as at
  /// density 1, not as an extrapolation of its formulas.
  func testTheoryPastDensityOneIsTheTheoryAtOne() {
    let axes = PhaseAxes(importance: 0.1...10, density: 1...100)
    let past = PhaseTheory.diagram(.twoInOne, columns: 12, rows: 4, axes: axes)
    let atOne = PhaseTheory.diagram(
      .twoInOne, columns: 12, rows: 1, axes: PhaseAxes(importance: 0.1...10, density: 1...1))
    for row in past.cells { XCTAssertEqual(row, atOne.cells[0]) }
  }

  /// An exported CSV holds the display's numbers as a tidy table: the setting's columns, the
  /// quantity, the indices and the value, each row matching the JSON it came from.
  func testCSVExportIsATidyTableOfTheJSONNumbers() throws {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("toy-csv-\(getpid())")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: directory) }
    let (csvPath, jsonPath) = (
      directory.appendingPathComponent("n.csv").path, directory.appendingPathComponent("n.json").path
    )
    let session = Session(seed: 0)
    let script =
      "model n=4 m=2 sparsity=s for s in [0.9, 0.5]\ntrain 20\n"
      + "export norms \"\(csvPath)\"\nexport norms \"\(jsonPath)\""
    XCTAssertEqual(session.run(Source(name: "-", text: script)), .finished)
    let lines = try String(contentsOfFile: csvPath, encoding: .utf8).split(separator: "\n").map {
      $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
    }
    XCTAssertEqual(lines.first, ["setting", "instance", "s", "quantity", "i", "value"])
    XCTAssertEqual(lines.count, 1 + 2 * 2 * 4, "a row per number: 2 settings × 2 quantities × 4 features")
    let object = try XCTUnwrap(
      JSONSerialization.jsonObject(with: try Data(contentsOf: URL(fileURLWithPath: jsonPath))) as? [String: Any])
    let data = try XCTUnwrap(object["data"] as? [[String: [Double]]])
    for row in lines.dropFirst() {
      let setting = try XCTUnwrap(Int(row[0]))
      XCTAssertEqual(row[2], ["0.9", "0.5"][setting])
      let expected = try XCTUnwrap(data[setting][row[3]])[try XCTUnwrap(Int(row[4]))]
      // Foundation's JSON reader on Linux rounds some numbers in the last digit.
      XCTAssertEqual(try XCTUnwrap(Double(row[5])), expected, accuracy: 1e-15)
    }
  }

  /// A sweep variable named like a fixed column is prefixed, so no two columns share a name.
  func testCSVSweepVariablesNeverShareAColumnName() {
    let settings: [[(String, JSON.Node)]] = [
      [("index", .number(0)), ("instance", .number(0)), ("j", .number(1)), ("value", .number(2))]
    ]
    let text = CSVTable.write(settings: settings, data: .array([.array([.array([.number(5)])])]))
    let header = text.split(separator: "\n").first.map { $0.split(separator: ",").map(String.init) } ?? []
    XCTAssertEqual(header, ["setting", "instance", "sweep_j", "sweep_value", "i", "j", "value"])
    XCTAssertEqual(Set(header).count, header.count)
  }

  func testCSVFieldsWithCommasOrQuotesAreQuoted() {
    let text = CSVTable.write(
      settings: [], data: .object([("names", .array([.string("a,b"), .string("say \"hi\"")]))]))
    XCTAssertEqual(text, "quantity,i,value\nnames,0,\"a,b\"\nnames,1,\"say \"\"hi\"\"\"\n")
  }

  /// Help wraps to the text width, continuation lines under the description column.
  func testHelpWrapsToTheWidthWithAHangingIndent() {
    for width in [72, 80, 120] {
      let session = Session(seed: 0)
      session.textWidth = width
      var text = ""
      session.onDisplay = { text += $0.plain + "\n" }
      XCTAssertEqual(session.run(Source(name: "-", text: "help model\nhelp show")), .finished)
      let lines = text.split(separator: "\n").map(String.init)
      for line in lines { XCTAssertLessThanOrEqual(line.count, width, "\(width): \(line)") }
      let continued = lines.filter { $0.hasPrefix(String(repeating: " ", count: 18)) }
      XCTAssertFalse(width < 120 && continued.isEmpty, "\(width): some description wraps")
      let seed = lines.firstIndex { $0.hasPrefix("  seed ") }
      XCTAssertNotNil(seed)
    }
  }

  /// Smaller confusions at the prompt: `j` is taken for `i`, not for the prompt's `_`;
  /// `clear` says Ctrl-L; `help` at 80 columns wraps at words, never mid-word.
  func testTypoHintsAndHelpWrappingAtThePrompt() {
    let session = Session()
    session.setVariable("_", .number(1))
    session.setVariable("__", .number(2))
    guard case .runtimeError(let typo) = run(session, "model n=5 m=2 importance=0.9^j").0 else {
      return XCTFail("j is not defined")
    }
    XCTAssertEqual(typo.hint, "did you mean 'i'?")
    guard case .runtimeError(let clear) = run(session, "clear").0 else { return XCTFail("clear is not toy") }
    XCTAssertEqual(clear.hint, "Ctrl-L clears the screen; %reset forgets every model and value")
    session.textWidth = 80
    let (_, help) = run(session, "help")
    for line in help.joined(separator: "\n").split(separator: "\n") {
      XCTAssertLessThanOrEqual(line.count, 80, String(line))
    }
  }

  /// `print norms, superposition` prints a table each, as `print norms` does, not raw lists.
  func testPrintOfPerFeatureMetricsGivesATableEach() {
    let session = Session()
    let (outcome, out) = run(session, "model n=3 m=2\nprint norms\nprint superposition\nprint norms, superposition")
    XCTAssertEqual(outcome, .finished)
    XCTAssertEqual(out.count, 3)
    XCTAssertEqual(out[2], "norms:\n\(out[0])\n\nsuperposition:\n\(out[1])")
  }

  /// Magics are named in `help` and listed by `help magics`, with those only the prompt has.
  func testHelpNamesTheMagicsAndHelpMagicsListsThem() {
    let session = Session()
    session.textWidth = 200
    let (outcome, out) = run(session, "help\nhelp magics")
    XCTAssertEqual(outcome, .finished)
    XCTAssertTrue(out.first?.contains("Magics (help magics): %time, %timeit, %history") == true, out.first ?? "")
    let magics = out.last ?? ""
    for magic in Magic.all { XCTAssertTrue(magics.contains("  %\(magic.name)"), "help magics lists %\(magic.name)") }
    XCTAssertTrue(
      magics.contains(
        "%save FILE [RANGE]: write cells to a .toy script (seeds pinned, failed cells as comments) (the prompt only)"),
      magics)
    XCTAssertEqual(session.help(on: "magics"), magics, "?magics in a notebook is the same")
  }

  func testSaveThenLoadGivesTheSameModelAndTrainingContinues() throws {
    let path = FileManager.default.temporaryDirectory.appendingPathComponent("toy-session-\(getpid()).json").path
    defer { try? FileManager.default.removeItem(atPath: path) }
    let a = Session()
    a.threads = 1
    XCTAssertEqual(run(a, "model n=4 m=2 density=0.3; train 30 batch=32; save \"\(path)\"").0, .finished)
    let b = Session()
    b.threads = 1
    XCTAssertEqual(run(b, "c = load \"\(path)\"; train 10 batch=32").0, .finished)
    XCTAssertEqual(run(a, "train 10 batch=32").0, .finished)
    XCTAssertEqual(b.models["c"]?.model, a.models["model1"]?.model)
  }

  /// `reset` after training leaves the model as if it had only been defined: the weights
  /// drawn again, and no steps, moments, recent losses or loss history left over.
  func testResetAfterTrainingEqualsAModelNeverTrained() throws {
    let trained = Session()
    trained.threads = 1
    XCTAssertEqual(run(trained, "model n=4 m=2 density=0.3 seeds=2; train 30 batch=32").0, .finished)
    let before = try XCTUnwrap(trained.models["model1"]?.model)
    XCTAssertEqual(before.steps, 30)
    XCTAssertFalse(before.history.steps.isEmpty, "training recorded a loss history")
    XCTAssertEqual(run(trained, "reset").0, .finished)
    let fresh = Session()
    XCTAssertEqual(run(fresh, "model n=4 m=2 density=0.3 seeds=2").0, .finished)
    let after = try XCTUnwrap(trained.models["model1"]?.model)
    XCTAssertEqual(after, fresh.models["model1"]?.model)
    XCTAssertEqual(after.steps, 0)
    XCTAssertTrue(after.history.steps.isEmpty)
    XCTAssertTrue(after.recentLosses.allSatisfy(\.isEmpty))
  }

  func testAddingPrintsOrShowsNeverChangesTheNumbers() {
    let plain = Session(seed: 7)
    let chatty = Session(seed: 7)
    plain.threads = 1
    chatty.threads = 1
    _ = run(plain, "model n=5 m=2 density=0.2\ntrain 20 batch=16\nb = model n=3 m=1\ntrain 5 batch=8")
    _ = run(
      chatty,
      "print 1\nmodel n=5 m=2 density=0.2\nprint steps\ntrain 20 batch=16\nprint loss\nb = model n=3 m=1\ntrain 5 batch=8"
    )
    XCTAssertEqual(plain.models["model1"]?.model, chatty.models["model1"]?.model)
    XCTAssertEqual(plain.models["b"]?.model, chatty.models["b"]?.model)
    let fresh7 = Session(seed: 7)
    let fresh8 = Session(seed: 8)
    _ = run(fresh7, "model n=5 m=2 density=0.2")
    _ = run(fresh8, "model n=5 m=2 density=0.2")
    XCTAssertNotEqual(
      fresh7.models["model1"]?.model.parameters, fresh8.models["model1"]?.model.parameters, "the session seed matters")
  }

  func testSyntaxErrorsStopTheWholeSourceAndRuntimeErrorsKeepTheModels() {
    let session = Session()
    if case .syntaxErrors(let errors) = run(session, "model n=3 m=1\nshow 3\ntrian 5").0 {
      XCTAssertEqual(errors.count, 2)
    } else {
      XCTFail("expected syntax errors")
    }
    XCTAssertTrue(session.models.isEmpty, "nothing ran")
    XCTAssertEqual(run(session, "model n=3 m=1").0, .finished)
    guard case .runtimeError(let error) = run(session, "train 0").0 else { return XCTFail() }
    XCTAssertEqual(error.location, "t.toy:1:7")
    XCTAssertNotNil(session.models["model1"], "the model survives")
    XCTAssertEqual(run(session, "model n=[1").0, .incomplete)
  }

  func testBestOfSeedsShowsTheLowestLossSeedPerSetting() {
    let session = Session()
    session.threads = 1
    XCTAssertEqual(run(session, "model n=3 m=1 density=p seeds=3 for p in [1, 0.3]; train 30 batch=64").0, .finished)
    let entry = session.models["model1"]!
    XCTAssertEqual(entry.model.instanceCount, 6)
    let losses = entry.model.evaluationLoss()
    for (setting, shown) in entry.shown.enumerated() {
      XCTAssertTrue((setting * 3..<setting * 3 + 3).contains(shown))
      XCTAssertEqual(losses[shown], losses[setting * 3..<setting * 3 + 3].min())
    }
  }

  /// Seeds are replicas of a setting: a setting trained with seeds=40 starts each seed with
  /// the std one seed would, the notebook's √(2/(m(n+I))) with I = the settings (10 here).
  /// The sample std s of N normal draws has a standard error of about σ/√(2N); the tolerance
  /// is five of them (about 3.5% for seeds=1's 10,000 weights). Counting the 400 instances as
  /// I, as before, would give a std 0.36 times as large.
  func testSeedsDoNotChangeTheInitialScale() throws {
    let (n, m, settings) = (50, 20, 10)
    func weights(seeds: Int) throws -> (values: [Double], scale: Double) {
      let session = Session(seed: 0)
      let script = "model n=\(n) m=\(m) density=p seeds=\(seeds) for p in 20^-linspace(0, 1, \(settings))"
      XCTAssertEqual(session.run(Source(name: "t.toy", text: script)), .finished)
      let model = try XCTUnwrap(session.models["model1"]?.model)
      XCTAssertEqual(model.instanceCount, settings * seeds)
      let values = (0..<model.instanceCount).flatMap { model.weights(instance: $0).flatMap { $0 } }.map(Double.init)
      return (values, model.initialScale)
    }
    func rms(_ values: [Double]) -> Double { (values.map { $0 * $0 }.reduce(0, +) / Double(values.count)).squareRoot() }
    let expected = (2 / Double(m * (n + settings))).squareRoot()
    let one = try weights(seeds: 1)
    let forty = try weights(seeds: 40)
    XCTAssertEqual(one.scale, expected, accuracy: 1e-12)
    XCTAssertEqual(forty.scale, expected, accuracy: 1e-12)
    let (s1, s40) = (rms(one.values), rms(forty.values))
    let oneError = expected / Double(2 * one.values.count).squareRoot()
    let fortyError = expected / Double(2 * forty.values.count).squareRoot()
    XCTAssertEqual(s1, expected, accuracy: 5 * oneError, "seeds=1 against √(2/(m(n+I))), I = \(settings)")
    let tolerance = 5 * (oneError * oneError + fortyError * fortyError).squareRoot()
    XCTAssertEqual(s40, s1, accuracy: tolerance, "seeds=40 against seeds=1: tolerance \(tolerance)")
    // reset re-initialises at the same scale.
    let session = Session(seed: 0)
    XCTAssertEqual(session.run(Source(name: "t.toy", text: "model n=5 m=2 seeds=40\nreset")), .finished)
    XCTAssertEqual(session.models["model1"]?.model.initialScale ?? 0, (1.0 / 6).squareRoot(), accuracy: 1e-12)
  }
}

final class ShowTests: XCTestCase {
  func testEveryTargetGivesAPlainTextSVGAndJSONDisplay() throws {
    let session = Session()
    session.threads = 1
    session.textWidth = 90
    var displays: [Display] = []
    session.onDisplay = { displays.append($0) }
    let script = """
      model n=5 m=2 importance=0.9^i density=p for p in [1, 0.1]
      train 200 batch=64
      show wtw; show w; show bias; show norms; show geometry; show hidden; show loss; show dims; show dimensionality
      model n=6 m=3 kind=hidden_relu
      train 50 batch=32
      show neurons instance=0 width=60 canvas=ascii
      model n=2 m=1 importance=[1, r] density=s seeds=3 for r in [0.3, 3], s in [1, 0.1]
      train 50 batch=32
      show phase
      model n=6 m=2 density=p for p in [1, 0.1]
      train 300 batch=32
      show dynamics instance=1; show vulnerability; show overview; show recovery
      model n=8 m=2 density=0.3 dataset=T for T in [3, 20]
      train 100 warmup=10
      show datapoints; show descent
      """
    XCTAssertEqual(session.run(Source(name: "t.toy", text: script)), .finished)
    XCTAssertEqual(displays.count, 17)
    for display in displays {
      XCTAssertFalse(display.plain.contains("\u{1B}"), "text/plain has no escape codes")
      let widths = Set(display.plain.split(separator: "\n").map(\.count))
      XCTAssertEqual(widths.count, 1, "every line of a plot has one width")
      XCTAssertLessThanOrEqual(widths.first ?? 0, 90)
      XCTAssertTrue(display.svg?.hasPrefix("<svg") ?? false)
      let json = try JSONSerialization.jsonObject(with: Data(display.json.utf8)) as? [String: Any]
      XCTAssertEqual(json?["toy_version"] as? String, toyVersion)
      XCTAssertNotNil((json?["data"] as? [String: Any])?["data"])
    }
    XCTAssertTrue(displays[9].plain.allSatisfy(\.isASCII), "canvas=ascii draws 7-bit text")
    // Every target is drawn here, so a new one cannot go untested.
    let targets = try displays.map { display in
      let json = try JSONSerialization.jsonObject(with: Data(display.json.utf8)) as? [String: Any]
      return (json?["data"] as? [String: Any])?["target"] as? String ?? ""
    }
    XCTAssertEqual(Set(targets), Set(ShowTarget.names))
    // The data keys documented in docs/displays.md.
    func data(_ i: Int) throws -> Any? {
      let json = try JSONSerialization.jsonObject(with: Data(displays[i].json.utf8)) as? [String: Any]
      return (json?["data"] as? [String: Any])?["data"]
    }
    XCTAssertEqual(Set(((try data(0) as? [[String: Any]])?.first ?? [:]).keys), ["wtw", "b"])
    XCTAssertEqual(Set(((try data(3) as? [[String: Any]])?.first ?? [:]).keys), ["norms", "superposition"])
    XCTAssertEqual(Set((try data(6) as? [String: Any] ?? [:]).keys), ["steps", "loss"])
    XCTAssertEqual(Set((try data(7) as? [String: Any] ?? [:]).keys), ["inverse_density", "dimensions_per_feature"])
    XCTAssertEqual(Set((try data(8) as? [String: Any] ?? [:]).keys), ["inverse_density", "dimensionality"])
    XCTAssertEqual(
      Set((try data(10) as? [String: Any] ?? [:]).keys),
      [
        "relative_importance", "density", "norm", "superposition", "phase", "seed", "fractions", "seeds", "theory",
      ])
    let dynamics = try XCTUnwrap(try data(11) as? [String: Any])
    XCTAssertEqual(Set(dynamics.keys), ["steps", "dimensionality", "loss_steps", "loss", "loss_smoothed"])
    // Recorded from step 0, about every 1% of the call, to its end; six D_i per point.
    let steps = try XCTUnwrap(dynamics["steps"] as? [Double])
    XCTAssertEqual(steps.first, 0)
    XCTAssertEqual(steps.last, 300)
    XCTAssertGreaterThan(steps.count, 50)
    XCTAssertEqual((dynamics["dimensionality"] as? [[Double]])?.map(\.count).allSatisfy { $0 == 6 }, true)
    XCTAssertEqual(
      Set((try data(12) as? [String: Any] ?? [:]).keys),
      ["inverse_density", "vulnerability", "features_per_dimension"])
    XCTAssertEqual(
      Set(((try data(13) as? [[String: Any]])?.first ?? [:]).keys), ["wtw", "b", "norms", "superposition"])
    XCTAssertEqual((try data(14) as? [[Double]])?.map(\.count), [6, 6], "recovery: n numbers per setting")
    let points = try XCTUnwrap(try data(15) as? [[String: Any]])
    XCTAssertEqual(Set(points.first?.keys.map { $0 } ?? []), ["features", "datapoints"])
    XCTAssertEqual(points.map { ($0["datapoints"] as? [[Double]])?.count }, [3, 20], "a hidden vector per example")
    let descent = try XCTUnwrap(try data(16) as? [String: Any])
    XCTAssertEqual(
      Set(descent.keys), ["dataset_size", "train_loss", "test_loss", "feature_dimensionality", "data_dimensionality"])
    XCTAssertEqual(descent["dataset_size"] as? [Double], [3, 20])
    XCTAssertEqual((descent["data_dimensionality"] as? [[Double]])?.map(\.count), [3, 20])
    XCTAssertEqual((descent["feature_dimensionality"] as? [[Double]])?.map(\.count), [8, 8])
  }

  func testDynamicsRecordsWhatAFreshGeometryComputes() throws {
    let session = Session()
    session.threads = 1
    var displays: [Display] = []
    session.onDisplay = { displays.append($0) }
    let script = "model n=4 m=2 density=0.2\ntrain 100 batch=32\nshow dynamics\nprint dimensionality"
    XCTAssertEqual(session.run(Source(name: "t.toy", text: script)), .finished)
    let json = try JSONSerialization.jsonObject(with: Data(displays[0].json.utf8)) as? [String: Any]
    let data = try XCTUnwrap((json?["data"] as? [String: Any])?["data"] as? [String: Any])
    let last = try XCTUnwrap((data["dimensionality"] as? [[Double]])?.last)
    // The last recorded point is the trained model: the same D_i the metric computes now.
    guard case .list(let settings) = try XCTUnwrap(displays[1].value), case .list(let values) = settings[0] else {
      return XCTFail("print dimensionality gives a list per setting")
    }
    let metric = values.compactMap { value -> Double? in
      if case .number(let x) = value { return x }
      return nil
    }
    XCTAssertEqual(last.count, 4)
    for (a, b) in zip(last, metric) { XCTAssertEqual(a, b, accuracy: 1e-9) }
  }

  /// A dropped feature (‖W_2‖ = 1e-3) beside two kept ones spanning the plane: its bar in
  /// `show norms` is coloured as not shared (superposition 0), in the plot and the JSON, and
  /// `print superposition` gives 0; measured along its random direction it would read 1.
  func testDroppedFeaturesAreNotColouredAsShared() throws {
    let session = Session(seed: 0)
    var displays: [Display] = []
    session.onDisplay = { displays.append($0) }
    XCTAssertEqual(session.run(Source(name: "t.toy", text: "model n=3 m=2")), .finished)
    session.models["model1"]?.model.setParameters(
      instance: 0, weights: [[1, 0], [0, 1], [6e-4, 8e-4]], bias: [0, 0, 0])
    XCTAssertEqual(session.run(Source(name: "t.toy", text: "show norms\nprint superposition")), .finished)
    let bars = try XCTUnwrap(displays[0].plot as? BarChart)
    XCTAssertEqual(bars.colorValues?[2], 0, "dropped: coloured as not shared")
    let json = try JSONSerialization.jsonObject(with: Data(displays[0].json.utf8)) as? [String: Any]
    let data = try XCTUnwrap((json?["data"] as? [String: Any])?["data"] as? [[String: Any]])
    let superposition = try XCTUnwrap(data[0]["superposition"] as? [Double])
    // The kept features still see the dropped one's tiny interference, (6e-4)² and (8e-4)².
    for (value, expected) in zip(superposition, [0.36e-6, 0.64e-6, 0]) {
      XCTAssertEqual(value, expected, accuracy: 1e-12)
    }
    XCTAssertEqual(superposition[2], 0)
    guard case .list(let settings) = try XCTUnwrap(displays[1].value), case .list(let values) = settings[0],
      case .number(let dropped) = values[2]
    else { return XCTFail("print superposition gives a list per setting") }
    XCTAssertEqual(dropped, 0)
  }

  /// `show geometry orient=canonical` writes the rows as drawn: the top represented feature
  /// along +x and the next above it, the same rotation of the stored rows (their dot products
  /// kept), under `"orient": "canonical"`; `show geometry` writes the stored rows, "raw".
  func testCanonicalGeometryWritesTheRowsAsDrawn() throws {
    let session = Session(seed: 0)
    var displays: [Display] = []
    session.onDisplay = { displays.append($0) }
    XCTAssertEqual(session.run(Source(name: "t.toy", text: "model n=4 m=2 importance=0.9^i")), .finished)
    // Feature 0 points down-left, 1 down-right; 3 is dropped.
    let stored: [[Float]] = [[-0.6, -0.8], [0.8, -0.6], [0.6, 0.8], [0.01, 0.02]]
    session.models["model1"]?.model.setParameters(instance: 0, weights: stored, bias: [0, 0, 0, 0])
    let script = "show geometry orient=canonical\nshow geometry"
    XCTAssertEqual(session.run(Source(name: "t.toy", text: script)), .finished)
    func payload(_ display: Display) throws -> [String: Any] {
      let json = try JSONSerialization.jsonObject(with: Data(display.json.utf8)) as? [String: Any]
      return try XCTUnwrap(json?["data"] as? [String: Any])
    }
    let canonical = try payload(displays[0])
    let raw = try payload(displays[1])
    XCTAssertEqual(canonical["orient"] as? String, "canonical")
    XCTAssertEqual(raw["orient"] as? String, "raw")
    let drawn = try XCTUnwrap((canonical["data"] as? [[[Double]]])?.first)
    let rows = try XCTUnwrap((raw["data"] as? [[[Double]]])?.first)
    for (row, stored) in zip(rows, stored) {
      for k in 0..<2 { XCTAssertEqual(row[k], Double(stored[k]), accuracy: 1e-12, "raw stays raw") }
    }
    XCTAssertEqual(drawn[0][0], 1, accuracy: 1e-6, "the top feature along +x")
    XCTAssertEqual(drawn[0][1], 0, accuracy: 1e-6)
    XCTAssertGreaterThan(drawn[1][1], 0.99, "the next one above")
    XCTAssertEqual(drawn[2][0], -1, accuracy: 1e-6, "feature 2 antipodal to 0")
    for i in 0..<4 {
      for j in 0..<4 {
        let a = drawn[i][0] * drawn[j][0] + drawn[i][1] * drawn[j][1]
        let b = rows[i][0] * rows[j][0] + rows[i][1] * rows[j][1]
        XCTAssertEqual(a, b, accuracy: 1e-6, "a rotation keeps W_\(i)·W_\(j)")
      }
    }
    // And it is what the plot draws.
    let plot = try XCTUnwrap(displays[0].plot as? VectorPlot)
    XCTAssertTrue(plot.canonical)
    for (a, b) in zip(plot.drawnVectors, drawn) {
      XCTAssertEqual(a[0], b[0], accuracy: 1e-12)
      XCTAssertEqual(a[1], b[1], accuracy: 1e-12)
    }
  }
}
