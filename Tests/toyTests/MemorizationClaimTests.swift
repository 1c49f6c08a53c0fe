import Foundation
import XCTest

/// The claims of examples/15-memorization.toy (Henighan et al. 2023), read from the numbers
/// of its `show descent`: per T the losses and every feature's and example's dimensionality.
final class MemorizationClaimTests: XCTestCase {
  struct Setting {
    let size: Int
    let trainLoss: Double
    let testLoss: Double
    let features: [Double]
    let examples: [Double]
  }

  func settings(_ run: ToyRun) throws -> [Setting] {
    let data: [String: Any] = try run.data("show descent")
    let sizes = try XCTUnwrap(data["dataset_size"] as? [Double])
    let train = try XCTUnwrap(data["train_loss"] as? [Double])
    let test = try XCTUnwrap(data["test_loss"] as? [Double])
    let features = try XCTUnwrap(data["feature_dimensionality"] as? [[Double]])
    let examples = try XCTUnwrap(data["data_dimensionality"] as? [[Double]])
    return sizes.indices.map {
      Setting(
        size: Int(sizes[$0]), trainLoss: train[$0], testLoss: test[$0], features: features[$0], examples: examples[$0])
    }
  }

  /// "small T (3, 5): the model memorises the examples: the training loss is under a tenth of
  /// the test loss, and the examples' hidden vectors point T ways around the origin …".
  func testMemorizationSmallSetsStoreTheExamples() throws {
    try checkClaim("15-memorization") { run in
      for s in try settings(run) where s.size <= 5 {
        XCTAssertLessThan(s.trainLoss, s.testLoss / 10, "T=\(s.size): memorised")
        XCTAssertEqual(s.examples.count, s.size)
        XCTAssertEqual(s.examples.reduce(0, +), 2, accuracy: 0.1, "T=\(s.size): the examples hold m=2 dimensions")
        XCTAssertGreaterThanOrEqual(s.examples.max() ?? 0, 0.5, "T=\(s.size): \(s.examples)")
        XCTAssertTrue(s.examples.allSatisfy { $0 > 0.1 }, "T=\(s.size): every example has a direction of its own")
        let messy = s.features.filter { $0 >= 0.15 }
        XCTAssertLessThanOrEqual(messy.count, 1, "T=\(s.size): the features are a mess: \(messy)")
      }
    }
  }

  /// "large T (1000 and up): the model stores features: five features form a pentagon …".
  func testMemorizationLargeSetsStoreFeatures() throws {
    try checkClaim("15-memorization") { run in
      let all = try settings(run)
      let smallest = all.filter { $0.size <= 5 }.map(\.testLoss).min() ?? 0
      let large = all.filter { $0.size >= 1000 }
      XCTAssertFalse(large.isEmpty)
      for s in large {
        let pentagon = s.features.filter { (0.3...0.45).contains($0) }
        XCTAssertEqual(pentagon.count, 5, "T=\(s.size): five features near 2/5: \(s.features.sorted().suffix(6))")
        XCTAssertLessThan(s.examples.max() ?? 1, 0.05, "T=\(s.size): no example keeps a dimension")
        XCTAssertEqual(s.testLoss, s.trainLoss, accuracy: 0.05 * s.trainLoss, "T=\(s.size): generalises")
        XCTAssertLessThan(s.testLoss, smallest, "T=\(s.size): below every small set's test loss")
      }
    }
  }

  /// "in between (T from 12 to 300): neither the examples nor the features hold the space
  /// (no D_t above 0.35, fewer than five D_i at 0.3). The test loss peaks just before, at
  /// T = 8, where the examples still reach D_t = 1/2: more than 5% above that of the smallest
  /// sets. It stays above theirs up to T = 20 and is below it for good from T = 100".
  /// Each number of the caption is read here, and the range's ends are where the conditions
  /// stop holding.
  func testMemorizationBetweenTheRegimesTheTestLossRises() throws {
    try checkClaim("15-memorization") { run in
      let all = try settings(run)
      func neither(_ s: Setting) -> Bool {
        (s.examples.max() ?? 1) <= 0.35 && s.features.filter { $0 >= 0.3 }.count < 5
      }
      let between = all.filter(neither).map(\.size)
      XCTAssertEqual(between, all.map(\.size).filter { (12...300).contains($0) }, "neither holds the space")
      let losses = all.map(\.testLoss)
      let peak = all[try XCTUnwrap(losses.indices.max { losses[$0] < losses[$1] })]
      XCTAssertEqual(peak.size, 8, "the test loss peaks at T = 8: \(losses)")
      XCTAssertEqual(peak.examples.max() ?? 0, 0.5, accuracy: 0.02, "T = 8: the examples still reach D_t = 1/2")
      let smallest = all.filter { $0.size <= 5 }.map(\.testLoss)
      XCTAssertEqual(smallest.count, 2)
      let (high, low) = (smallest.max() ?? 0, smallest.min() ?? 0)
      XCTAssertGreaterThan(peak.testLoss, 1.05 * high, "more than 5% above the smallest sets': \(smallest)")
      let above = all.filter { $0.size > 5 && $0.testLoss > high }.map(\.size)
      XCTAssertEqual(above, [8, 12, 20], "above the smallest sets' test loss up to T = 20")
      let notBelow = all.filter { $0.size > 5 && $0.testLoss >= low }.map(\.size)
      XCTAssertEqual(notBelow.max(), 50, "below it for good from T = 100: \(losses)")
      XCTAssertTrue(all.contains { $0.size == 100 })
    }
  }
}
