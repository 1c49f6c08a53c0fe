import Foundation
import XCTest

@testable import ToyCore

/// The PyTorch-computed reference cases (float64 autograd and torch.optim), decoded.
struct ReferenceFile: Decodable {
  let cases: [ReferenceCase]

  static func load() throws -> ReferenceFile {
    let url = try XCTUnwrap(Bundle.module.url(forResource: "Fixtures/notebook_steps", withExtension: "json"))
    return try JSONDecoder().decode(ReferenceFile.self, from: Data(contentsOf: url))
  }
}

struct ReferenceParams: Decodable {
  /// [I][n][m], row f = feature f (tied kinds).
  let W: [[[Double]]]?
  /// [I][m][n] (abs).
  let W1: [[[Double]]]?
  /// [I][n][m] (abs).
  let W2: [[[Double]]]?
  let b: [[Double]]
}

struct ReferenceRun: Decodable {
  let optimizer: String
  let schedule: String
  let lr: Double
  let steps: Int
  let params_after_each_step: [ReferenceParams]
}

struct ReferenceCase: Decodable {
  let kind: String
  let n: Int
  let m: Int
  let instances: Int
  let batch: Int
  let feature_probability: [Double]
  let importance: [[Double]]
  let params: ReferenceParams
  /// [step][sample][instance][feature]
  let batches: [[[[Double]]]]
  let loss: Double
  let loss_per_instance: [Double]
  let grads: ReferenceParams
  let runs: [ReferenceRun]

  var modelKind: ModelKind { ModelKind(rawValue: kind)! }

  /// The case's parameters in toy's layout for one instance: W rows (W₁ transposed for abs), W2 rows, b.
  func layout(_ p: ReferenceParams, instance i: Int) -> (w: [[Double]], w2: [[Double]], b: [Double]) {
    if let w1 = p.W1, let w2 = p.W2 {
      let rows = (0..<n).map { f in (0..<m).map { k in w1[i][k][f] } }
      return (rows, w2[i], p.b[i])
    }
    return (p.W![i], [], p.b[i])
  }

  /// A toy model holding the case's starting parameters.
  func model() throws -> ToyModel {
    let density = (0..<instances).map { i in [Float](repeating: Float(feature_probability[i]), count: n) }
    var model = try ToyModel(
      kind: modelKind, n: n, m: m, importance: importance.map { $0.map(Float.init) }, density: density)
    for i in 0..<instances {
      let (w, w2, b) = layout(params, instance: i)
      model.setParameters(
        instance: i, weights: w.map { $0.map(Float.init) },
        outputWeights: w2.isEmpty ? nil : w2.map { $0.map(Float.init) }, bias: b.map(Float.init))
    }
    return model
  }

  /// Instance i's inputs at a step, one row per sample.
  func inputs(step: Int, instance i: Int) -> [[Double]] {
    batches[step].map { sample in sample[i] }
  }
}

/// Asserts two flat arrays agree within `absolute + relative·|expected|`, reporting the worst.
func assertClose(
  _ actual: [Double], _ expected: [Double], absolute: Double, relative: Double, _ what: String,
  file: StaticString = #filePath, line: UInt = #line
) {
  XCTAssertEqual(actual.count, expected.count, "\(what): length", file: file, line: line)
  var worst = 0.0
  var worstIndex = 0
  for (i, (a, e)) in zip(actual, expected).enumerated() {
    let excess = Swift.abs(a - e) - (absolute + relative * Swift.abs(e))
    if excess > worst { worst = excess; worstIndex = i }
  }
  let maxDiff = zip(actual, expected).map { Swift.abs($0 - $1) }.max() ?? 0
  XCTAssertTrue(
    worst <= 0,
    "\(what): max |diff| \(maxDiff) exceeds tolerance \(absolute) + \(relative)·|x| at index \(worstIndex): \(actual[worstIndex]) vs \(expected[worstIndex])",
    file: file, line: line)
}
