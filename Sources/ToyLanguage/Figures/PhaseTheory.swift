import ToyCore
import ToyPlot

/// The phase diagrams of paper-notes §3.4 in closed form: at each point, the cheapest of
/// the candidate solutions (`PhaseChange`), drawn as categories named by what happens to the
/// extra feature. `show phase` draws it beside the trained models, `toy phase` alone.
public enum PhaseTheory {
  /// The categories of a setting's candidates, in `setting.solutions` order.
  static func categories(_ setting: PhaseChange) -> [PhaseDiagram.Category] {
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
  static func diagram(
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

  /// A theory diagram's numbers, as `show phase` and `toy phase` give them: the category
  /// names, each column's relative importance, each row's density (high to low), and each
  /// point's category (an index into the names).
  static func json(_ theory: PhaseDiagram) -> JSON.Node {
    let (columns, rows) = (theory.cells.map(\.count).max() ?? 0, theory.cells.count)
    return .object([
      ("categories", .array(theory.categories.map { .string($0.name) })),
      ("relative_importance", JSON.numbers((0..<columns).map { theory.axes.importance(column: $0, of: columns) })),
      ("density", JSON.numbers((0..<rows).map { theory.axes.density(row: $0, of: rows) })),
      ("cells", .array(theory.cells.map { JSON.numbers($0.map(Double.init)) })),
    ])
  }

  /// The theory's diagram of `setting` over the paper's ranges as a display, for `toy phase`:
  /// in text at `resolution` points per axis, or at as many as `text` has cells (`color`:
  /// whether the text will be shown in colour, which draws more cells to a line); as SVG at
  /// `resolution`, or 200.
  public static func display(
    _ setting: PhaseChange, resolution: Int?, text: TextOptions, color: Bool, svgStyle: SVGStyle
  ) -> Display {
    var measured = text
    measured.color = color
    let size = resolution.map { ($0, $0) } ?? PhaseAxes.paper.textResolution(measured)
    let title = "n=\(setting.featureCount), m=\(setting.hiddenCount): the cheapest candidate (theory)"
    let drawn = diagram(setting, columns: size.0, rows: size.1, title: title)
    let fine = diagram(setting, columns: resolution ?? 200, rows: resolution ?? 200, title: title)
    let bundle = JSON.Node.object([("toy_version", .string(toyVersion)), ("data", json(drawn))])
    return Display(
      span: nil, plain: drawn.plainText(text), svg: fine.svgDocument(svgStyle), numbers: bundle, plot: drawn,
      textOptions: text)
  }
}

extension PhaseDiagram.Category {
  func renamed(_ name: String) -> Self { Self(name, color: color, letter: letter) }
}

/// The trained side of a phase diagram: what the seeds at each point found, drawn in the
/// theory's categories so that the two panels compare cell by cell.
enum PhaseTrained {
  /// Seeds that match none of the candidates (`PhaseChange.solution(of:)` is nil).
  static let other = PhaseDiagram.Category("none of the candidates", color: RGB(70, 70, 70), letter: "x")

  /// The theory's categories of `setting`, then `other`.
  static func categories(_ setting: PhaseChange) -> [PhaseDiagram.Category] {
    PhaseTheory.categories(setting) + [other]
  }

  /// The index into `categories(setting)` of a solution (nil: `other`).
  static func category(_ solution: PhaseChange.Solution?, _ setting: PhaseChange) -> Int {
    solution.flatMap { setting.solutions.firstIndex(of: $0) } ?? setting.solutions.count
  }

  /// The seed drawn at a point: seed number `seed` of it, or its best seed when nil.
  static func drawn(_ point: PhaseChange.TrainedPoint, seed: Int?) -> PhaseChange.TrainedSeed {
    seed.map { point.seeds[min($0, point.seeds.count - 1)] } ?? point.bestSeed
  }

  /// At each point (row 0 the densest, nil: no data) the candidate of the best seed, or of
  /// seed number `seed`; the notes say which, and at how many points the seeds split.
  static func diagram(
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
