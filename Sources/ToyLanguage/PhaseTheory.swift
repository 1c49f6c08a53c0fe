import ToyCore
import ToyPlot

/// The phase diagrams of paper-notes §3.4 in closed form: at each point, the cheapest of
/// the candidate solutions (`PhaseChange`), drawn as categories named by what happens to the
/// extra feature. Shared by `show phase` and `toy phase`.
public enum PhaseTheory {
  /// The categories of a setting's candidates, in `setting.solutions` order.
  public static func categories(_ setting: PhaseChange) -> [PhaseDiagram.Category] {
    setting.solutions.map { solution in
      switch solution {
      case .ignoreExtra: return .notRepresented
      case .ignoreRegular:
        return setting == .twoInOne
          ? .dedicated : PhaseDiagram.Category.dedicated.renamed("dedicated, a regular dropped")
      case .extraAntipodal: return .superposition
      case .regularAntipodal:
        return PhaseDiagram.Category("dedicated, regular pair antipodal", color: RGB(110, 150, 235), letter: "R")
      }
    }
  }

  /// The theory's diagram of `setting` on a grid of `columns`×`rows` points over `axes`.
  public static func diagram(
    _ setting: PhaseChange, columns: Int, rows: Int, axes: PhaseAxes = .paper, title: String? = nil
  ) -> PhaseDiagram {
    let solutions = setting.solutions
    return PhaseDiagram(columns: columns, rows: rows, categories: categories(setting), axes: axes, title: title) {
      r, s in
      // An axis may reach past density 1 (to centre a trained grid's top row); there the
      // data are as dense as they can be.
      solutions.firstIndex(of: setting.candidates(relativeImportance: r, density: min(s, 1)).winner) ?? -1
    }
  }
}

extension PhaseDiagram.Category {
  func renamed(_ name: String) -> Self { Self(name, color: color, letter: letter) }
}
