import XCTest

@testable import ToyCore

/// The attack's fast loss against its naive reference, over every small shape and kind,
/// with sparse batches (zero samples, which the fast loss does not recompute) and dense ones.
final class ShiftedBatchLossTests: XCTestCase {
  func testFastLossMatchesTheNaiveOneOnEverySmallShape() {
    var state: UInt64 = 11
    func next() -> Double {
      state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
      return Double(state >> 11) / Double(1 << 53) * 2 - 1
    }
    var worst = 0.0
    var compared = 0
    for kind in ModelKind.allCases {
      for n in 1...6 {
        for m in 1...4 {
          for density in [0.1, 1.0] {
            let rows = { (0..<n).map { _ in (0..<m).map { _ in next() } } }
            let p = ReferenceKernel.Parameters(
              w: rows(), w2: kind.untied ? rows() : [], b: (0..<n).map { _ in next() * 0.3 })
            let importance = (0..<n).map { _ in abs(next()) + 0.1 }
            let inputs: [[Float]] = (0..<37).map { _ in
              (0..<n).map { _ in abs(next()) < density ? Float(kind.untied ? next() : abs(next())) : 0 }
            }
            let batch = ShiftedBatchLoss(kind: kind, parameters: p, importance: importance, inputs: inputs)
            let zero = [Double](repeating: 0, count: n)
            let directions = [zero] + (0..<3).map { _ in (0..<n).map { _ in next() } }
            for epsilon in [0, 0.1, 0.35] {
              let fast = batch.losses(directions: directions, budgetFraction: epsilon)
              for (d, u) in directions.enumerated() {
                let naive = batch.naiveLoss(direction: u, budgetFraction: epsilon)
                let difference = abs(fast[d] - naive) / max(abs(naive), 1e-300)
                worst = max(worst, difference)
                compared += 1
                XCTAssertLessThanOrEqual(
                  difference, 1e-12, "\(kind) n=\(n) m=\(m) density=\(density) ε=\(epsilon) direction \(d)")
              }
            }
            let clean = batch.naiveLoss(direction: zero, budgetFraction: 0)
            XCTAssertLessThanOrEqual(abs(batch.cleanLoss - clean), 1e-12 * max(abs(clean), 1e-300))
          }
        }
      }
    }
    print("ShiftedBatchLoss: \(compared) losses compared, largest relative difference \(worst)")
  }
}
