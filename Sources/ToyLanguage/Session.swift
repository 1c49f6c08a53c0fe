import ToyCore
import ToyPlot

/// A named model and how it was made.
public struct ModelEntry: Sendable {
  public var name: String
  public var model: ToyModel
  /// One label row per setting (sweep values), e.g. [("p", 0.1)].
  public var settings: [[(String, Double)]]
  /// Seeds per setting: instances are setting-major, `seeds` each.
  public var seeds: Int
  /// The instance shown for each setting: the lowest-loss seed after training.
  public var shown: [Int]
  /// Every feature's D_i at points during training, for `show dynamics` (small models only).
  public var dynamics = DimensionalityHistory()
  /// In a check, the whole model while only instance 0 is built (see ModelSketch); nil once
  /// built, and always in a run.
  var sketch: ModelSketch?

  init(
    name: String, model: ToyModel, settings: [[(String, Double)]], seeds: Int, shown: [Int],
    sketch: ModelSketch? = nil
  ) {
    self.name = name
    self.model = model
    self.settings = settings
    self.seeds = seeds
    self.shown = shown
    self.sketch = sketch
  }

  /// Instances whose weights this entry holds: a check of a huge sweep keeps it at one until a
  /// statement needs the whole model.
  public var heldInstances: Int { model.instanceCount }
}

/// Feature dimensionalities D_i recorded while a model trains: at most `capacity` points,
/// halving the resolution as training goes on (like the loss history).
public struct DimensionalityHistory: Sendable {
  public internal(set) var steps: [Int] = []
  /// Per point, per instance, per feature.
  public internal(set) var values: [[[Double]]] = []
  public static let capacity = 400

  /// Whether recording a model's D_i every observation stays cheap: the cost per point is
  /// instances·n²·m multiply-adds, at most `costLimit`.
  public static func records(_ model: ToyModel) -> Bool {
    model.instanceCount * model.n * model.n * model.m <= costLimit
  }

  /// The most multiply-adds (instances·n²·m) one recorded point may cost.
  static let costLimit = 4_000_000

  mutating func record(step: Int, model: ToyModel) {
    if let last = steps.last, step <= last { return }
    steps.append(step)
    values.append(
      (0..<model.instanceCount).map { i in
        FeatureGeometry(rows: model.weights(instance: i).map { $0.map(Double.init) }, hiddenCount: model.m)
          .dimensionality
      })
    if steps.count > Self.capacity {
      steps = stride(from: 0, to: steps.count, by: 2).map { steps[$0] }
      values = stride(from: 0, to: values.count, by: 2).map { values[$0] }
    }
  }

