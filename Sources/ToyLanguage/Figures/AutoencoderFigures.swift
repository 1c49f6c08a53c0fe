import ToyCore
import ToyPlot

/// The figures of sparse autoencoders, as pure functions from ToyCore values to plot models:
/// the dictionary over the feature arrows (m = 2), the cosines of latents and features, the
/// latents' firing frequencies, the L0–FVU frontier of a sweep, and the dictionary-size
/// signals. The `show` targets (`Session+AutoencoderFigures.swift`) choose the instances and
/// wrap these in displays.
///
/// Shapes: D = latents of one instance, F = feature directions of its model instance (n, or
/// 2n for abs, whose inputs are signed), H = m.
enum AutoencoderFigures {
  // MARK: Decoder directions over the features (m = 2)

  /// The model's feature arrows with the instance's decoder directions over them, dead
  /// latents (from `metrics`) drawn grey. The arrows are the features' hidden directions (W_i
  /// for the linear and ReLU-output models; for abs only the +1 inputs' directions).
  static func decoderPlot(
    model: ToyModel, autoencoder: SparseAutoencoder, instance: Int, metrics: AutoencoderMetrics?,
    canonical: Bool, title: String?
  ) -> VectorPlot {
    let source = autoencoder.settings[instance].source
    let features = model.featureDirections(instance: source).filter { !$0.negative }.map(\.vector)
    let dead = metrics.map { m in Set(m.latentDensity.indices.filter { m.latentDensity[$0] == 0 }) } ?? []
    return VectorPlot(
      features, importance: model.importance(instance: source).map(Double.init), canonical: canonical,
      latents: autoencoder.decoderDirections(instance: instance), deadLatents: dead, title: title)
  }

  // MARK: Cosines of latents and features

  /// The signed cosine of every decoder direction with every feature direction, D × F; NaN
  /// in the column of a feature direction shorter than 1e-6 (the model dropped it).
  static func cosines(dictionary: [[Double]], features: [[Double]]) -> [[Double]] {
    let units = features.map { row -> [Double]? in
      let norm = row.reduce(0) { $0 + $1 * $1 }.squareRoot()
      return norm >= 1e-6 ? row.map { $0 / norm } : nil
    }
    return dictionary.map { latent in
      let norm = latent.reduce(0) { $0 + $1 * $1 }.squareRoot()
      return units.map { unit in
        guard let unit, norm > 0 else { return .nan }
        return zip(latent, unit).reduce(0) { $0 + $1.0 * $1.1 } / norm
      }
    }
  }

  /// The order of the latents (rows of `cosines`, D × F) that puts matches on the diagonal:
  /// pairs taken greedily from the largest cosine down, each latent and feature once, row f
  /// the latent paired with feature f (features without a latent skipped); the unpaired
  /// latents after them, by the feature they lie closest to, then by that cosine.
  ///
  /// When every feature's best latent is a different one, row f is feature f's best latent
  /// (the pair (f, best) comes before any pair that could take that latent).
  static func diagonalOrder(_ cosines: [[Double]]) -> [Int] {
    let features = cosines.map(\.count).max() ?? 0
    var pairs: [(latent: Int, feature: Int, cosine: Double)] = []
    for (j, row) in cosines.enumerated() {
      for (f, c) in row.enumerated() where c.isFinite { pairs.append((j, f, c)) }
    }
    pairs.sort { ($0.cosine, -$0.feature, -$0.latent) > ($1.cosine, -$1.feature, -$1.latent) }
    var latentOf: [Int: Int] = [:]
    var used: Set<Int> = []
    for pair in pairs where latentOf[pair.feature] == nil && !used.contains(pair.latent) {
      latentOf[pair.feature] = pair.latent
      used.insert(pair.latent)
    }
    let paired = (0..<features).compactMap { latentOf[$0] }
    func closest(_ j: Int) -> (feature: Int, cosine: Double) {
      let row = cosines[j]
      let best = row.indices.filter { row[$0].isFinite }.max { row[$0] < row[$1] }
      return best.map { ($0, row[$0]) } ?? (features, -.infinity)
    }
    let rest = cosines.indices.filter { !used.contains($0) }.sorted { a, b in
      let (ca, cb) = (closest(a), closest(b))
      return (ca.feature, -ca.cosine, a) < (cb.feature, -cb.cosine, b)
    }
    return paired + rest
  }

