import ToyCore

/// What the autoencoders of `sae` achieved: `print sae` (every metric as a table, then each
/// feature's best latent), the metric names (`print l0`, `print mmcs, dead`, `a.fvu`) and the
/// numbers behind them, computed by ToyCore's `metrics` on the model's fixed evaluation batch.
extension Session {
  /// The metrics of the current autoencoders, by the name `print` reads and the JSON's key.
  static let autoencoderMetricNames = ["l0", "mse", "fvu", "dead", "mmcs", "loss_recovered"]

  static let autoencoderMetricSummaries: [String: String] = [
    "l0": "L0: the mean number of latents active on a sample",
    "mse": "the reconstruction's mean squared error per hidden dimension",
    "fvu": "the fraction of the hidden state's variance the reconstruction leaves unexplained",
    "dead": "latents active on no sample of the evaluation batch",
    "mmcs": "the mean over features of the best cosine between a decoder direction and the feature's direction",
    "loss_recovered":
      "the share of the model's loss recovered when the reconstruction replaces its hidden state (1: all, 0: no "
      + "better than zeros)",
  ]

  /// Every instance's metrics, on the first `evaluationSamples` of its model setting's fixed
  /// evaluation batch (the same inputs for every autoencoder reading that setting).
  public func autoencoderMetrics(_ entry: ModelEntry, _ sae: AutoencoderEntry) -> [AutoencoderMetrics] {
    sae.autoencoder.settings.indices.map {
      sae.autoencoder.metrics(instance: $0, model: entry.model, samples: evaluationSamples)
    }
  }

  /// One metric of one instance; NaN where it is undefined (an FVU of hidden states that do
  /// not vary, an MMCS with no represented feature).
  static func value(_ name: String, of metrics: AutoencoderMetrics) -> Double {
    switch name {
    case "l0": return metrics.l0
    case "mse": return metrics.mse
    case "fvu": return metrics.fvu ?? .nan
    case "dead": return Double(metrics.deadLatents)
    case "mmcs": return metrics.mmcs ?? .nan
    case "loss_recovered": return metrics.lossRecovered ?? .nan
    default: return .nan
    }
  }

  /// A metric of the current autoencoders of `entry`, one number per instance; nil without
  /// autoencoders.
  func autoencoderMetric(_ name: String, of entry: ModelEntry) -> Value? {
    guard let sae = entry.currentAutoencoder else { return nil }
    return .list(autoencoderMetrics(entry, sae).map { .number(Self.value(name, of: $0)) })
  }

  /// The label columns of the instances' rows: the SAE setting's values, the model setting's
  /// when they read several, and the seed when there are several.
  func autoencoderRows(_ entry: ModelEntry, _ sae: AutoencoderEntry) -> (header: [String], rows: [[String]]) {
    var header: [String] = []
    for row in sae.settings { for (name, _) in row where !header.contains(name) { header.append(name) } }
    var columns: [[Double]] = header.map { name in
      sae.instances.map { instance in sae.settings[instance.setting].first { $0.0 == name }?.1 ?? .nan }
    }
    if sae.readsSeveralModelSettings {
      let modelLabels = entry.settings.first ?? []
      if modelLabels.isEmpty {
        header.append("model setting")
        columns.append(sae.instances.map { Double($0.modelSetting) })
      } else {
        for (c, label) in modelLabels.enumerated() {
          header.append(header.contains(label.0) ? "model \(label.0)" : label.0)
          columns.append(sae.instances.map { entry.settings[$0.modelSetting][c].1 })
        }
      }
    }
    if sae.seeds > 1 {
      header.append("seed")
      columns.append(sae.instances.map { Double($0.seed) })
    }
    let cells = columns.map { column in settingCells(column).map { $0 == "nan" ? "-" : $0 } }
    return (header, sae.instances.indices.map { r in cells.map { $0[r] } })
  }

  /// `print sae`: the current autoencoders' metrics, a row per instance, then each feature's
  /// best-matching latent and their cosine.
  func printAutoencoders(_ parameters: [Parameter], _ statement: Statement, _ source: Source) throws(Diagnostic) {
    let given = try checkedParameters(parameters, statement: "print sae", source)
    let (entry, sae) = try currentAutoencoders(statement.span, source)
    let chosen = try autoencoderInstances(given["instance"], given["seed"], sae, nil, statement.span, source)
    let metrics = chosen.map { sae.autoencoder.metrics(instance: $0, model: entry.model, samples: evaluationSamples) }
    let (labels, allRows) = autoencoderRows(entry, sae)
    let labelRows = chosen.map { allRows[$0] }
    let table = metricColumns(Self.autoencoderMetricNames, metrics, labels, labelRows)
    let directions = featureLabels(entry.model)
    var matchRows = labelRows
    for (r, instance) in metrics.enumerated() {
      matchRows[r] += instance.matches.map { match in
        match.map { "\($0.latent) (\(fixedDigits($0.cosine, 3)))" } ?? "-"
      }
    }
    let matches = TextTable(header: labels + directions, rows: matchRows, keep: labels.count)
    var lines = [
      "\(sae.name) on \(entry.name), \(sae.autoencoder.steps) steps:", table.render(width: textWidth), "",
      "each feature's best latent (cosine):", matches.render(width: textWidth),
    ]
    if let note = modelNote(entry, sae) { lines.append(note) }
    emit(
      text: lines.joined(separator: "\n"),
      json: autoencoderJSON(entry, sae, metrics, Self.autoencoderMetricNames, instances: chosen),
      statement, html: htmlTable(header: table.header, rows: table.rows))
  }

