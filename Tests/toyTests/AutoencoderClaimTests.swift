import Foundation
import XCTest

/// The claims of the sparse-autoencoder examples, 13 (finding the five features) and 14 (the
/// dictionary-size signals), read from the numbers of their runs: `print sae`'s metrics,
/// matches and decoder directions, one value per autoencoder.
final class AutoencoderClaimTests: XCTestCase {
  /// The numbers of one `print sae` (or `print METRIC, …`) display of the current autoencoders.
  struct Printed {
    let record: [String: Any]

    func metric(_ name: String) throws -> [Double] {
      let metrics = try XCTUnwrap(record["metrics"] as? [String: Any], "no metrics")
      return try XCTUnwrap(metrics[name] as? [Double], "no \(name)")
    }

    /// Per autoencoder, per feature: the best latent and its cosine.
    func matches() throws -> [[(latent: Int, cosine: Double)]] {
      let rows = try XCTUnwrap(record["matches"] as? [[[String: Any]]], "no matches")
      return try rows.map { row in
        try row.map { (try XCTUnwrap($0["latent"] as? Int), try XCTUnwrap($0["cosine"] as? Double)) }
      }
    }

    /// Per autoencoder, its dictionary: each latent's unit decoder direction.
    func decoder() throws -> [[[Double]]] { try XCTUnwrap(record["decoder"] as? [[[Double]]], "no decoder") }

    func latents() throws -> [Int] {
      let instances = try XCTUnwrap(record["instances"] as? [[String: Any]], "no instances")
      return try instances.map { try XCTUnwrap($0["latents"] as? Int) }
    }
  }

  func printed(_ run: ToyRun, _ statement: String, occurrence: Int = 0) throws -> Printed {
    Printed(record: try run.record(statement, occurrence: occurrence))
  }

  /// The mean over `small`'s latents of the best cosine with a latent of `large` (both unit
  /// directions): Sharkey et al.'s MMCS between two dictionaries.
  static func mmcs(_ small: [[Double]], _ large: [[Double]]) -> Double {
    small.map { u in large.map { Vectors.dot(u, $0) }.max() ?? 0 }.reduce(0, +) / Double(small.count)
  }

  // MARK: 13-sparse-autoencoders

  /// "five latents find all five features: MMCS 1.0000, every feature a latent of its own at
  /// cosine 1.000, no dead latent".
  func testFiveLatentsFindAllFiveFeatures() throws {
    try checkClaim("13-sparse-autoencoders") { run in
      let sae = try printed(run, "print sae")
      XCTAssertEqual(try sae.metric("mmcs")[0], 1, accuracy: 5e-5)
      XCTAssertEqual(try sae.metric("dead"), [0])
      let matches = try XCTUnwrap(try sae.matches().first)
      XCTAssertEqual(Set(matches.map(\.latent)).count, 5, "a latent per feature: \(matches)")
      for match in matches { XCTAssertGreaterThan(match.cosine, 0.9995) }
    }
  }

  /// "fewer latents than features merge them: a latent covers two neighbouring features,
  /// pointing between them (for d = 3, at 36° from each: cosine 0.81), and MMCS falls to
  /// about 0.9, 0.8 and 0.5 for d = 4, 3 and 2".
  func testFewerLatentsMergeNeighbouringFeatures() throws {
    try checkClaim("13-sparse-autoencoders") { run in
      let sweep = try printed(run, "print sae", occurrence: 1)
      XCTAssertEqual(try sweep.latents(), [2, 3, 4, 5])
      let mmcs = try sweep.metric("mmcs")
      for (value, expected) in zip(mmcs, [0.5, 0.8, 0.9, 1]) { XCTAssertEqual(value, expected, accuracy: 0.03) }
      let matches = try sweep.matches()
      // d = 3: a latent is the best match of two features, at cos 36° from each.
      let shared = Dictionary(grouping: matches[1], by: \.latent).values.filter { $0.count == 2 }
      XCTAssertTrue(
        shared.contains { pair in pair.allSatisfy { abs($0.cosine - cos(.pi / 5)) < 0.02 } },
        "d = 3: \(matches[1])")
      // d = 4: a latent covers two features, close to neither.
      let covering = Dictionary(grouping: matches[2], by: \.latent).values.filter { $0.count == 2 }
      XCTAssertTrue(
        covering.contains { pair in pair.allSatisfy { $0.cosine > 0.5 && $0.cosine < 0.95 } }, "\(matches[2])")
    }
  }

  /// "the L1 penalty trades reconstruction for sparsity: as λ grows L0 falls and FVU rises,
  /// and too strong a penalty (λ = 3) kills every latent: all five dead, FVU 1".
  func testTheL1PenaltyTradesReconstructionForSparsityAndKillsLatents() throws {
    try checkClaim("13-sparse-autoencoders") { run in
      let sweep = try printed(run, "print l0, fvu, dead")
      let (l0, fvu, dead) = (try sweep.metric("l0"), try sweep.metric("fvu"), try sweep.metric("dead"))
      XCTAssertEqual(l0.count, 5)
      for i in 1..<5 {
        XCTAssertLessThan(l0[i], l0[i - 1], "L0 falls: \(l0)")
        XCTAssertGreaterThan(fvu[i], fvu[i - 1], "FVU rises: \(fvu)")
      }
      XCTAssertEqual(dead.last, 5)
      XCTAssertEqual(try XCTUnwrap(fvu.last), 1, accuracy: 0.01)
      XCTAssertEqual(dead.dropLast(), [0, 0, 0, 0])
    }
  }

