import Foundation
import ToyCore
import ToyLanguage
import ToyPlot

#if canImport(Glibc)
  import Glibc
#endif

/// `explore`: one setting of the current model trains continuously, full screen, while keys
/// change it. The state and its key handling are pure (tests script the keys); `Explorer.run`
/// adds the terminal: raw keys, the alternate screen, frames drawn in place.
struct ExplorerState {
  enum Key: Equatable {
    case up, down, left, right, escape, interrupt
    case char(Character)

    /// The key's name in `ExplorerKeys`, as `help explore` prints it.
    var name: String {
      switch self {
      case .up: return "↑"
      case .down: return "↓"
      case .left: return "←"
      case .right: return "→"
      case .escape: return "Esc"
      case .interrupt: return "Ctrl-C"
      case .char(" "): return "space"
      case .char(let character): return String(character)
      }
    }
  }

  enum Action: Equatable {
    case none
    /// Only the frame changes (a view, a pause, the speed).
    case redraw
    /// The model must be rebuilt with the new values (weights kept when the shape allows).
    case rebuild
    /// Fresh weights.
    case reinitialise
    /// Back to the model saved just before the last change, then that change again.
    case replay
    /// Load another setting of the explored model.
    case select(Int)
    case quit
  }

  /// What a key can change: the values a `model` statement holds.
  struct Values: Equatable {
    var m: Int
    /// Importance per feature; `base` when it is base^i.
    var importance: [Float]
    var base: Double?
    /// Density per feature.
    var density: [Float]
  }

  /// The last change of values, for the view to name and for replay.
  struct Change: Equatable {
    var before: Values
    var after: Values
    /// Whether it gave fresh weights (m changed, or a reset).
    var reinitialised: Bool
    /// In words, e.g. "sparser: density 0.1 → 0.0562".
    var text: String
  }

  /// Steps trained per frame in slow motion; past the last, full speed (as many steps as
  /// fit in a frame).
  static let speeds = [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000]
  /// Where the explorer starts: slow enough that a change takes seconds to settle.
  static let defaultSpeed = 4

  var kind: ModelKind
  var n: Int
  var values: Values
  var m: Int {
    get { values.m }
    set { values.m = newValue }
  }
  var importance: [Float] { values.importance }
  var base: Double? { values.base }
  var density: [Float] { values.density }
  var seed: UInt64
  var view: String
  var paused = false
  /// An index into `speeds`, or `speeds.count` for full speed.
  var speed = defaultSpeed
  var lastChange: Change?
  /// Which setting of the explored model this is, of how many.
  var setting: Int
  let settings: Int

  /// Steps per frame, nil at full speed.
  var stepsPerFrame: Int? { speed < Self.speeds.count ? Self.speeds[speed] : nil }

  /// One key press, looked up in `ExplorerKeys`: sparsity moves in steps of a quarter decade,
  /// the importance decay in steps of 0.05, m by one, the speed along `speeds`.
  mutating func handle(_ key: Key) -> Action {
    guard let command = ExplorerKeys.command(for: key.name) else { return .none }
    let before = values
    let action = perform(command)
    if action == .rebuild || action == .reinitialise {
      lastChange = Change(
        before: before, after: values, reinitialised: action == .reinitialise,
        text: Self.describe(command, before, values))
    }
    return action
  }

  private mutating func perform(_ command: ExplorerCommand) -> Action {
    switch command {
    case .denser: return scaleDensity(by: pow(10, 0.25))
    case .sparser: return scaleDensity(by: pow(10, -0.25))
    case .previousSetting: return settings > 1 ? .select((setting + settings - 1) % settings) : .none
    case .nextSetting: return settings > 1 ? .select((setting + 1) % settings) : .none
    case .flatterImportance: return setBase((base ?? 0.9) + 0.05)
    case .steeperImportance: return setBase((base ?? 0.9) - 0.05)
    case .moreDimensions:
      guard m < 64 else { return .none }
      m += 1
      if view == "geometry" && m != 2 { view = "wtw" }
      return .reinitialise
    case .fewerDimensions:
      guard m > 1 else { return .none }
      m -= 1
      if view == "geometry" && m != 2 { view = "wtw" }
      return .reinitialise
    case .reset: return .reinitialise
    case .pause:
      paused.toggle()
      return .redraw
    case .faster:
      guard speed < Self.speeds.count else { return .none }
      speed += 1
      return .redraw
    case .slower:
      guard speed > 0 else { return .none }
      speed -= 1
      return .redraw
    case .replay:
      guard let lastChange else { return .none }
      values = lastChange.after
      if view == "geometry" && m != 2 { view = "wtw" }
      return .replay
    case .nextView:
      let views = Session.explorerViews(m: m)
      view = views[((views.firstIndex(of: view) ?? -1) + 1) % views.count]
      return .redraw
    case .quit: return .quit
    }
  }

