import ToyCore

/// Metrics: names that read the current model (`loss`, `norms`, …), also as members of a
/// named model (`a.loss`). Per-instance metrics give one item per setting (its shown seed);
/// `print loss seed=all` gives one per seed of each setting.
extension Session {
  static let metricNames = [
    "loss", "norms", "superposition", "dimensionality", "dims", "steps", "density", "importance", "bias",
    "vulnerability", "train_loss", "test_loss", "data_dimensionality",
  ]

  /// The metrics of a model's fixed training sets (`dataset=`), an error on a model without.
  static let trainingSetMetricNames: Set = ["train_loss", "data_dimensionality"]

  /// The rule both per-feature geometry metrics share for dropped features.
  private static let notRepresented =
    "0 for a feature not represented (‖W_i‖ < \(formatNumber(FeatureGeometry.representedNorm)))"

  static let metricSummaries: [String: String] = [
    "loss": "each setting's loss (the notebook's, averaged over the last 100 steps)",
    "norms": "‖W_i‖ per feature",
    "superposition": "Σ_{j≠i}(Ŵ_i·W_j)² per feature; \(notRepresented)",
    "dimensionality": "feature dimensionality D_i per feature; \(notRepresented)",
    "dims": "dimensions per feature m/‖W‖_F²",
    "steps": "steps trained so far",
    "density": "1−S per feature",
    "importance": "importance per feature",
    "bias": "b per feature",
    "vulnerability":
      "the analytic attack's loss increase over a model without superposition (the paper's adversarial robustness "
      + "section)",
    "train_loss": "each setting's loss on its whole training set (models with dataset=)",
    "test_loss":
      "each setting's loss on fresh samples: the fixed evaluation batch, which no training set shares (rescaled "
      + "to unit norm with normalize=unit)",
    "data_dimensionality":
      "D_t of each training example's hidden vector Wx_t, as D_i of the features (Henighan et al. 2023; "
      + "dataset=); 0 below a norm of \(formatNumber(FeatureGeometry.representedNorm))",
  ]

  /// An instance's vulnerability (NaN where undefined). A check (dry run) validates the
  /// statement without the attack's costly optimisation, and gets NaN.
  func vulnerability(_ reader: InstanceReader, instance: Int) -> Double {
    dryRun ? .nan : vulnerabilities.value(of: reader[instance])
  }

  /// The largest n for which the attack of `vulnerability` is computed (its cost grows as n²
  /// times the evaluation batch).
  static let vulnerabilityLimit = 1000

  /// Refuses metrics this model does not have (no autoencoders, no loss yet, no training
  /// set) and those whose cost would not finish in reasonable time for it.
  func checkMetricSize(_ name: String, _ entry: ModelEntry, _ span: Span, _ source: Source) throws(Diagnostic) {
    if Self.autoencoderMetricNames.contains(name), entry.currentAutoencoder == nil {
      throw Diagnostic(.noAutoencoder(model: entry.name), at: span, in: source)
    }
    if Self.trainingSetMetricNames.contains(name), !entry.model.hasTrainingSets {
      throw Diagnostic(.needsTrainingSet(target: name), at: span, in: source)
    }
    if name == "loss", entry.model.steps == 0 {
      throw Diagnostic(.noLossYet(model: entry.name), at: span, in: source)
    }
    if name == "vulnerability", entry.model.n > Self.vulnerabilityLimit {
      throw Diagnostic(.vulnerabilityTooLarge(n: entry.model.n, limit: Self.vulnerabilityLimit), at: span, in: source)
    }
  }

  /// A metric of the current model, nil when the name is not a metric or there is no model.
  func metric(_ name: String) -> Value? {
    guard Self.metricNames.contains(name) || Self.autoencoderMetricNames.contains(name), let current,
      let entry = models[current]
    else { return nil }
    return metric(name, of: entry)
  }

