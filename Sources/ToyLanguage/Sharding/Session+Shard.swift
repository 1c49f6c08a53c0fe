import ToyCore

/// Split training (ShardTraining.swift) in the evaluator: what a share runs, skips and
/// refuses, and how each `train` trains a share's instances or takes its assembled result.
///
/// A share runs the statements that decide what trains (models, `train`, loops, assignments,
/// `use`, `reset`, `load`) and skips the ones that show or write. Its models hold only the
/// share's instances, so it knows no model's numbers: an assignment that reads them leaves
/// its variable unknown, and training that depends on them (a parameter, a sweep, a loop's
/// list) is refused where it reads them.
extension Session {
  /// The instances of the whole model an entry stands for (a share holds a window of them).
  func wholeInstances(_ entry: ModelEntry) -> Int { entry.settings.count * entry.seeds }

  /// Whether a share has dealt with `statement` itself (skipped it, or run it its own way);
  /// false when the evaluator runs it as usual.
  func shareHandles(_ statement: Statement, _ source: Source) throws(Diagnostic) -> Bool {
    guard let sharding, sharding.share != nil else { return false }
    switch statement.kind {
    // Autoencoders read the whole trained model: the run that assembles the parts (--from)
    // trains them.
    case .print, .expression, .show, .export, .help, .sae, .trainSAE, .printSAE:
      return true
    case .save(let path, _):
      sharding.unsavedPaths.insert(path)
      return true
    case .load(let path, let pathSpan):
      try refuseUnsaved(path, pathSpan, source)
      let name = Self.automaticName(ordinal + 1)
      try load(path, pathSpan, named: name, source)
      shareLoaded(name)
      return true
    case .assignment(let name, let nameSpan, let value):
      // Whatever it held, the name now holds something else.
      sharding.unknownValues[name] = nil
      switch value.kind {
      case .sae:
        return true
      case .load(let path, let pathSpan):
        try refuseUnsaved(path, pathSpan, source)
        try assign(name, nameSpan, value, source)
        shareLoaded(name)
        return true
      case .expression:
        do {
          try assign(name, nameSpan, value, source)
        } catch {
          guard case .evaluation(.shardNeedsModelNumbers(let read, _, let line)) = error.kind else { throw error }
          // Unknown until something trains on it; then refused there.
          sharding.unknownValues[name] = ShardTraining.UnknownValue(read: read, line: line)
          variables[name] = nil
        }
        return true
      default:
        return false
      }
    case .reset:
      let entry = try currentEntry(statement.span, source)
      let model = entry.model
      do {
        models[entry.name]?.model = try model.initialWindow(0..<model.instanceCount, of: wholeInstances(entry))
      } catch {
        throw Diagnostic(.model(error), at: statement.span, in: source)
      }
      models[entry.name]?.dynamics.reset()
      return true
    default:
      return false
    }
  }

  private func refuseUnsaved(_ path: String, _ pathSpan: Span, _ source: Source) throws(Diagnostic) {
    if sharding?.unsavedPaths.contains(path) == true {
      throw Diagnostic(.shardLoadsUnsavedFile(path: path), at: pathSpan, in: source)
    }
  }

  /// A share's evaluator: reading a model's numbers, or a variable computed from them, is
  /// refused with the place it reads them. `extra` names shadow the session's, as in
  /// `evaluator(_:extra:)`.
  func guardForShare(_ evaluator: inout ExpressionEvaluator, extra: [String: Value], _ source: Source) {
    guard let sharding, sharding.share != nil else { return }
    let (lookup, member) = (evaluator.lookup, evaluator.member)
    evaluator = ExpressionEvaluator(
      source: source,
      lookup: { [unowned self] name, span throws(Diagnostic) in
        if extra[name] == nil {
          // A loop variable of the same name holds a value of its own.
          if let unknown = sharding.unknownValues[name], self.variables[name] == nil {
            throw Diagnostic(
              .shardNeedsModelNumbers(read: unknown.read, through: name, line: unknown.line), at: span, in: source)
          }
          if self.variables[name] == nil, self.models[name] == nil, Self.metricNames.contains(name) {
            throw Diagnostic(
              .shardNeedsModelNumbers(read: name, through: nil, line: source.location(of: span.start).line), at: span,
              in: source)
          }
        }
        return try lookup(name, span)
      },
      knownNames: evaluator.knownNames,
      member: { [unowned self] value, name, span throws(Diagnostic) in
        if case .model(let model) = value, self.models[model] != nil {
          throw Diagnostic(
            .shardNeedsModelNumbers(
              read: source.text(of: span), through: nil, line: source.location(of: span.start).line),
            at: span, in: source)
        }
        return try member(value, name, span)
      })
  }

