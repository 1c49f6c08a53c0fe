import Foundation
import XCTest

/// The claims of docs/guide.md (its `**What to look for:**` paragraphs), read from one run of
/// the guide's toy blocks at full length, in order in one session as a reader types them. The
/// last block saves and exports files and makes no claim; it is left out so that the run
/// writes nothing into the repository.
final class GuideClaimTests: XCTestCase {
  func guideRun() throws -> ToyRun {
    let text = try String(contentsOf: ToyRun.repository.appendingPathComponent("docs/guide.md"), encoding: .utf8)
    var blocks: [String] = []
    var current: [Substring]?
    for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
      if current == nil, line == "```toy" {
        current = []
      } else if current != nil, line == "```" {
        blocks.append(current!.joined(separator: "\n"))
        current = nil
      } else {
        current?.append(line)
      }
    }
    let script = blocks.filter { !$0.contains("save \"") && !$0.contains("export ") }.joined(separator: "\n")
    XCTAssertGreaterThan(blocks.count, 8)
    return try ToyRun.of(["-e", script])
  }

  /// "1 on the diagonal for the nine features the model keeps, and −1 off the diagonal where
  /// two of them share a direction, pointing opposite ways (four pairs)".
  func testGuideOneLinerKeepsNineFeaturesInFourPairs() throws {
    let panels: [[String: Any]] = try guideRun().data("show wtw")
    let wtw = try XCTUnwrap(panels.first?["wtw"] as? [[Double]])
    let kept = wtw.indices.filter { wtw[$0][$0] > 0.5 }
    XCTAssertEqual(kept.count, 9)
    for f in kept { XCTAssertEqual(wtw[f][f], 1, accuracy: 0.1) }
    var pairs = 0
    for i in wtw.indices {
      for j in wtw.indices where j > i && wtw[i][j] < -0.9 { pairs += 1 }
    }
    XCTAssertEqual(pairs, 4)
  }

  /// "dense, the two most important features at right angles and the rest dropped; sparser
  /// (0.3 and 0.1), features pairing up antipodally …; sparsest (0.03), all five as a
  /// pentagon".
  func testGuideSweepGoesFromRightAnglesThroughPairsToAPentagon() throws {
    let panels: [[[Double]]] = try guideRun().data("show geometry orient=canonical")
    XCTAssertEqual(panels.count, 4)
    XCTAssertEqual(GeometryClaimTests.represented(panels[0]), [0, 1])
    XCTAssertEqual(GeometryClaimTests.between(panels[0][0], panels[0][1]), 90, accuracy: 5)
    for panel in panels[1...2] {
      let kept = GeometryClaimTests.represented(panel)
      let antipodal = kept.filter { f in kept.contains { GeometryClaimTests.between(panel[f], panel[$0]) > 170 } }
      XCTAssertGreaterThanOrEqual(antipodal.count, 2, "a pair on one line: \(panel.map(GeometryClaimTests.angle))")
    }
    XCTAssertTrue(GeometryClaimTests.isPentagon(panels[3]), "\(panels[3].map(GeometryClaimTests.angle))")
  }

  /// "the lowest-loss seed's five features spread round the circle as a pentagon".
  func testGuideSeedsFindThePentagon() throws {
    let panels: [[[Double]]] = try guideRun().data("show geometry")
    XCTAssertTrue(GeometryClaimTests.isPentagon(try XCTUnwrap(panels.first)))
  }

  /// "each pair antipodal, on a line of its own".
  func testGuideAntiCorrelatedPairsAreAntipodal() throws {
    let run = try guideRun()
    let panels: [[[Double]]] = try run.data("show geometry", occurrence: 1)
    let panel = try XCTUnwrap(panels.first)
    XCTAssertGreaterThan(GeometryClaimTests.between(panel[0], panel[1]), 170)
    XCTAssertGreaterThan(GeometryClaimTests.between(panel[2], panel[3]), 170)
    XCTAssertEqual(
      GeometryClaimTests.between(panel[0], panel[2]).truncatingRemainder(dividingBy: 180), 90, accuracy: 10)
  }

  /// "dimensions per feature starts at 1 when dense and flattens out near 1/2 … before
  /// falling further".
  func testGuideDimensionsPerFeatureFlattenNearOneHalf() throws {
    let data: [String: Any] = try guideRun().data("show dims")
    let dims = try XCTUnwrap(data["dimensions_per_feature"] as? [Double])
    XCTAssertEqual(dims[0], 1, accuracy: 0.02)
    let near = dims.indices.filter { abs(dims[$0] - 0.5) < 0.08 }
    XCTAssertGreaterThanOrEqual(near.count, 3, "\(dims)")
    XCTAssertEqual(near, Array((near.first ?? 0)...(near.last ?? 0)), "one stretch near 1/2: \(dims)")
    XCTAssertLessThan(try XCTUnwrap(dims.last), 0.3)
  }

  /// "over most of the sweep the learned features' D_i sit together at fractions of regular
  /// shapes (2/3, 1/2, 3/8, 2/7: the dotted lines)".
  func testGuideDimensionalitiesSitAtFractions() throws {
    let data: [String: Any] = try guideRun().data("show dimensionality")
    let x = try XCTUnwrap(data["inverse_density"] as? [Double])
    let d = try XCTUnwrap(data["dimensionality"] as? [Double])
    let fractions: [Double] = [1, 0.75, 2.0 / 3, 0.5, 0.4, 0.375, 1.0 / 3, 2.0 / 7]
    var clustered: [Double] = []
    for setting in Set(x).sorted() {
      let values = zip(x, d).filter { $0.0 == setting }.map(\.1)
      if let best = fractions.map({ q in values.filter { abs($0 - q) < 0.02 }.count }).max(), best >= 5 {
        clustered.append(setting)
      }
    }
    XCTAssertGreaterThanOrEqual(clustered.count, Set(x).count / 2, "settings with a cluster: \(clustered)")
    let named: [(String, Double)] = [("2/3", 2.0 / 3), ("1/2", 0.5), ("3/8", 0.375), ("2/7", 2.0 / 7)]
    for (name, q) in named {
      XCTAssertTrue(d.contains { abs($0 - q) < 0.02 }, "some D_i at \(name)")
    }
  }

  /// "with five latents, MMCS 1.0000: every feature has a latent of its own, at cosine 1.000;
  /// with three, MMCS falls to about 0.8, and one latent is the best match of two features,
  /// pointing between them (cosines near 0.8)".
  func testGuideAutoencoderFindsThePentagonsFeatures() throws {
    let sae = AutoencoderClaimTests.Printed(record: try guideRun().record("print sae"))
    XCTAssertEqual(try sae.latents(), [3, 5])
    let mmcs = try sae.metric("mmcs")
    XCTAssertEqual(mmcs[1], 1, accuracy: 5e-5)
    XCTAssertEqual(mmcs[0], 0.8, accuracy: 0.05)
    let matches = try sae.matches()
    XCTAssertEqual(Set(matches[1].map(\.latent)).count, 5)
    for match in matches[1] { XCTAssertGreaterThan(match.cosine, 0.9995) }
    let shared = Dictionary(grouping: matches[0], by: \.latent).values.filter { $0.count == 2 }
    XCTAssertTrue(
      shared.contains { pair in pair.allSatisfy { abs($0.cosine - 0.8) < 0.05 } }, "d = 3: \(matches[0])")
  }
}
