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

/// The trained side of a phase diagram: what the seeds at each point found, drawn in the
/// theory's categories so that the two panels compare cell by cell.
public enum PhaseTrained {
  /// Seeds that match none of the candidates (`PhaseChange.solution(of:)` is nil).
  public static let other = PhaseDiagram.Category("none of the candidates", color: RGB(70, 70, 70), letter: "x")

  /// The theory's categories of `setting`, then `other`.
  public static func categories(_ setting: PhaseChange) -> [PhaseDiagram.Category] {
    PhaseTheory.categories(setting) + [other]
  }

  /// The index into `categories(setting)` of a solution (nil: `other`).
  public static func category(_ solution: PhaseChange.Solution?, _ setting: PhaseChange) -> Int {
    solution.flatMap { setting.solutions.firstIndex(of: $0) } ?? setting.solutions.count
  }

  /// The seed drawn at a point: seed number `seed` of it, or its best seed when nil.
  public static func drawn(_ point: PhaseChange.TrainedPoint, seed: Int?) -> PhaseChange.TrainedSeed {
    seed.map { point.seeds[min($0, point.seeds.count - 1)] } ?? point.bestSeed
  }

  /// At each point (row 0 the densest, nil: no data) the candidate of the best seed, or of
  /// seed number `seed`; the notes say which, and at how many points the seeds split.
  public static func diagram(
    _ setting: PhaseChange, points: [[PhaseChange.TrainedPoint?]], seed: Int? = nil, axes: PhaseAxes,
    title: String? = nil
  ) -> PhaseDiagram {
    let cells = points.map { row in
      row.map { point in point.map { category(drawn($0, seed: seed).solution, setting) } ?? -1 }
    }
    let all = points.flatMap { $0 }.compactMap { $0 }
    let seeds = all.map(\.seeds.count).max() ?? 0
    var notes: [String] = []
    if seeds > 1 {
      let split = all.count { point in Set(point.seeds.map(\.solution)).count > 1 }
      notes = [
        seed.map { "seed \($0) of \(seeds) at each point" } ?? "the best of \(seeds) seeds at each point",
        "seeds differ at \(split) of \(all.count) points",
      ]
    }
    return PhaseDiagram(cells, categories: categories(setting), axes: axes, title: title, notes: notes)
  }
}
