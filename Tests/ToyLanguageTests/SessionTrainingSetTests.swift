import Foundation
import XCTest

@testable import ToyLanguage

/// `dataset=` and `normalize=` at the session: the misuse located where it is written, and
/// a set model through `save` and `load` training on as the one that never left memory.
extension SessionTests {
  func testNormalizeWithoutADatasetIsALocatedError() {
    let (outcome, _) = run(Session(), "model n=6 m=2 sparsity=0.9 normalize=unit")
    guard case .runtimeError(let d) = outcome else { return XCTFail("\(outcome)") }
    XCTAssertEqual(
      d.rendered,
      """
      t.toy:1:28: error: normalize=unit rescales the examples of a fixed training set; this model draws fresh data
        1 | model n=6 m=2 sparsity=0.9 normalize=unit
          |                            ^^^^^^^^^
      give the model dataset=T too, e.g. model n=100 m=2 sparsity=0.9 dataset=100 normalize=unit
      """)
  }

  /// A set larger than the default batch (1024) trains full batch before a save and after a
  /// load alike: the loaded model keeps its sets, its normalisation and its full batch.
  func testALoadedSetModelTrainsOnAsIfNeverSaved() throws {
    let path = FileManager.default.temporaryDirectory.appendingPathComponent("toy-sets-\(UUID().uuidString).json").path
    defer { try? FileManager.default.removeItem(atPath: path) }
    let define = "model n=5 m=2 density=0.4 dataset=T normalize=unit for T in [1500, 20]\n"
    let straight = Session(seed: 3)
    XCTAssertEqual(run(straight, define + "train 6 warmup=2").0, .finished)
    let saved = Session(seed: 3)
    XCTAssertEqual(run(saved, define + "train 3 warmup=2\nsave \"\(path)\"").0, .finished)
    let loaded = Session(seed: 9)
    XCTAssertEqual(run(loaded, "load \"\(path)\"\ntrain 3").0, .finished)
    let a = try XCTUnwrap(straight.models["model1"]?.model)
    let b = try XCTUnwrap(loaded.models["model1"]?.model)
    XCTAssertEqual(b.trainingSetSizes, [1500, 20])
    XCTAssertTrue(b.normalizesExamples)
    XCTAssertEqual(a.parameters, b.parameters)
    XCTAssertEqual(a.secondMoment, b.secondMoment)
    XCTAssertEqual(a.trainingSetLoss(), b.trainingSetLoss())
  }

  /// A loaded set model's tables label its rows by T, as the model did before its save:
  /// they were labelled by 1−S, the same 0.1 on every row.
  func testALoadedSetModelLabelsItsRowsByTAsWhenDefined() throws {
    let path = FileManager.default.temporaryDirectory.appendingPathComponent("toy-sets-\(UUID().uuidString).json").path
    defer { try? FileManager.default.removeItem(atPath: path) }
    let printing = "print test_loss, train_loss"
    let (definedOutcome, defined) = run(
      Session(seed: 3),
      "model n=5 m=2 density=0.1 dataset=T for T in [3, 20]\ntrain 3\n\(printing)\nsave \"\(path)\"")
    XCTAssertEqual(definedOutcome, .finished)
    let (loadedOutcome, loaded) = run(Session(seed: 9), "load \"\(path)\"\n\(printing)")
    XCTAssertEqual(loadedOutcome, .finished)
    let table = try XCTUnwrap(loaded.first)
    XCTAssertEqual(table, defined.first, "the loaded model's table is the defined one's")
    let labels = table.split(separator: "\n").map { $0.split(separator: " ").first.map(String.init) ?? "" }
    XCTAssertEqual(labels.first, "T", table)
    XCTAssertEqual(Array(labels.dropFirst()), ["3", "20"], table)
  }
}
