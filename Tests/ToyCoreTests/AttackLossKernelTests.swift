import CToyKernels
import XCTest

@testable import ToyCore

/// `toy_attack_losses`, the analytic attack's loop, against the scalar loop it replaced, bit
/// for bit, on both code paths: every direction count from one to nine (whole blocks of four
/// and tails), with and without the output ReLU, and with values that put the ReLU's input
/// at zero, negative zero and NaN.
final class AttackLossKernelTests: XCTestCase {
  func testEveryPathGivesTheScalarLoopsBits() {
    var state: UInt64 = 29
    func next() -> Double {
      state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
      return Double(state >> 11) / Double(1 << 53) * 2 - 1
    }
    let paths = [TOY_KERNEL_BASELINE, TOY_KERNEL_AVX2].filter { toy_kernel_path_available($0) != 0 }
    var compared = 0
    for relu in [false, true] {
      for n in 1...7 {
        for directions in 1...9 {
          let samples = 13
          var clean = (0..<samples * n).map { _ in next() }
          clean[0] = 0
          clean[min(1, clean.count - 1)] = -0.0
          if n > 2 { clean[2] = .nan }
          let target = (0..<samples * n).map { _ in abs(next()) }
          let importance = (0..<n).map { _ in abs(next()) + 0.1 }
          var shifts = (0..<n * directions).map { _ in next() }
          shifts[0] = 0
          let moved = (0..<samples).filter { $0 % 3 != 1 }
          let scales = moved.map { _ in abs(next()) * 0.3 }
          let start = (0..<directions).map { _ in next() }
          // The scalar loop, as the Swift code wrote it.
          var expected = start
          for (i, s) in moved.enumerated() {
            for d in 0..<directions {
              var sum = 0.0
              for f in 0..<n {
                let y = clean[s * n + f] + scales[i] * shifts[f * directions + d]
                let e = (relu ? max(y, 0) : y) - target[s * n + f]
                sum += importance[f] * e * e
              }
              expected[d] += sum
            }
          }
          for path in paths {
            var totals = start
            toy_attack_losses(
              path, relu ? 1 : 0, Int32(n), Int32(directions), moved.map(Int32.init), Int32(moved.count), scales,
              clean, target, importance, shifts, &totals)
            for d in 0..<directions {
              compared += 1
              // A NaN's payload is not a result: NaN must stay NaN, every other total keep its bits.
              XCTAssertEqual(
                totals[d].isNaN ? Double.nan.bitPattern : totals[d].bitPattern,
                expected[d].isNaN ? Double.nan.bitPattern : expected[d].bitPattern,
                "path \(path.rawValue) relu=\(relu) n=\(n) directions=\(directions) d=\(d): \(totals[d]) vs \(expected[d])"
              )
            }
          }
        }
      }
    }
    print("toy_attack_losses: \(compared) totals compared bit for bit on \(paths.count) paths")
  }
}
