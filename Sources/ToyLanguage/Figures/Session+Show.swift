import Foundation
import ToyCore
import ToyPlot

/// `show TARGET …`: draws a plot of the current model as a display.
extension Session {
  /// The most panels one `show` draws before asking for `instance=`.
  static let panelLimit = 24

  func show(_ target: String, _ targetSpan: Span, _ parameters: [Parameter], _ statement: Statement, _ source: Source)
    throws(Diagnostic)
  {
    let (plot, payload, options) = try plotAndPayload(target, targetSpan, parameters, statement, source)
    let given = try checkedParameters(parameters, statement: "show", source)
    let color = try given["color"].map { p throws(Diagnostic) in try choice(p, "color", default: "auto", source) }
    guard !dryRun else { return }
    emit(
      text: plot.plainText(options), json: payload, statement, svg: plot.svgDocument(svgStyle), plot: plot,
      textOptions: options, color: color == "auto" ? nil : color)
  }

  /// The target drawn as `show` and `export` ask (`instance=`, `seed=`, `orient=`, text
  /// size), with the display's JSON payload around its numbers.
  func plotAndPayload(
    _ name: String, _ targetSpan: Span, _ parameters: [Parameter], _ statement: Statement, _ source: Source
  ) throws(Diagnostic) -> (any Plot, JSON.Node, TextOptions) {
    guard let target = ShowTarget(rawValue: name) else {
      throw Diagnostic(
        .unknownPlot(name, suggestion: suggestion(for: name, among: ShowTarget.names)), at: targetSpan, in: source)
    }
    let given = try checkedParameters(parameters, statement: "show", source)
    var options = TextOptions(width: textWidth, ascii: ascii || defaultCanvas == .ascii, canvas: defaultCanvas)
    if let p = given["width"] { options.width = try whole(p, [:], spec: "width", source) }
    if let p = given["height"] { options.height = try whole(p, [:], spec: "height", source) }
    if let p = given["canvas"] {
      let canvas = Canvas(rawValue: try choice(p, "canvas", default: "braille", source))
      options = TextOptions(
        width: options.width, height: options.height, ascii: canvas == .ascii || ascii, canvas: canvas)
    }
    if let models = given["models"] {
      guard target == .descent else {
        throw Diagnostic(.modelsNeedDescent(target: name), at: models.nameSpan, in: source)
      }
      let (plot, payload) = try descentMap(models, given, source)
      return (plot, payload, options)
    }
    let entry = try currentEntry(statement.span, source)
    if target.readsAutoencoders {
      let (plot, payload) = try autoencoderPlotAndPayload(target, given, statement, source)
      return (plot, payload, options)
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
      entry, target == .phase ? Array(entry.settings.indices) : settings, target == .phase ? .best : seeds)
    let payload = JSON.Node.object(
      [
        ("model", .string(entry.name)), ("target", .string(target.rawValue)),
        ("steps", .number(Double(entry.model.steps))),
      ]
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
  static func orientation(of target: ShowTarget?, canonical: Bool) -> [(String, JSON.Node)] {
    target?.oriented == true ? [("orient", .string(canonical ? "canonical" : "raw"))] : []
  }

  /// Setting indices from `instance=`: a number, a list, or `all` (the default). `views`:
  /// the panels each setting takes (its seeds under `seed=`).
  func selectedSettings(
    _ parameter: Parameter?, _ entry: ModelEntry, target: ShowTarget, statementSpan: Span, _ source: Source,
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
            .instanceOutOfRange(settings: count, got: value.literal), at: parameter.value.span, in: source)
        }
        chosen = numbers.map { Int($0) }
      }
    }
    if target.perSetting && chosen.count * views > Self.panelLimit {
      throw Diagnostic(
        .tooManyPanels(chosen.count * views, settings: count), at: parameter?.value.span ?? statementSpan, in: source)
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
    return "1−S = \(formatNumber(Double(entry.density(instance: entry.shown[setting])[0]), significant: 3))"
  }

  /// One plot per setting, side by side when there are several, under the model's name when
  /// the script gave it one (`anticorrelated = model …`), so that two models' plots are told
  /// apart.
  func panels(_ plots: [any Plot], _ name: String?) -> any Plot {
    if let name, !Self.isAutomaticName(name) { return PanelGrid(plots, title: name) }
    return plots.count == 1 ? plots[0] : PanelGrid(plots)
  }

  func matrix(_ m: [[Double]]) -> JSON.Node { .array(m.map(JSON.numbers)) }

  /// The first feature's density 1−S of an instance, as the decimal the script gave.
  func densityOf(_ entry: ModelEntry, _ instance: Int) -> Double { decimal(entry.density(instance: instance)[0]) }

  /// `target` drawn for `settings` (their seeds under `seeds`) by its figure function.
  func drawing(
    _ target: ShowTarget, _ entry: ModelEntry, _ settings: [Int], seeds: SeedChoice = .best, canonical: Bool,
    _ span: Span, _ source: Source, named: Bool = true, seedSpan: Span? = nil
  ) throws(Diagnostic) -> Figure {
    let views = seedViews(entry, settings, seeds)
    let request = FigureRequest(
      target: target, entry: entry, views: views, seeds: seeds, canonical: canonical, named: named, span: span,
      seedSpan: seedSpan, source: source, reader: reader(entry, reading: views.map(\.instance)))
    return try target.figure(self)(request)
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

  /// The colour limit a heatmap panel would take alone (±1, or its largest |value|), taken
  /// over all the panels of one display.
  func sharedLimit(_ matrices: [[[Double]]]) -> Double {
    matrices.flatMap { $0.flatMap { $0 } }.filter(\.isFinite).map(Swift.abs).reduce(1, max)
  }
}
