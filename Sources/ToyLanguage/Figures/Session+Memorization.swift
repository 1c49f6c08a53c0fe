import ToyCore
import ToyPlot

/// The figures of Henighan et al. 2023 ("Superposition, Memorization, and Double Descent")
/// for models trained on fixed sets (`dataset=`): the training examples' hidden vectors
/// beside the features, and the double-descent curve against T.
extension Session {
  /// The most hidden vectors or feature directions a `datapoints` panel draws: the longest
  /// ones, which make the picture (the rest sit near the origin).
  static let datapointLimit = 400

  /// `show datapoints`: per setting, the features' directions W_i and the training examples'
  /// hidden vectors h_t = Wx_t (m = 2). Small sets store the examples as a polygon while the
  /// features are a mess; large sets store the features.
  func datapointsFigure(_ request: FigureRequest) throws(Diagnostic) -> Figure {
    let (entry, model) = (request.entry, request.model)
    guard model.m == 2 else {
      throw Diagnostic(
        .plotNeedsTwoDimensions(target: request.target.rawValue, m: model.m), at: request.span, in: request.source)
    }
    guard model.hasTrainingSets else {
      throw Diagnostic(.needsTrainingSet(target: request.target.rawValue), at: request.span, in: request.source)
    }
    var plots: [any Plot] = []
    var data: [JSON.Node] = []
    for (view, i) in zip(request.views, request.instances) {
      let instance = request[i]
      let (features, featureIndices) = Self.longest(instance.rows)
      let (points, pointIndices) = Self.longest(instance.model.trainingHiddenVectors(instance: instance.index))
      let label = label(entry, view)
      plots.append(
        VectorPlot(
          features, importance: features.map { _ in 1 }, indices: featureIndices, title: "\(label): features"))
      plots.append(
        VectorPlot(points, importance: points.map { _ in 0 }, indices: pointIndices, title: "\(label): data"))
      data.append(.object([("features", matrix(features)), ("datapoints", matrix(points))]))
    }
    return (PanelGrid(plots, columns: 2, title: request.named ? entry.name : nil), .array(data))
  }

  /// The `datapointLimit` longest rows, in their order, with their indices among all rows: a
  /// label names the feature or example, not its place among the kept.
  private static func longest(_ rows: [[Double]]) -> (rows: [[Double]], indices: [Int]) {
    guard rows.count > datapointLimit else { return (rows, Array(rows.indices)) }
    let norms = rows.map { $0.reduce(0) { $0 + $1 * $1 } }
    let kept = rows.indices.sorted { (norms[$0], $1) > (norms[$1], $0) }.prefix(datapointLimit).sorted()
    return (kept.map { rows[$0] }, kept)
  }

  /// `show descent`: train and test loss against the training set's size T on a log axis,
  /// and beneath on the same axis every feature's D_i and every training example's D_t
  /// (Henighan et al.'s figure): the examples take the dimensions at small T (a T-gon gives
  /// each 2/T), the features at large T, and neither in between, where the test loss rises.
  func descentFigure(_ request: FigureRequest) throws(Diagnostic) -> Figure {
    let entry = request.entry
    guard entry.model.hasTrainingSets else {
      throw Diagnostic(.needsTrainingSet(target: request.target.rawValue), at: request.span, in: request.source)
    }
    guard entry.model.steps > 0 else { throw Diagnostic(.notTrained, at: request.span, in: request.source) }
    // Read through the request: in a check the entry may hold a window of the model.
    let setSizes = Dictionary(
      request.views.map { view in
        let instance = request[view.instance]
        return (view.instance, instance.model.trainingSetSize(instance: instance.index))
      }, uniquingKeysWith: { first, _ in first })
    let views = request.views.sorted {
      (setSizes[$0.instance] ?? 0, $0.instance) < (setSizes[$1.instance] ?? 0, $1.instance)
    }
    var sizes: [Double] = [], train: [Double] = [], test: [Double] = []
    var featureDims: [[Double]] = [], dataDims: [[Double]] = []
    for view in views {
      let instance = request[view.instance]
      sizes.append(Double(setSizes[view.instance] ?? 0))
      train.append(instance.trainLoss ?? .nan)
      test.append(instance.testLoss(samples: evaluationSamples))
      featureDims.append(Dimensionality.of(instance.rows))
      dataDims.append(instance.dataDimensionality)
    }
    func series(_ name: String, _ y: [Double]) -> [LinePlot.Series] {
      bySeed(views, name, x: sizes, y: y).map { s in
        var s = s
        s.name = s.name.hasPrefix("seed") ? "\(name), \(s.name)" : name
        s.dots = true
        return s
      }
    }
    let losses = LinePlot(
      series("test loss", test) + series("train loss", train), logX: true, logY: true, xLabel: "training set size T",
      yLabel: "loss", title: "\(entry.name): loss against T")
    let limit = Self.datapointLimit
    func scatter(_ dims: [[Double]], _ what: String, _ symbol: String, _ color: RGB) -> ScatterPlot {
      var x: [Double] = [], y: [Double] = []
      for (size, values) in zip(sizes, dims) {
        for d in values.sorted(by: >).prefix(limit) {
          x.append(size)
          y.append(d)
        }
      }
      var plot = ScatterPlot(
        x: x, y: y, jitter: .logGap(0.1), logX: true, xLabel: "training set size T", yLabel: symbol,
        title: "\(entry.name): \(what) dimensionality (the \(limit) largest per T)")
      plot.color = color
      return plot
    }
    let plot = PanelGrid(
      [
        losses, scatter(featureDims, "feature", "D_i", Colormap.categorical[0]),
        scatter(dataDims, "training example", "D_t", Colormap.categorical[1]),
      ], columns: 1)
    return (
      plot,
      .object([
        ("dataset_size", JSON.numbers(sizes)), ("train_loss", JSON.numbers(train)), ("test_loss", JSON.numbers(test)),
        ("feature_dimensionality", .array(featureDims.map(JSON.numbers))),
        ("data_dimensionality", .array(dataDims.map(JSON.numbers))),
      ])
    )
  }
}
