import CToyKernels
import Foundation
import XCTest

@testable import ToyCore

/// The data generator's statistics, with tolerances of 5σ derived from the sample size.
final class BatchSamplerTests: XCTestCase {
  func model(
    kind: ModelKind = .relu, n: Int, density: Float, sets: [FeatureSet] = [], seed: UInt64 = 3
  ) throws -> ToyModel {
    try ToyModel(
      kind: kind, n: n, m: 2, importance: [[Float](repeating: 1, count: n)],
      density: [[Float](repeating: density, count: n)], featureSets: sets, seed: seed)
  }

  func testDensityMeanAndSecondMomentWithinFiveSigma() throws {
    for p in [1.0, 0.5, 0.1, 0.01, 0.001] as [Double] {
      let n = 4
      let count = p < 0.05 ? 1 << 18 : 1 << 15
      let samples = try model(n: n, density: Float(p)).trainingSamples(instance: 0, first: 0, count: count)
      let values = samples.flatMap { $0 }.map(Double.init)
      let total = Double(values.count)
      let rate = Double(values.filter { $0 != 0 }.count) / total
      let mean = values.reduce(0, +) / total
      let second = values.map { $0 * $0 }.reduce(0, +) / total
      // Var of the indicator p(1−p); of x: p/3 − p²/4; of x²: p/5 − p²/9.
      let rateSigma = (p * (1 - p) / total).squareRoot()
      let meanSigma = ((p / 3 - p * p / 4) / total).squareRoot()
      let secondSigma = ((p / 5 - p * p / 9) / total).squareRoot()
      XCTAssertEqual(rate, p, accuracy: 5 * rateSigma + 1e-12, "density \(p)")
      XCTAssertEqual(mean, p / 2, accuracy: 5 * meanSigma, "E[x] at density \(p)")
      XCTAssertEqual(second, p / 3, accuracy: 5 * secondSigma, "E[x²] at density \(p)")
      XCTAssertTrue(values.allSatisfy { $0 >= 0 && $0 < 1 })
    }
  }

  func testDensityOneThousandthIsResolvedExactly() {
    let threshold = RandomStream.threshold(probability: 0.001)
    XCTAssertEqual(Double(threshold) / 4_294_967_296, 0.001, accuracy: 1e-9)
    XCTAssertEqual(RandomStream.threshold(probability: 1), 1 << 32, "density 1 always fires")
  }

  func testFeaturesAreUncorrelatedAndSamplesDiffer() throws {
    let count = 1 << 15
    let samples = try model(n: 3, density: 0.5).trainingSamples(instance: 0, first: 0, count: count)
    let a = samples.map { Double($0[0]) }
    let b = samples.map { Double($0[1]) }
    let ma = a.reduce(0, +) / Double(count)
    let mb = b.reduce(0, +) / Double(count)
    let cov = zip(a, b).map { ($0 - ma) * ($1 - mb) }.reduce(0, +) / Double(count)
    let variance = 0.5 / 3 - 0.25 / 4
    // Correlation of independent features: σ ≈ 1/√N.
    XCTAssertEqual(cov / variance, 0, accuracy: 5 / Double(count).squareRoot())
    XCTAssertNotEqual(samples[0], samples[1])
  }

  func testAbsInputsAreSymmetricOnMinusOneToOne() throws {
    let p = 0.3
    let count = 1 << 15
    let values = try model(kind: .abs, n: 4, density: Float(p)).trainingSamples(instance: 0, first: 0, count: count)
      .flatMap { $0 }.map(Double.init)
    let total = Double(values.count)
    XCTAssertTrue(values.allSatisfy { $0 >= -1 && $0 < 1 })
    XCTAssertEqual(values.reduce(0, +) / total, 0, accuracy: 5 * (p / 3 / total).squareRoot())
    XCTAssertEqual(
      values.map { $0 * $0 }.reduce(0, +) / total, p / 3, accuracy: 5 * ((p / 5 - p * p / 9) / total).squareRoot())
  }

