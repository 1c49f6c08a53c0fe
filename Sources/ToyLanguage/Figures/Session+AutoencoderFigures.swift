import ToyCore
import ToyPlot

/// The `show` targets of the current model's sparse autoencoders (`sae`): the decoder
/// directions over the features, the cosines, the firing frequencies (a panel per autoencoder
/// instance), the L0–FVU frontier and the dictionary-size signals (one plot of the set). The
/// plot models come from `AutoencoderFigures`; here the instances are chosen and the numbers
/// behind each plot put in the display's JSON.
extension Session {
  /// `show decoder|cosines|…` and `export`: the current autoencoders, the instances
  /// `instance=` and `seed=` choose, the figure, and the payload around its numbers.
  func autoencoderPlotAndPayload(
    _ target: ShowTarget, _ given: [String: Parameter], _ statement: Statement, _ source: Source
  ) throws(Diagnostic) -> (any Plot, JSON.Node) {
    let (entry, sae) = try currentAutoencoders(statement.span, source)
    let instances = try autoencoderInstances(given["instance"], given["seed"], sae, target, statement.span, source)
    let canonical = try choice(given["orient"], "orient", default: "raw", source) == "canonical"
    let request = FigureRequest(
      target: target, entry: entry, views: [], seeds: .best, canonical: canonical, named: true, span: statement.span,
      seedSpan: nil, source: source, reader: reader(entry, reading: []), autoencoders: instances)
    let (plot, data) = try target.figure(self)(request)
    let described = autoencoderJSON(entry, sae, [], [], instances: instances)
    var rows: [JSON.Node] = []
    if case .object(let fields) = described, case .array(let chosen)? = fields.first(where: { $0.0 == "instances" })?.1
    {
      rows = chosen
    }
    let payload = JSON.Node.object(
      [
        ("model", .string(entry.name)), ("sae", .string(sae.name)), ("target", .string(target.rawValue)),
        ("steps", .number(Double(entry.model.steps))), ("sae_steps", .number(Double(sae.autoencoder.steps))),
      ] + Self.orientation(of: target, canonical: canonical) + [("instances", .array(rows)), ("data", data)])
    return (plot, payload)
  }

  /// Autoencoder instances from `instance=` (numbers, a list, or all) and `seed=` (the
  /// autoencoders' seed numbers, or all), every instance by default; at most
  /// `panelLimit` for the targets that draw a panel each (`print sae` draws none).
  func autoencoderInstances(
    _ instance: Parameter?, _ seed: Parameter?, _ sae: AutoencoderEntry, _ target: ShowTarget?, _ span: Span,
    _ source: Source
  ) throws(Diagnostic) -> [Int] {
    let count = sae.instances.count
    /// The whole numbers below `limit` a parameter gives (nil for `all`), or the text of a
    /// value that is not such numbers.
    func picked(_ parameter: Parameter, limit: Int) throws(Diagnostic) -> Result<[Int]?, Rejected> {
      switch parameter.value {
      case .name("all", _), .string("all", _): return .success(nil)
      // The models' seed=best: autoencoders have no loss that ranks their seeds.
      case .name("best", _), .string("best", _): return .failure(Rejected(literal: "best"))
      default: break
      }
      let value = try evaluator(source).evaluate(parameter.value)
      guard let numbers = value.numbers, !numbers.isEmpty,
        numbers.allSatisfy({ $0 == $0.rounded() && $0 >= 0 && $0 < Double(limit) })
      else { return .failure(Rejected(literal: value.literal)) }
      return .success(numbers.map { Int($0) })
    }
    var chosen = Array(0..<count)
    if let instance {
      switch try picked(instance, limit: count) {
      case .success(let picked): chosen = picked ?? chosen
      case .failure(let rejected):
        throw Diagnostic(
          .autoencoderInstanceOutOfRange(instances: count, got: rejected.literal), at: instance.value.span, in: source)
      }
    }
    if let seed {
      switch try picked(seed, limit: sae.seeds) {
      case .success(let seeds): chosen = chosen.filter { seeds?.contains(sae.instances[$0].seed) ?? true }
      case .failure(let rejected):
        throw Diagnostic(
          .autoencoderSeedOutOfRange(seeds: sae.seeds, got: rejected.literal), at: seed.value.span, in: source)
      }
    }
    if target?.perSetting == true && chosen.count > Self.panelLimit {
      throw Diagnostic(.tooManyPanels(chosen.count, settings: count), at: instance?.value.span ?? span, in: source)
    }
    return chosen
  }