  /// "keeping only the top latent (topk=1) leaves latents dead, as they never win, and most
  /// of the eight seeds miss features (MMCS well below 1)".
  func testTopOneLeavesLatentsDeadAndMissesFeatures() throws {
    try checkClaim("13-sparse-autoencoders") { run in
      let seeds = try printed(run, "print mmcs, dead")
      let (mmcs, dead) = (try seeds.metric("mmcs"), try seeds.metric("dead"))
      XCTAssertEqual(mmcs.count, 8)
      XCTAssertGreaterThanOrEqual(dead.filter { $0 > 0 }.count, 2, "seeds with dead latents: \(dead)")
      XCTAssertGreaterThan(mmcs.filter { $0 < 0.9 }.count, 4, "seeds that miss features: \(mmcs)")
    }
  }

  /// "resampling (…) revives them: no latent is left dead, and nearly every seed finds all
  /// five (seven of the eight, against two without)".
  func testResamplingRevivesDeadLatents() throws {
    try checkClaim("13-sparse-autoencoders") { run in
      let without = try printed(run, "print mmcs, dead").metric("mmcs")
      let resampled = try printed(run, "print mmcs, dead", occurrence: 1)
      XCTAssertEqual(try resampled.metric("dead"), Array(repeating: 0, count: 8))
      let found = try resampled.metric("mmcs").filter { $0 > 0.999 }.count
      XCTAssertEqual(found, 7)
      XCTAssertEqual(without.filter { $0 > 0.999 }.count, 2)
    }
  }

  /// "resampling does not rescue too strong a penalty: at λ = 3 the revived latents die again".
  func testResamplingDoesNotRescueTooStrongAPenalty() throws {
    try checkClaim("13-sparse-autoencoders") { run in
      let strong = try printed(run, "print l0, fvu, dead", occurrence: 1)
      XCTAssertEqual(try strong.metric("dead"), [5])
      XCTAssertEqual(try strong.metric("fvu")[0], 1, accuracy: 0.01)
    }
  }

  // MARK: 14-dictionary-size

  /// "with the L1 penalty, MMCS with the true features climbs with the dictionary and reaches
  /// 1 at d = 20, …; FVU falls to its floor at d = 20 and stays there too".
  func testDictionarySizeMMCSWithTheTruthSaturatesAtTwenty() throws {
    try checkClaim("14-dictionary-size") { run in
      let sweep = try printed(run, "print sae")
      XCTAssertEqual(try sweep.latents(), [10, 15, 20, 25, 30, 40])
      let (mmcs, fvu) = (try sweep.metric("mmcs"), try sweep.metric("fvu"))
      XCTAssertLessThan(mmcs[0], mmcs[1])
      XCTAssertLessThan(mmcs[1], 0.9)
      for value in mmcs[2...] { XCTAssertGreaterThan(value, 0.999, "from d = 20 on: \(mmcs)") }
      XCTAssertGreaterThan(fvu[1], 5 * fvu[2], "FVU falls to d = 20: \(fvu)")
      for value in fvu[3...] { XCTAssertEqual(value, fvu[2], accuracy: 0.1 * fvu[2], "flat from d = 20: \(fvu)") }
    }
  }

  /// "the MMCS between each dictionary and the next larger one … peaks at d = 20 …; past 20 it
  /// falls a little (0.97, 0.95), as the extra latents split features (L0 rises above its
  /// value at d = 20) … Below 20 it is low (0.5, 0.8)".
  func testDictionarySizeMMCSWithTheNextLargerPeaksAtTwenty() throws {
    try checkClaim("14-dictionary-size") { run in
      let sweep = try printed(run, "print sae")
      let dictionaries = try sweep.decoder()
      let next = zip(dictionaries, dictionaries.dropFirst()).map { Self.mmcs($0, $1) }
      XCTAssertEqual(next.count, 5)
      XCTAssertEqual(next.indices.max { next[$0] < next[$1] }, 2, "the peak is 20 → 25: \(next)")
      XCTAssertGreaterThan(next[2], 0.995)
      XCTAssertLessThan(next[3], next[2])
      XCTAssertLessThan(next[4], next[3])
      XCTAssertGreaterThan(next[4], 0.9, "a little: \(next)")
      XCTAssertLessThan(next[0], 0.6)
      XCTAssertLessThan(next[1], 0.9)
      let l0 = try sweep.metric("l0")
      for value in l0[3...] { XCTAssertGreaterThan(value, l0[2], "L0 past d = 20: \(l0)") }
    }
  }

  /// "keeping the top two latents (topk=2) instead, no latent is dead up to d = 20, and past it
  /// dead latents appear and grow with the dictionary (5, 8 and 17 at d = 25, 30, 40)".
  func testDictionarySizeDeadLatentsAppearPastTwenty() throws {
    try checkClaim("14-dictionary-size") { run in
      let dead = try printed(run, "print l0, fvu, dead, mmcs").metric("dead")
      XCTAssertEqual(dead, [0, 0, 0, 5, 8, 17])
    }
  }
}
