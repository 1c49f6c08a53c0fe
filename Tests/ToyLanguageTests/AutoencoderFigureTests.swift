import Foundation
import ToyCore
import ToyPlot
import ToyTestSupport
import XCTest

@testable import ToyLanguage

/// The sparse-autoencoder figures as plot models, from a model and autoencoders trained
/// directly through ToyCore: the orderings, counts and points they draw are checked against
/// the metrics ToyCore computes on its own, and against hand-made cases.
final class AutoencoderFigureTests: XCTestCase {
  /// Five sparse features in two dimensions (a pentagon), and autoencoders on them: five
  /// latents with a moderate L1, two (too few), eight, five with too strong an L1, and four
  /// more with five latents (some stop in a local minimum with two features on one latent).
  struct Trained {
    var model: ToyModel
    var autoencoder: SparseAutoencoder
    var metrics: [AutoencoderMetrics]
  }

  nonisolated(unsafe) static var cached: Trained?

  static func trained() throws -> Trained {
    if let cached { return cached }
    var model = try ToyModel(
      kind: .relu, n: 5, m: 2, importance: [[Float](repeating: 1, count: 5)],
      density: [[Float](repeating: 0.05, count: 5)], seed: 0)
    try model.train(TrainingOptions(steps: 3_000))
    let settings: [SparseAutoencoder.Setting] =
      [
        .init(latents: 5, variant: .l1(0.2), source: 0), .init(latents: 2, variant: .l1(0.2), source: 0),
        .init(latents: 8, variant: .l1(0.2), source: 0), .init(latents: 5, variant: .l1(30), source: 0),
      ] + (0..<4).map { _ in .init(latents: 5, variant: .l1(0.2), source: 0) }
    var autoencoder = try SparseAutoencoder(for: model, settings: settings, seed: 1)
    var options = TrainingOptions.autoencoder(steps: 1_500)
    options.learningRate = 3e-3
    try autoencoder.train(on: model, options)
    let metrics = settings.indices.map { autoencoder.metrics(instance: $0, model: model, samples: 2048) }
    let trained = Trained(model: model, autoencoder: autoencoder, metrics: metrics)
    cached = trained
    return trained
  }

  // MARK: Cosines

  func testEachFeaturesLargestCosineIsTheMetricsBestMatch() throws {
    let t = try Self.trained()
    for instance in t.metrics.indices {
      let directions = t.model.featureDirections(instance: 0).map(\.vector)
      let cosines = AutoencoderFigures.cosines(
        dictionary: t.autoencoder.decoderDirections(instance: instance), features: directions)
      for (f, match) in t.metrics[instance].matches.enumerated() {
        guard let match else { continue }
        let column = cosines.map { $0[f] }
        XCTAssertEqual(column.max() ?? .nan, match.cosine, accuracy: 1e-9, "instance \(instance) feature \(f)")
      }
    }
  }

  func testDiagonalOrderPutsEachFeaturesBestLatentOnTheDiagonal() throws {
    let t = try Self.trained()
    let found = [0, 4, 5, 6, 7].filter { Set(t.metrics[$0].matches.compactMap { $0?.latent }).count == 5 }
    let instance = try XCTUnwrap(found.first, "a five-latent autoencoder found five distinct latents")
    let best = t.metrics[instance].matches.compactMap { $0?.latent }
    let (plot, order, cosines) = AutoencoderFigures.cosinePlot(
      model: t.model, autoencoder: t.autoencoder, instance: instance, title: nil)
    XCTAssertEqual(order, best, "row f is feature f's best latent")
    XCTAssertEqual(plot.rowLabels, best.map { "L\($0)" })
    for f in 0..<5 {
      XCTAssertEqual(plot.values[f][f], cosines[best[f]][f])
      XCTAssertEqual(plot.values[f].max(), plot.values[f][f], "the diagonal is the row's largest")
    }
  }

