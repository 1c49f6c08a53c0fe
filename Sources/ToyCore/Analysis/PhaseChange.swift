/// The closed-form candidate solutions of the phase-change models (paper §3.4).
///
/// Two small settings have exact candidate solutions whose losses depend only on the extra
/// feature's relative importance r and the density s = 1−S; the cheapest one at each (r, s)
/// draws the theoretical phase diagram, which trained models are compared against.
///
/// Losses are per example and summed over features, as in the paper. The notebook's
/// per-instance loss averages over features too, so it is this divided by n.
///
///     let point = PhaseChange.twoInOne.candidates(relativeImportance: 1, density: 0.01)
///     point.winner  // .extraAntipodal: at high sparsity both features share the line
public enum PhaseChange: Sendable, CaseIterable {
  /// n = 2, m = 1: feature 0 has importance 1, feature 1 (the extra one) importance r.
  case twoInOne
  /// n = 3, m = 2: features 0 and 1 have importance 1, feature 2 (the extra one) importance r.
  case threeInTwo

  /// The number of features n.
  public var featureCount: Int { self == .twoInOne ? 2 : 3 }
  /// The number of hidden dimensions m.
  public var hiddenCount: Int { self == .twoInOne ? 1 : 2 }

  /// The candidate solutions of this setting, in the order ties are broken.
  public var solutions: [Solution] {
    switch self {
    case .twoInOne: return [.ignoreExtra, .ignoreRegular, .extraAntipodal]
    case .threeInTwo: return [.ignoreExtra, .ignoreRegular, .extraAntipodal, .regularAntipodal]
    }
  }

  /// A candidate solution. An ignored feature has a zero row and bias E[x] = s/2; every
  /// other bias is 0. For n = 3, m = 2 each is also named by the vector W is orthogonal to.
  public enum Solution: String, Sendable, CaseIterable {
    /// The extra feature is dropped. n=2: W = [1, 0]; n=3: W ⊥ [0,0,1].
    case ignoreExtra = "ignore extra"
    /// A regular feature is dropped and the extra one gets its own dimension.
    /// n=2: W = [0, 1] ("ignore feature 1"); n=3: W ⊥ [1,0,0].
    case ignoreRegular = "ignore regular"
    /// The extra feature is antipodal to a regular one. n=2: W = [1, −1]; n=3: W ⊥ [0,1,1].
    case extraAntipodal = "extra antipodal"
    /// n = 3 only: the two regular features are antipodal and the extra one is dedicated
    /// (W ⊥ [1,1,0]).
    case regularAntipodal = "regular antipodal"

    /// The expected loss per example, summed over features, at relative importance r and
    /// density s. A dropped feature of importance I costs I·E[(x − s/2)²] = I(s/3 − s²/4);
    /// an antipodal pair errs only when both are active (probability s²), each output then
    /// losing min(x₁, x₂) with E[min²] = 1/6.
    public func loss(relativeImportance r: Double, density s: Double) -> Double {
      let dropped = s / 3 - s * s / 4
      switch self {
      case .ignoreExtra: return r * dropped
      case .ignoreRegular: return dropped
      case .extraAntipodal: return (1 + r) * s * s / 6
      case .regularAntipodal: return s * s / 3
      }
    }
  }

  /// One candidate's loss at a point of the diagram.
  public struct Candidate: Sendable, Equatable {
    public let solution: Solution
    /// Per example, summed over features.
    public let loss: Double
  }

  /// Every candidate's loss at one point of the diagram, and the cheapest.
  public struct Point: Sendable, Equatable {
    /// Each candidate of the setting, in the setting's order.
    public let candidates: [Candidate]
    /// The cheapest candidate; ties go to the earlier one in `candidates`.
    public let winner: Solution

    /// The loss of `solution`, nil if it is not a candidate of this setting.
    public func loss(of solution: Solution) -> Double? {
      candidates.first { $0.solution == solution }?.loss
    }
  }

  /// All candidate losses at relative importance r and density s, and the winner.
  public func candidates(relativeImportance r: Double, density s: Double) -> Point {
    let candidates = solutions.map { Candidate(solution: $0, loss: $0.loss(relativeImportance: r, density: s)) }
    var best = candidates[0]
    for candidate in candidates.dropFirst() where candidate.loss < best.loss { best = candidate }
    return Point(candidates: candidates, winner: best.solution)
  }
}
