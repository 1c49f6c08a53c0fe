/// Share K of N of a script's training (`toy run FILE --shard K/N`), counted from 1 as
/// `split -n K/N` counts: which of each model's instances this share trains.
///
/// Each model's instances are cut into N runs of consecutive instances of about equal cost,
/// by the trainer's own cost model (`ToyModel.instanceCosts`, which depends on the model's
/// shape and densities, never on the machine), so that every share computes the same cut
/// from the script alone. A model with fewer instances than shares leaves some runs empty;
/// the runs are handed out starting one share further along for each model, so that the
/// shares take turns with small models instead of the first shares taking them all.
///
///     let share = TrainingShare(index: 2, of: 3)!
///     share.instances(costs: [1, 1, 1, 1, 1, 1], turn: 0)  // 2..<4
public struct TrainingShare: Sendable, Hashable, CustomStringConvertible {
  /// K, from 1 to `count`.
  public let index: Int
  /// N, the number of shares.
  public let count: Int

  /// The most shares one run may be split into.
  public static let limit = 100_000

  public init?(index: Int, of count: Int) {
    guard (1...Self.limit).contains(count), (1...count).contains(index) else { return nil }
    self.index = index
    self.count = count
  }

  /// `K/N`.
  public var description: String { "\(index)/\(count)" }

  /// The instances this share trains of a model whose instances cost `costs` each, where
  /// `turn` models have been handed out before it (see the type's summary).
  ///
  /// Instance j goes to run ⌊N·(C_j + c_j/2)/C⌋, where C_j is the cost of the instances
  /// before it and C the total: the run its middle falls in. Runs are therefore rising and
  /// consecutive, and run r goes to share (r + turn) mod N, counted from 0.
  public func instances(costs: [Double], turn: Int) -> Range<Int> {
    let total = costs.reduce(0, +)
    // A model whose costs say nothing (none, or not finite) is cut by count.
    let weights = total > 0 && total.isFinite ? costs : costs.map { _ in 1.0 }
    let sum = weights.reduce(0, +)
    let run = ((index - 1 - turn) % count + count) % count
    var before = 0.0
    var first: Int?
    var end = 0
    for (j, cost) in weights.enumerated() {
      let middle = (before + cost / 2) / sum
      before += cost
      let r = min(count - 1, Int(middle * Double(count)))
      if r == run {
        if first == nil { first = j }
        end = j + 1
      } else if r > run {
        break
      }
    }
    guard let first else { return 0..<0 }
    return first..<end
  }

  /// How far the turn moves on past a model of `instances` instances: by the runs it filled.
  public func turn(after instances: Int) -> Int { min(instances, count) }
}
