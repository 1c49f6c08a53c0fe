/// Choosing among seeds: "best of k" and the phase diagram's "of ten, drop the worst" (§3.4, §3.10, §5).
///
/// Small models, m = 2 above all, often settle in a higher-loss local minimum depending on
/// the seed, so the paper trains several seeds per setting and keeps the lowest-loss one
/// (best of 1000 for the privileged basis) or averages all but the worst (the phase
/// diagram). Toy trains the seeds as instances, setting-major: setting s owns instances
/// s·k ..< (s+1)·k.
public enum SeedSelection {
  /// Per setting, the index into `losses` of the lowest loss among its `seeds` entries
  /// (NaN counts as worst; ties go to the lower index). `losses.count` must be a multiple
  /// of `seeds`.
  public static func best(losses: [Double], seeds: Int) -> [Int] {
    precondition(seeds > 0 && losses.count % seeds == 0, "\(losses.count) losses are not settings of \(seeds) seeds")
    return stride(from: 0, to: losses.count, by: seeds).map { start in
      ranked(losses[start..<start + seeds])[0]
    }
  }

  /// Per setting, the mean of `values` over its seeds after dropping the `drop` highest-loss
  /// ones (the phase diagram: of ten, drop the worst). `values` and `losses` are parallel,
  /// setting-major, `seeds` per setting; `drop` must be less than `seeds`.
  public static func meanDroppingWorst(values: [Double], losses: [Double], seeds: Int, drop: Int = 1) -> [Double] {
    precondition(values.count == losses.count, "\(values.count) values but \(losses.count) losses")
    precondition(seeds > 0 && losses.count % seeds == 0, "\(losses.count) losses are not settings of \(seeds) seeds")
    precondition(drop >= 0 && drop < seeds, "cannot drop \(drop) of \(seeds) seeds")
    return stride(from: 0, to: losses.count, by: seeds).map { start in
      let kept = ranked(losses[start..<start + seeds]).prefix(seeds - drop)
      return kept.reduce(0.0) { $0 + values[$1] } / Double(kept.count)
    }
  }

  /// The indices of `losses` from lowest to highest loss; NaN last, ties by index.
  private static func ranked(_ losses: ArraySlice<Double>) -> [Int] {
    losses.indices.sorted { a, b in
      switch (losses[a].isNaN, losses[b].isNaN) {
      case (false, false): return losses[a] != losses[b] ? losses[a] < losses[b] : a < b
      case (true, true): return a < b
      case (let aNaN, _): return !aNaN
      }
    }
  }
}

extension ToyModel {
  /// Per setting, the instance index of its lowest-`evaluationLoss` seed, for a model whose
  /// instances are `seeds` seeds of each setting, setting-major. `instanceCount` must be a
  /// multiple of `seeds`.
  public func bestOf(seeds: Int, samples: Int = 16_384) -> [Int] {
    SeedSelection.best(losses: evaluationLoss(samples: samples), seeds: seeds)
  }
}
