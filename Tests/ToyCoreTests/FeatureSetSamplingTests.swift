import CToyKernels
import XCTest

@testable import ToyCore

/// Feature sets are drawn in C (`toy_fill_set`); these tests hold them to the scheme's
/// definition written out naively, one sample and feature at a time, over every code path.
final class FeatureSetSamplingTests: XCTestCase {
  /// The value a value word encodes: its top 24 bits on [0, 1), or on [−1, 1) for signed inputs.
  private func naiveValue(_ word: UInt32, signed: Bool) -> Float {
    let top = Float(word >> 8)  // exact: below 2²⁴
    return signed ? (top - 8_388_608) / 8_388_608 : top / 16_777_216
  }

  /// The scheme's definition of a set member, sample by sample: the set is on where the
  /// lead's mask word is below the lead's threshold; a correlated set then shows every
  /// member's value, an anti-correlated one only member ⌊u'·size/2³²⌋ (u' the second
  /// member's mask word).
  private func naiveSetValue(
    _ set: FeatureSet, feature f: Int, sample: UInt64, key: UInt64, n: Int, thresholds: [UInt64], signed: Bool
  ) -> Float {
    func words(_ feature: Int) -> (mask: UInt32, value: UInt32) {
      var mask: UInt32 = 0
      var value: UInt32 = 0
      toy_data_words(key, sample, Int32(n), Int32(feature), &mask, &value)
      return (mask, value)
    }
    let lead = set.features.lowerBound
    guard UInt64(words(lead).mask) < thresholds[lead] else { return 0 }
    switch set.relation {
    case .correlated:
      return naiveValue(words(f).value, signed: signed)
    case .anticorrelated:
      let pick = Int(UInt64(words(lead + 1).mask) * UInt64(set.features.count) / 4_294_967_296)
      return f - lead == pick ? naiveValue(words(f).value, signed: signed) : 0
    }
  }

  /// Sets of two to nine members beside independent features, densities that always, often
  /// and rarely fire, both input signs, spans that start and end inside the 8-lane vectors
  /// and the 128-sample blocks, on every code path: identical bits to the naive definition.
  func testSetsMatchTheNaiveDefinitionOnEveryPath() throws {
    let n = 12
    let layouts: [[FeatureSet]] = [
      [FeatureSet(.correlated, features: 0..<3), FeatureSet(.anticorrelated, features: 3..<8)],
      [FeatureSet(.anticorrelated, features: 0..<2), FeatureSet(.correlated, features: 2..<11)],
      [FeatureSet(.anticorrelated, features: 1..<10)],
    ]
    for sets in layouts {
      for kind in [ModelKind.relu, .abs] {
        for p in [1, 0.3, 0.04] as [Float] {
          let density = [Float](repeating: p, count: n)
          let model = try ToyModel(
            kind: kind, n: n, m: 3, importance: [[Float](repeating: 1, count: n)], density: [density],
            featureSets: sets, seed: 17)
          let key = RandomStream(seed: model.seed, instance: 0, purpose: .data).key
          let thresholds = density.map { RandomStream.threshold(probability: $0) }
          var active = 0
          for (first, count) in [(0, 1), (3, 130), (125, 9), (1000, 300), (120, 16)] as [(UInt64, Int)] {
            for path in KernelPath.allCases where path.isAvailable {
              let samples = model.trainingSamples(instance: 0, first: first, count: count, path: path)
              for j in 0..<count {
                for set in sets {
                  for f in set.features {
                    let expected = naiveSetValue(
                      set, feature: f, sample: first + UInt64(j), key: key, n: n, thresholds: thresholds,
                      signed: kind.signedInputs)
                    if expected != 0 { active += 1 }
                    XCTAssertEqual(
                      samples[j][f].bitPattern, expected.bitPattern,
                      "\(sets) \(kind) p=\(p) \(path) sample \(first + UInt64(j)) f=\(f)")
                  }
                }
              }
            }
          }
          XCTAssertGreaterThan(active, 0, "p=\(p): the spans must have active set members")
        }
      }
    }
  }

  /// The keys' mixer is SplitMix64's: its outputs from seed 1234567 (state advanced by γ
  /// before each mix) are the published reference sequence.
  func testKeyMixerIsSplitMix64() {
    let gamma: UInt64 = 0x9E37_79B9_7F4A_7C15
    let outputs = (1...5).map { toy_mix64(1_234_567 &+ UInt64($0) &* gamma) }
    XCTAssertEqual(
      outputs,
      [
        6_457_827_717_110_365_317, 3_203_168_211_198_807_973, 9_817_491_932_198_370_423, 4_593_380_528_125_082_431,
        16_408_922_859_458_223_821,
      ])
  }
}
