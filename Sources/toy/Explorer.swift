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
  }

  enum Action: Equatable {
    case none
    /// Only the frame changes (a view, a pause).
    case redraw
    /// The model must be rebuilt with the new values (weights kept when the shape allows).
    case rebuild
    /// Fresh weights.
    case reinitialise
    /// Load another setting of the explored model.
    case select(Int)
    case quit
  }

  var kind: ModelKind
  var n: Int
  var m: Int
  /// Importance per feature; `base` when it is base^i.
  var importance: [Float]
  var base: Double?
  /// Density per feature.
  var density: [Float]
  var seed: UInt64
  var view: String
  var paused = false
  /// Which setting of the explored model this is, of how many.
  var setting: Int
  let settings: Int

  /// One key press: sparsity moves in steps of a quarter decade, the importance decay in
  /// steps of 0.05, m by one.
  mutating func handle(_ key: Key) -> Action {
    switch key {
    case .up, .char("k"): return scaleDensity(by: pow(10, 0.25))
    case .down, .char("j"): return scaleDensity(by: pow(10, -0.25))
    case .left, .char("h"): return settings > 1 ? .select((setting + settings - 1) % settings) : .none
    case .right, .char("l"): return settings > 1 ? .select((setting + 1) % settings) : .none
    case .char("]"): return setBase((base ?? 0.9) + 0.05)
    case .char("["): return setBase((base ?? 0.9) - 0.05)
    case .char("+"), .char("="):
      guard m < 64 else { return .none }
      m += 1
      if view == "geometry" && m != 2 { view = "wtw" }
      return .reinitialise
    case .char("-"):
      guard m > 1 else { return .none }
      m -= 1
      if view == "geometry" && m != 2 { view = "wtw" }
      return .reinitialise
    case .char("r"): return .reinitialise
    case .char(" "), .char("p"):
      paused.toggle()
      return .redraw
    case .char("v"):
      let views = Session.explorerViews(m: m)
      view = views[((views.firstIndex(of: view) ?? -1) + 1) % views.count]
      return .redraw
    case .char("q"), .escape, .interrupt: return .quit
    default: return .none
    }
  }

  private mutating func scaleDensity(by factor: Double) -> Action {
    let scaled = density.map { Float(min(1, max(1e-4, Double($0) * factor))) }
    guard scaled != density else { return .none }
    density = scaled
    return .rebuild
  }

  private mutating func setBase(_ value: Double) -> Action {
    let clamped = min(1, max(0.05, (value * 100).rounded() / 100))
    guard clamped != base else { return .none }
    base = clamped
    importance = (0..<n).map { Float(pow(clamped, Double($0))) }
    return .rebuild
  }

  /// The state of setting `setting` of an entry.
  init(entry: ModelEntry, setting: Int) {
    let model = entry.model
    let instance = entry.shown[setting]
    kind = model.kind
    n = model.n
    m = model.m
    importance = model.importance(instance: instance)
    density = model.density(instance: instance)
    seed = model.seed
    view = Session.explorerViews(m: model.m)[0]
    self.setting = setting
    settings = entry.settings.count
    // base^i when the importance is geometric.
    if n > 1, importance[0] > 0 {
      let ratio = Double(importance[1] / importance[0])
      let geometric = (0..<n).allSatisfy {
        abs(Double(importance[$0]) - Double(importance[0]) * pow(ratio, Double($0))) < 1e-4
      }
      base = geometric && importance[0] == 1 ? (ratio * 1000).rounded() / 1000 : nil
    }
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

  static let legend = "↑↓ sparsity  [ ] importance decay  + - m  r reset  space pause  v view  ←→ setting  q quit"

  /// A frame: the values and the speed, the view, the keys. Pure: the same model, values and
  /// size give the same text.
  func frame(
    _ model: ToyModel, session: Session, width: Int, height: Int, stepsPerSecond: Double, depth: ColorDepth,
    theme: Theme? = nil
  ) -> String {
    let loss = model.recentLoss(instance: 0).map { "  loss \(formatNumber($0, significant: 4))" } ?? ""
    let speed =
      paused ? "  paused" : stepsPerSecond > 0 ? "  \(formatNumber(stepsPerSecond, significant: 3)) steps/s" : ""
    let setting = settings > 1 ? "  setting \(self.setting + 1)/\(settings)" : ""
    let header = [
      statement, "step \(model.steps)\(loss)\(speed)\(setting)  view \(view)",
    ]
    var lines = header.map { String($0.prefix(width)) }
    let plotHeight = max(4, height - lines.count - 2)
    if let plot = session.explorerPlot(model, view: view) {
      let options = TextOptions(width: width, height: plotHeight, theme: theme)
      let text = depth == .none ? plot.plainText(options) : plot.terminalText(options, depth: depth)
      lines += text.split(separator: "\n", omittingEmptySubsequences: false).prefix(plotHeight + 6).map(String.init)
    } else {
      lines.append("(training…)")
    }
    while lines.count < height - 1 { lines.append("") }
    lines = Array(lines.prefix(height - 1))
    lines.append(String(Self.legend.prefix(width)))
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
    var stepsPerTick = 20
    var rate = 0.0
    var running = true
    while running {
      if !state.paused {
        let clock = ContinuousClock()
        let start = clock.now
        var options = TrainingOptions(steps: stepsPerTick)
        options.threads = 1
        _ = try? model.train(options)
        let elapsed = clock.now - start
        let seconds = max(1e-6, elapsed.seconds)
        rate = Double(stepsPerTick) / seconds
        // About 25 frames a second: as many steps as fit in 40 ms.
        stepsPerTick = max(1, min(5000, Int(rate * 0.04)))
      }
      let (columns, rows) = terminal.size
      terminal.draw(
        state.frame(
          model, session: session, width: columns, height: rows, stepsPerSecond: rate, depth: depth, theme: theme))
      guard let key = terminal.key(timeout: state.paused ? 200 : 0) else { continue }
      switch state.handle(key) {
      case .none, .redraw: break
      case .rebuild: model = (try? state.model(keeping: model, featureSets: entry.model.featureSets)) ?? model
      case .reinitialise: model = (try? state.model(keeping: nil, featureSets: entry.model.featureSets)) ?? model
      case .select(let setting):
        state = ExplorerState(entry: entry, setting: setting)
        model = singleInstance(of: entry, setting: setting) ?? model
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

/// The terminal in raw mode on the alternate screen, cursor hidden, until `restore`.
final class RawTerminal {
  private var saved = termios()
  private var restored = false

  init?() {
    guard isatty(STDIN_FILENO) != 0, isatty(STDOUT_FILENO) != 0, tcgetattr(STDIN_FILENO, &saved) == 0 else {
      return nil
    }
    var raw = saved
    // No echo, no line editing, no signals: Ctrl-C arrives as a key and quits.
    raw.c_lflag &= ~tcflag_t(ECHO | ICANON | ISIG | IEXTEN)
    raw.c_iflag &= ~tcflag_t(IXON | ICRNL)
    tcsetattr(STDIN_FILENO, TCSANOW, &raw)
    // Killed or hung up while exploring: put the terminal back before dying.
    rawTerminalSaved = saved
    for signal in [SIGTERM, SIGHUP] {
      Glibc.signal(signal) { number in
        var saved = rawTerminalSaved
        tcsetattr(STDIN_FILENO, TCSANOW, &saved)
        let leave: [UInt8] = Array("\u{1B}[0m\u{1B}[?25h\u{1B}[?1049l".utf8)
        _ = leave.withUnsafeBufferPointer { write(STDOUT_FILENO, $0.baseAddress, $0.count) }
        Termination.handler(number)
      }
    }
    writeOut("\u{1B}[?1049h\u{1B}[?25l\u{1B}[H\u{1B}[2J")
  }

  func restore() {
    guard !restored else { return }
    restored = true
    writeOut("\u{1B}[0m\u{1B}[?25h\u{1B}[?1049l")
    tcsetattr(STDIN_FILENO, TCSANOW, &saved)
    Termination.install()
  }

  deinit { restore() }

  var size: (columns: Int, rows: Int) {
    var size = winsize()
    guard ioctl(STDOUT_FILENO, UInt(TIOCGWINSZ), &size) == 0, size.ws_col > 0, size.ws_row > 0 else { return (80, 24) }
    return (Int(size.ws_col), Int(size.ws_row))
  }

  /// A whole frame from the top left, each line cleared to its end.
  func draw(_ frame: String) {
    var out = "\u{1B}[H"
    for line in frame.split(separator: "\n", omittingEmptySubsequences: false) { out += line + "\u{1B}[0m\u{1B}[K\r\n" }
    out.removeLast(2)
    writeOut(out + "\u{1B}[J")
  }

  /// The next key, waiting up to `timeout` milliseconds.
  func key(timeout: Int32) -> ExplorerState.Key? {
    guard let byte = read(timeout: timeout) else { return nil }
    switch byte {
    case 3: return .interrupt
    case 27:
      guard read(timeout: 20) == UInt8(ascii: "[") else { return .escape }
      switch read(timeout: 20) {
      case UInt8(ascii: "A"): return .up
      case UInt8(ascii: "B"): return .down
      case UInt8(ascii: "C"): return .right
      case UInt8(ascii: "D"): return .left
      default: return nil
      }
    default:
      return .char(Character(UnicodeScalar(byte)))
    }
  }

  private func read(timeout: Int32) -> UInt8? {
    var descriptor = pollfd(fd: STDIN_FILENO, events: Int16(POLLIN), revents: 0)
    guard poll(&descriptor, 1, timeout) > 0 else { return nil }
    var byte: UInt8 = 0
    return Glibc.read(STDIN_FILENO, &byte, 1) == 1 ? byte : nil
  }
}

/// The terminal settings to restore from a signal handler (which cannot capture).
nonisolated(unsafe) private var rawTerminalSaved = termios()
