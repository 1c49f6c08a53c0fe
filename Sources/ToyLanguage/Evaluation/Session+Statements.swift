import ToyCore

/// The statements short enough to need no file of their own: reset, explore, use, for and
/// save. (`model` and `train` are in Session+Model.swift, `print` in Session+Metrics.swift,
/// `show` in Figures/, `load` in Files/, `export` in Session+Export.swift.)
extension Session {
  /// `reset`: the current model re-initialised: no steps, no moments, no loss history.
  func reset(_ statement: Statement, _ source: Source) throws(Diagnostic) {
    let entry = try currentEntry(statement.span, source)
    if var sketch = entry.sketch {
      sketch.reset()
      models[entry.name]?.model = heldWindow(of: sketch)
      models[entry.name]?.sketch = sketch
    } else {
      models[entry.name]?.model = try rebuild(entry.model, statement.span, source)
      if dryRun { checkLargestBuild = max(checkLargestBuild, entry.model.instanceCount) }
    }
    models[entry.name]?.shown = (0..<entry.settings.count).map { $0 * entry.seeds }
    models[entry.name]?.dynamics.reset()
    for index in entry.autoencoders.indices where entry.autoencoders[index].autoencoder.modelSteps != nil {
      models[entry.name]?.autoencoders[index].modelResetSince = true
    }
    emit(text: "\(entry.name): weights re-initialised", json: .object([("reset", .string(entry.name))]), statement)
  }

  /// `explore`: hands the current model to the front end's explorer (the prompt on a
  /// terminal); what the user leaves it at becomes the model `explored`.
  func explore(_ statement: Statement, _ source: Source) throws(Diagnostic) {
    let entry = try currentEntry(statement.span, source)
    guard !dryRun else { return }
    guard let onExplore else {
      throw Diagnostic(.exploreNeedsTerminal, at: statement.span, in: source)
    }
    guard let (model, text) = onExplore(entry) else { return }
    models["explored"] = ModelEntry(name: "explored", model: model, settings: [[]], seeds: 1, shown: [0])
    current = "explored"
    emit(text: "explored: \(text)", json: .object([("explored", .string(text))]), statement)
  }

  /// `use NAME`: makes a defined model current; for named autoencoders, their model and them.
  func use(_ name: String, _ nameSpan: Span, _ source: Source) throws(Diagnostic) {
    if models[name] == nil, let (model, index) = autoencoders(named: name) {
      models[model]?.currentAutoencoderIndex = index
      current = model
      return
    }
    guard models[name] != nil else {
      throw Diagnostic(
        .unknownModel(name, suggestion: suggestion(for: name, among: Array(models.keys))), at: nameSpan, in: source)
    }
    current = name
  }

  /// `for x in LIST do … end`: the body once per item, with `x` bound to it and restored
  /// after. An interruption inside stops the loop and the script.
  func loop(
    _ variable: String, _ variableSpan: Span, _ values: Expr, _ body: [Statement], _ statement: Statement,
    _ source: Source
  ) throws(Diagnostic) {
    guard variable != "i" else {
      throw Diagnostic(.loopVariableIsIndex, at: variableSpan, in: source)
    }
    guard loopDepth < Parser.loopDepthLimit else {
      throw Diagnostic(.loopsNestTooDeep(limit: Parser.loopDepthLimit), at: statement.span, in: source)
    }
    loopDepth += 1
    defer { loopDepth -= 1 }
    let list = try evaluator(source).evaluate(values)
    guard case .list(let items) = list else {
      throw Diagnostic(.loopNeedsList(type: list.typeName), at: values.span, in: source)
    }
    let saved = variables[variable]
    defer { variables[variable] = saved }
    for item in items {
      variables[variable] = item
      for inner in body {
        do {
          try execute(inner, source)
        } catch .failed(let diagnostic) {
          throw diagnostic
        } catch {
          cancellation.cancel()
          return
        }
      }
    }
  }

  /// `save PATH`: the current model as a model file. A check only notes it, so that a later
  /// `load` of the same path in the script checks against it.
  func save(_ path: String, _ pathSpan: Span, _ statement: Statement, _ source: Source) throws(Diagnostic) {
    let entry = try currentEntry(statement.span, source)
    let autoencoders = entry.autoencoders.map {
      (name: $0.name, autoencoder: $0.autoencoder, resampling: $0.resampling)
    }
    guard !dryRun else {
      checkedSaves[path] = (entry.model, entry.sketch, autoencoders)
      return
    }
    do {
      try ModelStore.save(entry.model, autoencoders: autoencoders, to: path)
    } catch {
      throw Diagnostic(.modelStore(error), at: pathSpan, in: source)
    }
    emit(text: "saved \(entry.name) to \(path)", json: .object([("saved", .string(path))]), statement)
  }
}
