import CToyKernels
import XCTest

@testable import ToyCore

/// The pass for the tiniest models (n ≤ 4, m ≤ 2, one block of eight lanes at a time through
/// every product) and the pass `toy_chunk_kernel` chooses against the general pass, bit for
/// bit, on both code paths: every shape the tiny pass takes, every model switch, padding
/// masks, odd lane counts, with and without the gradient (and without ∂b). Its sums must see
/// the same operations in the same order, or trained models of the phase diagrams' shapes
/// would change with this build.
final class TinyKernelTests: XCTestCase {
  func testTinyModelsPassGivesTheGeneralPassBits() {
    var rng = GradientTests.TestRandom(state: 41)
    func next() -> Float { Float(rng.next()) }
    let paths = [TOY_KERNEL_BASELINE, TOY_KERNEL_AVX2].filter { toy_kernel_path_available($0) != 0 }
    let switches: [Int32] = [TOY_HIDDEN_RELU, TOY_OUTPUT_RELU, TOY_UNTIED, TOY_ABS_TARGET].map { Int32($0) }
    var compared = 0
    // Passes whose weight gradient moved (a dead hidden ReLU leaves a few at zero).
    var moved = 0
    for n in 1...4 {
      for m in 1...2 {
        for combination in 0..<16 {
          var flags: Int32 = 0
          for (bit, flag) in switches.enumerated() where combination >> bit & 1 == 1 { flags |= flag }
          let untied = flags & Int32(TOY_UNTIED) != 0
          let signed = flags & Int32(TOY_ABS_TARGET) != 0
          let spread: Int = n * 37 + m * 11 + combination * 5
          let lanes = 8 * (1 + spread % 70)
          let stride = lanes + 8 * (combination % 3)
          let win = (0..<n * m).map { _ in 2 * next() - 1 }
          let wout = untied ? (0..<n * m).map { _ in 2 * next() - 1 } : win
          let bias = (0..<n).map { _ in 0.4 * next() - 0.2 }
          let importance = (0..<n).map { _ in next() }
          let density = next()
          let x = (0..<n * stride).map { _ in next() < density ? (signed ? 2 * next() - 1 : next()) : 0 }
          let masked = combination % 3 == 0
          let valid = (0..<lanes).map { _ in !masked || next() < 0.8 ? Float(1) : 0 }
          for path in paths {
            for gradient in [false, true] {
              var results: [(loss: Double, input: [Float], output: [Float], bias: [Float])] = []
              // The tiniest models' pass, the general pass, and the pass toy_chunk_kernel chooses.
              for run in [toy_chunk_kernel_tiny, toy_chunk_kernel_general, toy_chunk_kernel] {
                var h = [Float](repeating: 0, count: m * stride)
                var z = [Float](repeating: 0, count: n * stride)
                var g = [Float](repeating: 0, count: m * stride)
                // Gradients start non-zero: the pass adds to them.
                var input = (0..<n * m).map { Float($0) / 8 }
                var output = input
                var grads = (0..<n).map { Float($0) / 2 }
                let loss = input.withUnsafeMutableBufferPointer { inputs in
                  output.withUnsafeMutableBufferPointer { outputs in
                    grads.withUnsafeMutableBufferPointer { b in
                      run(
                        path, flags, Int32(n), Int32(m), Int32(lanes), Int32(stride), win, wout, bias, importance,
                        1 / Float(1024 * n), x, &h, &z, &g, masked ? valid : nil,
                        gradient ? inputs.baseAddress : nil,
                        gradient ? (untied ? outputs.baseAddress : inputs.baseAddress) : nil,
                        gradient && combination % 4 != 1 ? b.baseAddress : nil)
                    }
                  }
                }
                results.append((loss, input, output, grads))
              }
              let general = results[1]
              let label = "path \(path.rawValue) n=\(n) m=\(m) flags=\(flags) lanes=\(lanes) gradient=\(gradient)"
              for (name, other) in [("tiny", results[0]), ("chosen", results[2])] {
                XCTAssertEqual(other.loss.bitPattern, general.loss.bitPattern, "\(name) loss, \(label)")
                XCTAssertEqual(other.input.map(\.bitPattern), general.input.map(\.bitPattern), "\(name) ∂Win, \(label)")
                XCTAssertEqual(
                  other.output.map(\.bitPattern), general.output.map(\.bitPattern), "\(name) ∂Wout, \(label)")
                XCTAssertEqual(other.bias.map(\.bitPattern), general.bias.map(\.bitPattern), "\(name) ∂b, \(label)")
              }
              XCTAssertGreaterThan(general.loss, 0, label)
              if gradient && general.input != (0..<n * m).map({ Float($0) / 8 }) { moved += 1 }
              compared += 1
            }
          }
        }
      }
    }
    XCTAssertEqual(compared, 8 * 16 * 2 * paths.count)
    XCTAssertGreaterThan(moved, compared * 4 / 10)
  }
}
