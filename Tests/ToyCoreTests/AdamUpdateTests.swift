import XCTest

@testable import ToyCore

/// The update's vector loop against the scalar formula, bit for bit, over every length up
/// to a few vectors (whole vectors and tails) and both optimisers.
final class AdamUpdateTests: XCTestCase {
  func testTheVectorLoopGivesTheBitsOfTheScalarFormula() {
    var state: UInt64 = 11
    func value() -> Float {
      state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
      let r = Float(Int32(truncatingIfNeeded: state >> 40)) * 0x1p-24 - 0.5
      return state >> 63 == 0 ? r : r * 1e-3
    }
    for optimizer in Optimizer.allCases {
      var options = TrainingOptions(steps: 10)
      options.optimizer = optimizer
      let update = AdamUpdate(options: options, rate: 3e-3, t: 7)
      for count in 0...27 {
        var theta = (0..<count).map { _ in value() }
        var mu = (0..<count).map { _ in value() * 0.1 }
        var nu = (0..<count).map { _ in Swift.abs(value()) * 0.01 }
        let grad = (0..<count).map { _ in value() }
        var expected = (theta: theta, mu: mu, nu: nu)
        for i in 0..<count {
          let g = grad[i]
          let m1 = update.beta1 * expected.mu[i] + (1 - update.beta1) * g
          let m2 = update.beta2 * expected.nu[i] + (1 - update.beta2) * g * g
          expected.mu[i] = m1
          expected.nu[i] = m2
          expected.theta[i] =
            expected.theta[i] * update.decay - update.stepSize * m1
            / (m2.squareRoot() / update.rootCorrection + update.epsilon)
        }
        update.apply(to: &theta, mu: &mu, nu: &nu, grad: grad, count: count)
        XCTAssertEqual(theta.map(\.bitPattern), expected.theta.map(\.bitPattern), "\(optimizer), \(count)")
        XCTAssertEqual(mu.map(\.bitPattern), expected.mu.map(\.bitPattern), "\(optimizer), \(count)")
        XCTAssertEqual(nu.map(\.bitPattern), expected.nu.map(\.bitPattern), "\(optimizer), \(count)")
      }
    }
  }
}
