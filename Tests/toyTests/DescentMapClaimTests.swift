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

  /// The last T whose test loss is above the smallest set's: where the bump ends.
  func bumpEnd(_ row: Row, _ sizes: [Int]) -> Int {
    let last = row.losses.indices.last { row.losses[$0] > row.losses[0] } ?? 0
    return sizes[last]
  }

  /// "every row rises at least 10% above its smallest set's test loss for some T from 12 to
  /// 150, and ends below it at T = 1000: double descent along T for every m".
  func testDescentMapEveryRowRisesAndFallsAgain() throws {
    try checkClaim("16-descent-map") { run in
      let (sizes, rows) = try map(run)
      for row in rows {
        let smallest = row.losses[0]
        let bump = sizes.indices.filter { (12...150).contains(sizes[$0]) }.map { row.losses[$0] }.max() ?? 0
        XCTAssertGreaterThan(bump, 1.1 * smallest, "m=\(row.m): a bump above T=3's \(smallest): \(row.losses)")
        XCTAssertLessThan(row.losses.last ?? .infinity, smallest, "m=\(row.m): below T=3's at T=1000")
      }
    }
  }

  /// "the bump moves to larger T as m grows: the last T whose test loss is still above the
  /// smallest set's is 30 for m = 2, 50 for m = 3, 100 for m = 4, 150 for m = 6 and 8, 200
  /// for m = 12".
  func testDescentMapTheBumpMovesToLargerSetsAsMGrows() throws {
    try checkClaim("16-descent-map") { run in
      let (sizes, rows) = try map(run)
      let ends = rows.map { bumpEnd($0, sizes) }
      XCTAssertEqual(ends, [30, 50, 100, 150, 150, 200], "the bump's end per m = \(rows.map(\.m))")
      XCTAssertEqual(ends, ends.sorted(), "never earlier for a larger m")
    }
  }

  /// "at T = 1000 the test loss falls with every added dimension, from 0.030 at m = 2 to
  /// 0.025 at m = 12".
  func testDescentMapLargeSetsLossFallsWithM() throws {
    try checkClaim("16-descent-map") { run in
      let (_, rows) = try map(run)
      let large = rows.compactMap(\.losses.last)
      for (smaller, larger) in zip(large, large.dropFirst()) {
        XCTAssertLessThan(larger, smaller, "T=1000 falls with m: \(large)")
      }
      XCTAssertEqual(large.first ?? 0, 0.030, accuracy: 0.0005)
      XCTAssertEqual(large.last ?? 0, 0.025, accuracy: 0.0005)
    }
  }

  /// "one cell stands out, m = 4 at T = 20 (0.10, three times its row's smallest set), its
  /// neighbours at T = 16 and 25 under 0.04".
  func testDescentMapOneCellStandsOut() throws {
    try checkClaim("16-descent-map") { run in
      let (sizes, rows) = try map(run)
      let row = try XCTUnwrap(rows.first { $0.m == 4 })
      for size in [16, 25] {
        let index = try XCTUnwrap(sizes.firstIndex(of: size))
        XCTAssertLessThan(row.losses[index], 0.04, "m=4, T=\(size): a neighbour on the trend")
      }
      let cells = rows.flatMap { row in sizes.indices.map { (row.m, sizes[$0], row.losses[$0], row.losses[0]) } }
      let top = try XCTUnwrap(cells.max { $0.2 < $1.2 })
      XCTAssertEqual(top.0, 4)
      XCTAssertEqual(top.1, 20)
      XCTAssertEqual(top.2, 0.10, accuracy: 0.005)
      XCTAssertEqual(top.2 / top.3, 3, accuracy: 0.25, "three times its row's T=3 loss")
      let second = cells.filter { $0.0 != 4 || $0.1 != 20 }.map(\.2).max() ?? 0
      XCTAssertLessThan(second, top.2 / 1.5, "no other cell comes near")
    }
  }
}
