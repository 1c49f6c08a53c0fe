import ToyCore
import ToyPlot

/// How running a source ended.
public enum RunOutcome: Sendable, Equatable {
  case finished
  /// Syntax errors: nothing ran.
  case syntaxErrors([Diagnostic])
  /// A statement failed; the statements before it took effect and the models survive.
  case runtimeError(Diagnostic)
  /// Ctrl-C stopped the run; when it stopped a `train`, it did so at a step boundary and
  /// the model keeps the steps it took.
  case interrupted(trainingStopped: Bool)
  /// The input stopped mid-statement (for the prompt: read another line).
  case incomplete
}

/// The evaluator: runs statements against a session of models and variables, and hands each
/// output to `onDisplay`. It never prints; front ends decide how displays look.
public final class Session {
  public let seed: UInt64
  public internal(set) var models: [String: ModelEntry] = [:]
  public internal(set) var current: String?
  var variables: [String: Value] = [:]
  /// Models made so far: each model's seed derives from the session seed and this ordinal.
  var ordinal = 0
  /// `sae` statements run so far: each set's seed and automatic name derive from it.
  var autoencoderOrdinal = 0
  /// The seed each model statement without `seed=` was given, in the order they ran. A derived
  /// seed depends on the model's position in the session, so `%save` writes it out as `seed=`:
  /// the saved script then gives the numbers seen wherever it runs.
  public var derivedSeeds: [DerivedSeed] = []
  /// Set by front ends: receives every display.
  public var onDisplay: (Display) -> Void = { _ in }
  /// Set by front ends: training progress (every ~1% of a call) with seconds elapsed.
  public var onProgress: ((TrainingProgress, Double) -> Void)?
  /// Ctrl-C sets this; training stops at the next step.
  public let cancellation: Cancellation
  /// The name a model gets when the script does not name it: model1, model2, …
  static func automaticName(_ number: Int) -> String { "model\(number)" }

  /// Whether `name` is one toy gave (an unnamed model's, or the explorer's), not the script.
  static func isAutomaticName(_ name: String) -> Bool {
    (name.hasPrefix("model") && name.dropFirst(5).allSatisfy(\.isNumber)) || ["explore", "explored"].contains(name)
  }

  /// Whether Ctrl-C stopped a `train` in the current run (rather than a loop or a print).
  var stoppedTraining = false
  /// Validate without training (`toy check`).
  public var dryRun = false
  /// The samples that rank seeds and evaluate trained points: a dry run's model took one step
  /// on one sample, so a few rows validate as well as 16,384 and keep `check` of a
  /// 1000-instance sweep in milliseconds (and the fuzzer fast).
  var evaluationSamples: Int { dryRun ? 64 : 16_384 }
  /// Models a dry run would have saved, by path (with their sketch, if kept sketched).
  var checkedSaves: [String: (model: ToyModel, sketch: ModelSketch?, autoencoders: ModelStore.NamedAutoencoders)] =
    [:]
  /// The most floats a dry run builds of one model at a time: a model that fits is built
  /// whole, as a run builds it; a bigger one is kept sketched and read in windows of this
  /// size (see ModelSketch). 2²⁴ floats (64 MB): a window replays the training before it, so
  /// a check reads in windows only what it could not hold, and a check's memory stays within
  /// about that of a sweep of moderate size. Tests lower it to read small scripts' models in
  /// windows, and raise it to build every model whole.
  var checkWindowFloats = 1 << 24
  /// The most instances of one model a dry run has built at once, for tests: a huge sweep's
  /// stays within a window.
  var checkLargestBuild = 0
  /// Vulnerabilities computed so far (the attack is costly; a figure and a print share it).
  var vulnerabilities = VulnerabilityMemo()
  /// Options for drawing plots in text.
  public var textWidth = 80
  public var ascii = false
  /// How plots are drawn as SVG (displays, `export … ".svg"`): on a white page unless a
  /// front end chose a theme (`--theme`, `%config theme=`).
  public var svgStyle = SVGStyle.standard
  /// The canvas plots use unless `show … canvas=` says otherwise (`%config canvas=`).
  public var defaultCanvas: Canvas?
  /// Worker threads for training (nil: one per core).
  public var threads: Int?
  /// Set by `toy run --shard` and `--from`: training split across processes (Session+Shard.swift).
  public var sharding: ShardTraining?
  /// Set by terminal and notebook front ends: a frame of `train … live` to draw in place of
  /// the previous one (at most one every `liveFrameInterval`). Without it only the final frame
  /// shows, as an ordinary display.
  public var onLiveFrame: ((Display) -> Void)?
  /// Set by the interactive prompt: runs the explorer on a model and returns the model it
  /// ended with and the `model …` statement of its values (nil: nothing to keep).
  public var onExplore: ((ModelEntry) -> (ToyModel, String)?)?
  /// The least seconds between two frames of `train … live` (a terminal redraws fast; a
  /// notebook sends each frame over the network).
  public var liveFrameInterval = 1.0 / 15
  /// Rows a live frame may take (the terminal's height, less a little).
  public var liveHeight = 40
  /// Set by terminal front ends: the columns and rows a live frame may take now, asked
  /// before every frame (a terminal can be resized while the model trains); nil: `textWidth`
  /// and `liveHeight`.
  public var liveSize: (() -> (width: Int, height: Int)?)?
  /// Whether live frames will be drawn in colour (a heatmap is more compact in colour, with
  /// two rows of cells per line), for the frame's layout to measure what will be seen.
  public var liveInColor: () -> Bool = { false }
  /// Whether live frames carry SVG (a notebook wants it; a terminal does not).
  public var liveSVG = false
  /// Every `train N` trains round(N·stepScale) steps, at least 1.
  public var stepScale = 1.0
  /// The step scale of `--quick`.
  public static let quickStepScale = 0.05