  func testDiagonalOrderOfHandMadeCosines() {
    // Latent 2 ↔ feature 0, latent 0 ↔ feature 1, latent 3 ↔ feature 2; latent 1 is a weaker
    // copy of feature 1 and latent 4 lies nearest feature 0.
    let cosines: [[Double]] = [
      [0.1, 0.95, 0.0], [0.0, 0.6, 0.1], [0.9, 0.0, 0.2], [0.1, 0.2, 0.99], [0.5, 0.1, 0.0],
    ]
    XCTAssertEqual(AutoencoderFigures.diagonalOrder(cosines), [2, 0, 3, 4, 1])
    // Too few latents: each takes the feature it matches best, in feature order.
    XCTAssertEqual(AutoencoderFigures.diagonalOrder([[0.2, 0.1, 0.9], [0.8, 0.3, 0.0]]), [1, 0])
    // A dropped feature (NaN column) takes no latent.
    XCTAssertEqual(AutoencoderFigures.diagonalOrder([[.nan, 0.2], [.nan, 0.9]]), [1, 0])
  }

  // MARK: Firing

  func testFiringBinsCountEveryLatentOnceAndHoldEachInItsDecade() throws {
    let t = try Self.trained()
    for (instance, metrics) in t.metrics.enumerated() {
      let bins = AutoencoderFigures.firingBins(metrics.latentDensity, samples: 2048)
      XCTAssertEqual(bins.counts.reduce(0, +) + bins.dead, t.autoencoder.latents(instance: instance))
      XCTAssertEqual(bins.dead, metrics.deadLatents)
      XCTAssertEqual(bins.edges.last, 1)
      XCTAssertLessThanOrEqual(bins.edges[0], 1.0 / 2048)
      // Independently: the decade of each density by log10.
      var expected = [Int](repeating: 0, count: bins.counts.count)
      for d in metrics.latentDensity where d > 0 {
        let decade = Int(log10(d).rounded(.down))
        expected[min(bins.counts.count - 1, decade - Int(log10(bins.edges[0]).rounded()))] += 1
      }
      XCTAssertEqual(bins.counts, expected, "instance \(instance): \(metrics.latentDensity)")
    }
    XCTAssertGreaterThan(t.metrics[3].deadLatents, 0, "a strong L1 kills latents: \(t.metrics[3].latentDensity)")
  }

  func testFiringBinEdgesAreExactDecades() {
    let bins = AutoencoderFigures.firingBins([0, 0.01, 0.1, 1, 0.05, 0.0005], samples: 1000)
    XCTAssertEqual(bins.edges, [1e-4, 1e-3, 1e-2, 1e-1, 1])
    XCTAssertEqual(bins.counts, [1, 0, 2, 2])
    XCTAssertEqual(bins.dead, 1)
  }

  /// With no dead latent in the figure the histogram has no bin apart (an empty "dead" slot
  /// took the panel's width) and its axis label says none is dead; a figure with a dead
  /// latent in some panel keeps the bin, empty, in the others.
  func testFiringWithoutDeadLatentsLeavesTheDeadBinOut() {
    let alive = AutoencoderFigures.firingBins([0.5, 0.1, 0.01, 0.002], samples: 1000)
    XCTAssertEqual(alive.dead, 0)
    let plot = AutoencoderFigures.firingPlot(alive, deadBin: false, title: nil)
    XCTAssertNil(plot.apart)
    let text = plot.plainText(TextOptions(width: 60))
    XCTAssertEqual(text.components(separatedBy: "dead").count - 1, 1, "only in 'none dead':\n\(text)")
    XCTAssertTrue(text.contains("none dead"), text)
    XCTAssertEqual(AutoencoderFigures.firingPlot(alive, deadBin: true, title: nil).apart?.count, 0)
    let dead = AutoencoderFigures.firingBins([0, 0.5], samples: 1000)
    XCTAssertEqual(AutoencoderFigures.firingPlot(dead, deadBin: false, title: nil).apart?.count, 1)
  }

  // MARK: Frontier

