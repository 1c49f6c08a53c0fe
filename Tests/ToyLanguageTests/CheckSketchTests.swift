import Foundation
import ToyCore
import XCTest

@testable import ToyLanguage

/// `toy check` of a huge sweep holds a window of instances, never the model (issue 24 item
/// 5), and still checks exactly what a check holding the whole model checks: the same
/// diagnostics, and, since every window holds the numbers the whole would, the same values.
final class CheckSketchTests: XCTestCase {
  private func checking(_ text: String, windowFloats: Int? = nil) -> (Session, RunOutcome) {
    let session = Session(seed: 3)
    session.dryRun = true
    if let windowFloats { session.checkWindowFloats = windowFloats }
    return (session, session.run(Source(name: "check.toy", text: text)))
  }

  func testAHugeSweepIsCheckedHoldingOneInstance() {
    let (session, outcome) = checking("model n=100 m=20 density=p for p in logspace(-3, 0, 20000)")
    XCTAssertEqual(outcome, .finished)
    XCTAssertEqual(session.models["model1"]?.settings.count, 20_000)
    XCTAssertEqual(session.models["model1"]?.instanceCount, 20_000)
    XCTAssertEqual(session.models["model1"]?.heldInstances, 1)
  }

  func testManySeedsOfABigModelAreCheckedHoldingOneInstance() {
    let (session, outcome) = checking("model n=10000 m=1 seeds=2500")
    XCTAssertEqual(outcome, .finished)
    XCTAssertEqual(session.models["model1"]?.heldInstances, 1)
  }

  /// A model that fits a window is built whole, as a run builds it (weights, importance,
  /// density, seed, settings compared whole with a real run's).
  func testAModelThatFitsAWindowIsTheRunsModel() {
    let script = "a = model n=6 m=2 kind=abs density=p importance=0.9^i seeds=3 for p in [0.1, 0.5, 1]\n"
    let (checked, outcome) = checking(script + "x = a.steps\n")
    XCTAssertEqual(outcome, .finished)
    let run = Session(seed: 3)
    XCTAssertEqual(run.run(Source(name: "run.toy", text: script)), .finished)
    XCTAssertEqual(checked.models["a"]?.heldInstances, 9)
    XCTAssertEqual(checked.models["a"]?.model, run.models["a"]?.model)
  }

  /// A model statement reading a sketched model's numbers reads the whole model's.
  func testAModelStatementReadingASketchedModelSeesItWhole() {
    let script =
      "a = model n=4 m=2 seeds=2 importance=q for q in [1, 2, 3]\nb = model n=4 m=2 importance=a.importance[2]\n"
    let (checked, outcome) = checking(script, windowFloats: 1)
    XCTAssertEqual(outcome, .finished)
    XCTAssertEqual(checked.models["a"]?.heldInstances, 1)
    XCTAssertEqual(checked.models["b"]?.model.importance(instance: 0), [3, 3, 3, 3])
    let refusing = script + "c = model n=4 m=2 importance=a.importance[3]\n"
    let (_, refused) = checking(refusing, windowFloats: 1)
    let ran = Session(seed: 3).run(Source(name: "check.toy", text: refusing))
    guard case .runtimeError(let checkedError) = refused, case .runtimeError(let runError) = ran else {
      return XCTFail("\(refused), \(ran)")
    }
    XCTAssertEqual(checkedError.rendered, runError.rendered)
  }

