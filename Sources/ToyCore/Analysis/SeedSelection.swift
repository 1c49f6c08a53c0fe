/// Choosing among seeds: "best of k" (§3.4, §3.10, §5).
///
/// Small models, m = 2 above all, often settle in a higher-loss local minimum depending on
/// the seed, so the paper trains several seeds per setting and keeps the lowest-loss one
/// (best of 1000 for the privileged basis). Its phase diagram instead averages all but the
/// worst of ten; toy does not, since the seeds may have found different solutions (see
/// `PhaseChange.trainedPoint`). Toy trains the seeds as instances, setting-major: setting s
/// owns instances s·k ..< (s+1)·k.
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