  /// How many loops are running one inside another: a syntax tree deeper than the parser allows
  /// (built by other code) is refused like one the parser read, not run into a stack overflow.
  var loopDepth = 0

  public convenience init(seed: UInt64 = 0) { self.init(seed: seed, cancellation: Cancellation()) }

  init(seed: UInt64, cancellation: Cancellation) {
    self.seed = seed
    self.cancellation = cancellation
  }

  /// Parses and runs a source. With syntax errors nothing runs and all of them are returned.
  @discardableResult
  public func run(_ source: Source) -> RunOutcome {
    let (statements, diagnostics, incomplete) = Parser.parse(source)
    if incomplete { return .incomplete }
    if !diagnostics.isEmpty { return .syntaxErrors(diagnostics) }
    stoppedTraining = false
    do {
      for statement in statements { try execute(statement, source) }
      return .finished
    } catch Interruption.interrupted {
      return .interrupted(trainingStopped: stoppedTraining)
    } catch let interruption {
      guard case .failed(let diagnostic) = interruption else { return .interrupted(trainingStopped: stoppedTraining) }
      return .runtimeError(diagnostic)
    }
  }

  enum Interruption: Error {
    case failed(Diagnostic)
    case interrupted
  }

  func evaluator(_ source: Source, extra: [String: Value] = [:]) -> ExpressionEvaluator {
    var evaluator = ExpressionEvaluator(
      source: source,
      lookup: { [unowned self] name, span throws(Diagnostic) in
        if let value = extra[name] ?? self.variables[name] ?? self.models[name].map({ .model($0.name) }) {
          return value
        }
        if self.autoencoders(named: name) != nil {
          throw Diagnostic(.autoencodersAreNotAValue(name), at: span, in: source)
        }
        guard let current = self.current, let entry = self.models[current] else {
          // A metric's name is known, so "not defined" would be wrong: it needs a model.
          if Self.metricNames.contains(name) { throw Diagnostic(.noModel, at: span, in: source) }
          return nil
        }
        try self.checkMetricSize(name, entry, span, source)
        return self.metric(name)
      },
      knownNames: { [unowned self] in
        Array(self.variables.keys) + Array(self.models.keys) + Self.metricNames + Self.autoencoderMetricNames
          + Array(extra.keys)
      })
    evaluator.member = { [unowned self] value, name, span throws(Diagnostic) in
      guard case .model(let modelName) = value, let entry = self.models[modelName] else { return nil }
      try self.checkMetricSize(name, entry, span, source)
      guard let result = self.metric(name, of: entry) else {
        throw Diagnostic(
          .unknownMember(
            name, type: value.typeName,
            suggestion: suggestion(for: name, among: Self.metricNames + Self.autoencoderMetricNames)),
          at: span, in: source)
      }
      return result
    }
    guardForShare(&evaluator, extra: extra, source)
    return evaluator
  }