  /// A check of a big sweep that trains, prints, draws, saves, resets and loads builds a
  /// window of instances at a time, never the model; the same check holding models whole
  /// builds all 500 (so the bound below is the sketch's doing).
  func testACheckOfABigSweepBuildsAWindowAtATime() {
    let script = """
      model n=20 m=5 sparsity=p seeds=2 for p in linspace(0, 0.9, 250)
      train 100
      print loss
      print steps, loss, dims
      show wtw instance=[0, 125, 249]
      show dims
      show loss
      save "sweep.json"
      reset
      train 10
      load "sweep.json"
      print loss
      show wtw instance=[0, 499]
      """
    // 3·(20·5 + 20) + 2·20 = 400 floats an instance: windows of 25.
    let (session, outcome) = checking(script, windowFloats: 10_000)
    XCTAssertEqual(outcome, .finished)
    XCTAssertEqual(session.models["model1"]?.instanceCount, 500)
    XCTAssertEqual(session.models["model2"]?.instanceCount, 500)
    XCTAssertEqual(session.models["model1"]?.heldInstances, 1)
    XCTAssertEqual(session.models["model2"]?.heldInstances, 1)
    XCTAssertEqual(session.models["model2"]?.model.steps, 1)
    XCTAssertEqual(session.models["model1"]?.model.steps, 1)
    XCTAssertGreaterThan(session.checkLargestBuild, 0)
    XCTAssertLessThanOrEqual(session.checkLargestBuild, 25)
    let (whole, wholeOutcome) = checking(script, windowFloats: .max)
    XCTAssertEqual(wholeOutcome, .finished)
    XCTAssertEqual(whole.checkLargestBuild, 500)
  }

  // MARK: The same check, sketched or whole

  /// Every diagnostic and display of a check of `text`, run statement by statement as cells
  /// would be (an error does not stop the next statement), then each model's counts, steps
  /// and shown seeds; models are held whole or sketched in windows of `windowFloats`.
  private func transcript(_ text: String, name: String, windowFloats: Int) -> [String] {
    let source = Source(name: name, text: text)
    let (statements, diagnostics, _) = Parser.parse(source)
    guard diagnostics.isEmpty else { return diagnostics.map(\.rendered) }
    let session = Session(seed: 0)
    session.dryRun = true
    session.checkWindowFloats = windowFloats
    var lines: [String] = []
    session.onDisplay = { lines += [$0.plain, $0.json] }
    for statement in statements {
      do {
        try session.execute(statement, source)
      } catch .failed(let diagnostic) {
        lines.append(diagnostic.rendered)
      } catch {
        lines.append("interrupted")
      }
    }
    for (name, entry) in session.models.sorted(by: { $0.key < $1.key }) {
      lines.append(
        "\(name): \(entry.instanceCount) instances, \(entry.model.steps) steps, shown \(entry.shown), "
          + "dynamics at \(entry.dynamics.steps)")
    }
    return lines
  }

  /// Windows of one instance (every model sketched), of a few instances, and the whole.
  private func assertSketchedChecksMatchWhole(
    _ text: String, name: String, file: StaticString = #filePath, line: UInt = #line
  ) {
    let whole = transcript(text, name: name, windowFloats: .max)
    XCTAssertFalse(whole.isEmpty, name, file: file, line: line)
    for floats in [1, 600] {
      let sketched = transcript(text, name: name, windowFloats: floats)
      XCTAssertEqual(sketched.count, whole.count, "\(name), windows of \(floats) floats", file: file, line: line)
      for (index, (got, want)) in zip(sketched, whole).enumerated() where got != want {
        XCTFail(
          "\(name), windows of \(floats) floats, output \(index + 1):\n  sketched: \(got)\n  whole:    \(want)",
          file: file, line: line)
        return
      }
    }
  }

  func testEverySpecFileChecksTheSameSketchedAsWhole() throws {
    let directory = SpecTests.directory
    let files = try FileManager.default.contentsOfDirectory(atPath: directory.path).filter { $0.hasSuffix(".toy") }
    XCTAssertFalse(files.isEmpty)
    for file in files.sorted() {
      let text = try String(contentsOf: directory.appendingPathComponent(file), encoding: .utf8)
      assertSketchedChecksMatchWhole(text, name: file)
    }
  }

  func testEveryExampleChecksTheSameSketchedAsWhole() throws {
    let directory = URL(fileURLWithPath: "\(#filePath)").deletingLastPathComponent().deletingLastPathComponent()
      .deletingLastPathComponent().appendingPathComponent("examples")
    let files = try FileManager.default.contentsOfDirectory(atPath: directory.path).filter { $0.hasSuffix(".toy") }
    XCTAssertFalse(files.isEmpty)
    for file in files.sorted() {
      let text = try String(contentsOf: directory.appendingPathComponent(file), encoding: .utf8)
      assertSketchedChecksMatchWhole(text, name: file)
    }
  }

