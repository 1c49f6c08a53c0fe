import XCTest

@testable import ToyCore

/// The autoencoder's naive reference against central finite differences, and the fast kernel
/// against the reference over every small shape, tails and both code paths included.
final class AutoencoderGradientTests: XCTestCase {
  typealias Parameters = AutoencoderReference.Parameters

  func randomParameters(m: Int, d: Int, rng: inout GradientTests.TestRandom) -> Parameters {
    Parameters(
      encoder: (0..<m).map { _ in (0..<d).map { _ in rng.next() * 2 - 1 } },
      encoderBias: (0..<d).map { _ in rng.next() * 0.4 - 0.2 },
      decoder: (0..<d).map { _ in (0..<m).map { _ in rng.next() * 2 - 1 } },
      decoderBias: (0..<m).map { _ in rng.next() * 0.4 - 0.2 })
  }

  /// Hidden states like a toy model's: sparse inputs through random directions, some of the
  /// samples all zero (h = 0), as the models produce them.
  func randomHidden(m: Int, batch: Int, rng: inout GradientTests.TestRandom) -> [[Double]] {
    (0..<batch).map { _ in
      guard rng.next() > 0.2 else { return [Double](repeating: 0, count: m) }
      return (0..<m).map { _ in rng.next() * 2 - 1 }
    }
  }

  func flat(_ p: Parameters) -> [Double] {
    p.encoder.flatMap { $0 } + p.encoderBias + p.decoder.flatMap { $0 } + p.decoderBias
  }

  func unflat(_ values: [Double], m: Int, d: Int) -> Parameters {
    var at = 0
    func take(_ count: Int) -> [Double] {
      defer { at += count }
      return Array(values[at..<at + count])
    }
    let encoder = (0..<m).map { _ in take(d) }
    let encoderBias = take(d)
    let decoder = (0..<d).map { _ in take(m) }
    return Parameters(encoder: encoder, encoderBias: encoderBias, decoder: decoder, decoderBias: take(m))
  }

  /// Central differences of the reference's loss at every parameter. Where a pre-activation
  /// (or, for TopK, the k-th/(k+1)-th gap) lies within the step of a kink, the loss is not
  /// differentiable there; the cases below keep the data away from that, and the check says so.
  func numericGradient(_ p: Parameters, l1: Double, topK: Int?, batch: [[Double]], step: Double) -> [Double] {
    let (m, d) = (p.m, p.d)
    let values = flat(p)
    return values.indices.map { i in
      var plus = values
      var minus = values
      plus[i] += step
      minus[i] -= step
      let up = AutoencoderReference.loss(unflat(plus, m: m, d: d), l1: l1, topK: topK, batch: batch).total
      let down = AutoencoderReference.loss(unflat(minus, m: m, d: d), l1: l1, topK: topK, batch: batch).total
      return (up - down) / (2 * step)
    }
  }

  /// The smallest distance of any pre-activation from 0 (and, for TopK, of the k-th largest
  /// from the (k+1)-th) over the batch: how far the loss is from a kink.
  func kinkMargin(_ p: Parameters, topK: Int?, batch: [[Double]]) -> Double {
    var margin = Double.infinity
    for h in batch {
      let pre = AutoencoderReference.forward(p, topK: topK, h: h).pre
      margin = min(margin, pre.map(Swift.abs).min() ?? .infinity)
      if let k = topK, k < pre.count {
        let sorted = pre.sorted(by: >)
        if sorted[k - 1] > 0 { margin = min(margin, sorted[k - 1] - sorted[k]) }
      }
    }
    return margin
  }

  func testReferenceGradientMatchesFiniteDifferences() {
    var rng = GradientTests.TestRandom(state: 11)
    let step = 1e-6
    var checked = 0
    var worst = 0.0
    for (m, d, topK, l1) in [(2, 5, nil, 0.3), (3, 7, nil, 0.0), (5, 4, nil, 1.2), (4, 9, 3, 0.0), (3, 6, 1, 0.0)]
      as [(Int, Int, Int?, Double)]
    {
      for _ in 0..<4 {
        let p = randomParameters(m: m, d: d, rng: &rng)
        let batch = randomHidden(m: m, batch: 12, rng: &rng)
        // A draw too close to a kink for the step is skipped, not tested on.
        guard kinkMargin(p, topK: topK, batch: batch) > 1e-4 else { continue }
        let analytic = flat(AutoencoderReference.gradient(p, l1: l1, topK: topK, batch: batch))
        let numeric = numericGradient(p, l1: l1, topK: topK, batch: batch, step: step)
        let maxDiff = zip(analytic, numeric).map { Swift.abs($0 - $1) }.max() ?? 0
        worst = max(worst, maxDiff)
        assertClose(analytic, numeric, absolute: 1e-8, relative: 1e-6, "m=\(m) d=\(d) k=\(String(describing: topK))")
        XCTAssertGreaterThan(analytic.map(Swift.abs).max() ?? 0, 1e-3, "the check must see non-zero gradients")
        checked += 1
      }
    }
    print("autoencoder finite differences: \(checked) cases, max |analytic − numeric| = \(worst)")
    XCTAssertGreaterThanOrEqual(checked, 12, "enough random cases lie away from a kink")
  }