  /// A change in words, for the view.
  private static func describe(_ command: ExplorerCommand, _ before: Values, _ after: Values) -> String {
    func density(_ values: Values) -> String { formatNumber(Double(values.density[0]), significant: 3) }
    func base(_ values: Values) -> String { values.base.map { formatNumber($0) } ?? "custom" }
    switch command {
    case .sparser: return "sparser: density \(density(before)) → \(density(after))"
    case .denser: return "denser: density \(density(before)) → \(density(after))"
    case .flatterImportance, .steeperImportance: return "importance \(base(before))^i → \(base(after))^i"
    case .moreDimensions, .fewerDimensions: return "m \(before.m) → \(after.m), fresh weights"
    default: return "fresh weights"
    }
  }

  private mutating func scaleDensity(by factor: Double) -> Action {
    let scaled = density.map { Float(min(1, max(1e-4, Double($0) * factor))) }
    guard scaled != density else { return .none }
    values.density = scaled
    return .rebuild
  }

  private mutating func setBase(_ value: Double) -> Action {
    let clamped = min(1, max(0.05, (value * 100).rounded() / 100))
    guard clamped != base else { return .none }
    values.base = clamped
    values.importance = (0..<n).map { Float(pow(clamped, Double($0))) }
    return .rebuild
  }

  /// The state of setting `setting` of an entry.
  init(entry: ModelEntry, setting: Int) {
    let model = entry.model
    let instance = entry.shown[setting]
    kind = model.kind
    n = model.n
    let importance = model.importance(instance: instance)
    var base: Double?
    // base^i when the importance is geometric.
    if n > 1, importance[0] > 0 {
      let ratio = Double(importance[1] / importance[0])
      let geometric = (0..<n).allSatisfy {
        abs(Double(importance[$0]) - Double(importance[0]) * pow(ratio, Double($0))) < 1e-4
      }
      base = geometric && importance[0] == 1 ? (ratio * 1000).rounded() / 1000 : nil
    }
    values = Values(m: model.m, importance: importance, base: base, density: model.density(instance: instance))
    seed = model.seed
    view = Session.explorerViews(m: model.m)[0]
    self.setting = setting
    settings = entry.settings.count
  }

  /// The values as a statement to paste at the prompt.
  var statement: String {
    var parts = ["model"]
    if kind != .relu { parts.append("kind=\(kind.rawValue)") }
    parts += ["n=\(n)", "m=\(m)"]
    if let base {
      parts.append(base == 1 ? "importance=1" : "importance=\(formatNumber(base))^i")
    } else {
      parts.append(
        "importance=[" + importance.map { formatNumber(Double($0), significant: 4) }.joined(separator: ", ") + "]")
    }
    if Set(density).count == 1 {
      parts.append("density=\(formatNumber(Double(density[0]), significant: 3))")
    } else {
      parts.append("density=[" + density.map { formatNumber(Double($0), significant: 3) }.joined(separator: ", ") + "]")
    }
    return parts.joined(separator: " ")
  }

  /// A one-instance model of these values, with `weights` from an earlier model of the
  /// same shape when given.
  func model(keeping previous: ToyModel?, featureSets: [FeatureSet]) throws -> ToyModel {
    var model = try ToyModel(
      kind: kind, n: n, m: m, importance: [importance], density: [density], featureSets: featureSets, seed: seed)
    if let previous, previous.n == n, previous.m == m {
      model.setParameters(
        instance: 0, weights: previous.weights(instance: 0),
        outputWeights: kind.untied ? previous.outputWeights(instance: 0) : nil, bias: previous.bias(instance: 0))
    }
    return model
  }

  /// The keys under the view, wrapped to `width` at the gaps between keys.
  static func legend(width: Int) -> [String] {
    var lines = [""]
    for item in ExplorerKeys.legend.components(separatedBy: "  ") {
      if lines[lines.count - 1].isEmpty {
        lines[lines.count - 1] = item
      } else if lines[lines.count - 1].count + 2 + item.count <= width {
        lines[lines.count - 1] += "  " + item
      } else {
        lines.append(item)
      }
    }
    return lines.map { String($0.prefix(width)) }
  }