  /// A share keeps only its instances of a model just defined: consecutive instances of
  /// about 1/N of its cost (see `TrainingShare`), fresh, as a window of the whole.
  func shareModel(_ name: String, _ span: Span, _ source: Source) throws(Diagnostic) {
    guard let sharding, let share = sharding.share, let whole = models[name]?.model else { return }
    let range = share.instances(costs: whole.instanceCosts, turn: sharding.turn)
    sharding.turn = (sharding.turn + share.turn(after: whole.instanceCount)) % share.count
    sharding.instances[name] = range
    do {
      // A share without any of the model's instances keeps one, which it never trains.
      models[name]?.model = try whole.initialWindow(range.isEmpty ? 0..<1 : range)
    } catch {
      throw Diagnostic(.model(error), at: span, in: source)
    }
  }

  /// A loaded model may have trained already, so it cannot be split: one share, in turn,
  /// trains all of it, and the others none.
  private func shareLoaded(_ name: String) {
    guard let sharding, let share = sharding.share, let model = models[name]?.model else { return }
    let taken = !share.instances(costs: [1], turn: sharding.turn).isEmpty
    sharding.turn = (sharding.turn + 1) % share.count
    sharding.instances[name] = taken ? 0..<model.instanceCount : 0..<0
  }

  /// Whether `train` records every feature's D_i for `show dynamics`: decided by the whole
  /// model's size, so that every share records exactly when one run would.
  func recordsDynamics(_ entry: ModelEntry) -> Bool {
    wholeInstances(entry) * entry.model.n * entry.model.n * entry.model.m <= DimensionalityHistory.costLimit
  }

  /// Before a `train` trains: an assembly takes the next result from the parts, checked to
  /// be of this statement, this model and these steps.
  func prepareSharedTrain(
    _ entry: ModelEntry, _ options: TrainingOptions, _ statement: Statement, _ source: Source
  ) throws(Diagnostic) {
    guard let sharding else { return }
    defer { sharding.trainsRun += 1 }
    guard case .assembly(let results) = sharding.role else { return }
    let (line, column) = source.location(of: statement.span.start)
    let expected = TrainResult(
      model: entry.name, line: line, column: column, steps: options.steps, instances: wholeInstances(entry), first: 0,
      trained: nil, dynamics: nil)
    let index = sharding.trainsRun
    guard index < results.count, results[index].isSameTrain(as: expected), results[index].trained != nil else {
      let found = index < results.count ? results[index].summary : "nothing"
      throw Diagnostic(.shardPartsDisagree(expected: expected.summary, found: found), at: statement.span, in: source)
    }
    sharding.pending = results[index]
  }

  /// Trains the model, as a share trains its instances, or takes the assembled result.
  func trainShared(
    _ model: inout ToyModel, _ options: TrainingOptions, _ entry: ModelEntry,
    observe: @escaping (TrainingProgress, ToyModel) -> Void
  ) throws(ModelError) -> TrainingOutcome {
    let done = TrainingOutcome.completed(steps: options.steps)
    switch sharding?.role {
    case nil:
      return try model.train(options, cancellation: cancellation, observe: observe)
    case .assembly:
      if let trained = sharding?.pending?.trained {
        // A part's file keeps the weights, not which fixed sets the script gave: these do.
        let (sizes, normalize) = (model.trainingSetSizes, model.normalizesExamples)
        model = trained
        if !sizes.isEmpty { try model.useTrainingSets(sizes: sizes, normalize: normalize) }
      }
      return done
    case .share:
      if sharding?.instances[entry.name]?.isEmpty == true { return done }
      do throws(ModelError) {
        return try model.train(options, cancellation: cancellation, observe: observe)
      } catch {
        // Named by its index in the whole model, as one run names it.
        guard case .diverged(let instance, let step, let loss) = error else { throw error }
        throw .diverged(instance: model.firstInstance + instance, step: step, loss: loss)
      }
    }
  }

  /// After a `train` trained: a share keeps its result and is done with the statement
  /// (true); an assembly takes the recorded dynamics too and goes on as one run does.
  func finishSharedTrain(
    _ entry: ModelEntry, _ model: ToyModel, _ dynamics: inout DimensionalityHistory, _ options: TrainingOptions,
    _ statement: Statement, _ source: Source
  ) -> Bool {
    guard let sharding else { return false }
    let recording = recordsDynamics(entry)
    switch sharding.role {
    case .assembly:
      if recording, let recorded = sharding.pending?.dynamics { dynamics = recorded }
      sharding.pending = nil
      return false
    case .share:
      let range = sharding.instances[entry.name] ?? 0..<model.instanceCount
      let (line, column) = source.location(of: statement.span.start)
      let keepsDynamics = sharding.keepsDynamics ?? ShardTraining.drawsDynamics(source)
      sharding.keepsDynamics = keepsDynamics
      sharding.results.append(
        TrainResult(
          model: entry.name, line: line, column: column, steps: options.steps, instances: wholeInstances(entry),
          first: range.lowerBound, trained: range.isEmpty ? nil : model,
          dynamics: range.isEmpty || !recording || !keepsDynamics ? nil : dynamics))
      models[entry.name]?.model = model
      return true
    }
  }
}

extension TrainResult {
  /// "model1, 400 instances, 10000 steps, at 3:1".
  var summary: String { "\(model), \(instances) instances, \(steps) steps, at \(line):\(column)" }
}
