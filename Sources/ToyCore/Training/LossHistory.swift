/// The loss over training, kept sampled: at most `capacity` points per instance.
///
/// A point is recorded every `stride` steps; when the history fills, every other
/// point is dropped and the stride doubles, so a long run keeps an even outline.
public struct LossHistory: Sendable, Equatable, Codable {
  public static let capacity = 1024

  /// The steps (1-based count of steps taken) at which losses were recorded.
  public private(set) var steps: [Int] = []
  /// losses[i] is instance i's loss at each recorded step.
  public private(set) var losses: [[Float]]
  public private(set) var stride = 1

  public init(instances: Int) {
    losses = Array(repeating: [], count: instances)
  }

  /// Offers the loss after step `step` (1-based); kept if it falls on the stride.
  mutating func record(step: Int, losses stepLosses: [Float]) {
    guard step % stride == 0 else { return }
    steps.append(step)
    for i in losses.indices { losses[i].append(stepLosses[i]) }
    if steps.count >= Self.capacity {
      stride *= 2
      let keep = steps.indices.filter { steps[$0] % stride == 0 }
      steps = keep.map { steps[$0] }
      for i in losses.indices { losses[i] = keep.map { losses[i][$0] } }
    }
  }

  /// Whether `step` would be recorded.
  func wants(step: Int) -> Bool { step % stride == 0 }
}

extension LossHistory {
  /// The histories of consecutive windows of one model (see `ToyModel.firstInstance`), each
  /// recorded over the same steps, as the whole model's: their rows one after another. Nil
  /// when the windows recorded different steps, and so did not train together.
  init?(joining windows: [LossHistory]) {
    guard let first = windows.first, windows.allSatisfy({ $0.steps == first.steps && $0.stride == first.stride })
    else { return nil }
    self = first
    losses = windows.flatMap(\.losses)
  }
}
