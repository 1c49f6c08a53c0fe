import ArgumentParser
import Foundation
import ToyCore
import ToyLanguage
import ToyPlot

/// A plot `toy train --show` draws after training.
enum ShowTarget: String, CaseIterable {
  /// WᵀW with the bias beside it, one panel per instance.
  case wtw
  /// ‖W_i‖ per feature coloured by superposition, one panel per instance.
  case norms
  /// m=2 only: an arrow per feature W_i, canonically oriented, one panel per instance.
  case geometry
  /// The loss curves over training, one series per instance.
  case loss
  /// n=2, m=1 only: the extra feature's phase per density beside the theory's.
  case phase

  /// Parses "wtw, norms" into targets, naming a bad item and the valid ones.
  static func parse(_ text: String) throws -> [ShowTarget] {
    let items = text.split(separator: ",").map { $0.trimmingCharacters() }.filter { !$0.isEmpty }
    guard !items.isEmpty else { throw ValidationError("--show needs at least one plot") }
    return try items.map { item in
      guard let target = ShowTarget(rawValue: item.lowercased()) else {
        let valid = allCases.map(\.rawValue).joined(separator: ", ")
        throw ValidationError("--show: unknown plot '\(item)' (one of: \(valid))")
      }
      return target
    }
  }
}

extension TrainCommand {
  func validateShow() throws {
    guard let show else { return }
    let targets = try ShowTarget.parse(show)
    if targets.contains(.geometry) && m != 2 {
      throw ValidationError("--show geometry draws the W_i in the plane: give --m 2")
    }
    if targets.contains(.phase) && (n != 2 || m != 1) {
      throw ValidationError("--show phase draws the n=2, m=1 model of the phase change: give --n 2 --m 1")
    }
  }

  /// Draws the `--show` plots on standard output and writes `--svg`.
  func showPlots(_ model: ToyModel) throws {
    guard let show else { return }
    let plots = try ShowTarget.parse(show).map { plot($0, model) }
    let policy = terminal.policy
    for plot in plots { writeLine(terminal.render(plot, policy: policy)) }
    if let svg {
      let style = TerminalPolicy.svgStyle(terminal.theme)
      let document = plots.count == 1 ? plots[0].svgDocument(style) : PanelGrid(plots, columns: 1).svgDocument(style)
      try writeFile(document, to: svg)
      writeLine("wrote \(svg)")
    }
  }

  /// One target's plot: the instances as titled panels, or the phase comparison.
  func plot(_ target: ShowTarget, _ model: ToyModel) -> any Plot {
    let instances = 0..<model.instanceCount
    let geometries = instances.map { model.geometry(instance: $0) }
    func title(_ i: Int) -> String { "1−S = \(significant(Double(model.density(instance: i)[0]), 3))" }
    switch target {
    case .wtw:
      let panels = instances.map { i in
        Heatmap(geometries[i].interference, side: model.bias(instance: i).map(Double.init), title: title(i))
      }
      return PanelGrid(panels, title: "WᵀW and b")
    case .norms:
      let panels = instances.map { i in
        BarChart(
          geometries[i].norms, colors: geometries[i].superposition, marker: model.m, valueTitle: "‖W_i‖",
          title: title(i))
      }
      return PanelGrid(panels, title: "feature norms, coloured by superposition")
    case .geometry:
      let panels = instances.map { i in
        VectorPlot(
          geometries[i].rows, importance: model.importance(instance: i).map(Double.init), canonical: true,
          title: title(i))
      }
      return PanelGrid(panels, title: "the features W_i in the hidden plane")
    case .loss:
      let steps = model.history.steps.map(Double.init)
      let series = instances.map { i in
        LinePlot.Series(title(i), x: steps, y: model.history.losses[i].map(Double.init))
      }
      return LinePlot(series, logY: true, xLabel: "step", yLabel: "loss", title: "loss per instance")
    case .phase:
      return phaseComparison(model)
    }
  }

  /// The candidate each instance found (feature 1 the extra one, importance r = --importance)
  /// at its density, beside the theory's cheapest candidate there: one column of the phase
  /// diagram.
  func phaseComparison(_ model: ToyModel) -> any Plot {
    let order = (0..<model.instanceCount).sorted { model.density(instance: $0)[0] > model.density(instance: $1)[0] }
    let densities = order.map { max(1e-9, Double(model.density(instance: $0)[0])) }
    // Rows are evenly spaced in log for the default sweep; the range puts each at a row's centre.
    let step =
      densities.count > 1 ? pow(densities[0] / densities[densities.count - 1], 0.5 / Double(densities.count - 1)) : 1
    let margin = max(step, 1.01)
    let r = importance
    let axes = PhaseAxes(
      importance: (r / 1.01)...(r * 1.01), density: (densities[densities.count - 1] / margin)...(densities[0] * margin))
    let setting = PhaseChange.twoInOne
    let theory = PhaseDiagram(
      densities.map { s in
        [setting.solutions.firstIndex(of: setting.candidates(relativeImportance: r, density: s).winner) ?? -1]
      },
      categories: PhaseTheory.categories(setting), axes: axes, title: "theory")
    let trained = setting.trainedPoints(model, seeds: 1)
    let diagram = PhaseTrained.diagram(setting, points: order.map { [trained[$0]] }, axes: axes, title: "trained")
    return PanelGrid.phaseComparison(
      theory: theory, trained: diagram, title: "the extra feature at r = \(significant(r, 3))")
  }
}
