import ToyCore

/// Why a statement or an expression cannot run. Each case names the condition and carries
/// what varies (names, limits, values as the script wrote them, type names such as "a list
/// of 3"); the messages and their hints live here and nowhere else, so that they read alike
/// and tests can name them. Errors of the core and of model files keep their own cases and
/// texts, wrapped.
public enum EvaluationError: Error, Hashable, Sendable {
  // Names and values.
  case undefinedName(String, suggestion: String?)
  case unknownFunction(String, suggestion: String?)
  /// `value.name` where the value has no such member (`type` as `Value.typeName` gives it).
  case unknownMember(String, type: String, suggestion: String?)
  case unknownModel(String, suggestion: String?)
  case noModel
  /// An assignment to a function's, a metric's or the feature index's name.
  case builtInName(String)
  /// An assignment of a value to a model's name.
  case modelName(String)
  case notAssignable
  case loopVariableIsIndex
  case loopNeedsList(type: String)

  // Expressions.
  case divisionByZero
  case notFinite(Double)
  case operationNotFinite(Double, BinaryOperator, Double)
  case listLengthsDiffer(BinaryOperator, Int, Int)
  case operandTypes(BinaryOperator, String, String)
  case listsNestTooDeep(limit: Int)
  case notIndexable(type: String)
  case emptyListIndexed
  case indexOutOfRange(count: Int)
  /// A function called with arguments it cannot take.
  case call(function: String, signature: String, ArgumentError)

  // Statements' parameters; `range` is the parameter's `ParameterSpec.rangeText`.
  case unknownParameter(String, statement: String, suggestion: String?, accepted: [String])
  case parameterGivenTwice(String)
  /// A value outside its range, as the script would write it (`0`, `"5"`, `2.5`).
  case parameterOutOfRange(String, range: String, got: String)
  /// A word that is not one of the parameter's choices.
  case unknownChoice(String, range: String, word: String, suggestion: String?)
  case parameterWrongType(String, range: String, type: String)
  /// A value of the wrong form, named by the range alone (`kind=3`, `correlated=2`).
  case parameterMalformed(String, range: String)
  case stepsOutOfRange(limit: Int, got: String)
  /// `weight_decay=` above 0 with `optimizer=adam`, which has no weight decay (`value` as written).
  case weightDecayNeedsAdamW(value: String)

  // Models.
  case densityAndSparsity
  case sweepVariableIsIndex
  case sweptTwice(String)
  case sweepNeedsNumbers(type: String)
  case sweepTooLarge(limit: Int)
  /// A parameter that one statement's instances share, given a value that changes across its sweep.
  case sharedParameterVaries(String, statement: String)
  case featureCountMissing
  case hiddenCountMissing
  case shapeVaries
  case tooManyInstances(settings: Int, seeds: Int, limit: Int)
  case perFeatureNotNumber(String, type: String)
  case perFeatureNotNumbers(String)
  /// A per-feature list whose length is not n; `list` is the list as `print` shows it.
  case perFeatureCount(String, count: Int, n: Int, list: String)
  case featureValueOutOfRange(String, feature: Int, value: Double, range: String)
  case featureSetInvalid(n: Int, got: String)
  /// Training met a non-finite number; `setting` names the instance ("p=0.5, seed 2").
  case diverged(model: String, setting: String, step: Int, loss: Float?, cause: DivergenceCause)
  case model(ModelError)
  case modelStore(ModelStoreError)

  // Sparse autoencoders.
  /// `sae` on a model that has taken no step: there are no features to find yet.
  case autoencoderNeedsTrainedModel(model: String)
  /// `train sae`, `print sae` or an SAE metric on a model without autoencoders.
  case noAutoencoder(model: String)
  /// The name of autoencoders (`b = sae …`) used as a value, as in `print b.mmcs`.
  case autoencodersAreNotAValue(String)
  case l1AndTopK
  case topKAboveLatents(k: Int, latents: Int)
  case tooManyAutoencoders(Int, limit: Int)
  case autoencoder(AutoencoderError)
  /// `show frontier` of autoencoders that are not a sweep of several settings.
  case frontierNeedsSweep(sae: String)
  /// `show dictionary` of autoencoders without two dictionary sizes on one model setting.
  case dictionaryNeedsSizes(sae: String)
  /// `show frontier` or `show dictionary` (`target`) whose `instance=` or `seed=` picks fewer
  /// than two points of any sweep the autoencoders hold; `example` is two that do.
  case pickedNoSweep(target: String, example: [Int])
  /// `instance=` or `seed=` of an autoencoder figure naming none of the autoencoders.
  case autoencoderInstanceOutOfRange(instances: Int, got: String)
  /// `seed=` of `print sae` or an autoencoder plot: the autoencoders' seeds, not the model's.
  case autoencoderSeedOutOfRange(seeds: Int, got: String)

