import Foundation
import ToyCore

/// A one-line progress bar with loss and ETA on standard error, for terminals only.
enum ProgressBar {
  nonisolated(unsafe) private static var shown = false
  nonisolated(unsafe) private static var lastDrawn = -1.0

  static func report(_ progress: TrainingProgress, _ elapsed: Double) {
    guard !LiveView.active else { return }  // the live frame's header shows the progress
    // At most ten redraws a second, and always the last.
    guard elapsed - lastDrawn >= 0.1 || progress.step == progress.totalSteps || elapsed < lastDrawn else { return }
    lastDrawn = elapsed
    let fraction = Double(progress.step) / Double(max(1, progress.totalSteps))
    let width = 24
    let filled = Int((fraction * Double(width)).rounded(.down))
    let bar = String(repeating: "█", count: filled) + String(repeating: "·", count: width - filled)
    let loss = progress.losses.reduce(0.0) { $0 + Double($1) }
    let eta = fraction > 0 ? elapsed * (1 - fraction) / fraction : 0
    let line =
      "\r\(bar) \(progress.step)/\(progress.totalSteps)  loss \(significant(loss))  ETA \(fixed(eta, 1)) s\u{1B}[K"
    writeError(line)
    shown = true
  }

  /// Erases the bar before other output.
  static func clear() {
    guard shown else { return }
    writeError("\r\u{1B}[K")
    shown = false
    lastDrawn = -1
  }
}
