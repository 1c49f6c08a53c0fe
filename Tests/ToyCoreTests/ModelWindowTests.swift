import Testing

@testable import ToyCore

/// A window of a model (instances `first ..< first + count` of a bigger one) must initialise
/// and train exactly as those instances of the whole model do: a check trains huge sweeps
/// one window at a time and reports the same divergences and losses.
struct ModelWindowTests {
  /// Eight settings of three seeds each, with a density and an importance per setting.
  static let seeds = 3
  static let settings = 8
  static func rows(_ value: (Int) -> Float, n: Int) -> [[Float]] {
    (0..<settings * seeds).map { i in (0..<n).map { f in value(i / seeds) * (1 - 0.05 * Float(f)) } }
  }

  static func whole(kind: ModelKind, initialization: Initialization?) throws -> ToyModel {
    try ToyModel(
      kind: kind, n: 6, m: 2, importance: rows({ 1 + Float($0) / 4 }, n: 6),
      density: rows({ 0.05 + Float($0) / 9 }, n: 6), seed: 77, initialization: initialization,
      settingCount: settings)
  }

  static func window(
    of whole: ToyModel, _ range: Range<Int>, kind: ModelKind, initialization: Initialization?
  ) throws -> ToyModel {
    try ToyModel(
      kind: kind, n: 6, m: 2, importance: range.map { whole.importance(instance: $0) },
      density: range.map { whole.density(instance: $0) }, seed: 77, initialization: initialization,
      settingCount: settings, window: (range.lowerBound, whole.instanceCount))
  }

  @Test(
    arguments: [
      (ModelKind.relu, nil), (.abs, nil), (.relu, Initialization.kaimingUniform), (.relu, .instanceXavier),
    ] as [(ModelKind, Initialization?)])
  func windowInitialisesAndTrainsAsTheWhole(kind: ModelKind, initialization: Initialization?) throws {
    var whole = try Self.whole(kind: kind, initialization: initialization)
    let ranges = [0..<1, 5..<6, 7..<11, 23..<24]
    var windows = try ranges.map { try Self.window(of: whole, $0, kind: kind, initialization: initialization) }
    var options = TrainingOptions(steps: 7)
    options.batchSize = 5
    options.threads = 1
    try whole.train(options)
    for index in windows.indices { try windows[index].train(options) }
    for (range, window) in zip(ranges, windows) {
      for (local, instance) in range.enumerated() {
        #expect(window.weights(instance: local) == whole.weights(instance: instance), "instance \(instance)")
        #expect(window.bias(instance: local) == whole.bias(instance: instance), "instance \(instance)")
        #expect(window.recentLosses[local] == whole.recentLosses[instance], "instance \(instance)")
      }
    }
  }

  /// A window of whole settings finds those settings' trained points as the whole does, each
  /// seed named by its instance in the whole model.
  @Test func aWindowOfWholeSettingsFindsTheWholesTrainedPoints() throws {
    let (settings, seeds) = (4, 3)
    let rows = (0..<settings * seeds).map { [Float(1), 0.2 + Float($0 / seeds)] }
    let density = [[Float]](repeating: [0.3, 0.3], count: settings * seeds)
    var whole = try ToyModel(
      kind: .relu, n: 2, m: 1, importance: rows, density: density, seed: 5, settingCount: settings)
    let range = 3..<9
    var window = try ToyModel(
      kind: .relu, n: 2, m: 1, importance: Array(rows[range]), density: Array(density[range]), seed: 5,
      settingCount: settings, window: (range.lowerBound, whole.instanceCount))
    var options = TrainingOptions(steps: 200)
    options.batchSize = 16
    try whole.train(options)
    try window.train(options)
    let points = PhaseChange.twoInOne.trainedPoints(whole, seeds: seeds, samples: 256)
    #expect(PhaseChange.twoInOne.trainedPoints(window, seeds: seeds, samples: 256) == Array(points[1..<3]))
    #expect(points[1].seeds.map(\.instance) == [3, 4, 5])
  }

  @Test func aWindowMustLieInsideTheWhole() {
    #expect(throws: ModelError.self) {
      try ToyModel(
        kind: .relu, n: 2, m: 1, importance: [[1, 1], [1, 1]], density: [[1, 1], [1, 1]], settingCount: 3,
        window: (3, 4))
    }
  }
}