  /// The TopK gradient flows through exactly the k kept latents, and the choice among equal
  /// activations keeps the lowest latents.
  func testTopKKeepsTheLargestAndBreaksTiesToTheLowestLatent() throws {
    // Identity-like encoder: pre = h's first three entries, then copies (ties).
    let m = 3
    let p = Parameters(
      encoder: [[1, 0, 0, 1, 0], [0, 1, 0, 0, 0], [0, 0, 1, 0, 0]], encoderBias: [0, 0, 0, 0, 0],
      decoder: [[1, 0, 0], [0, 1, 0], [0, 0, 1], [1, 1, 0], [0, 1, 1]], decoderBias: [0, 0, 0])
    // Sample 0: pre = [0.5, 0.9, 0.2, 0.5, 0] → k=2 keeps latents 1 and 0 (0 and 3 tie at 0.5).
    // Sample 1: pre = [-0.3, 0.4, 0.8, -0.3, 0] → keeps 2 and 1; negatives never count.
    let batch: [[Double]] = [[0.5, 0.9, 0.2], [-0.3, 0.4, 0.8]]
    XCTAssertEqual(AutoencoderReference.forward(p, topK: 2, h: batch[0]).z, [0.5, 0.9, 0, 0, 0])
    XCTAssertEqual(AutoencoderReference.forward(p, topK: 2, h: batch[1]).z, [0, 0.4, 0.8, 0, 0])
    XCTAssertEqual(AutoencoderReference.forward(p, topK: 4, h: batch[1]).z, [0, 0.4, 0.8, 0, 0])

    var autoencoder = try SparseAutoencoder(m: m, settings: [.init(latents: 5, variant: .topK(2), source: 0)])
    autoencoder.setParameters(
      instance: 0, encoder: p.encoder.map { $0.map(Float.init) }, encoderBias: [0, 0, 0, 0, 0],
      decoder: p.decoder.map { $0.map(Float.init) }, decoderBias: [0, 0, 0])
    for path in KernelPath.allCases where path.isAvailable {
      let result = autoencoder.lossAndGradient(
        hidden: batch.map { $0.map(Float.init) }, instance: 0, path: path)
      XCTAssertEqual(result.active, [1, 2, 1, 0, 0], "\(path): the latents each sample keeps")
      let reference = AutoencoderReference.gradient(p, l1: 0, topK: 2, batch: batch)
      assertClose(
        result.gradient.map(Double.init), flat(reference), absolute: 1e-6, relative: 1e-5, "\(path) TopK gradient")
      // Latents 3 and 4 were never kept: their encoder columns get no gradient.
      for k in 0..<m {
        XCTAssertEqual(result.gradient[k * 5 + 3], 0, "\(path): ∂W_enc[\(k)][3]")
        XCTAssertEqual(result.gradient[k * 5 + 4], 0, "\(path): ∂W_enc[\(k)][4]")
      }
    }
  }

  /// The fast kernel against the reference: every small m and d, batches with tails, both
  /// variants (TopK with small and large k, including the bisection past 16), both code paths.
  func testFastKernelMatchesReferenceOnEverySmallShape() throws {
    var rng = GradientTests.TestRandom(state: 5)
    var worst = 0.0
    var cases = 0
    for m in 1...5 {
      for d in [1, 2, 3, 5, 8, 13] {
        for batch in [1, 7, 9, 33, 130] {
          let variants: [SparseAutoencoder.Variant] = [.l1(0.25), .topK(1), .topK(max(1, d / 2))]
          for variant in variants {
            worst = max(worst, try compare(m: m, d: d, batch: batch, variant: variant, rng: &rng))
            cases += 1
          }
        }
      }
    }
    // Shapes that take the listed (sparse) products: many latents, few active (large k bisects);
    // and many latents, half of them active (the dense products of wide chunks).
    for (m, d, batch, variant, sparse) in [
      (20, 100, 300, SparseAutoencoder.Variant.topK(5), true), (7, 64, 200, .topK(20), true),
      (20, 100, 257, .l1(2), true), (3, 40, 129, .topK(17), true), (20, 100, 130, .l1(0.1), false),
      (7, 20, 300, .topK(12), false), (3, 16, 1100, .l1(0.1), false),
    ] {
      worst = max(worst, try compare(m: m, d: d, batch: batch, variant: variant, rng: &rng, sparse: sparse))
      cases += 1
    }
    print("autoencoder kernel vs reference: \(cases) cases, max |diff| / scale = \(worst)")
  }

