import ArgumentParser
import Foundation
import ToyCore
import ToyLanguage
import ToyPlot

/// `toy phase`: the theory's phase diagram (paper §3.4), the cheapest closed-form candidate
/// at each relative importance r and density 1−S.
struct PhaseCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "phase",
    abstract: "Draw the theoretical phase diagram of an extra feature (the paper's phase change section).",
    discussion: """
      Each point shows the cheapest closed-form candidate at the extra feature's
      relative importance r (0.1 to 10, across) and density s = 1−S (1 to 0.01,
      down). Losses per example; a dropped feature's bias is s/2:
        2x1 (n=2, m=1)  ignore extra r(s/3 − s²/4), ignore the regular feature
                        s/3 − s²/4, antipodal (1+r)s²/6
        3x2 (n=3, m=2)  the same three, and the regular pair antipodal with
                        the extra feature dedicated, s²/3
      The text has one point per cell at the terminal's width; the SVG 200×200.
      With --train, ReLU models are trained at each point beside the theory; each
      point shows the candidate its lowest-loss model found (models are not
      averaged: they may have found different candidates), and a note says at
      how many points the models differ.

      Examples:
        toy phase --kind 3x2 --svg phase.svg
        toy phase --train --points 10 --models 10
      """
  )

  enum Kind: String, CaseIterable, ExpressibleByArgument {
    case twoInOne = "2x1"
    case threeInTwo = "3x2"

    var setting: PhaseChange { self == .twoInOne ? .twoInOne : .threeInTwo }
  }

  @Option(help: "The setting: 2x1 (n=2, m=1) or 3x2 (n=3, m=2).")
  var kind: Kind = .twoInOne

  @Option(help: "Points per axis (default: as many as the text has cells; 200 in SVG).")
  var resolution: Int?

  @Option(help: ArgumentHelp("Also write the diagram as SVG to this file.", valueName: "file"))
  var svg: String?

  @Flag(help: "Also train ReLU models at each point and draw them beside the theory, as the paper does.")
  var train = false

  @Option(help: "With --train: trained points per axis.")
  var points = 10

  @Option(help: "With --train: models per point; the point shows the candidate of the one with the lowest loss.")
  var models = 10

  @Option(help: "With --train: training steps (the notebook's and the examples' 10,000).")
  var steps = 10_000

  @Option(help: "With --train: the seed of every random draw.")
  var seed: UInt64 = 0

  @OptionGroup var terminal: TerminalOptions

  func validate() throws {
    if let resolution, !(1...2000).contains(resolution) {
      throw ValidationError("--resolution must be between 1 and 2000, got \(resolution)")
    }
    if !(1...100).contains(points) { throw ValidationError("--points must be between 1 and 100, got \(points)") }
    if models < 1 { throw ValidationError("--models must be at least 1, got \(models)") }
    if steps < 1 { throw ValidationError("--steps must be at least 1, got \(steps)") }
  }

  func run() throws {
    let policy = terminal.policy
    if train {
      let empirical = try trainedDiagram()
      let panel = TextOptions(width: PanelGrid.panelWidth(width: policy.width, columns: 2), ascii: terminal.ascii)
      let size = resolution.map { ($0, $0) } ?? PhaseAxes.paper.textResolution(panel)
      let theory = Self.diagram(kind.setting, columns: size.0, rows: size.1)
      let plot = PanelGrid.phaseComparison(theory: theory, trained: empirical)
      writeLine(terminal.render(plot, policy: policy))
      if let svg {
        let fine = Self.diagram(kind.setting, columns: resolution ?? 200, rows: resolution ?? 200)
        try writeFile(
          PanelGrid.phaseComparison(theory: fine, trained: empirical).svgDocument(
            TerminalPolicy.svgStyle(terminal.theme)), to: svg)
      }
      return
    }
    let options = TextOptions(width: policy.width, ascii: terminal.ascii, color: policy.depth != .none)
    let size = resolution.map { ($0, $0) } ?? PhaseAxes.paper.textResolution(options)
    writeLine(terminal.render(Self.diagram(kind.setting, columns: size.0, rows: size.1), policy: policy))
    if let svg {
      let plot = Self.diagram(kind.setting, columns: resolution ?? 200, rows: resolution ?? 200)
      try writeFile(plot.svgDocument(TerminalPolicy.svgStyle(terminal.theme)), to: svg)
    }
  }

  /// Trains `models` ReLU models per point of a `points`×`points` grid, as instances of one
  /// model, and draws the candidate each point's best model found.
  func trainedDiagram() throws -> PhaseDiagram {
    let setting = kind.setting
    let (n, m) = (setting.featureCount, setting.hiddenCount)
    let axes = PhaseAxes.paper
    var importance: [[Float]] = []
    var density: [[Float]] = []
    for row in 0..<points {
      for column in 0..<points {
        let r = Float(axes.importance(column: column, of: points))
        let s = Float(axes.density(row: row, of: points))
        for _ in 0..<models {
          importance.append([Float](repeating: 1, count: n - 1) + [r])
          density.append([Float](repeating: s, count: n))
        }
      }
    }
    var model: ToyModel
    do {
      // The models at a point are replicas: they start at the scale of one model per point.
      model = try ToyModel(
        kind: .relu, n: n, m: m, importance: importance, density: density, seed: seed,
        settingCount: points * points)
    } catch {
      throw CommandFailure(error.description)
    }
    let outcome: TrainingOutcome
    do {
      outcome = try Interrupt.whileTraining { () throws(ModelError) in
        try model.train(TrainingOptions(steps: steps), cancellation: Interrupt.cancellation)
      }
    } catch {
      throw CommandFailure(error.description)
    }
    if outcome.cancelled { throw CommandFailure("interrupted: training stopped at step \(outcome.stepsTaken)") }
    // Instances run point by point, row-major from the densest row, `models` each.
    let trained = setting.trainedPoints(model, seeds: models)
    let grid: [[PhaseChange.TrainedPoint?]] = (0..<points).map { row in
      (0..<points).map { column in trained[row * points + column] }
    }
    let title = "trained: \(models) models at each of \(points)×\(points) points"
    return PhaseTrained.diagram(setting, points: grid, axes: axes, title: title)
  }

  /// The theory's diagram of `setting` on a grid of `columns`×`rows` points over the paper's ranges.
  static func diagram(_ setting: PhaseChange, columns: Int, rows: Int) -> PhaseDiagram {
    let shape = "n=\(setting.featureCount), m=\(setting.hiddenCount)"
    return PhaseTheory.diagram(
      setting, columns: columns, rows: rows, title: "\(shape): the cheapest candidate (theory)")
  }
}

/// Writes `text` to `path`, naming the file on failure.
func writeFile(_ text: String, to path: String) throws {
  do {
    try FileWriter.replace(path, with: text)
  } catch {
    throw CommandFailure("\(path): cannot write: \(error.reason)")
  }
}