  func testCorrelatedSetsAreJointlyZero() throws {
    let p = 0.2
    let count = 1 << 15
    let samples = try model(n: 5, density: Float(p), sets: [FeatureSet(.correlated, features: 1..<4)])
      .trainingSamples(instance: 0, first: 0, count: count)
    var active = 0
    for row in samples {
      let on = row[1..<4].map { $0 != 0 }
      // Values are exactly 0 only with probability 2⁻²⁴: a set is all on or all off.
      XCTAssertTrue(on.allSatisfy { $0 } || on.allSatisfy { !$0 }, "\(row)")
      if on[0] { active += 1 }
    }
    XCTAssertEqual(Double(active) / Double(count), p, accuracy: 5 * (p * (1 - p) / Double(count)).squareRoot())
  }

  func testAntiCorrelatedMembersAreNeverCoActive() throws {
    let p = 0.4
    let count = 1 << 15
    let samples = try model(n: 4, density: Float(p), sets: [FeatureSet(.anticorrelated, features: 0..<3)])
      .trainingSamples(instance: 0, first: 0, count: count)
    var perMember = [0, 0, 0]
    var setActive = 0
    for row in samples {
      let on = (0..<3).filter { row[$0] != 0 }
      XCTAssertLessThanOrEqual(on.count, 1, "\(row)")
      if let f = on.first { perMember[f] += 1; setActive += 1 }
    }
    let total = Double(count)
    XCTAssertEqual(Double(setActive) / total, p, accuracy: 5 * (p * (1 - p) / total).squareRoot())
    for c in perMember {
      let q = p / 3
      XCTAssertEqual(Double(c) / total, q, accuracy: 5 * (q * (1 - q) / total).squareRoot())
    }
  }

  func testInstanceStreamsDependOnSeedAndInstanceOnly() throws {
    let two = try ToyModel(
      kind: .relu, n: 3, m: 2, importance: [[1, 1, 1], [1, 1, 1]], density: [[0.5, 0.5, 0.5], [0.5, 0.5, 0.5]], seed: 9)
    let one = try ToyModel(kind: .relu, n: 3, m: 2, importance: [[1, 1, 1]], density: [[0.5, 0.5, 0.5]], seed: 9)
    XCTAssertEqual(
      two.trainingSamples(instance: 0, first: 100, count: 50), one.trainingSamples(instance: 0, first: 100, count: 50))
    XCTAssertNotEqual(
      two.trainingSamples(instance: 1, first: 0, count: 50), two.trainingSamples(instance: 0, first: 0, count: 50))
    let reseeded = try ToyModel(
      kind: .relu, n: 3, m: 2, importance: [[1, 1, 1]], density: [[0.5, 0.5, 0.5]], seed: 10)
    XCTAssertNotEqual(
      reseeded.trainingSamples(instance: 0, first: 0, count: 50), one.trainingSamples(instance: 0, first: 0, count: 50))
  }

