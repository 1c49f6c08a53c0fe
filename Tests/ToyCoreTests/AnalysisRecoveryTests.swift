import ToyCore
import XCTest

/// Each feature's output for the input e_i, against the models' equations worked by hand
/// on weights small enough to follow: the hidden ReLU must drop the negative weights, the
/// output ReLU the negative sums, and the linear model neither.
final class AnalysisRecoveryTests: XCTestCase {
  private let tolerance = 1e-6

  private func assertClose(_ got: [Double], _ expected: [Double], _ what: String, line: UInt = #line) {
    XCTAssertEqual(got.count, expected.count, what, line: line)
    let worst = zip(got, expected).map { Swift.abs($0 - $1) }.max() ?? 0
    XCTAssert(
      worst <= tolerance, "\(what): max |difference| \(worst) exceeds \(tolerance): \(got) vs \(expected)", line: line)
  }

  /// Rows W_i and biases chosen so that each kind gives a different answer somewhere:
  /// feature 2 has a negative weight (the hidden ReLU drops it), feature 3 a sum below 0.
  private let weights: [[Float]] = [[1, 0], [0.6, 0.8], [0.3, -0.4], [0.2, 0]]
  private let bias: [Float] = [0, -0.5, 0, -0.1]

  private func model(_ kind: ModelKind) throws -> ToyModel {
    var model = try ToyModel(
      kind: kind, n: 4, m: 2, importance: [[1, 1, 1, 1], [1, 1, 1, 1]], density: [[1, 1, 1, 1], [1, 1, 1, 1]])
    model.setParameters(instance: 0, weights: weights, bias: bias)
    model.setParameters(instance: 1, weights: weights, bias: [1, 1, 1, 1])
    return model
  }

  func testTiedKindsGiveTheirOwnRowThroughTheirReLUs() throws {
    // W_i·W_i + b_i: 1 + 0, 0.36 + 0.64 − 0.5, 0.09 + 0.16 + 0, 0.04 − 0.1.
    assertClose(try model(.linear).recovery(instance: 0), [1, 0.5, 0.25, -0.06], "linear")
    assertClose(try model(.relu).recovery(instance: 0), [1, 0.5, 0.25, 0], "relu: ReLU of the same")
    // h = ReLU(W_i): feature 2 keeps [0.3, 0], so 0.09 + 0; feature 3 ReLU(0.04 − 0.1) = 0.
    assertClose(try model(.hiddenReLU).recovery(instance: 0), [1, 0.5, 0.09, 0], "hidden_relu")
    // Another instance reads its own bias: W_i·W_i + 1.
    assertClose(try model(.relu).recovery(instance: 1), [2, 2, 1.25, 1.04], "relu, instance 1")
  }

  func testAbsReadsItsOutputWeightsAfterTheHiddenReLU() throws {
    var model = try ToyModel(kind: .abs, n: 2, m: 3, importance: [[1, 0.8]], density: [[1, 1]])
    model.setParameters(
      instance: 0, weights: [[2, 0, -1], [-0.5, 4, 0]], outputWeights: [[0.5, 0, -3], [2, 0.25, 0]], bias: [0.1, -0.2])
    // e_0: h = ReLU([2, 0, −1]) = [2, 0, 0], x'_0 = ReLU(0.5·2 + 0.1) = 1.1 (without the
    // hidden ReLU it would be 1 + 3 + 0.1); e_1: h = [0, 4, 0], x'_1 = ReLU(0.25·4 − 0.2) = 0.8.
    assertClose(model.recovery(instance: 0), [1.1, 0.8], "abs")
  }
}
