/// What trained seeds did at a point of a phase diagram (paper §3.4): each seed's solution
/// read from its weights, the best seed, and how the seeds split.
///
/// The paper summarises a point by training ten models, dropping the worst and averaging the
/// rest. Near a boundary, and for n = 3, m = 2 over much of the diagram, the seeds settle in
/// different candidates, and the average of a dedicated dimension and an antipodal pair is
/// neither. Toy reports what the seeds did instead: the best seed's solution (the lowest loss
/// on the fixed evaluation batch, the seed every other view shows) and the fraction of seeds
/// in each candidate.
///
///     let points = PhaseChange.threeInTwo.trainedPoints(model, seeds: 10)
///     points[0].solution                        // the best seed's, e.g. .regularAntipodal
///     points[0].fraction(of: .ignoreRegular)    // e.g. 0.5: half the seeds dropped a regular
extension PhaseChange {
  /// A feature whose row is at least this long is represented; a shorter one is ignored.
  public static let representedNorm = 0.5
  /// Two represented features are antipodal when the cosine of their rows is below this.
  public static let antipodalCosine = -0.7
  /// Two represented features are orthogonal when |cosine| is below this.
  public static let orthogonalCosine = 0.3

  /// The candidate whose shape `rows` (W_i, F×H, the extra feature last) has: the same
  /// ignored features and antipodal pairs, every other pair of represented features
  /// orthogonal. The regular features are interchangeable. Nil when the rows are none of
  /// the candidates, e.g. McGrath's "confused" solution (both features on one side of the
  /// line) or the n = 3 triangle W_0 + W_1 + W_2 = 0, which the paper leaves out.
  ///
  ///     PhaseChange.twoInOne.solution(of: [[1], [-1]])  // .extraAntipodal
  ///     PhaseChange.twoInOne.solution(of: [[1], [1]])   // nil: not a candidate
  public func solution(of rows: [[Double]]) -> Solution? {
    guard rows.count == featureCount else { return nil }
    let geometry = FeatureGeometry(rows: rows)
    let extra = featureCount - 1
    let ignored = (0..<featureCount).filter { !(geometry.norms[$0] >= Self.representedNorm) }
    let represented = (0..<featureCount).filter { geometry.norms[$0] >= Self.representedNorm }
    var pairs: [(Int, Int)] = []
    for (k, i) in represented.enumerated() {
      for j in represented[(k + 1)...] {
        let cosine = geometry.interference[i][j] / (geometry.norms[i] * geometry.norms[j])
        if cosine < Self.antipodalCosine {
          pairs.append((i, j))
        } else if !(Swift.abs(cosine) < Self.orthogonalCosine) {
          return nil
        }
      }
    }
    let solution: Solution
    if ignored.count == 1 && pairs.isEmpty {
      solution = ignored[0] == extra ? .ignoreExtra : .ignoreRegular
    } else if ignored.isEmpty && pairs.count == 1 {
      // Pairs are (i, j) with i < j: the extra feature, last, can only be j.
      solution = pairs[0].1 == extra ? .extraAntipodal : .regularAntipodal
    } else {
      return nil
    }
    return solutions.contains(solution) ? solution : nil
  }

  /// One seed of a trained point.
  public struct TrainedSeed: Sendable, Equatable {
    /// The model instance this seed is, counted in the whole model when the model trained
    /// is a window of it (as its random streams count).
    public let instance: Int
    /// Its loss on the fixed evaluation batch (per instance: averaged over features).
    public let loss: Double
    /// The candidate its weights are; nil when none.
    public let solution: Solution?
    /// ‖W_extra‖, the extra (last) feature's norm.
    public let norm: Double
    /// Σ_{j≠extra}(Ŵ_extra·W_j)², the extra feature's superposition.
    public let superposition: Double
  }

  /// What the seeds of one setting did.
  public struct TrainedPoint: Sendable, Equatable {
    /// Every seed, in instance order.
    public let seeds: [TrainedSeed]
    /// The index into `seeds` of the lowest-loss seed (`SeedSelection.best`'s rule).
    public let best: Int

    /// The lowest-loss seed.
    public var bestSeed: TrainedSeed { seeds[best] }
    /// The best seed's solution: the point's phase.
    public var solution: Solution? { bestSeed.solution }

    /// The fraction of the seeds whose solution is `solution` (nil: none of the candidates).
    public func fraction(of solution: Solution?) -> Double {
      Double(seeds.count { $0.solution == solution }) / Double(max(1, seeds.count))
    }
  }

  /// What the seeds of `setting` did, in a model whose instances are `seeds` seeds of each
  /// setting, setting-major, and whose evaluation losses are `losses` (one per instance). In a
  /// window of whole settings, `setting` counts from the window's first.
  public func trainedPoint(_ model: ToyModel, setting: Int, seeds: Int, losses: [Double]) -> TrainedPoint {
    precondition(model.n == featureCount && model.m == hiddenCount, "a \(model.n)×\(model.m) model is not \(self)")
    let instances = setting * seeds..<(setting + 1) * seeds
    let extra = featureCount - 1
    let trained = instances.map { instance in
      let geometry = model.geometry(instance: instance)
      return TrainedSeed(
        instance: model.firstInstance + instance, loss: losses[instance], solution: solution(of: geometry.rows),
        norm: geometry.norms[extra], superposition: geometry.superposition[extra])
    }
    let best = SeedSelection.best(losses: trained.map(\.loss), seeds: seeds)[0]
    return TrainedPoint(seeds: trained, best: best)
  }

  /// What the seeds of every setting did (see `trainedPoint`), ranked on `samples` rows of
  /// the evaluation batch. `model.instanceCount` must be a multiple of `seeds`.
  public func trainedPoints(_ model: ToyModel, seeds: Int, samples: Int = 16_384) -> [TrainedPoint] {
    precondition(
      seeds > 0 && model.instanceCount % seeds == 0,
      "\(model.instanceCount) instances are not settings of \(seeds) seeds")
    let losses = model.evaluationLoss(samples: samples)
    return (0..<model.instanceCount / seeds).map { trainedPoint(model, setting: $0, seeds: seeds, losses: losses) }
  }
}