  /// The vectorised fill against the schemes' scalar definition (`toy_data_value`, one
  /// sample at a time), in every data scheme and for signed values, at densities on both
  /// sides of the switches to groups of sixteen (grouped, one-word: 1/16), to values from the
  /// mask word (one-word: below 1) and to skipping empty runs (per sample), over spans that
  /// start and end inside groups and blocks.
  func testFillMatchesTheScalarDefinition() throws {
    for p in [1, 0.99, 0.3, 0.07, 0.0625, 0.05, 0.004, 0.001] as [Float] {
      for kind in [ModelKind.relu, .abs] {
        let current = try model(kind: kind, n: 5, density: p, seed: 21)
        let key = RandomStream(seed: current.seed, instance: 0, purpose: .data).key
        let threshold = RandomStream.threshold(probability: p)
        var table = [UInt32](repeating: 0, count: 16)
        toy_group_cdf(threshold, &table)
        for scheme in DataScheme.allCases {
          var file = current.file
          file.version = scheme.rawValue
          let model = try ToyModel(file: file)
          for (first, count) in [(0, 256), (5, 300), (4000, 77), (130, 12)] as [(UInt64, Int)] {
            let samples = model.trainingSamples(instance: 0, first: first, count: count)
            var active = 0
            for j in 0..<count {
              for f in 0..<5 {
                let expected = toy_data_value(
                  scheme.cScheme, key, first + UInt64(j), 5, Int32(f), threshold, table, kind == .abs ? 1 : 0)
                if expected != 0 { active += 1 }
                XCTAssertEqual(
                  samples[j][f].bitPattern, expected.bitPattern,
                  "\(scheme) \(kind) p=\(p) sample \(first + UInt64(j)) f=\(f)")
              }
            }
            if p >= 0.03 && count > 100 {
              XCTAssertGreaterThan(active, 0, "p=\(p): the span must have active features")
            }
          }
        }
      }
    }
  }

  /// Data drawn once keeps version 2's law in version 3: the evaluation batch (and so the
  /// loss every model is judged by) and a fixed training set are the same for a model of
  /// either version, while the per-step training stream of a feature of density 0.3 differs.
  func testDataDrawnOnceIsTheSameInVersionsTwoAndThree() throws {
    let current = try model(kind: .abs, n: 5, density: 0.3)
    XCTAssertEqual(current.dataScheme, .oneWord)
    var file = current.file
    file.version = DataScheme.grouped.rawValue
    let older = try ToyModel(file: file)
    XCTAssertEqual(older.dataScheme, .grouped)
    XCTAssertEqual(
      current.evaluationSamples(instance: 0, count: 300), older.evaluationSamples(instance: 0, count: 300))
    XCTAssertEqual(
      current.loss(instance: 0, samples: 300).bitPattern, older.loss(instance: 0, samples: 300).bitPattern)
    let set = TrainingSet(model: current, instance: 0, count: 200)
    let olderSet = TrainingSet(model: older, instance: 0, count: 200)
    XCTAssertEqual((0..<200).map(set.example), (0..<200).map(olderSet.example))
    XCTAssertNotEqual(
      current.trainingSamples(instance: 0, first: 0, count: 300),
      older.trainingSamples(instance: 0, first: 0, count: 300))
  }

