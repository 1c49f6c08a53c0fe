import Foundation
import ToyCore
import ToyPlot
import XCTest

@testable import ToyLanguage

/// Every seed of a `seeds=` model is reachable (`seed=` on show, export and print), and
/// `show phase` reports what the seeds did at each point instead of averaging them.
final class SeedViewTests: XCTestCase {
  /// The payload of a display's JSON (the display wraps it as `data`).
  private func payload(_ json: String) throws -> [String: Any] {
    let object = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
    return try XCTUnwrap(object["data"] as? [String: Any])
  }

  private func run(_ session: Session, _ text: String) -> [Display] {
    var displays: [Display] = []
    session.onDisplay = { displays.append($0) }
    XCTAssertEqual(session.run(Source(name: "-", text: text)), .finished, text)
    return displays
  }

  func testEverySeedIsReachableAndTheSeedsDiffer() throws {
    let session = Session(seed: 0)
    session.threads = 1
    let displays = run(
      session,
      """
      model n=4 m=2 sparsity=0.9 seeds=3 for p in [1, 2]
      train 20
      show w seed=all
      show w
      show w seed=[2, 0] instance=1
      print loss seed=all
      print loss, dims seed=1
      """)
    XCTAssertEqual(displays.count, 5)
    let entry = try XCTUnwrap(session.models[try XCTUnwrap(session.current)])
    // seed=all: every instance, setting by setting, each titled with its seed.
    let all = try payload(displays[0].json)
    let settings = try XCTUnwrap(all["settings"] as? [[String: Any]])
    XCTAssertEqual(settings.map { $0["instance"] as? Int }, [0, 1, 2, 3, 4, 5])
    XCTAssertEqual(settings.map { $0["seed"] as? Int }, [0, 1, 2, 0, 1, 2])
    XCTAssertEqual(settings.map { $0["index"] as? Int }, [0, 0, 0, 1, 1, 1])
    let weights = try XCTUnwrap(all["data"] as? [[[Double]]])
    XCTAssertEqual(weights.count, 6)
    // JSON writes each number to the precision it needs as a Float.
    func close(_ a: [Double], _ b: [Double]) -> Bool {
      a.count == b.count && zip(a, b).allSatisfy { Swift.abs($0 - $1) <= 1e-6 * max(1, Swift.abs($1)) }
    }
    for a in 0..<6 {
      XCTAssertTrue(
        close(weights[a].flatMap { $0 }, entry.model.weights(instance: a).flatMap { $0.map(Double.init) }),
        "instance \(a)")
      for b in 0..<a { XCTAssertNotEqual(weights[a], weights[b], "instances \(b) and \(a) differ") }
    }
    XCTAssertTrue(displays[0].plain.contains("p = 2, seed 1"), displays[0].plain)
    // The default is unchanged: the best seed of each setting, titled as before.
    let best = try XCTUnwrap(try payload(displays[1].json)["settings"] as? [[String: Any]])
    XCTAssertEqual(best.map { $0["instance"] as? Int }, entry.shown)
    XCTAssertEqual(entry.shown, entry.model.bestOf(seeds: 3))
    XCTAssertFalse(displays[1].plain.contains("seed"), displays[1].plain)
    let chosen = try XCTUnwrap(try payload(displays[2].json)["settings"] as? [[String: Any]])
    XCTAssertEqual(chosen.map { $0["instance"] as? Int }, [5, 3])
    // print: a row per seed, with a seed column; its JSON names each row's instance and seed.
    let printed = try payload(displays[3].json)
    XCTAssertEqual(printed["instances"] as? [Int], [0, 1, 2, 3, 4, 5])
    XCTAssertEqual(printed["seeds"] as? [Int], [0, 1, 2, 0, 1, 2])
    let losses = try XCTUnwrap(printed["values"] as? [Double])
    XCTAssertTrue(close(losses, (0..<6).map { entry.model.recentLoss(instance: $0)! }), "\(losses)")
    XCTAssertEqual(Set(losses).count, 6, "the seeds' losses differ")
    let lines = displays[3].plain.split(separator: "\n")
    XCTAssertEqual(lines.count, 7, displays[3].plain)
    XCTAssertTrue(lines[0].contains("seed"), displays[3].plain)
    XCTAssertTrue(displays[4].plain.contains("seed"), displays[4].plain)
    XCTAssertEqual(displays[4].plain.split(separator: "\n").count, 3, displays[4].plain)
  }