  // Displays and files.
  case unknownPlot(String, suggestion: String?)
  case unknownHelpTopic(String, suggestion: String?)
  case exploreNeedsTerminal
  case exportFormat(path: String)
  case writeFailed(path: String, reason: String)
  /// A plot of 2-D models (geometry, hidden) asked of another.
  case plotNeedsTwoDimensions(target: String, m: Int)
  case liveGeometryNeedsTwoDimensions(m: Int)
  case neuronsNeedHiddenLayer(kind: String)
  /// A figure or metric of fixed training sets (datapoints, descent, train_loss,
  /// data_dimensionality) asked of a model without `dataset=`.
  case needsTrainingSet(target: String)
  /// `normalize=unit` on a model without `dataset=`.
  case normalizeNeedsDataset
  /// `show descent models=` naming one model: its own curve is `show descent`.
  case descentMapOneModel(String)
  case descentMapTooManyModels(Int, limit: Int)
  /// Models of `show descent models=` of which some train on unit-norm examples and some
  /// on raw ones: `model` differs from `other`, the first named.
  case descentMapNormalizeMixed(model: String, other: String, normalized: Bool)
  /// A model named twice in `show descent models=`.
  case descentMapModelRepeated(String)
  /// A model of `show descent models=` with two settings of one training-set size.
  case descentMapSizeRepeated(model: String, size: Int)
  /// `models=` of a target other than descent.
  case modelsNeedDescent(target: String)
  /// `instance=` or `seed=` beside `models=`, which draws every setting of each model.
  case modelsPickSettings(parameter: String)
  /// `loss` of a model that has taken no step.
  case noLossYet(model: String)
  case notTrained
  case vulnerabilityTooLarge(n: Int, limit: Int)
  case vulnerabilityNeedsTied(kind: String)
  case dynamicsTooLarge(instances: Int, n: Int, m: Int, limit: Int)
  case dynamicsOneSetting(settings: Int, seeds: Int)
  case instanceOutOfRange(settings: Int, got: String)
  case tooManyPanels(Int, settings: Int)
  case seedOutOfRange(seeds: Int, got: String)
  case seedNeedsOneModel
  case phaseOneSeed
  case phasePointRepeated(Int, Int, r: Double, density: Double)
  case phaseNeedsSweep

  // Split training (`toy run FILE --shard K/N`, `--from DIR`).
  /// A share's training depends on a model's numbers: `read` as the script wrote it, directly
  /// or through the variable `through`, on `line`.
  case shardNeedsModelNumbers(read: String, through: String?, line: Int)
  /// A share loads a file the script saves, which no share writes.
  case shardLoadsUnsavedFile(path: String)
  /// The parts hold another `train` than the one running: `expected` and `found` as
  /// `TrainResult` describes them ("model1, 400 instances, 10000 steps, at 3:1").
  case shardPartsDisagree(expected: String, found: String)
}

/// What a built-in function's arguments got wrong (`argument` counts from 1).
public enum ArgumentError: Hashable, Sendable {
  case count(expected: Int, got: Int)
  case notANumber(argument: Int, type: String)
  case notWhole(argument: Int)
  case countOutOfRange(argument: Int, limit: Int, got: Double)
  case notAList(type: String)
  case notNumeric(type: String)
  case notNumbers
  case noNumbers
}

/// The likely cause of a divergence, which the hint addresses.
public enum DivergenceCause: Hashable, Sendable {
  /// An importance this large puts a squared error past Float32's largest number.
  case importance(Double)
  case learningRate(Double)
}

