/// The keys of `explore`, in one table: the explorer's key handling looks keys up here and
/// `help explore` (and the reference, docs/language.md) print it, so the two cannot drift apart.
public enum ExplorerCommand: Sendable, Equatable {
  case sparser, denser
  case faster, slower
  case replay
  case flatterImportance, steeperImportance
  case moreDimensions, fewerDimensions
  case reset, pause, nextView
  case nextSetting, previousSetting
  case quit
}

/// One command and the keys that give it, named as a person types them (`↓`, `space`,
/// `Ctrl-C`).
public struct ExplorerKeyBinding: Sendable {
  public let keys: [String]
  public let command: ExplorerCommand
  /// A word or two for the legend at the bottom of the view.
  public let label: String
  /// A sentence for `help explore`.
  public let summary: String
}

public enum ExplorerKeys {
  public static let bindings: [ExplorerKeyBinding] = [
    .init(keys: ["↓", "j"], command: .sparser, label: "sparser", summary: "features sparser: density ÷ 10^¼"),
    .init(keys: ["↑", "k"], command: .denser, label: "denser", summary: "features denser: density × 10^¼"),
    .init(
      keys: ["<", ","], command: .slower, label: "slower",
      summary: "slow motion: fewer training steps per frame (down to 1)"),
    .init(
      keys: [">", "."], command: .faster, label: "faster",
      summary: "more training steps per frame (up to full speed)"),
    .init(
      keys: ["z"], command: .replay, label: "replay",
      summary: "replay the last change: back to the model just before it, then train again"),
    .init(
      keys: ["]"], command: .flatterImportance, label: "flatter",
      summary: "importance decay 0.05 closer to 1 (importance=B^i)"),
    .init(
      keys: ["["], command: .steeperImportance, label: "steeper",
      summary: "importance decay 0.05 further from 1"),
    .init(
      keys: ["+", "="], command: .moreDimensions, label: "m+1", summary: "one more hidden dimension (fresh weights)"),
    .init(keys: ["-"], command: .fewerDimensions, label: "m−1", summary: "one hidden dimension fewer (fresh weights)"),
    .init(keys: ["r"], command: .reset, label: "reset", summary: "fresh weights, same values"),
    .init(keys: ["space", "p"], command: .pause, label: "pause", summary: "pause or resume training"),
    .init(keys: ["v"], command: .nextView, label: "view", summary: "next view: geometry (m=2), wtw, norms, loss"),
    .init(keys: ["→", "l"], command: .nextSetting, label: "next", summary: "the model's next setting (a sweep)"),
    .init(keys: ["←", "h"], command: .previousSetting, label: "previous", summary: "the model's previous setting"),
    .init(
      keys: ["q", "Esc", "Ctrl-C"], command: .quit, label: "quit",
      summary: "leave; the result stays as model `explored`"),
  ]

  /// The command a key gives, nil for a key explore ignores.
  public static func command(for key: String) -> ExplorerCommand? {
    bindings.first { $0.keys.contains(key) }?.command
  }

  /// The legend under the view: each command's first key and label.
  public static var legend: String {
    bindings.map { "\($0.keys[0]) \($0.label)" }.joined(separator: "  ")
  }

  /// One line per command for `help explore`: its keys and what it does.
  public static var helpLines: [String] {
    bindings.map {
      let keys = $0.keys.joined(separator: " ")
      return "  " + keys + String(repeating: " ", count: keysWidth - keys.count) + "  " + $0.summary
    }
  }

  /// The width of the keys column of `helpLines`.
  public static var keysWidth: Int { bindings.map { $0.keys.joined(separator: " ").count }.max() ?? 0 }
}
