import XCTest

@testable import ToyCore

/// The naive reference's analytic gradient against central finite differences, and the
/// fast kernel against the naive reference over every small shape, tails included.
final class GradientTests: XCTestCase {
  /// A deterministic pseudo-random source for test inputs (independent of toy's own streams).
  struct TestRandom {
    var state: UInt64
    mutating func next() -> Double {
      state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
      return Double(state >> 11) * 0x1p-53
    }
  }

  func randomCase(kind: ModelKind, n: Int, m: Int, batch: Int, density: Double, rng: inout TestRandom)
    -> (ReferenceKernel.Parameters, [Double], [[Double]])
  {
    let w = (0..<n).map { _ in (0..<m).map { _ in rng.next() * 2 - 1 } }
    let w2 = kind.untied ? (0..<n).map { _ in (0..<m).map { _ in rng.next() * 2 - 1 } } : []
    let b = (0..<n).map { _ in rng.next() * 0.4 - 0.2 }
    let importance = (0..<n).map { _ in 0.2 + rng.next() }
    let inputs = (0..<batch).map { _ in
      (0..<n).map { _ -> Double in
        guard rng.next() < density else { return 0 }
        return kind.signedInputs ? rng.next() * 2 - 1 : rng.next()
      }
    }
    return (ReferenceKernel.Parameters(w: w, w2: w2, b: b), importance, inputs)
  }

  func testReferenceGradientMatchesFiniteDifferences() {
    var rng = TestRandom(state: 42)
    for kind in ModelKind.allCases {
      let (n, m) = kind == .abs ? (4, 6) : (5, 3)
      let (p, importance, batch) = randomCase(kind: kind, n: n, m: m, batch: 16, density: 0.6, rng: &rng)
      let grad = ReferenceKernel.gradient(kind: kind, parameters: p, importance: importance, batch: batch)
      let h = 1e-6
      func loss(_ q: ReferenceKernel.Parameters) -> Double {
        ReferenceKernel.loss(kind: kind, parameters: q, importance: importance, batch: batch)
      }
      func central(_ perturb: (inout ReferenceKernel.Parameters, Double) -> Void) -> Double {
        var plus = p
        var minus = p
        perturb(&plus, h)
        perturb(&minus, -h)
        return (loss(plus) - loss(minus)) / (2 * h)
      }
      var numeric: [Double] = []
      var analytic: [Double] = []
      for f in 0..<n {
        for k in 0..<m {
          numeric.append(central { $0.w[f][k] += $1 })
          analytic.append(grad.w[f][k])
          if kind.untied {
            numeric.append(central { $0.w2[f][k] += $1 })
            analytic.append(grad.w2[f][k])
          }
        }
        numeric.append(central { $0.b[f] += $1 })
        analytic.append(grad.b[f])
      }
      let maxDiff = zip(numeric, analytic).map { Swift.abs($0 - $1) }.max() ?? 0
      print("finite differences, \(kind): max |analytic − numeric| = \(maxDiff)")
      assertClose(analytic, numeric, absolute: 1e-7, relative: 1e-6, "\(kind) gradient vs finite differences")
      XCTAssertGreaterThan(analytic.map(Swift.abs).max() ?? 0, 1e-3, "\(kind): the check must see non-zero gradients")
    }
  }

  func testFastKernelMatchesReferenceOnEverySmallShape() throws {
    var rng = TestRandom(state: 7)
    var worst = 0.0
    for kind in ModelKind.allCases {
      for n in 1...6 {
        for m in 1...4 {
          for batch in [1, 2, 7, 8, 9, 15, 16, 17, 31, 32, 33, 64, 129] {
            worst = max(worst, try compareWithReference(kind: kind, n: n, m: m, batch: batch, density: 0.5, rng: &rng))
          }
        }
      }
      // Larger narrow shapes: feature rows past one tile (of six, or of five plus four for
      // 9 and 20 rows) and hidden widths at and past the gradient's five sums per pass
      // (n = 20, m = 5 is the paper's sweep).
      for (n, m) in [(20, 5), (7, 6), (13, 11), (31, 10), (10, 5), (9, 9)] {
        for batch in [9, 130] {
          worst = max(worst, try compareWithReference(kind: kind, n: n, m: m, batch: batch, density: 0.5, rng: &rng))
        }
      }
    }
    print("fast kernel vs naive reference: max |gradient diff| = \(worst)")
  }