  /// `instances`: the instances to read, one item each (default: each setting's shown seed).
  func metric(_ name: String, of entry: ModelEntry, instances: [Int]? = nil) -> Value? {
    if Self.autoencoderMetricNames.contains(name) { return autoencoderMetric(name, of: entry) }
    let read = instances ?? entry.shown
    let reader = reader(entry, reading: read)
    func perSetting(_ f: (Int) -> Value) -> Value { .list(read.map(f)) }
    func numbers(_ xs: [Double]) -> Value { .list(xs.map(Value.number)) }
    switch name {
    case "loss": return perSetting { .number(entry.recentLoss(instance: $0) ?? .nan) }
    case "norms": return perSetting { numbers(reader[$0].geometry.norms) }
    case "superposition": return perSetting { numbers(reader[$0].geometry.superposition) }
    case "dimensionality": return perSetting { numbers(reader[$0].geometry.dimensionality) }
    case "dims": return perSetting { .number(reader[$0].geometry.dimensionsPerFeature) }
    case "steps": return .number(Double(entry.model.steps))
    case "density": return perSetting { numbers(entry.density(instance: $0).map(decimal)) }
    case "importance": return perSetting { numbers(entry.importance(instance: $0).map(decimal)) }
    case "bias": return perSetting { numbers(reader[$0].bias) }
    case "vulnerability": return perSetting { .number(vulnerability(reader, instance: $0)) }
    case "train_loss": return perSetting { .number(reader[$0].trainLoss ?? .nan) }
    case "test_loss": return perSetting { .number(reader[$0].testLoss(samples: evaluationSamples)) }
    case "data_dimensionality": return perSetting { numbers(reader[$0].dataDimensionality) }
    default: return nil
    }
  }

  /// `print a, b`: values on one line; a metric alone as an aligned table with a row per setting
  /// (per seed of each setting with `seed=`). SAE metrics alone (`print l0, dead`) make a row
  /// per autoencoder, `seed=` picking the autoencoders' seeds.
  func printValues(_ expressions: [Expr], _ parameters: [Parameter], _ statement: Statement, _ source: Source)
    throws(Diagnostic)
  {
    let given = try checkedParameters(parameters, statement: "print", source)
    let autoencoderNames = expressions.compactMap { expression -> String? in
      guard case .name(let name, _) = expression, Self.autoencoderMetricNames.contains(name), variables[name] == nil
      else { return nil }
      return name
    }
    // SAE metrics alone: seed= picks the autoencoders' seeds, as for print sae.
    if autoencoderNames.count == expressions.count {
      try printAutoencoderMetrics(autoencoderNames, seed: given["seed"], statement, source)
      return
    }
    let references = expressions.compactMap(metricReference)
    var views: [SeedView]?
    if let parameter = given["seed"] {
      guard references.count == expressions.count, let entry = references.first?.0,
        references.allSatisfy({ $0.0.name == entry.name })
      else {
        throw Diagnostic(.seedNeedsOneModel, at: parameter.nameSpan, in: source)
      }
      let choice = try seedChoice(parameter, entry, source)
      views = seedViews(entry, Array(entry.settings.indices), choice)
    }
    if expressions.count == 1, let (entry, name) = metricReference(expressions[0]) {
      try checkMetricSize(name, entry, expressions[0].span, source)
      guard let value = metric(name, of: entry, instances: views?.map(\.instance)) else { return }
      let drawn = table(name, value, entry, views)
      emit(
        text: drawn.text, json: metricJSON(name, value, entry, views), statement, value: value, html: drawn.html)
      return
    }
    var values: [Value] = []
    if let views, let entry = references.first?.0 {
      for (expression, (_, name)) in zip(expressions, references) {
        try checkMetricSize(name, entry, expression.span, source)
        values.append(metric(name, of: entry, instances: views.map(\.instance)) ?? .number(.nan))
      }
    } else {
      for expression in expressions { values.append(try evaluator(source).evaluate(expression)) }
    }
    let drawn = metricsTable(expressions, values, views)
    // Metrics of one model that do not fit one table (a number per feature): a table each,
    // under its name, as each would print alone.
    if drawn == nil, references.count == expressions.count, let entry = references.first?.0,
      references.allSatisfy({ $0.0.name == entry.name })
    {
      let tables = zip(references, values).map { reference, value in
        (reference.1, table(reference.1, value, entry, views))
      }
      let html = tables.compactMap { name, drawn in drawn.html.map { "<p>\(name)</p>" + $0 } }
      emit(
        text: tables.map { "\($0.0):\n\($0.1.text)" }.joined(separator: "\n\n"), json: .array(values.map(Self.json)),
        statement, value: .list(values), html: html.count == tables.count ? html.joined() : nil)
      return
    }
    emit(
      text: drawn?.text ?? values.map(\.description).joined(separator: " "), json: .array(values.map(Self.json)),
      statement, value: values.count == 1 ? values[0] : .list(values), html: drawn?.html)
  }