  /// A value `instance=` or `seed=` cannot take, as the script wrote it.
  private struct Rejected: Error {
    var literal: String
  }

  /// The current autoencoders of a request's model (the request's target needs them).
  private func autoencoders(_ request: FigureRequest) throws(Diagnostic) -> AutoencoderEntry {
    guard let sae = request.entry.currentAutoencoder else {
      throw Diagnostic(.noAutoencoder(model: request.entry.name), at: request.span, in: request.source)
    }
    return sae
  }

  /// An autoencoder instance's panel title: its row's labels as `print sae` shows them
  /// ("l1 = 0.01, seed = 1"), or its number.
  private func autoencoderTitle(_ entry: ModelEntry, _ sae: AutoencoderEntry, _ instance: Int) -> String {
    let (header, rows) = autoencoderRows(entry, sae)
    let title = zip(header, rows[instance]).map { "\($0) = \($1)" }.joined(separator: ", ")
    return title.isEmpty ? "autoencoder \(instance)" : title
  }

  /// One instance's metrics on the evaluation batch.
  private func metrics(_ entry: ModelEntry, _ sae: AutoencoderEntry, _ instance: Int) -> AutoencoderMetrics {
    sae.autoencoder.metrics(instance: instance, model: entry.model, samples: evaluationSamples)
  }

  /// `show decoder`: each instance's decoder directions over its model setting's feature
  /// arrows (m = 2), a panel each.
  func decoderFigure(_ request: FigureRequest) throws(Diagnostic) -> Figure {
    let (entry, sae) = (request.entry, try autoencoders(request))
    guard entry.model.m == 2 else {
      throw Diagnostic(
        .plotNeedsTwoDimensions(target: request.target.rawValue, m: entry.model.m), at: request.span,
        in: request.source)
    }
    let plots = request.autoencoders.map { i in
      AutoencoderFigures.decoderPlot(
        model: entry.model, autoencoder: sae.autoencoder, instance: i, metrics: metrics(entry, sae, i),
        canonical: request.canonical, title: autoencoderTitle(entry, sae, i))
    }
    // The rows as drawn: turned too when the picture is (`orient` says which).
    let data = zip(request.autoencoders, plots).map { i, plot in
      JSON.Node.object([
        ("instance", .number(Double(i))), ("features", matrix(plot.drawnVectors)),
        ("decoder", matrix(plot.drawnLatents)), ("dead", JSON.numbers(plot.deadLatents.sorted().map(Double.init))),
      ])
    }
    return (panels(plots, request.named ? entry.name : nil), .array(data))
  }

  /// `show cosines`: each instance's latents × features, diagonal-ordered, a panel each.
  func cosinesFigure(_ request: FigureRequest) throws(Diagnostic) -> Figure {
    let (entry, sae) = (request.entry, try autoencoders(request))
    let drawn = request.autoencoders.map { i in
      AutoencoderFigures.cosinePlot(
        model: entry.model, autoencoder: sae.autoencoder, instance: i, title: autoencoderTitle(entry, sae, i))
    }
    let data = zip(request.autoencoders, drawn).map { i, drawn in
      JSON.Node.object([
        ("instance", .number(Double(i))), ("cosines", matrix(drawn.cosines)),
        ("order", JSON.numbers(drawn.order.map(Double.init))),
      ])
    }
    return (panels(drawn.map(\.plot), request.named ? entry.name : nil), .array(data))
  }

