import Foundation
import ToyCore
import ToyPlot

/// What `show` can draw.
public enum ShowTargets {
  public static let summaries: [(name: String, summary: String)] = [
    ("wtw", "WᵀW as a heatmap, with the bias beside it"),
    ("w", "the weights W as a features × hidden heatmap"),
    ("bias", "the bias per feature"),
    ("norms", "‖W_i‖ per feature, coloured by superposition"),
    ("overview", "the paper's figure: WᵀW and the bias above the norm bars, one column per setting"),
    ("geometry", "the features' directions in 2-D (m = 2)"),
    ("hidden", "hidden states of a batch over the feature directions (m = 2)"),
    ("loss", "the loss over training"),
    ("dims", "dimensions per feature m/‖W‖_F² against 1/(1−S)"),
    ("dimensionality", "each feature's D_i against 1/(1−S)"),
    ("phase", "a swept n=2, m=1 (or n=3, m=2) model's phase diagram beside the theory"),
    ("neurons", "each neuron's weights, stacked by feature (hidden_relu, abs)"),
    ("dynamics", "one setting's D_i of every feature over training, above its loss"),
    ("vulnerability", "vulnerability to the analytic attack against 1/(1−S), beside features per dimension"),
  ]
  public static var names: [String] { summaries.map(\.name) }
}

/// `show TARGET …`: draws a plot of the current model as a display.
extension Session {
  /// The most panels one `show` draws before asking for `instance=`.
  static let panelLimit = 24

  func show(_ target: String, _ targetSpan: Span, _ parameters: [Parameter], _ statement: Statement, _ source: Source)
    throws(Diagnostic)
  {
    let (plot, payload, options) = try figure(target, targetSpan, parameters, statement, source)
    let given = try checkedParameters(parameters, statement: "show", source)
    let color = try given["color"].map { p throws(Diagnostic) in try choice(p, "color", default: "auto", source) }
    guard !dryRun else { return }
    emit(
      text: plot.plainText(options), json: payload, statement, svg: plot.svgDocument(svgStyle), plot: plot,
      textOptions: options, color: color == "auto" ? nil : color)
  }

  /// `export TARGET "file"`: the plot as SVG (.svg), its numbers as JSON (.json) or as a
  /// tidy CSV table (.csv, see `CSVTable`), or its text (.txt).
  func export(
    _ target: String, _ targetSpan: Span, _ path: String, _ pathSpan: Span, _ parameters: [Parameter],
    _ statement: Statement, _ source: Source
  ) throws(Diagnostic) {
    let name = path.split(separator: "/").last.map(String.init) ?? path
    let suffix = name.contains(".") ? (name.split(separator: ".").last.map { String($0).lowercased() } ?? "") : ""
    guard ["svg", "json", "csv", "txt"].contains(suffix) else {
      throw Diagnostic(
        "export writes .svg, .json, .csv or .txt files; '\(path)' is none of them", at: pathSpan, in: source)
    }
    let (plot, payload, options) = try figure(target, targetSpan, parameters, statement, source)
    let given = try checkedParameters(parameters, statement: "export", source)
    _ = try choice(given["color"], "color", default: "auto", source)
    guard !dryRun else { return }
    let text: String
    switch suffix {
    case "svg": text = plot.svgDocument(svgStyle)
    case "json": text = JSON.write(payload) + "\n"
    case "csv": text = CSVTable.write(payload)
    default: text = plot.plainText(options) + "\n"
    }
    do {
      try FileWriter.replace(path, with: text)
    } catch {
      throw Diagnostic("cannot write \(path): \(error.reason)", at: pathSpan, in: source)
    }
    emit(text: "wrote \(target) to \(path)", json: .object([("exported", .string(path))]), statement)
  }

