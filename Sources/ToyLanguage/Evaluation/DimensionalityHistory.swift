import ToyCore

/// Feature dimensionalities D_i recorded while a model trains: at most `capacity` points,
/// halving the resolution as training goes on (like the loss history).
public struct DimensionalityHistory: Sendable {
  public internal(set) var steps: [Int] = []
  /// Per point, per instance, per feature.
  public internal(set) var values: [[[Double]]] = []
  public static let capacity = 400

  /// Whether recording a model's D_i every observation stays cheap: the cost per point is
  /// instances·n²·m multiply-adds, at most `costLimit`.
  public static func records(_ model: ToyModel) -> Bool {
    records(instances: model.instanceCount, n: model.n, m: model.m)
  }

  static func records(instances: Int, n: Int, m: Int) -> Bool { instances * n * n * m <= costLimit }

  /// The most multiply-adds (instances·n²·m) one recorded point may cost.
  static let costLimit = 4_000_000

  /// Every instance's D_i per feature.
  static func dimensionalities(_ model: ToyModel) -> [[Double]] {
    (0..<model.instanceCount).map { i in
      FeatureGeometry(rows: model.weights(instance: i).map { $0.map(Double.init) }, hiddenCount: model.m)
        .dimensionality
    }
  }

  mutating func record(step: Int, model: ToyModel) {
    if let last = steps.last, step <= last { return }
    record(step: step, values: Self.dimensionalities(model))
  }

  /// Records `values`, every instance's D_i per feature (a check gathers them window by window).
  mutating func record(step: Int, values point: [[Double]]) {
    if let last = steps.last, step <= last { return }
    steps.append(step)
    values.append(point)
    if steps.count > Self.capacity {
      steps = stride(from: 0, to: steps.count, by: 2).map { steps[$0] }
      values = stride(from: 0, to: values.count, by: 2).map { values[$0] }
    }
  }

  mutating func reset() {
    steps = []
    values = []
  }
}
