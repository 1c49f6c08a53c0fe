import Foundation
import XCTest

/// The claims of examples/16-descent-map.toy (Henighan et al. 2023), read from the numbers
/// of its `show descent models=[…]`: each model's m and its test loss at every T.
final class DescentMapClaimTests: XCTestCase {
  static let statement = "show descent models=[m2, m3, m4, m6, m8, m12]"

  struct Row {
    let m: Int
    /// The test loss at each of `sizes`.
    let losses: [Double]
  }

  func map(_ run: ToyRun) throws -> (sizes: [Int], rows: [Row]) {
    let data: [String: Any] = try run.data(Self.statement)
    let sizes = try XCTUnwrap(data["dataset_size"] as? [Double]).map { Int($0) }
    let hidden = try XCTUnwrap(data["hidden"] as? [Double])
    let losses = try XCTUnwrap(data["test_loss"] as? [[Double]], "every model has every T: no nulls")
    XCTAssertEqual(sizes, [3, 5, 8, 12, 16, 20, 25, 30, 40, 50, 70, 100, 150, 200, 300, 1000])
    XCTAssertEqual(hidden, [2, 3, 4, 6, 8, 12])
    return (sizes, zip(hidden, losses).map { Row(m: Int($0), losses: $1) })
  }

  /// The first T whose test loss is 10% above the smallest set's: where the bump begins.
  func bumpStart(_ row: Row, _ sizes: [Int]) -> Int {
    let first = row.losses.indices.first { row.losses[$0] > 1.1 * row.losses[0] } ?? 0
    return sizes[first]
  }

  /// The last T whose test loss is above the smallest set's: where the bump ends.
  func bumpEnd(_ row: Row, _ sizes: [Int]) -> Int {
    let last = row.losses.indices.last { row.losses[$0] > row.losses[0] } ?? 0
    return sizes[last]
  }

  /// "every row rises at least 25% above its smallest set's test loss for some T from 30 to
  /// 100 (most at m = 2: 3.5 times, at T = 50), and ends 14% to 24% below it at T = 1000:
  /// double descent along T for every m".
  func testDescentMapEveryRowRisesAndFallsAgain() throws {
    try checkClaim("16-descent-map") { run in
      let (sizes, rows) = try map(run)
      let window = sizes.indices.filter { (30...100).contains(sizes[$0]) }
      var peaks: [(m: Int, size: Int, ratio: Double)] = []
      for row in rows {
        let smallest = row.losses[0]
        let peak = try XCTUnwrap(window.max { row.losses[$0] < row.losses[$1] })
        let ratio = row.losses[peak] / smallest
        XCTAssertGreaterThan(ratio, 1.25, "m=\(row.m): a bump 25% above T=3's \(smallest): \(row.losses)")
        let drop = 1 - (row.losses.last ?? .infinity) / smallest
        XCTAssertGreaterThanOrEqual(drop, 0.135, "m=\(row.m): at least 14% below T=3's at T=1000")
        XCTAssertLessThan(drop, 0.245, "m=\(row.m): at most 24% below T=3's at T=1000")
        peaks.append((row.m, sizes[peak], ratio))
      }
      let top = try XCTUnwrap(peaks.max { $0.ratio < $1.ratio })
      XCTAssertEqual(top.m, 2, "the tallest bump: \(peaks)")
      XCTAssertEqual(top.size, 50)
      XCTAssertEqual(top.ratio, 3.5, accuracy: 0.05)
    }
  }

  /// "the bump moves to larger T as m grows: the first T whose test loss is 10% above the
  /// smallest set's is 16 for m = 2, 20 for m = 3, 30 for m = 4, 40 for m = 6, 50 for m = 8
  /// and 70 for m = 12; the last T still above it is 50, 70, 100 and 150 for m = 2 to 6,
  /// then 100 for m = 8 and 12".
  func testDescentMapTheBumpMovesToLargerSetsAsMGrows() throws {
    try checkClaim("16-descent-map") { run in
      let (sizes, rows) = try map(run)
      let starts = rows.map { bumpStart($0, sizes) }
      XCTAssertEqual(starts, [16, 20, 30, 40, 50, 70], "the bump's start per m = \(rows.map(\.m))")
      let ends = rows.map { bumpEnd($0, sizes) }
      XCTAssertEqual(ends, [50, 70, 100, 150, 100, 100], "the bump's end per m = \(rows.map(\.m))")
    }
  }

  /// "at T = 1000 the test loss falls with every added dimension, from 0.0089 at m = 2 to
  /// 0.0073 at m = 12".
  func testDescentMapLargeSetsLossFallsWithM() throws {
    try checkClaim("16-descent-map") { run in
      let (_, rows) = try map(run)
      let large = rows.compactMap(\.losses.last)
      for (smaller, larger) in zip(large, large.dropFirst()) {
        XCTAssertLessThan(larger, smaller, "T=1000 falls with m: \(large)")
      }
      XCTAssertEqual(large.first ?? 0, 0.0089, accuracy: 0.00005)
      XCTAssertEqual(large.last ?? 0, 0.0073, accuracy: 0.00005)
    }
  }
}