  /// Sweeps with seeds, trained, read by every metric, view and choice of instances and
  /// seeds, saved, reset and loaded, with a mistake of each kind between.
  func testASweepReadEveryWayChecksTheSameSketchedAsWhole() {
    assertSketchedChecksMatchWhole(
      """
      print loss
      a = model n=6 m=2 density=p importance=0.9^i seeds=3 for p in logspace(0, -2, 9)
      print loss
      show loss
      train 100
      print loss
      print a.loss seed=all
      print steps, loss, dims
      print norms
      print superposition, dimensionality
      print a.bias seed=[0, 2]
      print importance, density
      print a.vulnerability
      print loss seed=3
      print a.lss
      show wtw instance=[0, 4, 8]
      show wtw seed=all
      show wtw instance=[0, 8] seed=all
      show wtw instance=9
      show w instance=[1, 2]
      show bias
      show norms seed=[1]
      show overview instance=[0, 1]
      show geometry instance=1 seed=1
      show hidden instance=[0, 4] orient=canonical
      show dims
      show dims seed=all
      show dimensionality
      show dynamics instance=2 seed=0
      show dynamics
      show neurons
      show vulnerability
      show phase
      export wtw "out.svg" instance=[0, 1]
      export dims "out.csv"
      explore
      x = a.loss
      print x
      b = model n=6 m=2 importance=a.loss[2] * 100
      print b.importance
      c = model n=4 m=2 importance=a.norms[1][0]
      print c.importance
      print a.dims[4] + 1
      use a
      for k in [1, 2] do train 2 lr=0.05 schedule=cosine; print a.loss end
      train 1 batch=100000000
      train 3 optimizer=adam live
      print loss, steps
      save "a.json"
      reset
      print a.steps, a.loss
      show loss
      load "a.json"
      print loss
      print steps, dims
      show wtw instance=[0, 26]
      show wtw instance=27
      show norms
      train 3
      print loss
      reset
      train 2
      print loss
      """, name: "sweep.toy")
  }

  /// A setting that diverges in a later window is named as on the whole model; the model
  /// keeps its steps, and later statements see it as before. Then training replayed through
  /// several steps at a large rate.
  func testADivergingSettingChecksTheSameSketchedAsWhole() {
    assertSketchedChecksMatchWhole(
      """
      model n=5 m=2 importance=x seeds=2 for x in [1, 2, 3, 3e38]
      train 50
      print steps
      print loss
      show dynamics instance=0 seed=0
      model n=5 m=2 importance=x for x in [1, 2, 3e37, 4]
      train 5 lr=10
      train 5 lr=10
      train 5 lr=10
      print steps
      """, name: "diverging.toy")
  }

  /// Limits counted on the whole model: the batch × n × instances bound, the dynamics bound,
  /// the panel limit's hint, the phase diagram's points.
  func testLimitsOfTheWholeModelCheckTheSameSketchedAsWhole() {
    assertSketchedChecksMatchWhole(
      """
      big = model n=100 m=20 seeds=5 density=p for p in logspace(-2, 0, 40)
      train 1 batch=30000
      train 1 batch=13000
      show dynamics instance=0 seed=0
      show wtw
      show wtw seed=all instance=[0, 1, 2, 3, 4]
      print loss seed=[4]
      phase = model n=2 m=1 importance=[1, r] density=s seeds=3 for r in logspace(-1, 1, 4), s in logspace(-2, 0, 4)
      train 10
      show phase
      show phase seed=1
      show phase seed=all
      print loss seed=all
      three = model n=3 m=2 importance=[1, 1, r] density=s seeds=2 for r in [0.5, 2], s in [0.1, 1]
      train 4
      show phase
      twice = model n=2 m=1 importance=[1, r] density=0.5 for r in [1, 1]
      show phase
      """, name: "limits.toy")
  }
}