  private func figure(
    _ target: String, _ targetSpan: Span, _ parameters: [Parameter], _ statement: Statement, _ source: Source
  ) throws(Diagnostic) -> (any Plot, JSON.Node, TextOptions) {
    guard ShowTargets.names.contains(target) else {
      throw Diagnostic(
        "there is no plot called '\(target)'", at: targetSpan, in: source,
        hint: suggestion(for: target, among: ShowTargets.names).map(Message.didYouMean)
          ?? "show draws: " + ShowTargets.names.joined(separator: ", "))
    }
    let entry = try currentEntry(statement.span, source)
    let given = try checkedParameters(parameters, statement: "show", source)
    var options = TextOptions(width: textWidth, ascii: ascii || defaultCanvas == .ascii, canvas: defaultCanvas)
    if let p = given["width"] { options.width = try whole(p, [:], spec: "width", source) }
    if let p = given["height"] { options.height = try whole(p, [:], spec: "height", source) }
    if let p = given["canvas"] {
      let canvas = Canvas(rawValue: try choice(p, "canvas", default: "braille", source))
      options = TextOptions(
        width: options.width, height: options.height, ascii: canvas == .ascii || ascii, canvas: canvas)
    }
    let seeds = try seedChoice(given["seed"], entry, source)
    let settings = try selectedSettings(
      given["instance"], entry, target: target, statementSpan: statement.span, source,
      views: seedViews(entry, Array(0..<entry.settings.count), seeds).count / max(1, entry.settings.count))
    let canonical = try choice(given["orient"], "orient", default: "raw", source) == "canonical"
    let (plot, data) = try drawing(
      target, entry, settings, seeds: seeds, canonical: canonical, statement.span, source,
      seedSpan: given["seed"]?.value.span)
    // Phase draws every setting, one seed each: its settings are listed as the model's.
    let views = seedViews(
      entry, target == "phase" ? Array(entry.settings.indices) : settings, target == "phase" ? .best : seeds)
    let payload = JSON.Node.object(
      [("model", .string(entry.name)), ("target", .string(target)), ("steps", .number(Double(entry.model.steps)))]
        + Self.orientation(of: target, canonical: canonical) + [
          (
            "settings",
            .array(
              views.map { view in
                let seed: [(String, JSON.Node)] =
                  entry.seeds > 1 ? [("seed", .number(Double(seedNumber(entry, view.instance))))] : []
                return .object(
                  [("index", .number(Double(view.setting))), ("instance", .number(Double(view.instance)))] + seed
                    + entry.settings[view.setting].map { ($0.0, JSON.Node.number($0.1)) })
              })
          ),
          ("data", data),
        ])
    return (plot, payload, options)
  }

  /// The payload's `orient` key for the 2-D views, whose data are the rows as drawn: `raw`, or
  /// `canonical` when the picture (and so the data) is rotated. Absent for other targets.
  static func orientation(of target: String, canonical: Bool) -> [(String, JSON.Node)] {
    ["geometry", "hidden"].contains(target) ? [("orient", .string(canonical ? "canonical" : "raw"))] : []
  }

  /// Setting indices from `instance=`: a number, a list, or `all` (the default). `views`:
  /// the panels each setting takes (its seeds under `seed=`).
  func selectedSettings(
    _ parameter: Parameter?, _ entry: ModelEntry, target: String, statementSpan: Span, _ source: Source,
    views: Int = 1
  ) throws(Diagnostic) -> [Int] {
    let count = entry.settings.count
    var chosen = Array(0..<count)
    if let parameter {
      if case .name("all", _) = parameter.value {
        chosen = Array(0..<count)
      } else if case .string("all", _) = parameter.value {
        chosen = Array(0..<count)
      } else {
        let value = try evaluator(source).evaluate(parameter.value)
        guard let numbers = value.numbers, !numbers.isEmpty,
          numbers.allSatisfy({ $0 == $0.rounded() && $0 >= 0 && $0 < Double(count) })
        else {
          throw Diagnostic(
            "instance must be a setting number from 0 to \(count - 1), a list of them, or all; got \(value.literal)",
            at: parameter.value.span, in: source)
        }
        chosen = numbers.map { Int($0) }
      }
    }
    let perInstance: Set<String> = ["wtw", "w", "bias", "norms", "overview", "geometry", "hidden", "neurons"]
    if perInstance.contains(target) && chosen.count * views > Self.panelLimit {
      throw Diagnostic(
        "\(chosen.count * views) panels are too many to draw at once", at: parameter?.value.span ?? statementSpan,
        in: source, hint: "pick some, e.g. instance=[0, \(count / 2), \(count - 1)]")
    }
    return chosen
  }

