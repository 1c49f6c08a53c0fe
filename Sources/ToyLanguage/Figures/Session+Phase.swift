import Foundation
import ToyCore
import ToyPlot

/// `show phase`: a swept model's trained phase diagram beside the closed-form theory.
extension Session {
  /// `show phase`: a model swept over relative importance and density (n=2, m=1 or n=3,
  /// m=2, the extra feature last), with seeds: at each point the candidate the best seed (or
  /// seed number `seed=`) found, beside the closed-form theory at a finer grid. Seeds are not
  /// averaged: they may have found different candidates (`PhaseChange.trainedPoint`). The
  /// JSON holds every seed, and the fraction of seeds in each candidate.
  func phaseFigure(_ request: FigureRequest) throws(Diagnostic) -> Figure {
    let (entry, model, span, source) = (request.entry, request.model, request.span, request.source)
    let problem: PhaseChange? =
      switch (model.n, model.m) {
      case (2, 1): .twoInOne
      case (3, 2): .threeInTwo
      default: nil
      }
    let seed: Int?
    switch request.seeds {
    case .best: seed = nil
    case .numbers(let numbers) where numbers.count == 1: seed = numbers[0]
    default:
      throw Diagnostic(.phaseOneSeed, at: request.seedSpan ?? span, in: source)
    }
    // Each setting's point, read from the model rather than from the sweep's variables, so
    // that their names and order do not matter (sparsity=… works as density=… does).
    let extra = model.n - 1
    let points = entry.settings.indices.map { setting -> (r: Double, p: Double) in
      let instance = setting * entry.seeds
      let importance = entry.importance(instance: instance)
      return (decimal(importance[extra] / importance[0]), decimal(entry.density(instance: instance)[extra]))
    }
    var owner: [[Double]: Int] = [:]
    for (setting, point) in points.enumerated() {
      if let earlier = owner.updateValue(setting, forKey: [point.r, point.p]) {
        throw Diagnostic(.phasePointRepeated(earlier, setting, r: point.r, density: point.p), at: span, in: source)
      }
    }
    let rValues = Array(Set(points.map(\.r))).sorted()
    let sValues = Array(Set(points.map(\.p))).sorted(by: >)
    // A sweep of one of the two draws a strip of the diagram: a column or a row of it.
    guard let problem, rValues.count > 1 || sValues.count > 1, rValues.allSatisfy({ $0.isFinite && $0 > 0 }) else {
      throw Diagnostic(.phaseNeedsSweep, at: span, in: source)
    }
    let trained = trainedPoints(problem, entry)
    var grid = [[PhaseChange.TrainedPoint?]](
      repeating: [PhaseChange.TrainedPoint?](repeating: nil, count: rValues.count), count: sValues.count)
    for (setting, point) in points.enumerated() {
      guard let column = rValues.firstIndex(of: point.r), let row = sValues.firstIndex(of: point.p) else { continue }
      grid[row][column] = trained[setting]
    }
    // Each trained point at the centre of its cell: the axes reach half a step past the
    // smallest and largest values (exact for a sweep evenly spaced in log, as logspace gives);
    // a single value, 1% either side.
    func centred(_ values: [Double]) -> ClosedRange<Double> {
      let (low, high) = (values.min() ?? 1, values.max() ?? 1)
      let half = values.count > 1 ? pow(high / low, 0.5 / Double(values.count - 1)) : 1.01
      return (low / half)...(high * half)
    }
    let axes = PhaseAxes(importance: centred(rValues), density: centred(sValues))
    // The theory on a finer grid than the trained points.
    let theory = PhaseTheory.diagram(problem, columns: 60, rows: 30, axes: axes, title: "theory")
    let diagram = PhaseTrained.diagram(problem, points: grid, seed: seed, axes: axes, title: "trained")
    return (
      PanelGrid.phaseComparison(theory: theory, trained: diagram),
      .object(
        [("relative_importance", JSON.numbers(rValues)), ("density", JSON.numbers(sValues))]
          + trainedJSON(problem, grid, seed: seed) + [("theory", PhaseTheory.json(theory))])
    )
  }

  /// The trained side of `show phase`'s JSON, every grid a row per density, high to low:
  /// the drawn seed's `norm`, `superposition`, `phase` (a category name) and `seed` number;
  /// `fractions`, per category, the fraction of the seeds in it; `seeds`, per seed, its
  /// `instance`, `loss` (on the evaluation batch), `phase`, `norm` and `superposition`.
  func trainedJSON(_ problem: PhaseChange, _ grid: [[PhaseChange.TrainedPoint?]], seed: Int?)
    -> [(String, JSON.Node)]
  {
    let names = PhaseTrained.categories(problem).map(\.name)
    func name(_ solution: PhaseChange.Solution?) -> JSON.Node {
      .string(names[PhaseTrained.category(solution, problem)])
    }
    func cells(_ value: (PhaseChange.TrainedPoint) -> JSON.Node) -> JSON.Node {
      .array(grid.map { row in .array(row.map { $0.map(value) ?? .null }) })
    }
    func perSeed(_ value: @escaping (PhaseChange.TrainedSeed) -> JSON.Node) -> JSON.Node {
      cells { point in .array(point.seeds.map(value)) }
    }
    let solutions: [PhaseChange.Solution?] = problem.solutions.map { $0 } + [nil]
    return [
      ("norm", cells { .number(PhaseTrained.drawn($0, seed: seed).norm) }),
      ("superposition", cells { .number(PhaseTrained.drawn($0, seed: seed).superposition) }),
      ("phase", cells { name(PhaseTrained.drawn($0, seed: seed).solution) }),
      ("seed", cells { .number(Double(seed ?? $0.best)) }),
      (
        "fractions",
        .object(
          zip(names, solutions).map { category, solution in
            (category, cells { .number($0.fraction(of: solution)) })
          })
      ),
      (
        "seeds",
        .object([
          ("instance", perSeed { .number(Double($0.instance)) }), ("loss", perSeed { .number($0.loss) }),
          ("phase", perSeed { name($0.solution) }), ("norm", perSeed { .number($0.norm) }),
          ("superposition", perSeed { .number($0.superposition) }),
        ])
      ),
    ]
  }
}
