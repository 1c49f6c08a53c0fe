import ToyCore
import ToyPlot

/// The test loss of several models, each swept over the training set's size T, as one map:
/// T across, one row per model. A sweep over T and m is several models (one model has one
/// shape), so the map is how double descent is seen along both (Henighan et al. 2023).
struct DescentMap: Equatable {
  /// One model's row: its name, its m, and its test loss at each of its sizes T.
  struct Row: Equatable {
    var name: String
    var m: Int
    var losses: [Int: Double]
  }

  /// Every model's training set sizes, ascending: the columns.
  var sizes: [Int]
  var rows: [Row]
  /// Whether the rows are told apart by m (the models differ in nothing else) or by name.
  var byHidden: Bool

  init(_ rows: [Row], byHidden: Bool) {
    self.rows = rows
    self.sizes = Set(rows.flatMap(\.losses.keys)).sorted()
    self.byHidden = byHidden
  }

  /// The test loss of row r at column c, nil where that model has no set of that size.
  var testLoss: [[Double?]] { rows.map { row in sizes.map { row.losses[$0] } } }

  var rowLabels: [String] { rows.map { byHidden ? "m=\($0.m)" : $0.name } }

  /// The map on viridis, bright where the loss is high, in log: losses compare as ratios, and
  /// a bump of a few tens of percent stays visible beside a cell several times its row.
  var plot: Heatmap {
    Heatmap(
      testLoss.map { $0.map { $0 ?? .nan } }, rowLabels: rowLabels, columnLabels: sizes.map(String.init),
      rowTitle: byHidden ? "hidden dimensions" : "model", columnTitle: "training set size T", colormap: .viridis,
      scale: .sequential(log: true), labelsEveryColumn: true,
      title: "test loss against T and \(byHidden ? "m" : "model")")
  }

  /// The display's numbers: the columns' T, the rows' models and m, and the losses (null
  /// where a model lacks a size).
  var data: JSON.Node {
    .object([
      ("dataset_size", JSON.numbers(sizes.map(Double.init))), ("models", .array(rows.map { .string($0.name) })),
      ("hidden", JSON.numbers(rows.map { Double($0.m) })),
      ("test_loss", .array(testLoss.map { .array($0.map { $0.map(JSON.Node.number) ?? .null }) })),
    ])
  }
}

extension Session {
  /// The most models one descent map draws: beyond a dozen rows the map stops being read
  /// row by row.
  static let descentMapLimit = 12

  /// `show descent models=[m1, m2, …]`: the map of the named models, and its payload.
  func descentMap(_ parameter: Parameter, _ given: [String: Parameter], _ source: Source) throws(Diagnostic) -> (
    any Plot, JSON.Node
  ) {
    for other in ["instance", "seed"] {
      if let p = given[other] { throw Diagnostic(.modelsPickSettings(parameter: other), at: p.nameSpan, in: source) }
    }
    let named = try descentMapModels(parameter, source)
    var rows: [DescentMap.Row] = []
    for (entry, span) in named {
      rows.append(try descentMapRow(entry, span, source))
    }
    let map = DescentMap(rows, byHidden: Self.differOnlyInHidden(named.map(\.entry)))
    let payload = JSON.Node.object([
      ("models", .array(rows.map { .string($0.name) })), ("target", .string(ShowTarget.descent.rawValue)),
      ("data", map.data),
    ])
    return (map.plot, payload)
  }