  /// `print steps, loss, dims`: metrics of one model that are each a number per setting (or
  /// one number for the model, repeated) as one table with a column per metric. Nil when the
  /// values are anything else, such as a metric per feature. As aligned text and as HTML.
  private func metricsTable(_ expressions: [Expr], _ values: [Value], _ views: [SeedView]?) -> (
    text: String, html: String
  )? {
    let references = expressions.compactMap(metricReference)
    guard references.count == expressions.count, let entry = references.first?.0,
      references.allSatisfy({ $0.0.name == entry.name })
    else { return nil }
    let count = views?.count ?? entry.settings.count
    var columns: [[Double]] = []
    for value in values {
      switch value {
      case .number(let x): columns.append(Array(repeating: x, count: count))
      case .list(let items) where items.count == count:
        guard let numbers = value.numbers, numbers.count == count else { return nil }
        columns.append(numbers)
      default: return nil
      }
    }
    let (labels, labelRows) = settingColumns(entry, views)
    let cells = columns.map { column in
      column.allSatisfy { $0.isFinite && $0 == $0.rounded() && Swift.abs($0) < 1e15 }
        ? column.map { String(Int($0)) } : valueCells(column)
    }
    let names = references.map { entry.name == current ? $0.1 : "\(entry.name).\($0.1)" }
    let rows = labelRows.indices.map { r in labelRows[r] + cells.map { $0[r] } }
    return (
      TextTable(header: labels + names, rows: rows, keep: labels.count).render(width: textWidth),
      htmlTable(header: labels + names, rows: rows)
    )
  }

  /// The model and metric an expression names (`loss` or `a.loss`), if it is exactly that.
  private func metricReference(_ expression: Expr) -> (ModelEntry, String)? {
    switch expression {
    case .name(let name, _) where Self.metricNames.contains(name) && variables[name] == nil:
      guard let current, let entry = models[current] else { return nil }
      return (entry, name)
    case .member(.name(let model, _), let name, _) where Self.metricNames.contains(name):
      guard let entry = models[model] else { return nil }
      return (entry, name)
    default:
      return nil
    }
  }

  static func json(_ value: Value) -> JSON.Node {
    switch value {
    case .number(let x): return .number(x)
    case .string(let s): return .string(s)
    case .list(let items): return .array(items.map(json))
    case .model(let name): return .object([("model", .string(name))])
    }
  }

  /// Column labels for a model's settings: its sweep variables, or 1−S when nothing was swept;
  /// with `views` (from `seed=`), a row per view and a last column for its seed number.
  func settingColumns(_ entry: ModelEntry, _ views: [SeedView]? = nil) -> (header: [String], rows: [[String]]) {
    let settings = views?.map(\.setting) ?? Array(entry.settings.indices)
    var result: (header: [String], rows: [[String]])
    if let first = entry.settings.first, !first.isEmpty {
      let columns = first.indices.map { c in settingCells(settings.map { entry.settings[$0][c].1 }) }
      result = (first.map(\.0), settings.indices.map { r in columns.map { $0[r] } })
    } else {
      let densities = settings.map { decimal(entry.density(instance: entry.shown[$0])[0]) }
      result = (["1−S"], settingCells(densities).map { [$0] })
    }
    guard let views else { return result }
    return (result.header + ["seed"], zip(result.rows, views).map { $0 + [String($1.seed ?? 0)] })
  }

