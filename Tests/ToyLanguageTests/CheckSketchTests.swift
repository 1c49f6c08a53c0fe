import ToyCore
import XCTest

@testable import ToyLanguage

/// `toy check` of a huge sweep holds one instance's weights, not the model's (issue 24
/// item 5), and still builds, when a statement reads a model, exactly the model a run builds.
final class CheckSketchTests: XCTestCase {
  private func checking(_ text: String) -> (Session, RunOutcome) {
    let session = Session(seed: 3)
    session.dryRun = true
    return (session, session.run(Source(name: "check.toy", text: text)))
  }

  func testAHugeSweepIsCheckedHoldingOneInstance() {
    let (session, outcome) = checking("model n=100 m=20 density=p for p in logspace(-3, 0, 20000)")
    XCTAssertEqual(outcome, .finished)
    XCTAssertEqual(session.models["model1"]?.settings.count, 20_000)
    XCTAssertEqual(session.models["model1"]?.heldInstances, 1)
  }

  func testManySeedsOfABigModelAreCheckedHoldingOneInstance() {
    let (session, outcome) = checking("model n=10000 m=1 seeds=2500")
    XCTAssertEqual(outcome, .finished)
    XCTAssertEqual(session.models["model1"]?.heldInstances, 1)
  }

  /// The model a check builds when a statement reads it is the one a run builds, compared
  /// whole (weights, importance, density, seed, settings) with a real run's.
  func testTheModelBuiltForAReadingStatementIsTheRunsModel() {
    let script = "a = model n=6 m=2 kind=abs density=p importance=0.9^i seeds=3 for p in [0.1, 0.5, 1]\n"
    let (checked, outcome) = checking(script + "x = a.steps\n")
    XCTAssertEqual(outcome, .finished)
    let run = Session(seed: 3)
    XCTAssertEqual(run.run(Source(name: "run.toy", text: script)), .finished)
    XCTAssertEqual(checked.models["a"]?.heldInstances, 9)
    XCTAssertEqual(checked.models["a"]?.model, run.models["a"]?.model)
  }

  /// A model statement reading another sketched model's numbers sees the whole model's.
  func testAModelStatementReadingASketchedModelSeesItWhole() {
    let script =
      "a = model n=4 m=2 seeds=2 importance=q for q in [1, 2, 3]\nb = model n=4 m=2 importance=a.importance[2]\n"
    let (checked, outcome) = checking(script)
    XCTAssertEqual(outcome, .finished)
    XCTAssertEqual(checked.models["b"]?.model.importance(instance: 0), [3, 3, 3, 3])
    let (_, refused) = checking(script + "c = model n=4 m=2 importance=a.importance[3]\n")
    let run = Session(seed: 3)
    let ran = run.run(Source(name: "check.toy", text: script + "c = model n=4 m=2 importance=a.importance[3]\n"))
    guard case .runtimeError(let checkedError) = refused, case .runtimeError(let runError) = ran else {
      return XCTFail("\(refused), \(ran)")
    }
    XCTAssertEqual(checkedError.rendered, runError.rendered)
  }
}