  /// A frame: the values and which key makes them sparser, the speed, the last change, the
  /// view, the keys. Pure: the same model, values and size give the same text. `note`
  /// replaces the last change's line (a replay says what it shows).
  func frame(
    _ model: ToyModel, session: Session, width: Int, height: Int, stepsPerSecond: Double, depth: ColorDepth,
    theme: Theme? = nil, note: String? = nil
  ) -> String {
    let loss = model.recentLoss(instance: 0).map { "  loss \(formatNumber($0, significant: 4))" } ?? ""
    let pace = stepsPerFrame.map { "\($0) step\($0 == 1 ? "" : "s")/frame" } ?? "full speed"
    let rate =
      paused ? "  paused" : stepsPerSecond > 0 ? "  \(formatNumber(stepsPerSecond, significant: 3)) steps/s" : ""
    let setting = settings > 1 ? "  setting \(self.setting + 1)/\(settings)" : ""
    var header = [
      statement + "   ↓ sparser  ↑ denser",
      "step \(model.steps)\(loss)  speed \(pace) (< >)\(rate)\(setting)  view \(view)",
    ]
    if let text = note ?? lastChange.map({ "last change: \($0.text) (z replays it)" }) { header.append(text) }
    var lines = header.map { String($0.prefix(width)) }
    let legend = Self.legend(width: width)
    let plotHeight = max(4, height - lines.count - legend.count - 1)
    if let plot = session.explorerPlot(model, view: view) {
      let options = TextOptions(width: width, height: plotHeight, theme: theme)
      let text = depth == .none ? plot.plainText(options) : plot.terminalText(options, depth: depth)
      lines += text.split(separator: "\n", omittingEmptySubsequences: false).prefix(plotHeight + 6).map(String.init)
    } else {
      lines.append("(training…)")
    }
    while lines.count < height - legend.count { lines.append("") }
    lines = Array(lines.prefix(max(0, height - legend.count)))
    lines += legend
    return lines.joined(separator: "\n")
  }
}

/// The explorer's terminal loop.
enum Explorer {
  /// Runs the explorer on the current setting of `entry` until a quit key; returns the model
  /// it ended with and its statement. The terminal is restored however it ends.
  static func run(entry: ModelEntry, session: Session, depth: ColorDepth, theme: Theme? = nil) -> (ToyModel, String)? {
    var state = ExplorerState(entry: entry, setting: 0)
    guard var model = try? state.model(keeping: nil, featureSets: entry.model.featureSets) else { return nil }
    model = singleInstance(of: entry, setting: 0) ?? model
    guard let terminal = RawTerminal() else { return nil }
    defer { terminal.restore() }
    let clock = ContinuousClock()
    // About 25 frames a second; at full speed, as many steps as fit in a frame.
    let frameTime = Duration.milliseconds(40)
    var fullSpeedSteps = 20
    var rate = 0.0
    var lastFrame: (start: ContinuousClock.Instant, steps: Int)?
    // The model just before the last change, for replay; while `replayAt` lies ahead it is
    // shown still, then the change is made again from it.
    var beforeChange: ToyModel?
    var replayAt: ContinuousClock.Instant?
    var running = true
    while running {
      let start = clock.now
      if let last = lastFrame, last.steps > 0 { rate = Double(last.steps) / max(1e-6, (start - last.start).seconds) }
      if let at = replayAt, start >= at, let before = state.lastChange {
        replayAt = nil
        model =
          (try? state.model(keeping: before.reinitialised ? nil : model, featureSets: entry.model.featureSets)) ?? model
      }
      var trained = 0
      if !state.paused && replayAt == nil {
        trained = state.stepsPerFrame ?? fullSpeedSteps
        var options = TrainingOptions(steps: trained)
        options.threads = 1
        _ = try? model.train(options)
        if state.stepsPerFrame == nil {
          let seconds = max(1e-6, (clock.now - start).seconds)
          fullSpeedSteps = max(1, min(5000, Int(Double(trained) / seconds * frameTime.seconds)))
        }
      }
      lastFrame = (start, trained)
      if trained == 0 { rate = 0 }
      let (columns, rows) = terminal.size
      let note = replayAt == nil ? nil : "replay: the model just before the last change; the change follows"
      terminal.draw(
        state.frame(
          model, session: session, width: columns, height: rows, stepsPerSecond: rate, depth: depth, theme: theme,
          note: note))
      let left = frameTime - (clock.now - start)
      let wait = state.paused || replayAt != nil ? 100 : max(0, Int32(left.seconds * 1000))
      guard let key = terminal.key(timeout: wait) else { continue }
      switch state.handle(key) {
      case .none, .redraw: break
      case .rebuild:
        beforeChange = model
        model = (try? state.model(keeping: model, featureSets: entry.model.featureSets)) ?? model
      case .reinitialise:
        beforeChange = model
        model = (try? state.model(keeping: nil, featureSets: entry.model.featureSets)) ?? model
      case .replay:
        guard let beforeChange else { break }
        model = beforeChange
        replayAt = clock.now + .seconds(1.5)
      case .select(let setting):
        state = ExplorerState(entry: entry, setting: setting)
        model = singleInstance(of: entry, setting: setting) ?? model
        beforeChange = nil
        replayAt = nil
      case .quit: running = false
      }
    }
    return (model, state.statement)
  }

  /// Setting `setting` of an entry (its shown seed) as a one-instance model, weights included.
  static func singleInstance(of entry: ModelEntry, setting: Int) -> ToyModel? {
    let state = ExplorerState(entry: entry, setting: setting)
    let instance = entry.shown[setting]
    guard var model = try? state.model(keeping: nil, featureSets: entry.model.featureSets) else { return nil }
    let source = entry.model
    model.setParameters(
      instance: 0, weights: source.weights(instance: instance),
      outputWeights: source.kind.untied ? source.outputWeights(instance: instance) : nil,
      bias: source.bias(instance: instance))
    return model
  }
}