  /// The wide kernel (n ≥ 32): hidden widths below, at and across its 8-column vectors and
  /// 32-column blocks, row counts off its tiles (six rows for the forward products, two to
  /// ten for the gradient's), lane tails, and input densities on both sides of its
  /// sparse/dense switches.
  func testWideKernelMatchesReference() throws {
    XCTAssertTrue(ChunkKernel.usesWide(n: 32) && !ChunkKernel.usesWide(n: 20))
    var rng = TestRandom(state: 11)
    var worst = 0.0
    for kind in ModelKind.allCases {
      for (n, m) in [(32, 1), (33, 5), (47, 8), (40, 17), (100, 20), (64, 30), (37, 41)] {
        for batch in [1, 9, 64, 130] {
          for density in [0.05, 0.25, 0.45, 1.0] {
            worst = max(
              worst, try compareWithReference(kind: kind, n: n, m: m, batch: batch, density: density, rng: &rng))
          }
        }
      }
    }
    print("wide kernel vs naive reference: max |gradient diff| = \(worst)")
  }

  /// Loss and gradient of one random case on every kernel path against the naive Double
  /// reference at the same Float-rounded numbers; returns the largest gradient difference.
  func compareWithReference(
    kind: ModelKind, n: Int, m: Int, batch: Int, density: Double, rng: inout TestRandom
  ) throws -> Double {
    let (p, importance, inputs) = randomCase(kind: kind, n: n, m: m, batch: batch, density: density, rng: &rng)
    var model = try ToyModel(
      kind: kind, n: n, m: m, importance: [importance.map(Float.init)],
      density: [[Float](repeating: Float(density), count: n)])
    model.setParameters(
      instance: 0, weights: p.w.map { $0.map(Float.init) },
      outputWeights: kind.untied ? p.w2.map { $0.map(Float.init) } : nil, bias: p.b.map(Float.init))
    // Compare against the reference evaluated at the Float-rounded parameters and inputs.
    let rounded = ReferenceKernel.Parameters(
      w: p.w.map { $0.map { Double(Float($0)) } }, w2: p.w2.map { $0.map { Double(Float($0)) } },
      b: p.b.map { Double(Float($0)) })
    let floatInputs = inputs.map { $0.map(Float.init) }
    let doubleInputs = floatInputs.map { $0.map(Double.init) }
    let roundedImportance = importance.map { Double(Float($0)) }
    let expectedLoss = ReferenceKernel.loss(
      kind: kind, parameters: rounded, importance: roundedImportance, batch: doubleInputs)
    let g = ReferenceKernel.gradient(
      kind: kind, parameters: rounded, importance: roundedImportance, batch: doubleInputs)
    let expected = g.w.flatMap { $0 } + g.w2.flatMap { $0 } + g.b
    var worst = 0.0
    for path in KernelPath.allCases where path.isAvailable {
      let (loss, gradient) = model.lossAndGradient(inputs: floatInputs, instance: 0, path: path)
      let label = "\(kind) n=\(n) m=\(m) B=\(batch) density=\(density) \(path)"
      XCTAssertEqual(loss, expectedLoss, accuracy: 1e-6 + 1e-5 * expectedLoss, label)
      let actual = gradient.map(Double.init)
      assertClose(actual, expected, absolute: 1e-6, relative: 1e-4, label)
      worst = max(worst, zip(actual, expected).map { Swift.abs($0 - $1) }.max() ?? 0)
    }
    return worst
  }
}
