import ToyCore

/// How a check (dry run) reads and trains a model it keeps sketched (see ModelSketch): a
/// window of instances at a time, each holding exactly the numbers those instances of the
/// whole would hold, so that every statement checks what it checks on the whole (the counts
/// and limits of the whole model, a setting that diverges, the values an expression reads)
/// in the memory of one window.
extension Session {
  /// Instances `range` of a sketched model, as the whole holds them now.
  func window(of sketch: ModelSketch, _ range: Range<Int>) -> ToyModel {
    checkLargestBuild = max(checkLargestBuild, range.count)
    do {
      return try sketch.model(instances: range)
    } catch {
      // The define statement checked every row, and the whole took these trainings.
      preconditionFailure("instances \(range) of a checked model cannot be rebuilt: \(error)")
    }
  }

  /// The instance a sketched model's entry holds: instance 0, trained as the whole is.
  func heldWindow(of sketch: ModelSketch) -> ToyModel { window(of: sketch, 0..<1) }

  /// A reader of `entry`'s instances that will read `instances`.
  func reader(_ entry: ModelEntry, reading instances: [Int]) -> InstanceReader {
    guard let sketch = entry.sketch else { return InstanceReader(whole: entry.model) }
    return InstanceReader(reading: instances, windowSize: sketch.instancesPerWindow(floats: checkWindowFloats)) {
      [unowned self] range in self.window(of: sketch, range)
    }
  }

  /// `problem.trainedPoints` of an entry's whole model: for a sketched one, windows of whole
  /// settings at a time.
  func trainedPoints(_ problem: PhaseChange, _ entry: ModelEntry) -> [PhaseChange.TrainedPoint] {
    guard let sketch = entry.sketch else {
      return problem.trainedPoints(entry.model, seeds: entry.seeds, samples: evaluationSamples)
    }
    let settings = max(1, sketch.instancesPerWindow(floats: checkWindowFloats) / entry.seeds)
    return sketch.windows(of: settings * entry.seeds).flatMap { range in
      problem.trainedPoints(window(of: sketch, range), seeds: entry.seeds, samples: evaluationSamples)
    }
  }

  /// A check's `train` of a sketched model: every instance takes the step, a window at a
  /// time, so that a setting that diverges is named as it would be on the whole; the D_i
  /// that `show dynamics` records, the best seed of each setting and every instance's loss
  /// are gathered likewise. The sketch then records the step, and the entry holds instance 0
  /// trained.
  func trainSketch(
    _ entry: ModelEntry, _ sketch: ModelSketch, _ options: TrainingOptions, _ span: Span, _ source: Source
  ) throws(Diagnostic) {
    let windows = sketch.windows(of: sketch.instancesPerWindow(floats: checkWindowFloats))
    let recording = DimensionalityHistory.records(instances: sketch.instanceCount, n: sketch.n, m: sketch.m)
    var dynamics = entry.dynamics
    defer { models[entry.name]?.dynamics = dynamics }
    if recording && sketch.trainings.isEmpty {
      dynamics.record(
        step: 0, values: windows.flatMap { DimensionalityHistory.dimensionalities(window(of: sketch, $0)) })
    }
    var trainedDimensionalities: [[Double]] = []
    var evaluationLosses: [Double] = []
    var recentLosses: [Double?] = []
    for range in windows {
      var model = window(of: sketch, range)
      do {
        if try model.train(options, cancellation: cancellation).cancelled {
          stoppedTraining = true
          return
        }
      } catch .diverged(let instance, let step, let loss) {
        throw divergence(
          entry, instance: range.lowerBound + instance, step: step, loss: loss, rate: options.learningRate, span,
          source)
      } catch {
        throw Diagnostic(.model(error), at: span, in: source)
      }
      recentLosses += (0..<model.instanceCount).map { model.recentLoss(instance: $0) }
      if recording { trainedDimensionalities += DimensionalityHistory.dimensionalities(model) }
      if entry.seeds > 1 { evaluationLosses += model.evaluationLoss(samples: evaluationSamples) }
    }
    var trained = sketch
    trained.trainings.append(options)
    trained.recentLosses = recentLosses
    models[entry.name]?.sketch = trained
    models[entry.name]?.model = heldWindow(of: trained)
    if recording { dynamics.record(step: trained.trainings.count, values: trainedDimensionalities) }
    if entry.seeds > 1 { models[entry.name]?.shown = SeedSelection.best(losses: evaluationLosses, seeds: entry.seeds) }
  }
}
