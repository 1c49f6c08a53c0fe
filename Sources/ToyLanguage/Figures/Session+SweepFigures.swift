import ToyCore
import ToyPlot

/// The `show` targets that draw every setting in one plot: the loss curves, the measures
/// against 1/(1−S), the dynamics of one setting, and the vulnerability.
extension Session {
  /// `show loss`: each setting's loss over training.
  func lossFigure(_ request: FigureRequest) throws(Diagnostic) -> Figure {
    let (entry, history, instances) = (request.entry, request.model.history, request.instances)
    guard !history.steps.isEmpty else {
      throw Diagnostic(.notTrained, at: request.span, in: request.source)
    }
    let losses = instances.map { request[$0].lossHistory.map(Double.init) }
    let series = zip(request.views, losses).map { s, losses in
      LinePlot.Series(label(entry, s), x: history.steps.map(Double.init), y: losses)
    }
    let plot = LinePlot(series, logY: true, xLabel: "step", yLabel: "loss", title: "\(entry.name): loss")
    return (
      plot,
      .object([("steps", JSON.numbers(history.steps.map(Double.init))), ("loss", .array(losses.map(JSON.numbers)))])
    )
  }

  /// `show dims`: dimensions per feature m/‖W‖_F² against 1/(1−S), a dot per setting.
  func dimsFigure(_ request: FigureRequest) -> Figure {
    let (entry, instances) = (request.entry, request.instances)
    let x = instances.map { 1 / densityOf(entry, $0) }
    let y = instances.map { request[$0].geometry.dimensionsPerFeature }
    // A dot at each model's density: the line joins samples, one model each.
    let series = bySeed(request.views, "m/‖W‖_F²", x: x, y: y).map { series -> LinePlot.Series in
      var series = series
      series.dots = true
      return series
    }
    let plot = LinePlot(
      series, logX: true, xLabel: "1/(1−S)", yLabel: "dimensions per feature",
      references: ReferenceLine.dimensionsPerFeature, title: "\(entry.name): dimensions per feature")
    return (plot, .object([("inverse_density", JSON.numbers(x)), ("dimensions_per_feature", JSON.numbers(y))]))
  }

  /// `show dimensionality`: every feature's D_i against 1/(1−S).
  func dimensionalityFigure(_ request: FigureRequest) -> Figure {
    let entry = request.entry
    var x: [Double] = []
    var y: [Double] = []
    for i in request.instances {
      for d in request[i].geometry.dimensionality {
        x.append(1 / densityOf(entry, i))
        y.append(d)
      }
    }
    let plot = ScatterPlot(
      x: x, y: y, jitter: .gap(0.1), logX: true, xLabel: "1/(1−S)", yLabel: "D_i",
      title: "\(entry.name): feature dimensionality")
    return (plot, .object([("inverse_density", JSON.numbers(x)), ("dimensionality", JSON.numbers(y))]))
  }