  func testSeedOutsideTheModelsSeedsIsRefused() {
    let session = Session(seed: 0)
    var diagnostics: [Diagnostic] = []
    for text in ["show w seed=3", "print loss seed=-1", "print 2 seed=all", "show w seed=worst"] {
      let outcome = session.run(Source(name: "-", text: "model n=3 m=2 seeds=3\ntrain 2\n" + text))
      guard case .runtimeError(let diagnostic) = outcome else {
        XCTFail("\(text) should fail: \(outcome)")
        continue
      }
      diagnostics.append(diagnostic)
    }
    XCTAssertTrue(diagnostics[0].message.hasPrefix("seed must be best, all, or a seed number from 0 to 2"))
    XCTAssertTrue(diagnostics[2].message.hasPrefix("seed= picks the seeds of one model's metrics"))
  }

  /// A hand-built 2×2 phase grid of four seeds per point: at the sparse, important point two
  /// seeds ignore the extra feature and two hold it antipodal (the cheaper one there).
  func testPhaseShowsTheBestSeedAndHowTheSeedsSplit() throws {
    let (rs, ps): ([Float], [Float]) = ([0.5, 2], [1, 0.05])
    let seeds = 4
    var labels: [[(String, Double)]] = []
    var importance: [[Float]] = []
    var density: [[Float]] = []
    for r in rs {
      for p in ps {
        labels.append([("r", Double(r)), ("s", Double(p))])
        importance += Array(repeating: [1, r], count: seeds)
        density += Array(repeating: [p, p], count: seeds)
      }
    }
    var model = try ToyModel(kind: .relu, n: 2, m: 1, importance: importance, density: density)
    for instance in 0..<model.instanceCount {
      let (setting, seed) = (instance / seeds, instance % seeds)
      let p = density[instance][0]
      if setting == 3 && seed % 2 == 0 {
        model.setParameters(instance: instance, weights: [[1], [0]], bias: [0, p / 2])
      } else if setting == 3 {
        model.setParameters(instance: instance, weights: [[1], [-1]], bias: [0, 0])
      } else {
        model.setParameters(instance: instance, weights: [[0], [1]], bias: [p / 2, 0])
      }
    }
    let session = Session(seed: 0)
    session.models["split"] = ModelEntry(
      name: "split", model: model, settings: labels, seeds: seeds, shown: model.bestOf(seeds: seeds))
    session.current = "split"
    let displays = run(session, "show phase\nshow phase seed=0")
    let data = try XCTUnwrap(try payload(displays[0].json)["data"] as? [String: Any])
    // Rows run from dense to sparse, columns from r = 0.5 to 2: the split point is [1][1].
    let fractions = try XCTUnwrap(data["fractions"] as? [String: [[Double]]])
    XCTAssertEqual(fractions["superposition"]?[1][1], 0.5)
    XCTAssertEqual(fractions["not represented"]?[1][1], 0.5)
    XCTAssertEqual(fractions["dedicated dimension"]?[1][1], 0)
    XCTAssertEqual(fractions["dedicated dimension"]?[0][0], 1)
    XCTAssertEqual(fractions["none of the candidates"]?[1][1], 0)
    let phase = try XCTUnwrap(data["phase"] as? [[String]])
    XCTAssertEqual(phase[1][1], "superposition", "the best seed's: antipodal is cheaper here")
    XCTAssertEqual(phase[0], ["dedicated dimension", "dedicated dimension"])
    XCTAssertEqual((data["seed"] as? [[Int]])?[1][1], 1, "the first antipodal seed")
    XCTAssertEqual(try XCTUnwrap(data["norm"] as? [[Double]])[1][1], 1, accuracy: 1e-6)
    XCTAssertEqual(try XCTUnwrap(data["superposition"] as? [[Double]])[1][1], 1, accuracy: 1e-6)
    let perSeed = try XCTUnwrap(data["seeds"] as? [String: Any])
    XCTAssertEqual(
      (perSeed["phase"] as? [[[String]]])?[1][1],
      ["not represented", "superposition", "not represented", "superposition"])
    XCTAssertEqual((perSeed["instance"] as? [[[Int]]])?[1][1], [12, 13, 14, 15])
    // The trained panel draws the best seed's candidate and says how many points split.
    let trained = try XCTUnwrap((displays[0].plot as? PanelGrid)?.panels.last as? PhaseDiagram)
    XCTAssertEqual(trained.cells, [[1, 1], [1, 2]])
    XCTAssertEqual(trained.notes, ["the best of 4 seeds at each point", "seeds differ at 1 of 4 points"])
    // seed=0 draws seed 0 everywhere: there, the one that ignores the extra feature.
    let seedZero = try XCTUnwrap((displays[1].plot as? PanelGrid)?.panels.last as? PhaseDiagram)
    XCTAssertEqual(seedZero.cells, [[1, 1], [1, 0]])
    guard case .runtimeError(let diagnostic) = session.run(Source(name: "-", text: "show phase seed=all")) else {
      return XCTFail("phase draws one seed per point")
    }
    XCTAssertTrue(diagnostic.message.hasPrefix("phase draws one seed per point"), diagnostic.message)
  }
}