  /// A metric per setting as a table (aligned text and HTML); a single value as its text alone.
  func table(_ name: String, _ value: Value, _ entry: ModelEntry, _ views: [SeedView]? = nil) -> (
    text: String, html: String?
  ) {
    guard case .list(let perSetting) = value else { return (value.description, nil) }
    let (labels, labelRows) = settingColumns(entry, views)
    var header = labels
    var rows = labelRows
    let numbers = perSetting.map { $0.numbers ?? [] }
    // A column per item of the longest list (training sets of a sweep differ in size): the
    // items are training examples t for data_dimensionality, features otherwise.
    let width = numbers.map(\.count).max() ?? 0
    if perSetting.contains(where: { if case .list = $0 { true } else { false } }) {
      header += (0..<width).map { name == "norms" ? "‖W\($0)‖" : name == "data_dimensionality" ? "t\($0)" : "f\($0)" }
    } else {
      header.append(name)
    }
    // One number of decimals for all the value columns: they hold the same quantity.
    let cells = valueCells(numbers.flatMap { row in (0..<width).map { $0 < row.count ? row[$0] : .nan } })
    for r in rows.indices { rows[r] += cells[r * width..<(r + 1) * width] }
    return (
      TextTable(header: header, rows: rows, keep: labels.count).render(width: textWidth),
      htmlTable(header: header, rows: rows)
    )
  }

  /// The metric's payload; with `views` (from `seed=`), `settings`, `instances` and `seeds`
  /// hold one item per view.
  func metricJSON(_ name: String, _ value: Value, _ entry: ModelEntry, _ views: [SeedView]? = nil) -> JSON.Node {
    let settings = views?.map(\.setting) ?? Array(entry.settings.indices)
    let instances = views?.map(\.instance) ?? entry.shown
    var fields: [(String, JSON.Node)] = [
      ("model", .string(entry.name)), ("metric", .string(name)), ("steps", .number(Double(entry.model.steps))),
      ("settings", .array(settings.map { .object(entry.settings[$0].map { ($0.0, .number($0.1)) }) })),
      ("instances", .array(instances.map { .number(Double($0)) })),
    ]
    if entry.seeds > 1 { fields.append(("seeds", JSON.numbers(instances.map { Double(seedNumber(entry, $0)) }))) }
    return .object(fields + [("values", Self.json(value))])
  }
}

/// Table cells for values of one quantity, all with the same number of decimals: enough for
/// three significant digits of the smallest that matters (at least 1% of the largest; smaller
/// ones read as about zero), from 4 to 8. Values reaching 10⁶ get significant digits
/// instead. "-" for a value that is not finite.
func valueCells(_ values: [Double]) -> [String] {
  let magnitudes = values.filter(\.isFinite).map(Swift.abs)
  let largest = magnitudes.max() ?? 0
  guard largest < 1e6 else { return values.map { $0.isFinite ? formatNumber($0, significant: 4) : "-" } }
  let smallest = magnitudes.filter { $0 > 0 && $0 >= largest * 0.01 }.min() ?? 1
  var decimals = 2
  var scaled = smallest
  while scaled < 1 && decimals < 8 {
    scaled *= 10
    decimals += 1
  }
  decimals = max(4, decimals)
  return values.map { $0.isFinite ? fixedDigits($0, decimals) : "-" }
}

/// A column of setting values (a sweep variable, or 1−S): four significant digits, or more
/// where two different values would otherwise read alike.
func settingCells(_ values: [Double]) -> [String] {
  let distinct = Set(values).count
  for significant in 4...15 {
    let cells = values.map { formatNumber($0, significant: significant) }
    if Set(cells).count == distinct { return cells }
  }
  return values.map { formatNumber($0) }
}