  /// `show dynamics`: one setting's D_i per feature at the points recorded during training,
  /// above its loss curve (paper §3.8: every jump in D_i comes with a drop in the loss).
  func dynamicsFigure(_ request: FigureRequest) throws(Diagnostic) -> Figure {
    let (entry, model, views, span, source) = (
      request.entry, request.model, request.views, request.span, request.source
    )
    guard DimensionalityHistory.records(instances: entry.instanceCount, n: model.n, m: model.m) else {
      throw Diagnostic(
        .dynamicsTooLarge(
          instances: entry.instanceCount, n: model.n, m: model.m, limit: DimensionalityHistory.costLimit),
        at: span, in: source)
    }
    let recorded = entry.dynamics
    guard recorded.steps.count > 1 else {
      throw Diagnostic(.notTrained, at: span, in: source)
    }
    guard views.count == 1 || (entry.settings.count == 1 && views.allSatisfy({ $0.seed == nil })) else {
      throw Diagnostic(.dynamicsOneSetting(settings: entry.settings.count, seeds: entry.seeds), at: span, in: source)
    }
    let instance = views[0].instance
    let x = recorded.steps.map(Double.init)
    // A log step axis: the reorganisations come early and fast, then ever more slowly.
    let kept = recorded.steps.indices.filter { recorded.steps[$0] > 0 }
    // Without colour each line carries its feature's index as its marker (0–9, then a, b, …),
    // so twenty features need no repeated glyph and no legend to be followed. Labels at the
    // lines' right ends would not do: training ends with the features together (at 1/2 in
    // examples/08-dynamics.toy), where the labels would pile up on one row.
    let series = (0..<model.n).map { f in
      LinePlot.Series(
        "feature \(f)", x: kept.map { x[$0] }, y: kept.map { recorded.values[$0][instance][f] },
        marker: LinePlot.indexMarker(f))
    }
    let title = entry.settings.count > 1 || views[0].seed != nil ? ", " + label(entry, views[0]) : ""
    let dims = LinePlot(
      series, logX: true, xLabel: "step", yLabel: "D_i", references: ReferenceLine.paperFractions,
      title: "\(entry.name)\(title): feature dimensionality")
    let lossSteps = model.history.steps.map(Double.init)
    let raw = request[instance].lossHistory.map(Double.init)
    // The loss per step is one batch's: late in training a band. Its moving average is the
    // line to read; the raw loss stays behind it, faint (and out of plain text).
    let smoothed = request[instance].smoothedLosses
    let window = Int((LossHistory.smoothingFraction * 100).rounded())
    let loss = LinePlot(
      [
        LinePlot.Series("loss per step", x: lossSteps, y: raw, color: Colormap.categorical[0], faint: true),
        LinePlot.Series(
          "loss, moving average over the last \(window)% of steps", x: lossSteps, y: smoothed,
          color: Colormap.categorical[0]),
      ], logX: true, logY: true, xLabel: "step", yLabel: "loss", title: "\(entry.name)\(title): loss")
    return (
      StackedLinePlot([dims, loss]),
      .object([
        ("steps", JSON.numbers(x)),
        ("dimensionality", .array(recorded.values.map { JSON.numbers($0[instance]) })),
        ("loss_steps", JSON.numbers(lossSteps)),
        ("loss", JSON.numbers(raw)),
        ("loss_smoothed", JSON.numbers(smoothed)),
      ])
    )
  }

  /// `show vulnerability`: the analytic attack's vulnerability per setting against 1/(1−S),
  /// beside the features per dimension ‖W‖_F²/m (paper §3.9: they rise together).
  func vulnerabilityFigure(_ request: FigureRequest) throws(Diagnostic) -> Figure {
    let (entry, model, views, span, source) = (
      request.entry, request.model, request.views, request.span, request.source
    )
    let instances = request.instances
    try checkMetricSize("vulnerability", entry, span, source)
    guard !model.kind.untied else {
      throw Diagnostic(.vulnerabilityNeedsTied(kind: model.kind.rawValue), at: span, in: source)
    }
    let x = instances.map { 1 / densityOf(entry, $0) }
    let vulnerability = instances.map { self.vulnerability(request.reader, instance: $0) }
    let features = instances.map { 1 / request[$0].geometry.dimensionsPerFeature }
    let left = LinePlot(
      bySeed(views, "vulnerability", x: x, y: vulnerability), logX: true, xLabel: "1/(1−S)",
      yLabel: "(L′−L)/(L′₀−L₀)", references: [ReferenceLine(1, label: "no superposition")],
      title: "\(entry.name): vulnerability")
    let right = LinePlot(
      bySeed(views, "‖W‖_F²/m", x: x, y: features), logX: true, xLabel: "1/(1−S)",
      yLabel: "features per dimension", references: [ReferenceLine(1)], title: "\(entry.name): features per dimension")
    return (
      PanelGrid([left, right], columns: 2),
      .object([
        ("inverse_density", JSON.numbers(x)), ("vulnerability", JSON.numbers(vulnerability)),
        ("features_per_dimension", JSON.numbers(features)),
      ])
    )
  }
}
