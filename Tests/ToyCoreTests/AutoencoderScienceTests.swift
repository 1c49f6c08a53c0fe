import XCTest

@testable import ToyCore

/// Seeded end-to-end: an autoencoder recovers the features a toy model stores in superposition.
final class AutoencoderScienceTests: XCTestCase {
  /// Five features at density 0.05 in two dimensions: the model stores them as a pentagon,
  /// and an L1 autoencoder with five latents, trained on the model's hidden states, finds
  /// the five directions (MMCS above 0.95) for most seeds. The others stop in a local
  /// minimum where one latent sits between two features (MMCS about 0.92).
  func testFiveLatentsRecoverThePentagon() throws {
    let seeds = 16
    var model = try ToyModel(
      kind: .relu, n: 5, m: 2, importance: Array(repeating: [Float](repeating: 1, count: 5), count: seeds),
      density: Array(repeating: [Float](repeating: 0.05, count: 5), count: seeds), seed: 0, settingCount: 1)
    try model.train(TrainingOptions(steps: 5_000))
    let pentagons = (0..<seeds).filter { i in
      model.weights(instance: i).allSatisfy { ($0[0] * $0[0] + $0[1] * $0[1]).squareRoot() > 0.9 }
    }
    XCTAssertGreaterThanOrEqual(pentagons.count, 12, "the model stores all five features for most seeds")

    var autoencoder = try SparseAutoencoder(
      for: model, settings: (0..<seeds).map { .init(latents: 5, variant: .l1(0.2), source: $0) }, seed: 1)
    var options = TrainingOptions.autoencoder(steps: 2_000)
    options.learningRate = 3e-3
    try autoencoder.train(on: model, options)
    let metrics = (0..<seeds).map { autoencoder.metrics(instance: $0, model: model, samples: 4096) }
    let mmcs = metrics.map { $0.mmcs ?? 0 }
    print("pentagon MMCS by seed: \(mmcs.map { ($0 * 1000).rounded() / 1000 })")
    XCTAssertGreaterThanOrEqual(mmcs.filter { $0 > 0.95 }.count, 12, "MMCS above 0.95 for most seeds: \(mmcs)")
    for i in pentagons where mmcs[i] > 0.95 {
      let m = metrics[i]
      // A recovered pentagon: each feature its own latent, and ĥ serves the model nearly as well
      // as h (the L1 penalty shrinks the latents a little: about 0.77 of the loss recovered).
      XCTAssertEqual(Set(m.matches.compactMap { $0?.latent }).count, 5, "seed \(i): five distinct latents")
      XCTAssertGreaterThan(m.lossRecovered ?? 0, 0.7, "seed \(i)")
    }
  }
}