  func execute(_ statement: Statement, _ source: Source) throws(Interruption) {
    do {
      try executeOrThrow(statement, source)
    } catch {
      throw .failed(error)
    }
    if cancellation.isCancelled { throw .interrupted }
  }

  /// One statement: a case per kind, each handled by the function named after it.
  private func executeOrThrow(_ statement: Statement, _ source: Source) throws(Diagnostic) {
    if try shareHandles(statement, source) { return }
    switch statement.kind {
    case .assignment(let name, let nameSpan, let value):
      try assign(name, nameSpan, value, source)
    case .model(let parameters, let sweep):
      let name = Self.automaticName(ordinal + 1)
      try defineModel(named: name, parameters: parameters, sweep: sweep, span: statement.span, source)
    case .sae(let parameters, let sweep):
      try defineAutoencoders(named: nil, parameters: parameters, sweep: sweep, span: statement.span, source)
    case .train(let steps, let parameters):
      try train(steps: steps, parameters: parameters, statement: statement, source)
    case .trainSAE(let steps, let parameters):
      try trainAutoencoders(steps: steps, parameters: parameters, statement: statement, source)
    case .reset:
      try reset(statement, source)
    case .explore:
      try explore(statement, source)
    case .print(let expressions, let parameters):
      try printValues(expressions, parameters, statement, source)
    case .printSAE(let parameters):
      try printAutoencoders(parameters, statement, source)
    case .expression(let expression):
      try printValues([expression], [], statement, source)
    case .use(let name, let nameSpan):
      try use(name, nameSpan, source)
    case .loop(let variable, let variableSpan, let values, let body):
      try loop(variable, variableSpan, values, body, statement, source)
    case .help(let topic, let span):
      emit(text: try helpText(topic, span, source), json: .object([("help", .string(topic ?? ""))]), statement)
    case .show(let target, let targetSpan, let parameters):
      try show(target, targetSpan, parameters, statement, source)
    case .save(let path, let pathSpan):
      try save(path, pathSpan, statement, source)
    case .load(let path, let pathSpan):
      try load(path, pathSpan, named: Self.automaticName(ordinal + 1), source)
    case .export(let target, let targetSpan, let path, let pathSpan, let parameters):
      try export(target, targetSpan, path, pathSpan, parameters, statement, source)
    }
  }

  func assign(_ name: String, _ nameSpan: Span, _ value: Statement, _ source: Source) throws(Diagnostic) {
    if Builtins.all[name] != nil || Self.metricNames.contains(name) || Self.autoencoderMetricNames.contains(name)
      || name == "i"
    {
      throw Diagnostic(.builtInName(name), at: nameSpan, in: source)
    }
    switch value.kind {
    case .model(let parameters, let sweep):
      try defineModel(named: name, parameters: parameters, sweep: sweep, span: value.span, source)
      variables[name] = nil
    case .sae(let parameters, let sweep):
      if models[name] != nil { throw Diagnostic(.modelName(name), at: nameSpan, in: source) }
      try defineAutoencoders(named: name, parameters: parameters, sweep: sweep, span: value.span, source)
      variables[name] = nil
    case .load(let path, let pathSpan):
      try load(path, pathSpan, named: name, source)
      variables[name] = nil
    case .expression(let expression):
      let result = try evaluator(source).evaluate(expression)
      if models[name] != nil, case .model = result {
      } else if models[name] != nil {
        throw Diagnostic(.modelName(name), at: nameSpan, in: source)
      }
      variables[name] = result
    default:
      throw Diagnostic(.notAssignable, at: value.span, in: source)
    }
  }