  /// The one-word scheme written out naively against the fill on every code path: an active
  /// sample's value is (u >> 8)·(1/T), T = (t >> 8) + 1, from its mask word u (2·that − 1
  /// signed), at thresholds a density gives and at raw thresholds of the C interface,
  /// including ones where the product would round up to 1 (t = 0xFFFFFEFF, 0xFFFFFCFF).
  func testOneWordFillIsTheSchemeWrittenOut() {
    let largestBelowOne = Float(1).nextDown
    func naive(_ u: UInt32, _ t: UInt64, signed: Bool) -> Float {
      let unit = min(Float(u >> 8) * (1 / Float((t >> 8) + 1)), largestBelowOne)
      return signed ? 2 * unit - 1 : unit
    }
    let key = RandomStream(seed: 5, instance: 0, purpose: .data).key
    let (n, first, count) = (3, UInt64(77), 300)
    let thresholds: [UInt64] = [
      RandomStream.threshold(probability: 0.3), RandomStream.threshold(probability: 0.0625),
      RandomStream.threshold(probability: 0.97), 0xFFFF_FEFF, 0xFFFF_FCFF, 0x1000_0001,
    ]
    for t in thresholds {
      for signed in [false, true] {
        for path in KernelPath.allCases where path.isAvailable {
          var row = [Float](repeating: .nan, count: count)
          toy_fill_feature(
            path.cPath, TOY_SCHEME_ONE_WORD, key, first, Int32(count), Int32(n), 1, t, nil, signed ? 1 : 0, &row)
          for j in 0..<count {
            var mask: UInt32 = 0
            var value: UInt32 = 0
            toy_data_words(key, first + UInt64(j), Int32(n), 1, &mask, &value)
            let expected = UInt64(mask) < t ? naive(mask, t, signed: signed) : 0
            XCTAssertEqual(row[j].bitPattern, expected.bitPattern, "t=\(t) signed=\(signed) \(path) sample \(j)")
          }
        }
      }
    }
    // The top of the grid, which random words almost never reach: T = 2²⁴ − 1 and
    // k = T − 1 give (1 − 2⁻²³)(1 + 2⁻²³) before rounding, 1 after; the bound keeps it below.
    XCTAssertEqual(toy_data_word_value(0xFFFF_FEFE, 0xFFFF_FEFF, 0), largestBelowOne)
    XCTAssertEqual(toy_data_word_value(0xFFFF_FEFE, 0xFFFF_FEFF, 1), 2 * largestBelowOne - 1)
    XCTAssertEqual(toy_data_word_value(0x1234_5678, 0x8000_0000, 0), Float(0x12_3456) * (1 / Float(0x80_0001)))
    // Sample 23,694,492 of this stream (found by a search) has a mask word on that top cell:
    // every path's vector fill must bound it too.
    let top = UInt64(23_694_492)
    var mask: UInt32 = 0
    var value: UInt32 = 0
    toy_data_words(key, top, Int32(n), 1, &mask, &value)
    XCTAssertTrue((0xFFFF_FE00..<0xFFFF_FEFF).contains(mask), "the search's sample: \(mask)")
    for signed in [false, true] {
      for path in KernelPath.allCases where path.isAvailable {
        var row = [Float](repeating: .nan, count: 16)
        toy_fill_feature(
          path.cPath, TOY_SCHEME_ONE_WORD, key, top - 4, 16, Int32(n), 1, 0xFFFF_FEFF, nil, signed ? 1 : 0, &row)
        XCTAssertEqual(row[4], signed ? 2 * largestBelowOne - 1 : largestBelowOne, "\(path) signed=\(signed)")
      }
    }
  }

  /// The one-word scheme's values, drawn from the mask word, must be uniform and independent
  /// of which features are active: at densities 0.3 and 0.0625 (the lowest that takes them
  /// from the mask word), sixteen equal bins on [0, 1) (on [−1, 1) for abs) each hold a
  /// sixteenth of the active values, and a feature's value has no correlation with whether
  /// its neighbour is active. Tolerances of 5σ.
  func testOneWordValuesAreUniformAndIndependent() throws {
    for (kind, p) in [(ModelKind.relu, 0.3), (.abs, 0.3), (.relu, 0.0625)] as [(ModelKind, Double)] {
      let current = try model(kind: kind, n: 4, density: Float(p))
      XCTAssertEqual(current.dataScheme, .oneWord)
      let samples = current.trainingSamples(instance: 0, first: 0, count: 1 << 16)
      var bins = [Double](repeating: 0, count: 16)
      var active = 0.0
      var withNeighbour = (sum: 0.0, count: 0.0)
      for row in samples {
        for f in 0..<4 where row[f] != 0 {
          let unit = kind == .abs ? (Double(row[f]) + 1) / 2 : Double(row[f])
          XCTAssertTrue(unit >= 0 && unit < 1, "\(row[f])")
          bins[min(15, Int(unit * 16))] += 1
          active += 1
          if row[(f + 1) % 4] != 0 { withNeighbour.sum += unit; withNeighbour.count += 1 }
        }
      }
      let q = 1.0 / 16
      for (i, hits) in bins.enumerated() {
        XCTAssertEqual(hits / active, q, accuracy: 5 * (q * (1 - q) / active).squareRoot(), "\(kind) p=\(p) bin \(i)")
      }
      // Uniform on [0, 1): mean 1/2, variance 1/12.
      XCTAssertEqual(
        withNeighbour.sum / withNeighbour.count, 0.5, accuracy: 5 * (1.0 / 12 / withNeighbour.count).squareRoot(),
        "\(kind) p=\(p): values where the neighbour is active")
    }
  }

