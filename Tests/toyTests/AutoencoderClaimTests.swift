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

  /// "`show decoder` draws each dictionary's latents (dashed) over the features' arrows: at
  /// d = 5 every latent lies on an arrow (cosine above 0.999); at d = 3 one latent points
  /// between two arrows; at d = 2 the two latents lie near two features (cosine above 0.95)
  /// and the other three features have no latent within 55°": the cosines computed here from
  /// the arrows the picture draws.
  func testTheDecoderPictureShowsLatentsOnOrBetweenTheArrows() throws {
    try checkClaim("13-sparse-autoencoders") { run in
      let panels: [[String: Any]] = try run.data("show decoder")
      XCTAssertEqual(panels.compactMap { $0["instance"] as? Int }, [0, 1, 2, 3])
      // Per panel, per latent: its cosine with each feature arrow.
      let cosines = try panels.map { panel -> [[Double]] in
        let features = try XCTUnwrap(panel["features"] as? [[Double]])
        let latents = try XCTUnwrap(panel["decoder"] as? [[Double]])
        XCTAssertEqual(features.count, 5)
        return latents.map { latent in features.map { Vectors.cosine(latent, $0) } }
      }
      XCTAssertEqual(cosines.map(\.count), [2, 3, 4, 5])
      // d = 5: each latent on an arrow of its own.
      let nearest = cosines[3].map { row in row.indices.max { row[$0] < row[$1] }! }
      XCTAssertEqual(Set(nearest).count, 5, "d = 5: \(cosines[3])")
      for row in cosines[3] { XCTAssertGreaterThan(row.max()!, 0.999) }
      // d = 3: a latent between two arrows, at cos 36° from each.
      XCTAssertTrue(
        cosines[1].contains { row in row.filter { abs($0 - cos(.pi / 5)) < 0.02 }.count == 2 }, "d = 3: \(cosines[1])")
      // d = 2: both latents near a feature; the other three features far from both.
      let near = cosines[0].map { row in row.indices.max { row[$0] < row[$1] }! }
      for row in cosines[0] { XCTAssertGreaterThan(row.max()!, 0.95, "d = 2: \(cosines[0])") }
      for feature in 0..<5 where !near.contains(feature) {
        XCTAssertLessThan(cosines[0].map { $0[feature] }.max()!, cos(55 * .pi / 180), "d = 2, feature \(feature)")
      }
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

  /// "`show frontier` draws that trade-off, a point per λ, from λ = 0.03 (L0 about 0.5, FVU
  /// below 0.01) to λ = 3 (L0 0, FVU 1); `show firing` shows how often each latent fires: at
  /// λ = 0.1 every latent on 5 to 8% of the samples, near its feature's 5%, at λ = 1 every
  /// latent on under 1%, and at λ = 3 all five in the dead bin".
  func testTheFrontierAndFiringPicturesFollowTheL1Penalty() throws {
    try checkClaim("13-sparse-autoencoders") { run in
      let printed = try printed(run, "print l0, fvu, dead")
      let frontier: [String: Any] = try run.data("show frontier")
      let series = try XCTUnwrap((frontier["series"] as? [[String: Any]])?.first)
      XCTAssertEqual(series["labels"] as? [String], ["l1=0.03", "l1=0.1", "l1=0.3", "l1=1", "l1=3"])
      let (l0, fvu) = (try XCTUnwrap(series["l0"] as? [Double]), try XCTUnwrap(series["fvu"] as? [Double]))
      XCTAssertEqual(l0, try printed.metric("l0"), "the frontier's points are the printed metrics")
      XCTAssertEqual(fvu, try printed.metric("fvu"))
      XCTAssertEqual(l0[0], 0.5, accuracy: 0.05)
      XCTAssertLessThan(fvu[0], 0.01)
      XCTAssertEqual(l0[4], 0)
      XCTAssertEqual(fvu[4], 1, accuracy: 0.01)

      let panels: [[String: Any]] = try run.data("show firing")
      let densities = try panels.map { try XCTUnwrap($0["density"] as? [Double]) }
      XCTAssertEqual(densities.count, 5)
      for density in densities[1] { XCTAssertTrue((0.05...0.08).contains(density), "λ = 0.1: \(densities[1])") }
      for density in densities[3] { XCTAssertTrue(density > 0 && density < 0.01, "λ = 1: \(densities[3])") }
      XCTAssertEqual(densities[4], [0, 0, 0, 0, 0])
      XCTAssertEqual(panels.map { $0["dead"] as? Int }, [0, 0, 0, 0, 5])
      // The histogram counts every live latent in the bin of its frequency.
      for (panel, density) in zip(panels, densities) {
        let edges = try XCTUnwrap(panel["edges"] as? [Double])
        let counts = try XCTUnwrap(panel["counts"] as? [Int])
        let expected = edges.indices.dropLast().map { b in
          density.filter { $0 > 0 && $0 >= edges[b] && ($0 < edges[b + 1] || b == edges.count - 2) }.count
        }
        XCTAssertEqual(counts, expected, "\(density)")
      }
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

  /// "`show dictionary` draws these signals against d (dead latents above, the two MMCS
  /// below): for the L1 dictionaries no latent is dead, and the MMCS with the next larger
  /// dictionary peaks at d = 20, where the MMCS with the features reaches 1; for the topk=2
  /// ones (the second picture) dead latents rise from d = 25 on, and the MMCS with the next
  /// larger dictionary peaks at d = 20 too": the picture's numbers against the printed
  /// metrics and against the MMCS computed here from the printed dictionaries.
  func testTheDictionaryPicturesTurnAtTwenty() throws {
    try checkClaim("14-dictionary-size") { run in
      for (k, printedStatement) in ["print sae", "print l0, fvu, dead, mmcs"].enumerated() {
        let printed = try printed(run, printedStatement)
        let picture: [String: Any] = try run.data("show dictionary", occurrence: k)
        let group = try XCTUnwrap((picture["groups"] as? [[String: Any]])?.first)
        XCTAssertEqual(group["latents"] as? [Int], [10, 15, 20, 25, 30, 40])
        let dead = try XCTUnwrap(group["dead"] as? [Int])
        XCTAssertEqual(dead.map(Double.init), try printed.metric("dead"))
        let truth = try XCTUnwrap(group["mmcs"] as? [Double])
        XCTAssertEqual(truth, try printed.metric("mmcs"))
        let next = try XCTUnwrap(group["mmcs_next"] as? [Any])
        XCTAssertTrue(next.last is NSNull, "the largest dictionary has no next")
        let drawn = next.dropLast().compactMap { $0 as? Double }
        let dictionaries = try printed.decoder()
        let computed = zip(dictionaries, dictionaries.dropFirst()).map { Self.mmcs($0, $1) }
        for (a, b) in zip(drawn, computed) { XCTAssertEqual(a, b, accuracy: 1e-5) }
        XCTAssertEqual(drawn.indices.max { drawn[$0] < drawn[$1] }, 2, "the peak is at d = 20: \(drawn)")
        if k == 0 {
          XCTAssertEqual(dead, [0, 0, 0, 0, 0, 0])
          XCTAssertLessThan(truth[1], 0.9)
          XCTAssertGreaterThan(truth[2], 0.999, "reaches 1 at d = 20: \(truth)")
        } else {
          XCTAssertEqual(dead.prefix(3), [0, 0, 0])
          for i in 3..<6 { XCTAssertGreaterThan(dead[i], dead[i - 1], "rising from d = 25: \(dead)") }
        }
      }
    }
  }

  /// "`show cosines instance=2` (d = 20, latents × features, matches on the diagonal) has a 1
  /// on every diagonal cell and one −1 in each row (the feature's antipodal partner), every
  /// other cosine below 0.01 in size".
  func testTheTwentyLatentCosinesAreADiagonalOfOnes() throws {
    try checkClaim("14-dictionary-size") { run in
      let panels: [[String: Any]] = try run.data("show cosines instance=2")
      let panel = try XCTUnwrap(panels.first)
      let cosines = try XCTUnwrap(panel["cosines"] as? [[Double]])
      let order = try XCTUnwrap(panel["order"] as? [Int])
      XCTAssertEqual(cosines.count, 20)
      XCTAssertEqual(Set(order), Set(0..<20))
      // Against print sae's dictionary: with latent order[b] on feature b, latent a's cosine
      // with feature b is its cosine with latent order[b].
      let dictionary = try printed(run, "print sae").decoder()[2]
      for (row, latent) in order.enumerated() {
        let drawn = cosines[latent]
        XCTAssertEqual(drawn.count, 20)
        XCTAssertGreaterThan(drawn[row], 0.999, "latent L\(latent) on the diagonal")
        let others = drawn.indices.filter { $0 != row }
        XCTAssertEqual(others.filter { drawn[$0] < -0.999 }.count, 1, "one antipode: \(drawn)")
        XCTAssertEqual(others.filter { abs(drawn[$0]) >= 0.01 }.count, 1, "the rest near 0: \(drawn)")
        for (column, other) in order.enumerated() {
          XCTAssertEqual(Vectors.dot(dictionary[latent], dictionary[other]), drawn[column], accuracy: 0.01)
        }
      }
    }
  }
}
