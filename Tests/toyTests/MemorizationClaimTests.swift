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

  /// "small T (3, 5): the model memorises the examples: the training loss is under 2% of the
  /// test loss, and the examples' hidden vectors share the two dimensions as near-regular
  /// polygons (… the D_t sum to 2 within 0.05): a triangle with every D_t from 0.55 to 0.8,
  /// around 2/3, and a pentagon with every D_t within 10% of 2/5, while the features are a
  /// mess near the origin (no D_i reaches 0.3, at most one reaches 0.15)".
  func testMemorizationSmallSetsStoreTheExamples() throws {
    try checkClaim("15-memorization") { run in
      let small = try settings(run).filter { $0.size <= 5 }
      XCTAssertEqual(small.map(\.size), [3, 5])
      for s in small {
        XCTAssertLessThan(s.trainLoss, 0.02 * s.testLoss, "T=\(s.size): memorised")
        XCTAssertEqual(s.examples.count, s.size)
        XCTAssertEqual(s.examples.reduce(0, +), 2, accuracy: 0.05, "T=\(s.size): the examples hold m=2 dimensions")
        XCTAssertFalse(s.features.contains { $0 >= 0.3 }, "T=\(s.size): no D_i reaches 0.3: \(s.features.max() ?? 0)")
        let messy = s.features.filter { $0 >= 0.15 }
        XCTAssertLessThanOrEqual(messy.count, 1, "T=\(s.size): the features are a mess: \(messy)")
      }
      let triangle = small[0].examples
      XCTAssertTrue(triangle.allSatisfy { (0.55...0.8).contains($0) }, "T=3: a triangle: \(triangle)")
      let pentagon = small[1].examples
      XCTAssertTrue(pentagon.allSatisfy { abs($0 - 0.4) <= 0.04 }, "T=5: a pentagon, D_t near 2/5: \(pentagon)")
    }
  }

  /// "large T (1000 and up): the model stores features: five features form a pentagon (five
  /// D_i from 0.33 to 0.4, near 2/5; every other under 0.05), no example keeps a dimension of
  /// its own (every D_t under 0.03), and the test loss is within 2.5% of the training loss and
  /// more than 10% below that of T = 3".
  func testMemorizationLargeSetsStoreFeatures() throws {
    try checkClaim("15-memorization") { run in
      let all = try settings(run)
      let three = try XCTUnwrap(all.first { $0.size == 3 })
      let large = all.filter { $0.size >= 1000 }
      XCTAssertEqual(large.map(\.size), [1000, 3000])
      for s in large {
        let sorted = s.features.sorted(by: >)
        XCTAssertTrue(sorted.prefix(5).allSatisfy { (0.33...0.4).contains($0) }, "T=\(s.size): \(sorted.prefix(6))")
        XCTAssertLessThan(sorted.dropFirst(5).first ?? 1, 0.05, "T=\(s.size): every other D_i under 0.05")
        XCTAssertLessThan(s.examples.max() ?? 1, 0.03, "T=\(s.size): no example keeps a dimension")
        XCTAssertEqual(s.testLoss, s.trainLoss, accuracy: 0.025 * s.trainLoss, "T=\(s.size): generalises")
        XCTAssertLessThan(s.testLoss, 0.9 * three.testLoss, "T=\(s.size): more than 10% below T = 3's")
      }
    }
  }

  /// "in between (T from 8 to 50): neither the examples nor the features hold the space (no
  /// D_t above 0.36, at most one D_i at 0.3 or more). The test loss rises above that of T = 3
  /// from T = 12 on, peaks at T = 20 at 4.2 times it, and is below it for good from T = 100".
  /// Each number of the caption is read here, and the range's ends are where the conditions
  /// stop holding.
  func testMemorizationBetweenTheRegimesTheTestLossRises() throws {
    try checkClaim("15-memorization") { run in
      let all = try settings(run)
      func neither(_ s: Setting) -> Bool {
        (s.examples.max() ?? 1) <= 0.36 && s.features.filter { $0 >= 0.3 }.count <= 1
      }
      XCTAssertEqual(all.filter(neither).map(\.size), [8, 12, 20, 30, 50], "neither holds the space")
      let three = try XCTUnwrap(all.first { $0.size == 3 }).testLoss
      let ratios = all.map { $0.testLoss / three }
      let peak = try XCTUnwrap(ratios.indices.max { ratios[$0] < ratios[$1] })
      XCTAssertEqual(all[peak].size, 20, "the test loss peaks at T = 20: \(ratios)")
      XCTAssertEqual(ratios[peak], 4.2, accuracy: 0.05, "4.2 times that of T = 3")
      let above = all.filter { $0.size > 3 && $0.testLoss > three }.map(\.size)
      XCTAssertEqual(above, [12, 20, 30, 50], "above T = 3's from T = 12 on, below it from T = 100: \(ratios)")
      XCTAssertTrue(all.contains { $0.size == 100 })
    }
  }
}