  /// `load "file"`: a saved model becomes a named, current model (one setting per instance).
  func load(_ path: String, _ pathSpan: Span, named name: String, _ source: Source) throws(Diagnostic) {
    var model: ToyModel
    var sketch: ModelSketch?
    var saved: ModelStore.NamedAutoencoders = []
    if let checked = checkedSaves[path] {
      // A dry run saves nothing, so it loads what it would have saved.
      (model, sketch, saved) = checked
    } else {
      do {
        (model, saved) = try ModelStore.loadWithAutoencoders(from: path)
      } catch {
        throw Diagnostic(.modelStore(error), at: pathSpan, in: source)
      }
    }
    ordinal += 1
    let instances = sketch?.instanceCount ?? model.instanceCount
    var entry = ModelEntry(
      name: name, model: model, settings: Self.loadedSettings(sizes: model.trainingSetSizes, instances: instances),
      seeds: 1, shown: Array(0..<instances), sketch: sketch)
    if let sketch { entry.settings = Self.loadedSettings(sizes: sketch.trainingSetSizes, instances: instances) }
    // A saved model keeps its fixed sets: `train` reads them in full batch, as before the save.
    entry.fullBatch = sketch.map { $0.trainingSetSizes.max() ?? 0 } ?? model.fullBatch
    for (saeName, autoencoder, resampling) in saved {
      entry.removeAutoencoders(named: saeName)
      entry.autoencoders.append(AutoencoderEntry(loaded: autoencoder, named: saeName, resampling: resampling))
    }
    entry.currentAutoencoderIndex = entry.autoencoders.isEmpty ? nil : entry.autoencoders.count - 1
    models[name] = entry
    current = name
  }

  /// A loaded model's settings, one per instance: its training set's size T where the
  /// instances' sizes tell them apart, as `dataset=T for T in …` labels them; else none
  /// (they are told apart by 1−S).
  static func loadedSettings(sizes: [Int], instances: Int) -> [[(String, Double)]] {
    guard sizes.count == instances, Set(sizes).count == instances else {
      return Array(repeating: [], count: instances)
    }
    return sizes.map { [("T", Double($0))] }
  }

  func currentEntry(_ span: Span, _ source: Source) throws(Diagnostic) -> ModelEntry {
    guard let current, let entry = models[current] else {
      throw Diagnostic(.noModel, at: span, in: source)
    }
    return entry
  }

  func emit(
    text: String, json: JSON.Node, _ statement: Statement, svg: String? = nil, plot: (any Plot)? = nil,
    value: Value? = nil, textOptions: TextOptions? = nil, color: String? = nil, liveFinal: Bool = false,
    html: String? = nil
  ) {
    let bundle = JSON.Node.object([
      ("toy_version", .string(toyVersion)), ("seed", .number(Double(seed))), ("data", json),
    ])
    var display = Display(
      span: statement.span, plain: text, svg: svg, numbers: bundle, plot: plot, value: value,
      textOptions: textOptions, color: color, html: html)
    if case .expression = statement.kind { display.isResult = true }
    display.isLiveFinal = liveFinal
    onDisplay(display)
  }

  /// Names a value, as the prompt does for `_`, `__` and `_n`.
  public func setVariable(_ name: String, _ value: Value) { variables[name] = value }

  /// The variables, for `%who`.
  public var variableValues: [String: Value] { variables }

  /// Forgets every model and variable (`%reset`); the seed stays.
  public func clear() {
    models = [:]
    variables = [:]
    current = nil
    ordinal = 0
    autoencoderOrdinal = 0
  }
}

/// A seed a model statement derived from the session (it had no `seed=`): the source it ran
/// in, the offset just past its parameters (where `seed=` would go) and the seed.
public struct DerivedSeed: Sendable, Equatable {
  public let sourceName: String
  public let offset: Int
  public let seed: UInt64
}