  /// One case on every available path; returns the worst difference relative to each
  /// quantity's scale. `sparse` biases the encoder so that few latents are active.
  func compare(
    m: Int, d: Int, batch: Int, variant: SparseAutoencoder.Variant, rng: inout GradientTests.TestRandom,
    sparse: Bool = false
  ) throws -> Double {
    var p = randomParameters(m: m, d: d, rng: &rng)
    if sparse { p.encoderBias = p.encoderBias.map { $0 - 1.5 } }
    let hidden = randomHidden(m: m, batch: batch, rng: &rng).map { $0.map { Double(Float($0)) } }
    // The parameters the kernel sees, rounded to Float, go to the reference too.
    let rounded = unflat(flat(p).map { Double(Float($0)) }, m: m, d: d)
    var autoencoder = try SparseAutoencoder(m: m, settings: [.init(latents: d, variant: variant, source: 0)])
    autoencoder.setParameters(
      instance: 0, encoder: rounded.encoder.map { $0.map(Float.init) },
      encoderBias: rounded.encoderBias.map(Float.init),
      decoder: rounded.decoder.map { $0.map(Float.init) }, decoderBias: rounded.decoderBias.map(Float.init))
    let l1 = Double(variant.l1Coefficient)
    let expectedLoss = AutoencoderReference.loss(rounded, l1: l1, topK: variant.k, batch: hidden)
    let expectedGradient = flat(AutoencoderReference.gradient(rounded, l1: l1, topK: variant.k, batch: hidden))
    var expectedActive = [Int](repeating: 0, count: d)
    for h in hidden {
      let z = AutoencoderReference.forward(rounded, topK: variant.k, h: h).z
      for j in 0..<d where z[j] != 0 { expectedActive[j] += 1 }
    }
    var worst = 0.0
    for path in KernelPath.allCases where path.isAvailable {
      let what = "m=\(m) d=\(d) batch=\(batch) \(variant) \(path)"
      let result = autoencoder.lossAndGradient(hidden: hidden.map { $0.map(Float.init) }, instance: 0, path: path)
      XCTAssertEqual(result.loss, expectedLoss.total, accuracy: 1e-5 * max(expectedLoss.total, 1e-3), what)
      XCTAssertEqual(result.sparsity, expectedLoss.sparsity, accuracy: 1e-5 * max(expectedLoss.sparsity, 1e-3), what)
      XCTAssertEqual(result.active, expectedActive, what)
      let scale = max(expectedGradient.map(Swift.abs).max() ?? 0, 1e-6)
      assertClose(result.gradient.map(Double.init), expectedGradient, absolute: 2e-5 * scale, relative: 0, what)
      let diff = zip(result.gradient, expectedGradient).map { Swift.abs(Double($0) - $1) }.max() ?? 0
      worst = max(worst, diff / scale)
    }
    return worst
  }

  /// Hidden states computed by the kernel against the model's equations, for every kind, with
  /// narrow models (dense product) and wide sparse ones (the product over the non-zero inputs).
  func testHiddenStatesMatchTheModelsEquations() throws {
    for kind in ModelKind.allCases {
      for (n, m, density) in [(5, 2, Float(0.5)), (40, 7, 0.05), (64, 20, 0.2), (48, 3, 0.9)] {
        var model = try ToyModel(
          kind: kind, n: n, m: m, importance: [[Float](repeating: 1, count: n)],
          density: [[Float](repeating: density, count: n)], seed: 3)
        try model.train(TrainingOptions(steps: 3))
        let inputs = model.trainingSamples(instance: 0, first: 0, count: 150)
        let reference = model.referenceParameters(instance: 0)
        let expected = inputs.map { ReferenceKernel.forward(kind: kind, reference, $0.map(Double.init)).1 }
        for path in KernelPath.allCases where path.isAvailable {
          let h = model.hiddenStates(inputs: inputs, instance: 0, path: path)
          assertClose(
            h.flatMap { $0 }.map(Double.init), expected.flatMap { $0 }, absolute: 1e-5, relative: 1e-5,
            "\(kind) n=\(n) m=\(m) density \(density) \(path)")
        }
      }
    }
  }
}