  /// `show firing`: each instance's firing frequencies as a log histogram, a panel each; the
  /// bin of dead latents only when some panel has one.
  func firingFigure(_ request: FigureRequest) throws(Diagnostic) -> Figure {
    let (entry, sae) = (request.entry, try autoencoders(request))
    let densities = request.autoencoders.map { metrics(entry, sae, $0).latentDensity }
    let bins = densities.map { AutoencoderFigures.firingBins($0, samples: evaluationSamples) }
    let anyDead = bins.contains { $0.dead > 0 }
    let plots = zip(request.autoencoders, bins).map { i, bins in
      AutoencoderFigures.firingPlot(bins, deadBin: anyDead, title: autoencoderTitle(entry, sae, i))
    }
    let data = request.autoencoders.indices.map { k in
      JSON.Node.object([
        ("instance", .number(Double(request.autoencoders[k]))), ("density", JSON.numbers(densities[k])),
        ("edges", JSON.numbers(bins[k].edges)), ("counts", JSON.numbers(bins[k].counts.map(Double.init))),
        ("dead", .number(Double(bins[k].dead))),
      ])
    }
    return (panels(plots, request.named ? entry.name : nil), .array(data))
  }

  /// The chosen instances grouped by the model setting and seed they read (and, with
  /// `byVariant`, by l1 or topk), each group in instance order.
  private func groups(_ sae: AutoencoderEntry, _ instances: [Int], byVariant: Bool) -> [[Int]] {
    var keys: [String] = []
    var groups: [String: [Int]] = [:]
    for i in instances {
      let instance = sae.instances[i]
      let variant = sae.autoencoder.settings[i].variant
      let kind = variant.k == nil ? "l1" : "topk"
      let key = "\(instance.modelSetting) \(instance.seed)" + (byVariant ? " \(kind) \(variant)" : "")
      if groups[key] == nil { keys.append(key) }
      groups[key, default: []].append(i)
    }
    return keys.map { groups[$0] ?? [] }
  }

  /// A group's name in a legend: the autoencoders' name, and the model setting and seed it
  /// reads when there are several groups.
  private func groupName(_ entry: ModelEntry, _ sae: AutoencoderEntry, _ first: Int, several: Bool) -> String {
    guard several else { return sae.name }
    let instance = sae.instances[first]
    let model = entry.settings[instance.modelSetting].isEmpty ? "" : label(entry, instance.modelSetting)
    let seed = sae.seeds > 1 ? "seed \(instance.seed)" : ""
    return [sae.name, model, seed].filter { !$0.isEmpty }.joined(separator: ", ")
  }

