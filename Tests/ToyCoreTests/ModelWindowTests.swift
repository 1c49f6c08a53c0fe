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

  /// Windows that cover the model, trained apart (each on one thread, the whole on two),
  /// join into exactly the whole model trained in one piece: weights, optimiser state, recent
  /// losses and loss history, as split training (`toy run --shard`) relies on. 1100 steps pass
  /// the loss history's capacity, so its stride has doubled.
  @Test(arguments: [ModelKind.relu, .abs])
  func windowsTrainedApartJoinIntoTheWhole(kind: ModelKind) throws {
    var whole = try Self.whole(kind: kind, initialization: nil)
    let ranges = [0..<5, 5..<6, 6..<17, 17..<24]
    var windows = try ranges.map { try whole.initialWindow($0) }
    var options = TrainingOptions(steps: 1100)
    options.batchSize = 3
    options.threads = 2
    try whole.train(options)
    options.threads = 1
    for index in windows.indices { try windows[index].train(options) }
    #expect(whole.history.stride > 1)
    let joined = try ToyModel(file: ModelFile(joining: windows.map(\.file)))
    #expect(joined == whole)
  }

  /// Training runs in segments, which end at each observation and are shorter the more
  /// instances a model has (the per-step loss buffer is bounded), so a window runs other
  /// segments than its whole: the numbers must not depend on them.
  @Test func windowsJoinWhateverTheSegmentsOfTraining() throws {
    var whole = try Self.whole(kind: .relu, initialization: nil)
    let ranges = [0..<1, 1..<13, 13..<24]
    var windows = try ranges.map { try whole.initialWindow($0) }
    var options = TrainingOptions(steps: 60)
    options.batchSize = 2
    options.observeEvery = 7
    try whole.train(options) { _, _ in }
    for (index, every) in zip(windows.indices, [0, 3, 11]) {
      options.observeEvery = every
      try windows[index].train(options) { _, _ in }
    }
    #expect(try ToyModel(file: ModelFile(joining: windows.map(\.file))) == whole)
  }

  /// Files that are not windows of one model do not join, and say on which key they differ.
  @Test func windowsOfDifferentTrainingDoNotJoin() throws {
    let whole = try Self.whole(kind: .relu, initialization: nil)
    var first = try whole.initialWindow(0..<4)
    let second = try whole.initialWindow(4..<24)
    try first.train(TrainingOptions(steps: 2))
    #expect(throws: ModelFileError.windowsDiffer(key: "steps")) {
      try ModelFile(joining: [first.file, second.file])
    }
    var reseeded = second.file
    reseeded.seed += 1
    #expect(throws: ModelFileError.windowsDiffer(key: "seed")) {
      try ModelFile(joining: [second.file, reseeded])
    }
  }

  /// `normalize` absent and `"none"` both mean the paper's law: windows differing only so
  /// join, and "unit" beside either does not.
  @Test func windowsCompareNormalizeByMeaning() throws {
    let whole = try Self.whole(kind: .relu, initialization: nil)
    var first = try whole.initialWindow(0..<4).file
    let second = try whole.initialWindow(4..<24).file
    #expect(first.normalize == nil)
    first.normalize = ModelFile.noNorm
    #expect(try ModelFile(joining: [first, second]).instances.count == whole.instanceCount)
    #expect(try ModelFile(joining: [second, first]).instances.count == whole.instanceCount)
    first.normalize = ModelFile.unitNorm
    #expect(throws: ModelFileError.windowsDiffer(key: "normalize")) {
      try ModelFile(joining: [second, first])
    }
  }

  /// A fresh window of a window is the same instances of the whole, given the whole's size.
  @Test func aWindowOfAWindowIsAWindowOfTheWhole() throws {
    let whole = try Self.whole(kind: .relu, initialization: nil)
    let window = try whole.initialWindow(6..<20)
    let inner = try window.initialWindow(2..<5, of: whole.instanceCount)
    #expect(inner == (try whole.initialWindow(8..<11)))
  }

  @Test func aWindowMustLieInsideTheWhole() {
    #expect(throws: ModelError.self) {
      try ToyModel(
        kind: .relu, n: 2, m: 1, importance: [[1, 1], [1, 1]], density: [[1, 1], [1, 1]], settingCount: 3,
        window: (3, 4))
    }
  }
}