  /// A panel title for a view: its setting's, and the seed when `seed=` chose it.
  func label(_ entry: ModelEntry, _ view: SeedView) -> String {
    label(entry, view.setting) + (view.seed.map { ", seed \($0)" } ?? "")
  }

  /// A panel title for a setting: its sweep values, or its density.
  func label(_ entry: ModelEntry, _ setting: Int) -> String {
    let values = entry.settings[setting]
    // Three significant digits: a panel title names its setting, the numbers carry the rest.
    if !values.isEmpty {
      return values.map { "\($0.0) = \(formatNumber($0.1, significant: 3))" }.joined(separator: ", ")
    }
    return "1−S = \(formatNumber(Double(entry.model.density(instance: entry.shown[setting])[0]), significant: 3))"
  }

  /// One plot per setting, side by side when there are several, under the model's name when
  /// the script gave it one (`anticorrelated = model …`), so that two models' plots are told
  /// apart.
  func panels(_ plots: [any Plot], _ name: String?) -> any Plot {
    if let name, !Self.isAutomaticName(name) { return PanelGrid(plots, title: name) }
    return plots.count == 1 ? plots[0] : PanelGrid(plots)
  }

  func rows(_ model: ToyModel, _ instance: Int) -> [[Double]] {
    model.weights(instance: instance).map { $0.map(Double.init) }
  }