  /// `show frontier`: L0 against FVU, a line through each model setting's autoencoders, each
  /// point labelled by its λ or k (and its latents when they vary).
  func frontierFigure(_ request: FigureRequest) throws(Diagnostic) -> Figure {
    let (entry, sae) = (request.entry, try autoencoders(request))
    let groups = groups(sae, request.autoencoders, byVariant: false)
    guard groups.contains(where: { $0.count > 1 }) else {
      if let sweep = self.groups(sae, Array(sae.instances.indices), byVariant: false).first(where: { $0.count > 1 }) {
        throw Diagnostic(
          .pickedNoSweep(target: request.target.rawValue, example: Array(sweep.prefix(2))),
          at: request.span, in: request.source)
      }
      throw Diagnostic(.frontierNeedsSweep(sae: sae.name), at: request.span, in: request.source)
    }
    let metrics = Dictionary(uniqueKeysWithValues: request.autoencoders.map { ($0, self.metrics(entry, sae, $0)) })
    var drawn: [(name: String, points: [AutoencoderFigures.FrontierPoint])] = []
    var data: [JSON.Node] = []
    for group in groups {
      // Each point named by what varies along the line: λ or k, the latents, or both.
      let latents = Set(group.map { sae.autoencoder.latents(instance: $0) })
      let variants = Set(group.map { sae.autoencoder.settings[$0].variant })
      let points = group.map { i in
        let setting = sae.autoencoder.settings[i]
        let sparsity =
          setting.variant.k.map { "topk=\($0)" } ?? "l1=\(formatNumber(decimal(setting.variant.l1Coefficient)))"
        let size = "latents=\(setting.latents)"
        let label =
          latents.count > 1 && variants.count > 1 ? size + ", " + sparsity : (latents.count > 1 ? size : sparsity)
        return AutoencoderFigures.FrontierPoint(label: label, l0: metrics[i]!.l0, fvu: metrics[i]!.fvu ?? .nan)
      }
      let name = groupName(entry, sae, group[0], several: groups.count > 1)
      drawn.append((name, points))
      data.append(
        .object([
          ("name", .string(name)), ("instances", JSON.numbers(group.map(Double.init))),
          ("labels", .array(points.map { .string($0.label) })), ("l0", JSON.numbers(points.map(\.l0))),
          ("fvu", .array(points.map { $0.fvu.isFinite ? .number($0.fvu) : .null })),
        ]))
    }
    let plot = AutoencoderFigures.frontierPlot(drawn, title: "\(entry.name), \(sae.name): L0 against FVU")
    return (plot, .object([("series", .array(data))]))
  }

  /// `show dictionary`: across the dictionary sizes of each model setting's autoencoders, the
  /// dead latents, the MMCS with the next larger dictionary and the MMCS with the features.
  func dictionaryFigure(_ request: FigureRequest) throws(Diagnostic) -> Figure {
    let (entry, sae) = (request.entry, try autoencoders(request))
    // Each group's instances by size, one per size (the first of any repeats).
    func sizeGroups(_ instances: [Int]) -> [[Int]] {
      self.groups(sae, instances, byVariant: true).map { group in
        var seen: Set<Int> = []
        return group.sorted { sae.autoencoder.latents(instance: $0) < sae.autoencoder.latents(instance: $1) }
          .filter { seen.insert(sae.autoencoder.latents(instance: $0)).inserted }
      }.filter { $0.count > 1 }
    }
    let groups = sizeGroups(request.autoencoders)
    guard !groups.isEmpty else {
      if let sweep = sizeGroups(Array(sae.instances.indices)).first {
        throw Diagnostic(
          .pickedNoSweep(target: request.target.rawValue, example: Array(sweep.prefix(2))),
          at: request.span, in: request.source)
      }
      throw Diagnostic(.dictionaryNeedsSizes(sae: sae.name), at: request.span, in: request.source)
    }
    let signals = groups.map { group in
      AutoencoderFigures.dictionarySignals(
        sizes: group.map { sae.autoencoder.latents(instance: $0) },
        dictionaries: group.map { sae.autoencoder.decoderDirections(instance: $0) },
        metrics: group.map { metrics(entry, sae, $0) })
    }
    let names = groups.map { groupName(entry, sae, $0[0], several: groups.count > 1) }
    let plot = AutoencoderFigures.dictionaryPlot(
      signals, names: names, title: "\(entry.name), \(sae.name): dictionary size")
    func numbers(_ values: [Double?]) -> JSON.Node { .array(values.map { $0.map(JSON.Node.number) ?? .null }) }
    let data = zip(groups, signals).enumerated().map { k, pair in
      JSON.Node.object([
        ("name", .string(names[k])), ("instances", JSON.numbers(pair.0.map(Double.init))),
        ("latents", JSON.numbers(pair.1.sizes.map(Double.init))), ("dead", JSON.numbers(pair.1.dead.map(Double.init))),
        ("mmcs_next", numbers(pair.1.nextMMCS)), ("mmcs", numbers(pair.1.truthMMCS)),
      ])
    }
    return (plot, .object([("groups", .array(data))]))
  }
}