  mutating func reset() {
    steps = []
    values = []
  }
}

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
  /// Models a dry run would have saved, by path.
  var checkedSaves: [String: ToyModel] = [:]
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
  private var loopDepth = 0

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
        if let current = self.current, self.models[current] != nil, Self.metricNames.contains(name) {
          try self.buildSketch(current, span, source)
          try self.checkMetricSize(name, self.models[current]!, span, source)
        }
        return self.metric(name)
      },
      knownNames: { [unowned self] in
        Array(self.variables.keys) + Array(self.models.keys) + Self.metricNames + Array(extra.keys)
      })
    evaluator.member = { [unowned self] value, name, span throws(Diagnostic) in
      guard case .model(let modelName) = value, self.models[modelName] != nil else { return nil }
      try self.buildSketch(modelName, span, source)
      let entry = self.models[modelName]!
      try self.checkMetricSize(name, entry, span, source)
      guard let result = self.metric(name, of: entry) else {
        throw Diagnostic(
          .unknownMember(name, type: value.typeName, suggestion: suggestion(for: name, among: Self.metricNames)),
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

  private func executeOrThrow(_ statement: Statement, _ source: Source) throws(Diagnostic) {
    if try shareHandles(statement, source) { return }
    if !statement.keepsSketches { try buildSketchedModels(statement.span, source) }
    switch statement.kind {
    case .assignment(let name, let nameSpan, let value):
      try assign(name, nameSpan, value, source)
    case .model(let parameters, let sweep):
      let name = Self.automaticName(ordinal + 1)
      try defineModel(named: name, parameters: parameters, sweep: sweep, span: statement.span, source)
    case .train(let steps, let parameters):
      try train(steps: steps, parameters: parameters, statement: statement, source)
    case .reset:
      let entry = try currentEntry(statement.span, source)
      // A rebuilt model starts afresh: no steps, no moments, no loss history.
      models[entry.name]?.model = try rebuild(entry.model, statement.span, source)
      models[entry.name]?.shown = (0..<entry.settings.count).map { $0 * entry.seeds }
      models[entry.name]?.dynamics.reset()
      emit(text: "\(entry.name): weights re-initialised", json: .object([("reset", .string(entry.name))]), statement)
    case .explore:
      let entry = try currentEntry(statement.span, source)
      guard !dryRun else { return }
      guard let onExplore else {
        throw Diagnostic(.exploreNeedsTerminal, at: statement.span, in: source)
      }
      guard let (model, text) = onExplore(entry) else { return }
      models["explored"] = ModelEntry(name: "explored", model: model, settings: [[]], seeds: 1, shown: [0])
      current = "explored"
      emit(text: "explored: \(text)", json: .object([("explored", .string(text))]), statement)
    case .print(let expressions, let parameters):
      try printValues(expressions, parameters, statement, source)
    case .expression(let expression):
      try printValues([expression], [], statement, source)
    case .use(let name, let nameSpan):
      guard models[name] != nil else {
        throw Diagnostic(
          .unknownModel(name, suggestion: suggestion(for: name, among: Array(models.keys))), at: nameSpan, in: source)
      }
      current = name
    case .loop(let variable, let variableSpan, let values, let body):
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
    case .help(let topic, let span):
      emit(text: try helpText(topic, span, source), json: .object([("help", .string(topic ?? ""))]), statement)
    case .show(let target, let targetSpan, let parameters):
      try show(target, targetSpan, parameters, statement, source)
    case .save(let path, let pathSpan):
      let entry = try currentEntry(statement.span, source)
      guard !dryRun else {
        checkedSaves[path] = entry.model
        return
      }
      do {
        try ModelStore.save(entry.model, to: path)
      } catch {
        throw Diagnostic(.modelStore(error), at: pathSpan, in: source)
      }
      emit(text: "saved \(entry.name) to \(path)", json: .object([("saved", .string(path))]), statement)
    case .load(let path, let pathSpan):
      try load(path, pathSpan, named: Self.automaticName(ordinal + 1), source)
    case .export(let target, let targetSpan, let path, let pathSpan, let parameters):
      try export(target, targetSpan, path, pathSpan, parameters, statement, source)
    }
  }

  /// Builds every sketched model whole, exactly as a run would have built it, before a
  /// statement that may read one (see ModelSketch).
  private func buildSketchedModels(_ span: Span, _ source: Source) throws(Diagnostic) {
    for name in models.keys where models[name]?.sketch != nil { try buildSketch(name, span, source) }
  }

  /// Builds one sketched model whole (an expression reads its numbers).
  func buildSketch(_ name: String, _ span: Span, _ source: Source) throws(Diagnostic) {
    guard let sketch = models[name]?.sketch else { return }
    do {
      models[name]?.model = try sketch.model(instances: 0..<sketch.instanceCount)
    } catch {
      throw Diagnostic(.model(error), at: span, in: source)
    }
    models[name]?.sketch = nil
  }

  func assign(_ name: String, _ nameSpan: Span, _ value: Statement, _ source: Source) throws(Diagnostic) {
    if Builtins.all[name] != nil || Self.metricNames.contains(name) || name == "i" {
      throw Diagnostic(.builtInName(name), at: nameSpan, in: source)
    }
    switch value.kind {
    case .model(let parameters, let sweep):
      try defineModel(named: name, parameters: parameters, sweep: sweep, span: value.span, source)
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
    if let saved = checkedSaves[path] {
      // A dry run saves nothing, so it loads what it would have saved.
      model = saved
    } else {
      do {
        model = try ModelStore.load(from: path)
      } catch {
        throw Diagnostic(.modelStore(error), at: pathSpan, in: source)
      }
    }
    ordinal += 1
    models[name] = ModelEntry(
      name: name, model: model, settings: Array(repeating: [], count: model.instanceCount), seeds: 1,
      shown: Array(0..<model.instanceCount))
    current = name
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
      span: statement.span, plain: text, svg: svg, json: JSON.write(bundle), plot: plot, value: value,
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
  }
}

/// A seed a model statement derived from the session (it had no `seed=`): the source it ran
/// in, the offset just past its parameters (where `seed=` would go) and the seed.
public struct DerivedSeed: Sendable, Equatable {
  public let sourceName: String
  public let offset: Int
  public let seed: UInt64
}

extension Statement {
  /// Whether a check can run this statement with models still sketched: it defines a model
  /// or only names one, and reads no model's numbers.
  fileprivate var keepsSketches: Bool {
    switch kind {
    case .model, .use, .help: return true
    case .assignment(_, _, let value):
      if case .model = value.kind { return true }
      return false
    default: return false
    }
  }
}