  /// The group table against the geometric law it encodes: entry i is P(first active lane ≤
  /// i)·2³², so each entry follows from the one before by 1 − c' = (1 − c)(1 − p).
  func testGroupTableIsTheFirstActiveLanesLaw() {
    for p in [0.05, 0.01, 0.001] {
      var table = [UInt32](repeating: 0, count: 16)
      toy_group_cdf(RandomStream.threshold(probability: Float(p)), &table)
      let q = 1 - Double(RandomStream.threshold(probability: Float(p))) / 4_294_967_296
      for i in 0..<16 {
        XCTAssertEqual(Double(table[i]) / 4_294_967_296, 1 - pow(q, Double(i + 1)), accuracy: 1e-9, "p=\(p) i=\(i)")
      }
    }
  }

  /// Grouped features must keep the law of independent draws: the same density at every
  /// position in the group (a wrong first-lane rule shifts mass between positions), pairs of
  /// lanes in one group co-active at rate p² (a wrong rule after the first lane correlates
  /// them), and empty groups at rate (1 − p)¹⁶. Tolerances of 5σ.
  func testGroupedFeaturesAreIndependentDrawsAtEveryPosition() throws {
    let p = 0.05
    let n = 4
    let count = 1 << 18
    let samples = try model(n: n, density: Float(p)).trainingSamples(instance: 0, first: 0, count: count)
    let groups = Double(count / 16 * n)
    var atPosition = [Double](repeating: 0, count: 16)
    var pairs = 0.0
    var empty = 0.0
    for f in 0..<n {
      for start in stride(from: 0, to: count, by: 16) {
        let on = (0..<16).map { samples[start + $0][f] != 0 }
        for (i, active) in on.enumerated() where active { atPosition[i] += 1 }
        if on[3] && on[12] { pairs += 1 }
        if !on.contains(true) { empty += 1 }
      }
    }
    let rateSigma = (p * (1 - p) / groups).squareRoot()
    for (i, hits) in atPosition.enumerated() {
      XCTAssertEqual(hits / groups, p, accuracy: 5 * rateSigma, "density at position \(i) of the group")
    }
    let pair = p * p
    XCTAssertEqual(pairs / groups, pair, accuracy: 5 * (pair * (1 - pair) / groups).squareRoot(), "co-activation")
    let none = pow(1 - p, 16)
    XCTAssertEqual(empty / groups, none, accuracy: 5 * (none * (1 - none) / groups).squareRoot(), "empty groups")
  }

  func testEveryCodePathDrawsIdenticalBits() throws {
    // 0.3 draws every sample's mask; 0.04 draws them in groups of sixteen.
    for (kind, density) in [(ModelKind.relu, 0.3), (.abs, 0.3), (.relu, 0.04), (.abs, 0.04)] as [(ModelKind, Float)] {
      let model = try model(kind: kind, n: 7, density: density)
      // Unaligned starts and lengths cross the 128-sample blocks, the groups of sixteen and
      // the 8-lane vectors.
      for (first, count) in [(0, 1), (3, 130), (125, 9), (1000, 300)] as [(UInt64, Int)] {
        let baseline = model.trainingSamples(instance: 0, first: first, count: count, path: .baseline)
        for path in KernelPath.allCases where path.isAvailable {
          let other = model.trainingSamples(instance: 0, first: first, count: count, path: path)
          XCTAssertEqual(other.flatMap { $0 }.map(\.bitPattern), baseline.flatMap { $0 }.map(\.bitPattern), "\(path)")
        }
        // A sample's values do not depend on where the request starts.
        let shifted = model.trainingSamples(instance: 0, first: first + 1, count: count - 1)
        XCTAssertEqual(shifted, Array(baseline.dropFirst()))
      }
    }
  }
}