  /// What became of the model since the autoencoders last trained on it, if anything: reset
  /// (its steps may then be fewer, as many or more), or trained further. A model that
  /// took fewer steps than then was reset, also when a file carries no mark of it.
  private func modelNote(_ entry: ModelEntry, _ sae: AutoencoderEntry) -> String? {
    guard let trained = sae.autoencoder.modelSteps else { return nil }
    let now = entry.model.steps
    if sae.modelResetSince || now < trained {
      return
        "(\(entry.name) has been reset since these autoencoders trained on it at \(trained) steps; it has \(now) now)"
    }
    return trained == now ? nil : "(\(entry.name) has trained since: \(trained) steps then, \(now) now)"
  }

  /// `print l0`, `print mmcs, dead seed=1`: metrics of the current autoencoders (of the seeds
  /// `seed` picks, every one by default) as one table.
  func printAutoencoderMetrics(_ names: [String], seed: Parameter?, _ statement: Statement, _ source: Source)
    throws(Diagnostic)
  {
    let (entry, sae) = try currentAutoencoders(statement.span, source)
    let chosen = try autoencoderInstances(nil, seed, sae, nil, statement.span, source)
    let metrics = chosen.map { sae.autoencoder.metrics(instance: $0, model: entry.model, samples: evaluationSamples) }
    let (labels, allRows) = autoencoderRows(entry, sae)
    let table = metricColumns(names, metrics, labels, chosen.map { allRows[$0] })
    let values: [Value] = names.map { name in .list(metrics.map { .number(Self.value(name, of: $0)) }) }
    emit(
      text: table.render(width: textWidth), json: autoencoderJSON(entry, sae, metrics, names, instances: chosen),
      statement,
      value: values.count == 1 ? values[0] : .list(values), html: htmlTable(header: table.header, rows: table.rows))
  }

  /// A table of the label columns and one column per metric (dead as a count).
  private func metricColumns(
    _ names: [String], _ metrics: [AutoencoderMetrics], _ labels: [String], _ labelRows: [[String]]
  ) -> TextTable {
    let columns = names.map { name in
      let values = metrics.map { Self.value(name, of: $0) }
      return name == "dead" ? values.map { String(Int($0)) } : valueCells(values)
    }
    let rows = labelRows.indices.map { r in labelRows[r] + columns.map { $0[r] } }
    return TextTable(header: labels + names, rows: rows, keep: labels.count)
  }

  /// The model's feature directions as columns: f0, f1, … (abs: f0+, f0−, … for its signed
  /// inputs).
  private func featureLabels(_ model: ToyModel) -> [String] {
    guard model.kind.signedInputs else { return (0..<model.n).map { "f\($0)" } }
    return (0..<model.n).flatMap { ["f\($0)+", "f\($0)−"] }
  }

  /// The display's numbers: the instances (their number, labels, the model instance each
  /// reads), each metric as one value per instance under its name, each feature's best latent,
  /// each latent's firing frequency and the dictionary (each latent's unit decoder direction).
  /// `metrics` are those of `chosen` (every instance by default), in its order.
  func autoencoderJSON(
    _ entry: ModelEntry, _ sae: AutoencoderEntry, _ metrics: [AutoencoderMetrics], _ names: [String],
    instances chosen: [Int]? = nil
  ) -> JSON.Node {
    func number(_ x: Double) -> JSON.Node { x.isFinite ? .number(x) : .null }
    let chosen = chosen ?? Array(sae.instances.indices)
    let instances: [JSON.Node] = chosen.map { i in
      let (instance, setting) = (sae.instances[i], sae.autoencoder.settings[i])
      var fields: [(String, JSON.Node)] = [("instance", .number(Double(i)))]
      fields += sae.settings[instance.setting].map { ($0.0, .number($0.1)) }
      fields += [
        ("latents", .number(Double(setting.latents))),
        setting.variant.k.map { ("topk", .number(Double($0))) } ?? (
          "l1", .number(decimal(setting.variant.l1Coefficient))
        ),
        ("model_setting", .number(Double(instance.modelSetting))), ("model_instance", .number(Double(setting.source))),
        ("seed", .number(Double(instance.seed))),
      ]
      var seen: Set<String> = []
      return .object(fields.filter { seen.insert($0.0).inserted })
    }
    let values: [(String, JSON.Node)] = names.map { name in
      (name, .array(metrics.map { number(Self.value(name, of: $0)) }))
    }
    let matches: JSON.Node = .array(
      metrics.map { instance in
        .array(
          instance.matches.map { match in
            match.map { .object([("latent", .number(Double($0.latent))), ("cosine", .number($0.cosine))]) } ?? .null
          })
      })
    return .object([
      ("model", .string(entry.name)), ("sae", .string(sae.name)), ("steps", .number(Double(sae.autoencoder.steps))),
      ("model_steps", sae.autoencoder.modelSteps.map { .number(Double($0)) } ?? .null),
      ("instances", .array(instances)), ("metrics", .object(values)), ("matches", matches),
      ("latent_density", .array(metrics.map { JSON.numbers($0.latentDensity) })),
      (
        "decoder",
        .array(
          chosen.map { i in .array(sae.autoencoder.decoderDirections(instance: i).map(JSON.numbers)) })
      ),
    ])
  }
}