  func testFrontierPointsAreTheMetrics() throws {
    let t = try Self.trained()
    let points = t.metrics.enumerated().map { i, m in
      AutoencoderFigures.FrontierPoint(label: "sae \(i)", l0: m.l0, fvu: m.fvu ?? .nan)
    }
    let plot = AutoencoderFigures.frontierPlot([("l1", points)], title: nil)
    let series = plot.series[0]
    let sorted = points.sorted { $0.l0 < $1.l0 }
    XCTAssertEqual(series.x, sorted.map(\.l0))
    XCTAssertEqual(series.y, sorted.map(\.fvu))
    XCTAssertEqual(series.labels, sorted.map(\.label))
  }

  /// examples/13's frontier (its full run's L0 and FVU) at width 80: l1=3 and l1=1 fall in
  /// touching cells, where both labels stood on two rows and neither could be told to be
  /// whose; one is kept. No label touches another on its row.
  func testFrontierLabelsOfTouchingPointsDoNotCrowd() {
    let points = [
      ("l1=0.03", 0.461, 0.0044), ("l1=0.1", 0.32593, 0.0626), ("l1=0.3", 0.18378, 0.1897),
      ("l1=1", 0.00726, 0.9781), ("l1=3", 0, 1.0001),
    ].map {
      AutoencoderFigures.FrontierPoint(label: $0.0, l0: $0.1, fvu: $0.2)
    }
    let plot = AutoencoderFigures.frontierPlot([("sae1", points)], title: nil)
    for width in [60, 80] {
      let text = plot.plainText(TextOptions(width: width))
      for label in ["l1=0.03", "l1=0.1", "l1=0.3", "l1=3"] {
        XCTAssertTrue(text.contains(label), "\(width): \(label) in\n\(text)")
      }
      XCTAssertFalse(text.contains("l1=1"), "\(width): l1=1 crowds l1=3\n\(text)")
      for line in text.split(separator: "\n") {
        let cells = Array(line)
        // Each label's first and past-the-end columns, from the longest label that starts there.
        let spans = (0..<cells.count).compactMap { start -> (Int, Int)? in
          let rest = String(cells[start...])
          return points.map(\.label).filter { rest.hasPrefix($0) }.max { $0.count < $1.count }.map {
            (start, start + $0.count)
          }
        }
        for (a, b) in zip(spans, spans.dropFirst()) {
          XCTAssertLessThan(a.1, b.0, "\(width): labels touch in \(line)")
        }
      }
    }
  }

  // MARK: Dictionary size

  func testMeanMaxCosineAgainstHandComputedValues() {
    let r = 0.5.squareRoot()
    XCTAssertEqual(
      SparseAutoencoder.meanMaxCosine([[1, 0], [0, 2]], against: [[1, 0], [1, 1]]) ?? .nan, (1 + r) / 2,
      accuracy: 1e-12)
    XCTAssertEqual(SparseAutoencoder.meanMaxCosine([[0, 0], [3, 0]], against: [[-1, 0], [0, 1]]) ?? .nan, 0)
    XCTAssertNil(SparseAutoencoder.meanMaxCosine([[1, 0]], against: []))
  }

  func testDictionarySignalsComeFromTheDictionariesAndMetrics() throws {
    let t = try Self.trained()
    let instances = [1, 0, 2]
    let signals = AutoencoderFigures.dictionarySignals(
      sizes: instances.map { t.autoencoder.latents(instance: $0) },
      dictionaries: instances.map { t.autoencoder.decoderDirections(instance: $0) },
      metrics: instances.map { t.metrics[$0] })
    XCTAssertEqual(signals.sizes, [2, 5, 8])
    XCTAssertEqual(signals.dead, instances.map { t.metrics[$0].deadLatents })
    XCTAssertEqual(signals.truthMMCS, instances.map { t.metrics[$0].mmcs })
    XCTAssertNil(signals.nextMMCS[2], "the largest has no larger dictionary")
    // Independently: each latent of the smaller dictionary against every latent of the next.
    for k in 0..<2 {
      let small = t.autoencoder.decoderDirections(instance: instances[k])
      let large = t.autoencoder.decoderDirections(instance: instances[k + 1])
      let best = small.map { a in large.map { b in a[0] * b[0] + a[1] * b[1] }.max()! }
      XCTAssertEqual(signals.nextMMCS[k] ?? .nan, best.reduce(0, +) / Double(best.count), accuracy: 1e-9)
    }
    let plot = AutoencoderFigures.dictionaryPlot([signals], names: ["sae"], title: nil)
    XCTAssertEqual(plot.panels[1].series[0].x, [2, 5], "no point for the largest dictionary")
    XCTAssertEqual(plot.panels[0].xTicks, [2, 5, 8], "a tick at each size")
  }