extension EvaluationError: CustomStringConvertible {
  public var description: String {
    switch self {
    case .undefinedName(let name, _):
      return "'\(name)' is not defined"
    case .unknownFunction(let name, _):
      return "'\(name)' is not a function"
    case .unknownMember(let name, let type, _):
      return "\(type) has no '\(name)'"
    case .unknownModel(let name, _):
      return "there is no model named '\(name)'"
    case .noModel:
      return "there is no model yet"
    case .builtInName(let name):
      return "'\(name)' is a built-in name; choose another"
    case .modelName(let name):
      return "'\(name)' names a model; choose another name"
    case .notAssignable:
      return "only a model or a value can be assigned"
    case .loopVariableIsIndex:
      return "i is the feature index; name the loop variable something else"
    case .loopNeedsList(let type):
      return "a loop needs a list, got \(type)"
    case .divisionByZero:
      return "division by zero"
    case .notFinite(let x):
      return "the result is \(formatNumber(x)), not a finite number"
    case .operationNotFinite(let x, let op, let y):
      return "\(formatNumber(x)) \(op.rawValue) \(formatNumber(y)) is not a finite number"
    case .listLengthsDiffer(let op, let a, let b):
      return "'\(op.rawValue)' needs lists of one length, got \(a) and \(b)"
    case .operandTypes(let op, let a, let b):
      return "'\(op.rawValue)' works on numbers and lists, not on \(a) and \(b)"
    case .listsNestTooDeep(let limit):
      return "lists may nest at most \(limit) levels deep"
    case .notIndexable(let type):
      return "only a list can be indexed, this is \(type)"
    case .emptyListIndexed:
      return "the list is empty; it has no items to index"
    case .indexOutOfRange(let count):
      return "an index must be a whole number from 0 to \(count - 1)"
    case .call(let function, _, let error):
      return "\(function): \(error)"
    case .unknownParameter(let name, let statement, _, _):
      return "'\(name)' is not a parameter of \(statement)"
    case .parameterGivenTwice(let name):
      return "'\(name)' is given twice"
    case .parameterOutOfRange(let name, let range, let got):
      return "\(name) must be \(range), got \(got)"
    case .unknownChoice(let name, let range, let word, _):
      return "\(name) must be \(range), got '\(word)'"
    case .parameterWrongType(let name, let range, let type):
      return "\(name) must be \(range), got \(type)"
    case .parameterMalformed(let name, let range):
      return "\(name) must be \(range)"
    case .stepsOutOfRange(let limit, let got):
      return "the number of steps must be a whole number from 1 to \(limit), got \(got)"
    case .weightDecayNeedsAdamW(let value):
      return "optimizer=adam has no weight decay, so weight_decay=\(value) would do nothing"
    case .densityAndSparsity:
      return "give density or sparsity, not both (density = 1 − sparsity)"
    case .sweepVariableIsIndex:
      return "i is the feature index; name the sweep variable something else"
    case .sweptTwice(let name):
      return "'\(name)' is swept twice"
    case .sweepNeedsNumbers(let type):
      return "a sweep needs a list of numbers, got \(type)"
    case .sweepTooLarge(let limit):
      return "the sweep makes more than \(limit) instances"
    case .sharedParameterVaries(let name, let statement):
      return "\(name) is shared by every instance of one \(statement) statement, so it cannot change across the sweep"
    case .featureCountMissing:
      return "a model needs n, the number of features"
    case .hiddenCountMissing:
      return "a model needs m, the number of hidden dimensions"
    case .shapeVaries:
      return "n and m must be the same for every instance: one model has one shape"
    case .tooManyInstances(let settings, let seeds, let limit):
      return "\(settings) settings × \(seeds) seeds is more than \(limit) instances"
    case .perFeatureNotNumber(let name, let type):
      return "\(name) must give a number for each feature, got \(type)"
    case .perFeatureNotNumbers(let name):
      return "\(name) must be a list of numbers"
    case .perFeatureCount(let name, let count, let n, _):
      return "\(name) has \(count) values but n=\(n): give one number, an expression in i, or exactly \(n) values"
    case .featureValueOutOfRange(let name, let feature, let value, let range):
      return "\(name) of feature \(feature) is \(formatNumber(value)); it must be \(range)"
    case .featureSetInvalid(let n, let got):
      return "each set must list two or more consecutive feature indices below n=\(n), e.g. [0, 1]; got \(got)"
    case .diverged(let model, let setting, let step, let loss, _):
      let what = loss.map { "the loss became \($0)" } ?? "a weight stopped being a finite number"
      return "\(model) (\(setting)) diverged at step \(step): \(what); the model keeps its \(step - 1) steps before it"
    case .model(let error):
      return error.description
    case .modelStore(let error):
      return error.description
    case .autoencoderNeedsTrainedModel(let model):
      return "sae reads a trained model's hidden states, and \(model) has not been trained yet"
    case .noAutoencoder(let model):
      return "\(model) has no sparse autoencoders yet"
    case .autoencodersAreNotAValue(let name):
      return "'\(name)' names sparse autoencoders, which are not a value"
    case .l1AndTopK:
      return "give l1 or topk, not both: an autoencoder is kept sparse by one or the other"
    case .topKAboveLatents(let k, let latents):
      return "topk must be at most latents: topk=\(k) with latents=\(latents)"
    case .tooManyAutoencoders(let count, let limit):
      return "the sae statement makes \(count) autoencoders, more than \(limit)"
    case .autoencoder(let error):
      return error.description
    case .frontierNeedsSweep(let sae):
      return "frontier draws L0 against FVU across several autoencoders, and \(sae) has one setting"
    case .dictionaryNeedsSizes(let sae):
      return "dictionary compares autoencoders of several sizes, and \(sae) has one latents= per model setting"
    case .pickedNoSweep(let target, _):
      let swept = target == ShowTarget.dictionary.rawValue ? "latents" : "l1 or topk"
      return
        "\(target) draws a sweep of \(swept) on one model setting and seed, and the autoencoders picked here hold "
        + "fewer than two of its points"
    case .autoencoderInstanceOutOfRange(let instances, let got):
      return "instance must be an autoencoder number from 0 to \(instances - 1), a list of them, or all; got \(got)"
    case .autoencoderSeedOutOfRange(let seeds, let got):
      return "seed must be an autoencoder seed from 0 to \(seeds - 1), a list of them, or all; got \(got)"
    case .unknownPlot(let name, _):
      return "there is no plot called '\(name)'"
    case .unknownHelpTopic(let topic, _):
      return "no help on '\(topic)'"
    case .exploreNeedsTerminal:
      return "explore needs the interactive prompt on a terminal"
    case .exportFormat(let path):
      return "export writes .svg, .json, .csv or .txt files; '\(path)' is none of them"
    case .writeFailed(let path, let reason):
      return "\(path): cannot write: \(reason)"
    case .plotNeedsTwoDimensions(let target, let m):
      return "\(target) draws 2-D models; this one has m=\(m)"
    case .liveGeometryNeedsTwoDimensions(let m):
      return "live=geometry draws 2-D models; this one has m=\(m)"
    case .neuronsNeedHiddenLayer(let kind):
      return "neurons draws the hidden_relu and abs models; this one is \(kind)"
    case .needsTrainingSet(let target):
      return "\(target) is for models trained on a fixed set; this one draws fresh data"
    case .normalizeNeedsDataset:
      return "normalize=unit rescales the examples of a fixed training set; this model draws fresh data"
    case .descentMapOneModel:
      return "models= of descent draws several models' test loss as one map; this names one model"
    case .descentMapTooManyModels(let count, let limit):
      return "models= of descent draws up to \(limit) models; this names \(count)"
    case .descentMapModelRepeated(let model):
      return "models= of descent names \(model) twice; each model is one row of the map"
    case .descentMapNormalizeMixed(let model, let other, let normalized):
      let (unit, raw) = normalized ? (model, other) : (other, model)
      return
        "\(unit) trains on unit-norm examples and \(raw) on raw ones: their losses are on different scales, so "
        + "one map cannot compare them"
    case .descentMapSizeRepeated(let model, let size):
      return "\(model) has several settings of T = \(size); models= of descent reads one per training set size"
    case .modelsNeedDescent(let target):
      return "models= belongs to show descent; \(target) draws the current model"
    case .modelsPickSettings(let parameter):
      return "\(parameter)= picks among one model's settings; models= draws every setting of each model"
    case .noLossYet(let model):
      return "\(model) has not been trained yet, so it has no loss"
    case .notTrained:
      return "the model has not been trained yet"
    case .vulnerabilityTooLarge(let n, let limit):
      return "vulnerability is computed for models with n up to \(limit); this one has n=\(n)"
    case .vulnerabilityNeedsTied(let kind):
      return "vulnerability is defined for the tied models; this one is \(kind)"
    case .dynamicsTooLarge(let instances, let n, let m, let limit):
      return
        "dynamics is recorded for small models only (instances·n²·m up to \(limit)); this one has \(instances)·\(n)²·\(m)"
    case .dynamicsOneSetting(let settings, let seeds):
      return "dynamics draws one setting at a time; this model has \(settings)"
        + (seeds > 1 ? " of \(seeds) seeds" : "")
    case .instanceOutOfRange(let settings, let got):
      return "instance must be a setting number from 0 to \(settings - 1), a list of them, or all; got \(got)"
    case .tooManyPanels(let panels, _):
      return "\(panels) panels are too many to draw at once"
    case .seedOutOfRange(let seeds, let got):
      return "seed must be best, all, or a seed number from 0 to \(seeds - 1) (or a list of them); got \(got)"
    case .seedNeedsOneModel:
      return "seed= picks the seeds of one model's metrics; these values are not all metrics of one model"
    case .phaseOneSeed:
      return "phase draws one seed per point: the best, or one seed number"
    case .phasePointRepeated(let first, let second, let r, let density):
      return
        "settings \(first) and \(second) are the same point of the phase diagram (r=\(formatNumber(r)), "
        + "density=\(formatNumber(density))); phase draws one setting per point"
    case .phaseNeedsSweep:
      return
        "phase needs an n=2, m=1 (or n=3, m=2) model swept over the last feature's relative importance, the "
        + "density, or both"
    case .shardNeedsModelNumbers(let read, let through, let line):
      let reads = through.map { "\($0) holds \(read) (line \(line))" } ?? "this reads \(read)"
      return "with --shard, training cannot depend on a model's numbers, and \(reads)"
    case .shardLoadsUnsavedFile(let path):
      return "with --shard, a share saves nothing, so it cannot load \(path), which this script saves"
    case .shardPartsDisagree(let expected, let found):
      return "the parts do not match this run: here trains \(expected), the parts hold \(found)"
    }
  }