  /// Column labels for feature directions: the feature's index, with + or − for abs's two.
  static func featureLabels(_ directions: [FeatureDirection]) -> [String] {
    let signed = directions.contains { $0.negative }
    return directions.map { signed ? "\($0.feature)\($0.negative ? "−" : "+")" : "\($0.feature)" }
  }

  /// The cosine heatmap, latents (rows, diagonal-ordered, labelled L3 …) × features, on the
  /// diverging map at ±1: red where a latent points along a feature, blue against it; and
  /// the order and the cosines (in latent order) behind it.
  static func cosinePlot(
    model: ToyModel, autoencoder: SparseAutoencoder, instance: Int, title: String?
  ) -> (plot: Heatmap, order: [Int], cosines: [[Double]]) {
    let directions = model.featureDirections(instance: autoencoder.settings[instance].source)
    let cosines = cosines(
      dictionary: autoencoder.decoderDirections(instance: instance), features: directions.map(\.vector))
    let order = diagonalOrder(cosines)
    let plot = Heatmap(
      order.map { cosines[$0] }, rowLabels: order.map(VectorPlot.latentLabel), columnLabels: featureLabels(directions),
      rowTitle: "latent", columnTitle: "feature", limit: 1, title: title)
    return (plot, order, cosines)
  }

  // MARK: Firing frequencies

  /// The latents' firing frequencies in decades: how many never fire (`dead`), and counts in
  /// [10^e, 10^(e+1)) from the decade of the rarest firing a batch of `samples` can see
  /// (1/samples) or of the rarest latent, whichever is lower, up to 1 (the last bin holds 1).
  struct FiringBins: Equatable {
    var dead: Int
    var edges: [Double]
    var counts: [Int]
  }

  static func firingBins(_ densities: [Double], samples: Int) -> FiringBins {
    let positive = densities.filter { $0 > 0 && $0.isFinite }
    let rarest = min(1 / Double(max(1, samples)), positive.min() ?? 1)
    var low = 0
    while low > -30 && decade(low) > rarest { low -= 1 }
    let edges = (low...0).map(decade)
    var counts = [Int](repeating: 0, count: max(1, edges.count - 1))
    for d in positive {
      let bin = edges.lastIndex { $0 <= d } ?? 0
      counts[min(bin, counts.count - 1)] += 1
    }
    return FiringBins(dead: densities.count - positive.count, edges: edges, counts: counts)
  }

  /// 10^exponent as the decimal reads it.
  private static func decade(_ exponent: Int) -> Double { Double("1e\(exponent)") ?? 0 }

  /// The histogram of an instance's firing frequencies on a log axis, dead latents apart.
  /// Without `deadBin` (no panel of the figure has a dead latent) there is no bin apart, and
  /// the axis label says none is dead; panels of one figure keep one layout, so that they
  /// compare, and a figure with dead latents anywhere keeps the bin in each.
  static func firingPlot(_ bins: FiringBins, deadBin: Bool = true, title: String?) -> LogHistogram {
    let keep = deadBin || bins.dead > 0
    return LogHistogram(
      edges: bins.edges, counts: bins.counts, apart: keep ? .init("dead", count: bins.dead) : nil,
      xLabel: "firing frequency (share of samples)" + (keep ? "" : "; none dead"), yLabel: "latents", title: title)
  }

  // MARK: The L0–FVU frontier

  /// One autoencoder of a sweep on the frontier: its label (λ = 0.01, k = 2), L0 and FVU.
  struct FrontierPoint: Equatable {
    var label: String
    var l0: Double
    var fvu: Double
  }

  /// L0 against FVU, a line through each group's points in order of L0, each point labelled:
  /// the trade-off a sweep of λ or k traces (fewer active latents, more variance unexplained).
  /// FVU on a log axis when it spans more than a decade.
  static func frontierPlot(_ groups: [(name: String, points: [FrontierPoint])], title: String?) -> LinePlot {
    let series = groups.map { group -> LinePlot.Series in
      let points = group.points.sorted { ($0.l0, $0.fvu) < ($1.l0, $1.fvu) }
      var series = LinePlot.Series(group.name, x: points.map(\.l0), y: points.map(\.fvu))
      series.dots = true
      series.labels = points.map(\.label)
      return series
    }
    let fvu = groups.flatMap { $0.points.map(\.fvu) }.filter { $0 > 0 && $0.isFinite }
    let logY = (fvu.max() ?? 1) > 10 * (fvu.min() ?? 1)
    return LinePlot(
      series, logY: logY, xLabel: "L0 (active latents per sample)", yLabel: "FVU (variance unexplained)",
      title: title)
  }