  func drawing(
    _ target: String, _ entry: ModelEntry, _ settings: [Int], seeds: SeedChoice = .best, canonical: Bool,
    _ span: Span, _ source: Source, named: Bool = true, seedSpan: Span? = nil
  ) throws(Diagnostic) -> (any Plot, JSON.Node) {
    let model = entry.model
    let views = seedViews(entry, settings, seeds)
    let instances = views.map(\.instance)
    func geometry(_ i: Int) -> FeatureGeometry { FeatureGeometry(rows: rows(model, i), hiddenCount: model.m) }
    func matrix(_ m: [[Double]]) -> JSON.Node { .array(m.map(JSON.numbers)) }
    func densityOf(_ i: Int) -> Double { decimal(model.density(instance: i)[0]) }
    switch target {
    case "wtw":
      let wtw = instances.map { geometry($0).interference }
      let biases = instances.map { model.bias(instance: $0).map(Double.init) }
      // One colour scale for every panel, so that panels compare by colour; the bias on a
      // scale of its own (shared too), at least ±0.1 so that rounding noise stays white.
      let limit = sharedLimit(wtw)
      let biasLimit = max(0.1, biases.joined().filter(\.isFinite).map(Swift.abs).max() ?? 0)
      let plots: [any Plot] = views.indices.map { k in
        Heatmap(wtw[k], side: biases[k], sideLimit: biasLimit, limit: limit, title: label(entry, views[k]))
      }
      return (
        panels(plots, named ? entry.name : nil),
        .array(views.indices.map { k in .object([("wtw", matrix(wtw[k])), ("b", JSON.numbers(biases[k]))]) })
      )
    case "w":
      let limit = sharedLimit(instances.map { rows(model, $0) })
      let plots: [any Plot] = zip(views, instances).map { s, i in
        Heatmap(rows(model, i), rowTitle: "feature", columnTitle: "hidden", limit: limit, title: label(entry, s))
      }
      return (panels(plots, named ? entry.name : nil), .array(instances.map { matrix(rows(model, $0)) }))
    case "bias":
      let plots: [any Plot] = zip(views, instances).map { s, i in
        BarChart(model.bias(instance: i).map(Double.init), valueTitle: "b", title: label(entry, s))
      }
      return (
        panels(plots, named ? entry.name : nil),
        .array(instances.map { JSON.numbers(model.bias(instance: $0).map(Double.init)) })
      )
    case "norms":
      let plots: [any Plot] = zip(views, instances).map { s, i in
        let g = geometry(i)
        return BarChart(
          g.norms, colors: g.superposition, marker: model.m < model.n ? model.m : nil, valueTitle: "‖W_i‖",
          title: label(entry, s))
      }
      return (
        panels(plots, named ? entry.name : nil),
        .array(
          instances.map { i in
            .object([
              ("norms", JSON.numbers(geometry(i).norms)), ("superposition", JSON.numbers(geometry(i).superposition)),
            ])
          })
      )
    case "overview":
      return overview(entry, views, named: named)
    case "geometry", "hidden":
      guard model.m == 2 else {
        throw Diagnostic(
          "\(target) draws 2-D models; this one has m=\(model.m)", at: span, in: source, hint: "try show wtw")
      }
      let plots = zip(views, instances).map { s, i in
        VectorPlot(
          rows(model, i), importance: model.importance(instance: i).map(Double.init),
          hidden: target == "hidden" ? model.hiddenStates(instance: i, count: 300) : [], canonical: canonical,
          title: label(entry, s))
      }
      // The rows as drawn: rotated too when the picture is (`orient` in the payload says which).
      return (panels(plots, named ? entry.name : nil), .array(plots.map { matrix($0.drawnVectors) }))
    case "loss":
      let history = model.history
      guard !history.steps.isEmpty else {
        throw Diagnostic(
          "the model has not been trained yet", at: span, in: source, hint: "train it first, e.g. train 10000")
      }
      let series = zip(views, instances).map { s, i in
        LinePlot.Series(label(entry, s), x: history.steps.map(Double.init), y: history.losses[i].map(Double.init))
      }
      let plot = LinePlot(series, logY: true, xLabel: "step", yLabel: "loss", title: "\(entry.name): loss")
      return (
        plot,
        .object([
          ("steps", JSON.numbers(history.steps.map(Double.init))),
          ("loss", .array(instances.map { JSON.numbers(history.losses[$0].map(Double.init)) })),
        ])
      )
    case "dims":
      let x = instances.map { 1 / densityOf($0) }
      let y = instances.map { geometry($0).dimensionsPerFeature }
      // A dot at each model's density: the line joins samples, one model each.
      let series = bySeed(views, "m/‖W‖_F²", x: x, y: y).map { series -> LinePlot.Series in
        var series = series
        series.dots = true
        return series
      }
      let plot = LinePlot(
        series, logX: true, xLabel: "1/(1−S)", yLabel: "dimensions per feature",
        references: ReferenceLine.dimensionsPerFeature, title: "\(entry.name): dimensions per feature")
      return (plot, .object([("inverse_density", JSON.numbers(x)), ("dimensions_per_feature", JSON.numbers(y))]))
    case "dimensionality":
      var x: [Double] = []
      var y: [Double] = []
      for i in instances {
        for d in geometry(i).dimensionality {
          x.append(1 / densityOf(i))
          y.append(d)
        }
      }
      let plot = ScatterPlot(
        x: x, y: y, jitter: .gap(0.1), logX: true, xLabel: "1/(1−S)", yLabel: "D_i",
        title: "\(entry.name): feature dimensionality")
      return (plot, .object([("inverse_density", JSON.numbers(x)), ("dimensionality", JSON.numbers(y))]))
    case "neurons":
      guard model.kind == .hiddenReLU || model.kind == .abs else {
        throw Diagnostic(
          "neurons draws the hidden_relu and abs models; this one is \(model.kind.rawValue)", at: span, in: source)
      }
      let plots: [any Plot] = zip(views, instances).map { s, i in
        let weights = rows(model, i)
        let importance = model.importance(instance: i).map(Double.init)
        return NeuronStackPlot(
          weights: weights, importance: importance,
          arrangement: model.kind == .abs ? .byImportance(weights: weights, importance: importance) : nil,
          title: label(entry, s))
      }
      return (panels(plots, named ? entry.name : nil), .array(instances.map { matrix(rows(model, $0)) }))
    case "dynamics":
      return try dynamics(entry, views, span, source)
    case "vulnerability":
      return try vulnerability(entry, views, span, source)
    default:
      return try phase(entry, seeds, span, source, seedSpan: seedSpan)
    }
  }

