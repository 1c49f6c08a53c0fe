import Foundation
import XCTest

@testable import ToyLanguage

final class SessionTests: XCTestCase {
  func run(_ session: Session, _ text: String) -> (RunOutcome, [String]) {
    var out: [String] = []
    session.onDisplay = { out.append($0.plain) }
    return (session.run(Source(name: "t.toy", text: text)), out)
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
}