  // MARK: Dictionary size

  /// The signals across dictionary sizes (increasing): each size's dead latents, its MMCS
  /// with the next larger dictionary (none for the largest), and its MMCS with the model's
  /// feature directions.
  struct DictionarySignals: Equatable {
    var sizes: [Int]
    var dead: [Int]
    var nextMMCS: [Double?]
    var truthMMCS: [Double?]
  }

  /// The signals from dictionaries and their metrics, in order of increasing size.
  static func dictionarySignals(
    sizes: [Int], dictionaries: [[[Double]]], metrics: [AutoencoderMetrics]
  ) -> DictionarySignals {
    let next = sizes.indices.map { k in
      k + 1 < dictionaries.count ? SparseAutoencoder.meanMaxCosine(dictionaries[k], against: dictionaries[k + 1]) : nil
    }
    return DictionarySignals(
      sizes: sizes, dead: metrics.map(\.deadLatents), nextMMCS: next, truthMMCS: metrics.map(\.mmcs))
  }

  /// Dead latents above the two MMCS curves, on one x axis of dictionary sizes (log when the
  /// sizes span a factor of four or more), a tick at each size. Each series' name says what
  /// it measures. With several groups (model settings, seeds) each signal gets a panel of its
  /// own and each group one colour in all three, named once in the last panel's legend: a
  /// legend of signal × group would repeat the long names and run past the picture.
  static func dictionaryPlot(_ groups: [DictionarySignals], names: [String], title: String?) -> StackedLinePlot {
    let sizes = groups.flatMap(\.sizes).map(Double.init)
    let logX = (sizes.max() ?? 1) >= 4 * (sizes.min() ?? 1)
    let several = groups.count > 1
    let palette = groups.count > Colormap.categorical.count ? Colormap.categorical20 : Colormap.categorical
    func series(_ name: String, _ group: Int, _ values: [Double?], color: RGB) -> LinePlot.Series {
      let pairs = zip(groups[group].sizes, values).compactMap { x, y in y.map { (Double(x), $0) } }
      var series = LinePlot.Series(
        name, x: pairs.map(\.0), y: pairs.map(\.1), color: several ? palette[group % palette.count] : color)
      series.dots = true
      return series
    }
    let deadName = "dead latents: fire on no sample of the evaluation batch"
    let nextName = "MMCS with the next larger dictionary (mean over this one's latents)"
    let truthName = "MMCS with the model's features (mean over the features)"
    var top = LinePlot(
      groups.indices.map { g in
        series(several ? "" : deadName, g, groups[g].dead.map(Double.init), color: Colormap.categorical[3])
      }, logX: logX, yLabel: "dead latents", title: title)
    top.yIncludes = [0, 1]
    top.yWhole = true
    // A tick at every size: the sizes are the settings, and each is read off the axis.
    let ticks = Array(Set(sizes)).sorted()
    top.xTicks = ticks
    guard several else {
      var bottom = LinePlot(
        [
          series(nextName, 0, groups[0].nextMMCS, color: Colormap.categorical[0]),
          series(truthName, 0, groups[0].truthMMCS, color: Colormap.categorical[2]),
        ], logX: logX, xLabel: "latents (dictionary size)", yLabel: "MMCS", references: [ReferenceLine(1)])
      bottom.xTicks = ticks
      return StackedLinePlot([top, bottom])
    }
    var next = LinePlot(
      groups.indices.map { series("", $0, groups[$0].nextMMCS, color: .grey) }, logX: logX,
      yLabel: "MMCS with the next larger", references: [ReferenceLine(1)])
    var truth = LinePlot(
      groups.indices.map { series(names[$0], $0, groups[$0].truthMMCS, color: .grey) }, logX: logX,
      xLabel: "latents (dictionary size)", yLabel: "MMCS with the features", references: [ReferenceLine(1)])
    next.xTicks = ticks
    truth.xTicks = ticks
    return StackedLinePlot([top, next, truth])
  }
}