  /// The models `models=` names, each with where it is written: a list of at least two and
  /// at most `descentMapLimit` model names.
  private func descentMapModels(_ parameter: Parameter, _ source: Source) throws(Diagnostic) -> [(
    entry: ModelEntry, span: Span
  )] {
    let names: [(String, Span)]
    switch parameter.value {
    case .list(let items, _):
      var found: [(String, Span)] = []
      for item in items {
        guard case .name(let name, let span) = item else {
          throw Diagnostic(.parameterMalformed("models", range: spec("models").rangeText), at: item.span, in: source)
        }
        found.append((name, span))
      }
      names = found
    case .name(let name, let span):
      names = [(name, span)]
    default:
      throw Diagnostic(
        .parameterMalformed("models", range: spec("models").rangeText), at: parameter.value.span, in: source)
    }
    guard let first = names.first else {
      throw Diagnostic(
        .parameterMalformed("models", range: spec("models").rangeText), at: parameter.value.span, in: source)
    }
    guard names.count <= Self.descentMapLimit else {
      throw Diagnostic(
        .descentMapTooManyModels(names.count, limit: Self.descentMapLimit), at: parameter.value.span, in: source)
    }
    var entries: [(entry: ModelEntry, span: Span)] = []
    for (name, span) in names {
      guard let entry = models[name] else {
        if autoencoders(named: name) != nil {
          throw Diagnostic(.autoencodersAreNotAValue(name), at: span, in: source)
        }
        throw Diagnostic(
          .unknownModel(name, suggestion: suggestion(for: name, among: Array(models.keys))), at: span, in: source)
      }
      // A second row of the same model would only repeat the first.
      guard !entries.contains(where: { $0.entry.name == entry.name }) else {
        throw Diagnostic(.descentMapModelRepeated(name), at: span, in: source)
      }
      entries.append((entry, span))
    }
    guard entries.count >= 2 else {
      throw Diagnostic(.descentMapOneModel(first.0), at: parameter.value.span, in: source)
    }
    // Unit-norm examples give losses on another scale than raw ones: one colour scale
    // cannot compare them.
    let normalized = entries[0].entry.model.normalizesExamples
    if let odd = entries.first(where: { $0.entry.model.normalizesExamples != normalized }) {
      throw Diagnostic(
        .descentMapNormalizeMixed(
          model: odd.entry.name, other: entries[0].entry.name, normalized: odd.entry.model.normalizesExamples),
        at: odd.span, in: source)
    }
    return entries
  }

  /// One model's test loss at each of its sizes T (its shown seed of each setting).
  private func descentMapRow(_ entry: ModelEntry, _ span: Span, _ source: Source) throws(Diagnostic) -> DescentMap.Row {
    guard entry.model.hasTrainingSets else {
      throw Diagnostic(.needsTrainingSet(target: ShowTarget.descent.rawValue), at: span, in: source)
    }
    guard entry.model.steps > 0 else { throw Diagnostic(.noLossYet(model: entry.name), at: span, in: source) }
    let views = seedViews(entry, Array(entry.settings.indices), .best)
    let reader = reader(entry, reading: views.map(\.instance))
    var losses: [Int: Double] = [:]
    for view in views {
      let instance = reader[view.instance]
      let size = instance.model.trainingSetSize(instance: instance.index)
      guard losses[size] == nil else {
        throw Diagnostic(.descentMapSizeRepeated(model: entry.name, size: size), at: span, in: source)
      }
      losses[size] = instance.testLoss(samples: evaluationSamples)
    }
    return DescentMap.Row(name: entry.name, m: entry.model.m, losses: losses)
  }

  /// Whether the models differ in m and in nothing else that shapes their loss (kind, n,
  /// steps, feature sets, initialisation, normalisation, and every setting's importance and
  /// density): their rows are then labelled m=…, else by name. The sizes T may differ.
  static func differOnlyInHidden(_ entries: [ModelEntry]) -> Bool {
    guard let first = entries.first, let shown = first.shown.first else { return false }
    let (importance, density) = (first.importance(instance: shown), first.density(instance: shown))
    func same(_ entry: ModelEntry) -> Bool {
      let (a, b) = (first.model, entry.model)
      return a.kind == b.kind && a.n == b.n && a.steps == b.steps && a.featureSets == b.featureSets
        && a.initialization == b.initialization && a.normalizesExamples == b.normalizesExamples
        && entry.shown.allSatisfy {
          entry.importance(instance: $0) == importance && entry.density(instance: $0) == density
        }
    }
    return entries.allSatisfy(same) && Set(entries.map(\.model.m)).count == entries.count
  }
}
