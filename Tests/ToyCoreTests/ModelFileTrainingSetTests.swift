import Foundation
import XCTest

@testable import ToyCore

/// Fixed training sets through the file: each instance's `dataset_size` and the model's
/// `normalize`, so that a loaded model draws its sets again and trains on as if never saved;
/// files without them (every older one) load as models on fresh data.
extension ModelFileTests {
  /// Three instances of a relu model with sets of 5, 9 and 3 examples (the last fresh data
  /// without `normalize`, which needs a set everywhere).
  func setModel(normalize: Bool) throws -> ToyModel {
    var model = try makeModel(.relu)
    try model.useTrainingSets(sizes: [5, 9, normalize ? 3 : 0], normalize: normalize)
    return model
  }

  /// Train 30 full-batch steps, or 15, save, load, 15 more: the same bits, the same sets.
  func testASetModelContinuesExactlyThroughItsFile() throws {
    for normalize in [false, true] {
      var run = options(steps: 30)
      run.batchSize = 9
      var straight = try setModel(normalize: normalize)
      try straight.train(run)
      var resumed = try setModel(normalize: normalize)
      run.steps = 15
      try resumed.train(run)
      resumed = try throughJSON(resumed)
      XCTAssertEqual(resumed.trainingSetSizes, [5, 9, normalize ? 3 : 0])
      XCTAssertEqual(resumed.normalizesExamples, normalize)
      try resumed.train(run)
      assertIdentical(resumed, straight)
      XCTAssertEqual(resumed, straight, "normalize: \(normalize)")
      XCTAssertEqual(resumed.trainingSetLoss(), straight.trainingSetLoss())
      XCTAssertEqual(resumed.testLoss(samples: 64), straight.testLoss(samples: 64))
    }
  }

  /// The keys are written only for a model with sets, so a model on fresh data writes the
  /// file it wrote before them, and such a file loads without sets.
  func testSetKeysAreWrittenOnlyWhenAModelHasSets() throws {
    let json = { (model: ToyModel) in
      try JSONSerialization.jsonObject(with: JSONEncoder().encode(model.file)) as! [String: Any]
    }
    let plain = try json(makeModel(.relu))
    XCTAssertNil(plain["normalize"])
    for instance in plain["instances"] as! [[String: Any]] { XCTAssertNil(instance["dataset_size"]) }
    XCTAssertFalse(try throughJSON(makeModel(.relu)).hasTrainingSets)

    let sets = try json(setModel(normalize: false))
    XCTAssertNil(sets["normalize"])
    XCTAssertEqual((sets["instances"] as! [[String: Any]]).map { $0["dataset_size"] as? Int }, [5, 9, nil])
    let unit = try json(setModel(normalize: true))
    XCTAssertEqual(unit["normalize"] as? String, "unit")
    XCTAssertEqual((unit["instances"] as! [[String: Any]]).map { $0["dataset_size"] as? Int }, [5, 9, 3])
  }

  func testSetKeyErrors() throws {
    try assertMessage(
      { $0.instances[1].datasetSize = 0 }, "instances[1].dataset_size is 0; it must be at least 1")
    try assertMessage(
      { $0.instances[0].datasetSize = ToyModel.trainingSetLimit + 1 },
      "instances[0].dataset_size is 10000001; it must be at most 10000000")
    try assertMessage({ $0.normalize = "l2" }, "normalize is \"l2\", expected one of none, unit")
    try assertMessage(
      { file in
        file.normalize = "unit"
        file.instances[0].datasetSize = 4
        file.instances[2].datasetSize = 4
      },
      "normalize is \"unit\" but instances[1].dataset_size is missing: only a fixed training set's examples are "
        + "rescaled")
    XCTAssertNil(try error { $0.normalize = "none" })
    XCTAssertNil(try error { $0.instances[2].datasetSize = 7 })
  }
}