  /// Several groups (model settings, seeds): a panel per signal, each group one colour in all
  /// three and named once, in the last panel's legend, with its signals' values.
  func testDictionaryPlotOfSeveralGroupsGivesEachSignalAPanelAndEachGroupAColour() throws {
    let a = AutoencoderFigures.DictionarySignals(
      sizes: [2, 4, 8], dead: [0, 0, 3], nextMMCS: [0.5, 0.9, nil], truthMMCS: [0.6, 1, 1])
    let b = AutoencoderFigures.DictionarySignals(
      sizes: [2, 4, 8], dead: [0, 1, 2], nextMMCS: [0.4, 0.8, nil], truthMMCS: [0.5, 0.9, 1])
    let plot = AutoencoderFigures.dictionaryPlot([a, b], names: ["sae, s = 0.9", "sae, s = 0.97"], title: nil)
    XCTAssertEqual(plot.panels.count, 3)
    XCTAssertEqual(plot.panels.map(\.yLabel), ["dead latents", "MMCS with the next larger", "MMCS with the features"])
    XCTAssertEqual(
      plot.panels.map { $0.series.map(\.name) }, [["", ""], ["", ""], ["sae, s = 0.9", "sae, s = 0.97"]])
    for g in 0..<2 {
      let colors = Set(plot.panels.map { $0.series[g].color })
      XCTAssertEqual(colors.count, 1, "group \(g) keeps its colour")
    }
    XCTAssertNotEqual(plot.panels[0].series[0].color, plot.panels[0].series[1].color)
    XCTAssertEqual(plot.panels[0].series[1].y, [0, 1, 2])
    XCTAssertEqual(plot.panels[1].series[0].y, [0.5, 0.9], "no point for the largest")
    XCTAssertEqual(plot.panels[2].series[1].y, [0.5, 0.9, 1])
    XCTAssertEqual(plot.panels[0].yWhole, true)
    // One group keeps the two panels, every series named by what it measures.
    let one = AutoencoderFigures.dictionaryPlot([a], names: ["sae"], title: nil)
    XCTAssertEqual(one.panels.count, 2)
    XCTAssertTrue(one.panels.allSatisfy { $0.series.allSatisfy { !$0.name.isEmpty } })
    // In text, every line of the three panels is the same width, the legend after the last.
    let text = plot.plainText(TextOptions(width: 80, height: 40, color: false))
    assertEqualWidths(text, limit: 80, "three panels")
    XCTAssertEqual(text.components(separatedBy: "sae, s = 0.97").count - 1, 1, text)
  }

  // MARK: Decoder over features

  func testDecoderPlotDrawsTheDictionaryOverTheFeatures() throws {
    let t = try Self.trained()
    let plot = AutoencoderFigures.decoderPlot(
      model: t.model, autoencoder: t.autoencoder, instance: 3, metrics: t.metrics[3], canonical: false, title: nil)
    XCTAssertEqual(plot.vectors, t.model.weights(instance: 0).map { $0.map(Double.init) })
    XCTAssertEqual(plot.latents, t.autoencoder.decoderDirections(instance: 3))
    XCTAssertEqual(plot.deadLatents.count, t.metrics[3].deadLatents)
  }
}