  /// The line under the caret that says what to do instead, if there is one.
  public var hint: String? {
    switch self {
    case .undefinedName(let name, let suggestion):
      return Self.shellWords[name] ?? suggestion.map(didYouMean)
    case .unknownFunction(_, let suggestion), .unknownMember(_, _, let suggestion), .unknownModel(_, let suggestion),
      .unknownChoice(_, _, _, let suggestion):
      return suggestion.map(didYouMean)
    case .unknownParameter(_, let statement, let suggestion, let accepted):
      return suggestion.map(didYouMean) ?? "\(statement) takes: " + accepted.joined(separator: ", ")
    case .sharedParameterVaries(_, let statement):
      return "write one \(statement) statement per value"
    case .unknownPlot(_, let suggestion):
      return suggestion.map(didYouMean) ?? "show draws: " + ShowTarget.names.joined(separator: ", ")
    case .unknownHelpTopic(_, let suggestion):
      return suggestion.map(didYouMean) ?? "try: help"
    case .noModel:
      return "define one first, e.g. model n=5 m=2 sparsity=0.9"
    case .call(_, let signature, _):
      return "usage: \(signature)"
    case .weightDecayNeedsAdamW:
      return "weight decay needs optimizer=adamw (the default); or leave weight_decay out"
    case .featureCountMissing, .hiddenCountMissing:
      return "e.g. model n=5 m=2"
    case .shapeVaries:
      return "to compare shapes, define several models"
    case .perFeatureCount(let name, _, _, let list):
      return "to make one instance per value, sweep: \(name)=x for x in \(list)"
    case .diverged(_, _, _, _, .importance(let value)):
      return
        "an importance of \(formatNumber(value)) makes the loss pass Float32's largest number (3.4e38): use smaller importances"
    case .diverged(_, _, _, _, .learningRate(let rate)):
      return "lr=\(formatNumber(rate)) is too large for this model: try a smaller lr (reset to start again)"
    case .exploreNeedsTerminal:
      return "run toy with no arguments in a terminal, then explore"
    case .plotNeedsTwoDimensions(let target, _):
      return target == ShowTarget.decoder.rawValue ? "try show cosines" : "try show wtw"
    case .needsTrainingSet:
      return "give the model dataset=, e.g. model n=1000 m=2 sparsity=0.99 dataset=T for T in [3, 30, 300]"
    case .normalizeNeedsDataset:
      return "give the model dataset=T too, e.g. model n=100 m=2 sparsity=0.9 dataset=100 normalize=unit"
    case .descentMapOneModel(let model):
      return "for one model's loss against T: use \(model) then show descent"
    case .descentMapTooManyModels:
      return "draw some of them, or several maps"
    case .descentMapModelRepeated:
      return "name each model once"
    case .descentMapNormalizeMixed:
      return "map the normalize=unit models and the others separately, or give every model the same normalize="
    case .descentMapSizeRepeated:
      return "sweep dataset= alone in each model, e.g. model n=100 m=2 dataset=T for T in [3, 30, 300]"
    case .modelsNeedDescent(let target):
      return "e.g. show descent models=[m1, m2]; use a model then show \(target)"
    case .modelsPickSettings:
      return "each model's shown seed is drawn: leave it out"
    case .liveGeometryNeedsTwoDimensions:
      return "try live=wtw"
    case .noLossYet, .notTrained, .autoencoderNeedsTrainedModel:
      return "train it first, e.g. train 10000"
    case .autoencodersAreNotAValue(let name):
      return "use \(name) makes them current; then print sae, or a metric such as print mmcs"
    case .noAutoencoder:
      return "define them first, e.g. sae latents=5 l1=0.01"
    case .frontierNeedsSweep:
      return "sweep l1 or topk, e.g. sae latents=5 l1=x for x in [0.003, 0.01, 0.03, 0.1]"
    case .pickedNoSweep(_, let example):
      return "pick two or more of one sweep, e.g. instance=[\(example.map(String.init).joined(separator: ", "))], "
        + "or leave instance= and seed= out"
    case .dictionaryNeedsSizes:
      return "sweep latents, e.g. sae latents=d l1=0.01 for d in [2, 3, 4, 5, 6, 8]"
    case .tooManyAutoencoders:
      return "each SAE setting runs on each model setting (× seeds): pick fewer with instance="

    case .dynamicsOneSetting(_, let seeds):
      return "pick one, e.g. show dynamics instance=0" + (seeds > 1 ? " seed=0" : "")
    case .tooManyPanels(_, let settings):
      return "pick some, e.g. instance=[0, \(settings / 2), \(settings - 1)]"
    case .seedOutOfRange(let seeds, _):
      return seeds == 1 ? "this model has one seed per setting; give seeds= to model for more" : nil
    case .autoencoderSeedOutOfRange(let seeds, _):
      return seeds == 1 ? "these autoencoders have one seed per setting; give seeds= to sae for more" : nil
    case .seedNeedsOneModel:
      return "e.g. print loss seed=all"
    case .phaseOneSeed:
      return "every seed's solution is in the JSON (export phase \"phase.json\")"
    case .phasePointRepeated:
      return "sweep the relative importance and the density alone, and repeat a point with seeds="
    case .shardNeedsModelNumbers(let read, _, _):
      return "each share trains part of every model, so none knows \(read): run this script whole, without --shard"
    case .shardLoadsUnsavedFile:
      return "run this script whole, without --shard"
    case .shardPartsDisagree:
      return "run the shards again, with this script and these options"
    case .phaseNeedsSweep:
      return
        "e.g. model n=2 m=1 importance=[1, r] density=s seeds=10 for r in logspace(-1,1,12), s in logspace(-2,0,12)"
    default:
      return nil
    }
  }

  /// Hints for words a terminal or another REPL would understand, typed at the prompt.
  static let shellWords: [String: String] = [
    "clear": "Ctrl-L clears the screen; %reset forgets every model and value",
    "cls": "Ctrl-L clears the screen; %reset forgets every model and value",
    "exit": "Ctrl-D leaves", "quit": "Ctrl-D leaves",
  ]
}

extension ArgumentError: CustomStringConvertible {
  public var description: String {
    switch self {
    case .count(let expected, let got):
      return "expected \(expected) \(expected == 1 ? "argument" : "arguments"), got \(got)"
    case .notANumber(let argument, let type):
      return "argument \(argument) must be a number, got \(type)"
    case .notWhole(let argument):
      return "argument \(argument) must be a whole number"
    case .countOutOfRange(let argument, let limit, let got):
      return "argument \(argument) must be a whole number from 0 to \(limit), got \(formatNumber(got))"
    case .notAList(let type):
      return "expected a list, got \(type)"
    case .notNumeric(let type):
      return "expected a number or a list of numbers, got \(type)"
    case .notNumbers:
      return "expected numbers"
    case .noNumbers:
      return "expected at least one number"
    }
  }
}