  /// One series per seed number when `seed=` chose seeds (a line through the settings of each
  /// seed), else one series named `name`.
  func bySeed(_ views: [SeedView], _ name: String, x: [Double], y: [Double]) -> [LinePlot.Series] {
    let seeds = Array(Set(views.compactMap(\.seed))).sorted()
    guard !seeds.isEmpty else { return [LinePlot.Series(name, x: x, y: y)] }
    return seeds.map { seed in
      let kept = views.indices.filter { views[$0].seed == seed }
      return LinePlot.Series("seed \(seed)", x: kept.map { x[$0] }, y: kept.map { y[$0] })
    }
  }

  /// `show dynamics`: one setting's D_i per feature at the points recorded during training,
  /// above its loss curve (paper §3.8: every jump in D_i comes with a drop in the loss).
  func dynamics(_ entry: ModelEntry, _ views: [SeedView], _ span: Span, _ source: Source) throws(Diagnostic) -> (
    any Plot, JSON.Node
  ) {
    let model = entry.model
    guard DimensionalityHistory.records(model) else {
      throw Diagnostic(
        "dynamics is recorded for small models only (instances·n²·m up to 4000000); this one has "
          + "\(model.instanceCount)·\(model.n)²·\(model.m)", at: span, in: source)
    }
    let recorded = entry.dynamics
    guard recorded.steps.count > 1 else {
      throw Diagnostic(
        "the model has not been trained yet", at: span, in: source, hint: "train it first, e.g. train 10000")
    }
    guard views.count == 1 || (entry.settings.count == 1 && views.allSatisfy({ $0.seed == nil })) else {
      throw Diagnostic(
        "dynamics draws one setting at a time; this model has \(entry.settings.count)"
          + (entry.seeds > 1 ? " of \(entry.seeds) seeds" : ""), at: span, in: source,
        hint: "pick one, e.g. show dynamics instance=0" + (entry.seeds > 1 ? " seed=0" : ""))
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
    let history = model.history
    let lossSteps = history.steps.map(Double.init)
    let raw = history.losses[instance].map(Double.init)
    // The loss per step is one batch's: late in training a band. Its moving average is the
    // line to read; the raw loss stays behind it, faint (and out of plain text).
    let smoothed = history.smoothedLosses(instance: instance)
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
  func vulnerability(_ entry: ModelEntry, _ views: [SeedView], _ span: Span, _ source: Source) throws(Diagnostic) -> (
    any Plot, JSON.Node
  ) {
    let model = entry.model
    let instances = views.map(\.instance)
    try checkMetricSize("vulnerability", entry, span, source)
    guard !model.kind.untied else {
      throw Diagnostic("vulnerability is defined for the tied models; this one is abs", at: span, in: source)
    }
    let x = instances.map { 1 / decimal(model.density(instance: $0)[0]) }
    let vulnerability = instances.map { self.vulnerability(model, instance: $0) }
    let features = instances.map { i in
      1 / FeatureGeometry(rows: rows(model, i), hiddenCount: model.m).dimensionsPerFeature
    }
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

  /// `show phase`: a model swept over relative importance and density (n=2, m=1 or n=3,
  /// m=2, the extra feature last), with seeds: at each point the candidate the best seed (or
  /// seed number `seed=`) found, beside the closed-form theory at a finer grid. Seeds are not
  /// averaged: they may have found different candidates (`PhaseChange.trainedPoint`). The
  /// JSON holds every seed, and the fraction of seeds in each candidate.
  func phase(_ entry: ModelEntry, _ seeds: SeedChoice, _ span: Span, _ source: Source, seedSpan: Span?)
    throws(Diagnostic) -> (any Plot, JSON.Node)
  {
    let model = entry.model
    let problem: PhaseChange? =
      switch (model.n, model.m) {
      case (2, 1): .twoInOne
      case (3, 2): .threeInTwo
      default: nil
      }
    let seed: Int?
    switch seeds {
    case .best: seed = nil
    case .numbers(let numbers) where numbers.count == 1: seed = numbers[0]
    default:
      throw Diagnostic(
        "phase draws one seed per point: the best, or one seed number", at: seedSpan ?? span, in: source,
        hint: "every seed's solution is in the JSON (export phase \"phase.json\")")
    }
    // Each setting's point, read from the model rather than from the sweep's variables, so
    // that their names and order do not matter (sparsity=… works as density=… does).
    let extra = model.n - 1
    let points = entry.settings.indices.map { setting -> (r: Double, p: Double) in
      let instance = setting * entry.seeds
      let importance = model.importance(instance: instance)
      return (decimal(importance[extra] / importance[0]), decimal(model.density(instance: instance)[extra]))
    }
    var owner: [[Double]: Int] = [:]
    for (setting, point) in points.enumerated() {
      if let earlier = owner.updateValue(setting, forKey: [point.r, point.p]) {
        throw Diagnostic(
          "settings \(earlier) and \(setting) are the same point of the phase diagram (r=\(formatNumber(point.r)), "
            + "density=\(formatNumber(point.p))); phase draws one setting per point", at: span, in: source,
          hint: "sweep the relative importance and the density alone, and repeat a point with seeds=")
      }
    }
    let rValues = Array(Set(points.map(\.r))).sorted()
    let sValues = Array(Set(points.map(\.p))).sorted(by: >)
    guard let problem, rValues.count > 1, sValues.count > 1, rValues.allSatisfy({ $0.isFinite && $0 > 0 }) else {
      throw Diagnostic(
        "phase needs an n=2, m=1 (or n=3, m=2) model swept over the last feature's relative importance and the "
          + "density", at: span, in: source,
        hint:
          "e.g. model n=2 m=1 importance=[1, r] density=s seeds=10 for r in logspace(-1,1,12), s in logspace(-2,0,12)")
    }
    let trained = problem.trainedPoints(model, seeds: entry.seeds, samples: evaluationSamples)
    var grid = [[PhaseChange.TrainedPoint?]](
      repeating: [PhaseChange.TrainedPoint?](repeating: nil, count: rValues.count), count: sValues.count)
    for (setting, point) in points.enumerated() {
      guard let column = rValues.firstIndex(of: point.r), let row = sValues.firstIndex(of: point.p) else { continue }
      grid[row][column] = trained[setting]
    }
    // Each trained point at the centre of its cell: the axes reach half a step past the
    // smallest and largest values (exact for a sweep evenly spaced in log, as logspace gives).
    func centred(_ values: [Double]) -> ClosedRange<Double> {
      let (low, high) = (values.min() ?? 1, values.max() ?? 1)
      let half = pow(high / low, 0.5 / Double(max(1, values.count - 1)))
      return (low / half)...(high * half)
    }
    let axes = PhaseAxes(importance: centred(rValues), density: centred(sValues))
    // The theory on a finer grid than the trained points.
    let theory = PhaseTheory.diagram(problem, columns: 60, rows: 30, axes: axes, title: "theory")
    let diagram = PhaseTrained.diagram(problem, points: grid, seed: seed, axes: axes, title: "trained")
    return (
      PanelGrid.phaseComparison(theory: theory, trained: diagram),
      .object(
        [("relative_importance", JSON.numbers(rValues)), ("density", JSON.numbers(sValues))]
          + trainedJSON(problem, grid, seed: seed) + [
            (
              "theory",
              .object([
                ("categories", .array(theory.categories.map { .string($0.name) })),
                (
                  "relative_importance",
                  JSON.numbers((0..<60).map { axes.importance(column: $0, of: 60) })
                ),
                ("density", JSON.numbers((0..<30).map { axes.density(row: $0, of: 30) })),
                ("cells", .array(theory.cells.map { JSON.numbers($0.map(Double.init)) })),
              ])
            )
          ])
    )
  }

  /// The trained side of `show phase`'s JSON, every grid a row per density, high to low:
  /// the drawn seed's `norm`, `superposition`, `phase` (a category name) and `seed` number;
  /// `fractions`, per category, the fraction of the seeds in it; `seeds`, per seed, its
  /// `instance`, `loss` (on the evaluation batch), `phase`, `norm` and `superposition`.
  func trainedJSON(_ problem: PhaseChange, _ grid: [[PhaseChange.TrainedPoint?]], seed: Int?)
    -> [(String, JSON.Node)]
  {
    let names = PhaseTrained.categories(problem).map(\.name)
    func name(_ solution: PhaseChange.Solution?) -> JSON.Node {
      .string(names[PhaseTrained.category(solution, problem)])
    }
    func cells(_ value: (PhaseChange.TrainedPoint) -> JSON.Node) -> JSON.Node {
      .array(grid.map { row in .array(row.map { $0.map(value) ?? .null }) })
    }
    func perSeed(_ value: @escaping (PhaseChange.TrainedSeed) -> JSON.Node) -> JSON.Node {
      cells { point in .array(point.seeds.map(value)) }
    }
    let solutions: [PhaseChange.Solution?] = problem.solutions.map { $0 } + [nil]
    return [
      ("norm", cells { .number(PhaseTrained.drawn($0, seed: seed).norm) }),
      ("superposition", cells { .number(PhaseTrained.drawn($0, seed: seed).superposition) }),
      ("phase", cells { name(PhaseTrained.drawn($0, seed: seed).solution) }),
      ("seed", cells { .number(Double(seed ?? $0.best)) }),
      (
        "fractions",
        .object(
          zip(names, solutions).map { category, solution in
            (category, cells { .number($0.fraction(of: solution)) })
          })
      ),
      (
        "seeds",
        .object([
          ("instance", perSeed { .number(Double($0.instance)) }), ("loss", perSeed { .number($0.loss) }),
          ("phase", perSeed { name($0.solution) }), ("norm", perSeed { .number($0.norm) }),
          ("superposition", perSeed { .number($0.superposition) }),
        ])
      ),
    ]
  }
}

extension Session {
  /// `show overview`: the paper's figure, one column per setting: WᵀW with the bias beside
  /// it (on the scales `show wtw` uses) above the norm bars coloured by superposition.
  func overview(_ entry: ModelEntry, _ views: [SeedView], named: Bool) -> (any Plot, JSON.Node) {
    let model = entry.model
    let geometries = views.map { FeatureGeometry(rows: rows(model, $0.instance), hiddenCount: model.m) }
    let wtw = geometries.map(\.interference)
    let biases = views.map { model.bias(instance: $0.instance).map(Double.init) }
    let limit = sharedLimit(wtw)
    let biasLimit = max(0.1, biases.joined().filter(\.isFinite).map(Swift.abs).max() ?? 0)
    let heatmaps = views.indices.map { k in
      Heatmap(wtw[k], side: biases[k], sideLimit: biasLimit, limit: limit, title: label(entry, views[k]))
    }
    let bars = geometries.map { g in
      BarChart(g.norms, colors: g.superposition, marker: model.m < model.n ? model.m : nil, valueTitle: "‖W_i‖")
    }
    let title = named && !Self.isAutomaticName(entry.name) ? entry.name : nil
    return (
      OverviewFigure(heatmaps: heatmaps, bars: bars, title: title),
      .array(
        views.indices.map { k in
          .object([
            ("wtw", .array(wtw[k].map(JSON.numbers))), ("b", JSON.numbers(biases[k])),
            ("norms", JSON.numbers(geometries[k].norms)), ("superposition", JSON.numbers(geometries[k].superposition)),
          ])
        })
    )
  }

  /// The colour limit a heatmap panel would take alone (±1, or its largest |value|), taken
  /// over all the panels of one display.
  func sharedLimit(_ matrices: [[[Double]]]) -> Double {
    matrices.flatMap { $0.flatMap { $0 } }.filter(\.isFinite).map(Swift.abs).reduce(1, max)
  }
}
