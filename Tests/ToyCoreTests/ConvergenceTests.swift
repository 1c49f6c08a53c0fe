import Foundation
import XCTest

@testable import ToyCore

/// Seeded end-to-end training against the paper's geometry: the intro figure.
/// (Run by the test command in a release build; a debug build takes much longer.)
final class ConvergenceTests: XCTestCase {
  func testIntroFigureDenseKeepsTwoOrthogonalFeaturesAndSparseKeepsMore() throws {
    let n = 5
    let densities = (0..<10).map { Float(pow(20, -Double($0) / 9)) }
    var model = try ToyModel(
      kind: .relu, n: n, m: 2,
      importance: Array(repeating: (0..<n).map { Float(pow(0.9, Double($0))) }, count: 10),
      density: densities.map { [Float](repeating: $0, count: n) }, seed: 0)
    try model.train(TrainingOptions(steps: 10_000))

    for i in 0..<10 {
      let rows = model.weights(instance: i).map { $0.map(Double.init) }
      let norms = rows.map { ($0[0] * $0[0] + $0[1] * $0[1]).squareRoot() }
      let represented = norms.indices.filter { norms[$0] > 0.5 }
      print("intro instance \(i) density \(densities[i]): norms \(norms.map { (($0 * 100).rounded() / 100) })")
      if i == 0 {
        // Dense: exactly the two most important features, orthogonal, unit length; the rest off.
        XCTAssertEqual(represented, [0, 1], "dense instance norms \(norms)")
        XCTAssertTrue(norms[2...].allSatisfy { $0 < 0.1 }, "unlearned features stay near 0: \(norms)")
        let cosine = (rows[0][0] * rows[1][0] + rows[0][1] * rows[1][1]) / (norms[0] * norms[1])
        XCTAssertEqual(cosine, 0, accuracy: 0.05, "the two features are at right angles")
        XCTAssertEqual(norms[0], 1, accuracy: 0.05)
        XCTAssertEqual(norms[1], 1, accuracy: 0.05)
      }
      if densities[i] <= 0.1 {
        XCTAssertGreaterThan(represented.count, 2, "density \(densities[i]) should superpose: norms \(norms)")
      }
    }
  }
}
