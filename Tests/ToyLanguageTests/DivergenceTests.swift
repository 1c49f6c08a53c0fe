import ToyCore
import XCTest

@testable import ToyLanguage

/// Training that diverges is an error naming the model, the setting, the step and the cause,
/// and the model keeps its last finite state; importance's limit is Float32's.
final class DivergenceTests: XCTestCase {
  func run(_ session: Session, _ text: String) -> (RunOutcome, [String]) {
    var out: [String] = []
    session.onDisplay = { out.append($0.plain) }
    return (session.run(Source(name: "t.toy", text: text)), out)
  }

  func testAnOverflowingImportanceNamesTheModelSettingStepAndCause() {
    let session = Session(seed: 0)
    let (outcome, _) = run(session, "model n=5 m=2 importance=x seeds=2 for x in [1, 3e38]; train 50 batch=64")
    guard case .runtimeError(let diagnostic) = outcome else { return XCTFail("\(outcome)") }
    XCTAssertEqual(
      diagnostic.message,
      "model1 (x = 3e38, seed 0) diverged at step 1: the loss became inf; the model keeps its 0 steps before it")
    XCTAssertEqual(
      diagnostic.hint,
      "an importance of 3e38 makes the loss pass Float32's largest number (3.4e38): use smaller importances")
    XCTAssertEqual(session.models["model1"]?.model.steps, 0)
  }

  func testImportanceIsBoundedByTheFloat32RangeNotInfinity() {
    let (outcome, _) = run(Session(seed: 0), "model n=5 m=2 importance=1e300")
    guard case .runtimeError(let diagnostic) = outcome else { return XCTFail("\(outcome)") }
    XCTAssertEqual(
      diagnostic.message, "importance of feature 0 is 1e300; it must be a number in [0, 3.40282e38] per feature")
  }
}
