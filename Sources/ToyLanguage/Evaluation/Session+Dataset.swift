import ToyCore

/// Fixed training sets and the optimiser settings of Henighan et al. 2023 ("Superposition,
/// Memorization, and Double Descent"): `model … dataset=T normalize=unit`,
/// `train … weight_decay= warmup=`.
extension Session {
  /// `normalize=unit`: whether the sets' examples are rescaled to unit norm, as the note's
  /// are. It rescales a fixed set alone, so it is refused, where it is written, without
  /// `dataset=`.
  func normalizedExamples(_ given: [String: Parameter], _ source: Source) throws(Diagnostic) -> Bool {
    guard let parameter = given["normalize"] else { return false }
    let unit = try choice(parameter, "normalize", default: "none", source) == "unit"
    if unit && given["dataset"] == nil {
      throw Diagnostic(.normalizeNeedsDataset, at: parameter.nameSpan, in: source)
    }
    return unit
  }

  /// `dataset=T`: each setting's T (it may use the sweep's variables), for each of its
  /// instances (seeds, or the one row a check keeps per setting).
  func useTrainingSets(
    _ parameter: Parameter, _ combinations: [[(String, Double)]], normalize: Bool, _ model: inout ToyModel,
    sketch: inout ModelSketch?, _ source: Source
  ) throws(Diagnostic) {
    var sizes: [Int] = []
    for combination in combinations {
      let scope = Dictionary(uniqueKeysWithValues: combination.map { ($0.0, Value.number($0.1)) })
      sizes.append(try whole(parameter, scope, spec: "dataset", source))
    }
    sketch?.trainingSetSizes = sizes
    sketch?.normalizesExamples = normalize
    let copies = max(1, model.instanceCount / max(1, sizes.count))
    let perInstance = sizes.flatMap { [Int](repeating: $0, count: copies) }.prefix(model.instanceCount)
    do {
      try model.useTrainingSets(sizes: Array(perInstance), normalize: normalize)
    } catch {
      throw Diagnostic(.model(error), at: parameter.value.span, in: source)
    }
  }

  /// `lr=` and `schedule=` of `train` and `train sae`.
  func rateOptions(_ options: inout TrainingOptions, _ given: [String: Parameter], _ source: Source)
    throws(Diagnostic)
  {
    if let lr = given["lr"] {
      let v = try evaluator(source).evaluate(lr.value)
      guard case .number(let rate) = v, rate > 0, rate <= 10 else {
        throw Diagnostic(
          .parameterOutOfRange("lr", range: spec("lr").rangeText, got: v.literal), at: lr.value.span, in: source)
      }
      options.learningRate = rate
    }
    options.schedule = Schedule(rawValue: try choice(given["schedule"], "schedule", default: "constant", source))!
  }

  /// `weight_decay=` and `warmup=` of `train`; a warm-up longer than the call, and a weight
  /// decay Adam would ignore, are refused where they are written. A check trains one step,
  /// without warm-up.
  func henighanOptions(_ options: inout TrainingOptions, _ given: [String: Parameter], _ source: Source)
    throws(Diagnostic)
  {
    if let decay = given["weight_decay"] {
      let v = try evaluator(source).evaluate(decay.value)
      guard case .number(let x) = v, x >= 0, x <= 10 else {
        throw Diagnostic(
          .parameterOutOfRange("weight_decay", range: spec("weight_decay").rangeText, got: v.literal),
          at: decay.value.span, in: source)
      }
      guard x == 0 || options.optimizer == .adamW else {
        throw Diagnostic(.weightDecayNeedsAdamW(value: v.literal), at: decay.nameSpan, in: source)
      }
      options.weightDecay = x
    }
    if let warmup = given["warmup"] {
      // Scaled as the call's steps are (fast runs of the examples), so it keeps its share.
      let steps = Int((Double(try whole(warmup, [:], spec: "warmup", source)) * stepScale).rounded())
      guard steps <= options.steps else {
        throw Diagnostic(
          .model(.warmupTooLong(warmup: steps, steps: options.steps)), at: warmup.value.span, in: source)
      }
      options.warmupSteps = dryRun ? 0 : steps
    }
  }
}
