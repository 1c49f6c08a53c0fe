import CToyKernels
import Foundation
import Synchronization
import XCTest

@testable import ToyCore

/// A model through its file and back: bit for bit, training on as if never saved, and every
/// broken file refused with a message that names the key.
final class ModelFileTests: XCTestCase {
  /// A small model of `kind` with varied importance and density, 3 instances.
  func makeModel(_ kind: ModelKind, n: Int = 5, m: Int = 2, featureSets: [FeatureSet] = []) throws -> ToyModel {
    let importance: [[Float]] = (0..<3).map { i in (0..<n).map { f in Float(1 + i) * 0.9 / Float(1 + f) } }
    let density: [[Float]] =
      featureSets.isEmpty
      ? [[1], [0.3], [0.05]].map { Array(repeating: $0[0], count: n) }
      : Array(repeating: Array(repeating: 0.5, count: n), count: 3)
    return try ToyModel(
      kind: kind, n: n, m: m, importance: importance, density: density, featureSets: featureSets, seed: 7)
  }

  func options(steps: Int) -> TrainingOptions {
    var options = TrainingOptions(steps: steps)
    options.batchSize = 64
    return options
  }

  /// Encodes and decodes as the executable does (JSON, sorted keys, pretty-printed).
  func throughJSON(_ model: ToyModel) throws -> ToyModel {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
    let data = try encoder.encode(model.file)
    return try ToyModel(file: JSONDecoder().decode(ModelFile.self, from: data))
  }

  /// Every field equal, every float (parameters, moments, losses) equal bit for bit.
  func assertIdentical(_ a: ToyModel, _ b: ToyModel, file: StaticString = #filePath, line: UInt = #line) {
    func bits(_ values: [Float]) -> [UInt32] { values.map(\.bitPattern) }
    XCTAssertEqual(a.kind, b.kind, file: file, line: line)
    XCTAssertEqual(
      [a.n, a.m, a.instanceCount, a.settingCount, a.steps], [b.n, b.m, b.instanceCount, b.settingCount, b.steps],
      file: file, line: line)
    XCTAssertEqual(a.seed, b.seed, file: file, line: line)
    XCTAssertEqual(a.samplesDrawn, b.samplesDrawn, file: file, line: line)
    XCTAssertEqual(a.initialization, b.initialization, file: file, line: line)
    XCTAssertEqual(a.dataScheme, b.dataScheme, file: file, line: line)
    XCTAssertEqual(a.featureSets, b.featureSets, file: file, line: line)
    XCTAssertEqual(bits(a.parameters), bits(b.parameters), "parameters", file: file, line: line)
    XCTAssertEqual(bits(a.firstMoment), bits(b.firstMoment), "first moment", file: file, line: line)
    XCTAssertEqual(bits(a.secondMoment), bits(b.secondMoment), "second moment", file: file, line: line)
    XCTAssertEqual(bits(a.importance), bits(b.importance), file: file, line: line)
    XCTAssertEqual(bits(a.density), bits(b.density), file: file, line: line)
    XCTAssertEqual(a.recentLosses.map(bits), b.recentLosses.map(bits), "recent losses", file: file, line: line)
    XCTAssertEqual(a.history.steps, b.history.steps, file: file, line: line)
    XCTAssertEqual(a.history.stride, b.history.stride, file: file, line: line)
    XCTAssertEqual(a.history.losses.map(bits), b.history.losses.map(bits), "history", file: file, line: line)
  }

  // MARK: Round trips

  func testRoundTripIsExactForEveryKind() throws {
    for kind in ModelKind.allCases {
      var model = try makeModel(kind)
      try model.train(options(steps: 12))
      assertIdentical(try throughJSON(model), model)
      assertIdentical(try throughJSON(try makeModel(kind)), try makeModel(kind))
    }
  }

  /// The number of settings behind the initial scale survives a save, and is written only
  /// when it differs from the instance count, so a file without it (all older files) loads
  /// with every instance its own setting.
  func testSettingCountRoundTripsAndDefaultsToTheInstances() throws {
    let importance = [[Float]](repeating: [1, 1, 1], count: 4)
    let density = [[Float]](repeating: [0.1, 0.1, 0.1], count: 4)
    let replicated = try ToyModel(
      kind: .relu, n: 3, m: 2, importance: importance, density: density, seed: 3, settingCount: 2)
    XCTAssertEqual(replicated.file.settings, 2)
    XCTAssertEqual(try throughJSON(replicated).settingCount, 2)
    XCTAssertEqual(try throughJSON(replicated).initialScale, replicated.initialScale)
    let plain = try ToyModel(kind: .relu, n: 3, m: 2, importance: importance, density: density, seed: 3)
    XCTAssertNil(plain.file.settings)
    let json = try JSONSerialization.jsonObject(with: JSONEncoder().encode(plain.file)) as! [String: Any]
    XCTAssertNil(json["settings"], "not written when every instance is a setting")
    XCTAssertEqual(try throughJSON(plain).settingCount, 4)
    XCTAssertThrowsError(
      try ToyModel(kind: .relu, n: 3, m: 2, importance: importance, density: density, settingCount: 5))
  }

  func testFeatureSetsRoundTrip() throws {
    let sets = [FeatureSet(.correlated, features: 0..<2), FeatureSet(.anticorrelated, features: 2..<5)]
    var model = try makeModel(.relu, n: 6, featureSets: sets)
    try model.train(options(steps: 3))
    let loaded = try throughJSON(model)
    XCTAssertEqual(loaded.featureSets, sets)
    assertIdentical(loaded, model)
  }

  /// The spec's promise: train 30 steps, or 15, save, load, 15 more: the same bits.
  func testTrainingAfterLoadContinuesExactly() throws {
    for kind in ModelKind.allCases {
      var straight = try makeModel(kind)
      try straight.train(options(steps: 30))
      var resumed = try makeModel(kind)
      try resumed.train(options(steps: 15))
      resumed = try throughJSON(resumed)
      try resumed.train(options(steps: 15))
      assertIdentical(resumed, straight)
      XCTAssertEqual(resumed.steps, 30)
      XCTAssertEqual(resumed.samplesDrawn, 30 * 64)
    }
  }

  /// An older file keeps the data scheme it was trained with: each instance draws what the
  /// scalar definition of its version's scheme gives (instance 1, density 0.3, a second word
  /// for its values before version 3; instance 2, density 0.05, a mask word per sample in
  /// version 1), its samples differ from a new model's where the schemes differ, it continues
  /// exactly through a save, and it is written back with its version.
  func testOlderFilesKeepTheirDataScheme() throws {
    var model = try makeModel(.relu)
    try model.train(options(steps: 5))
    XCTAssertEqual(model.file.version, 3)
    XCTAssertEqual(model.dataScheme, .oneWord)
    for scheme in [DataScheme.perSample, .grouped] {
      var file = model.file
      file.version = scheme.rawValue
      var old = try ToyModel(file: file)
      XCTAssertEqual(old.dataScheme, scheme)
      XCTAssertEqual(old.file.version, scheme.rawValue)

      let first = old.samplesDrawn
      for (instance, density) in [(1, 0.3), (2, 0.05)] as [(Int, Float)] {
        let key = RandomStream(seed: old.seed, instance: instance, purpose: .data).key
        let threshold = RandomStream.threshold(probability: density)
        var table = [UInt32](repeating: 0, count: 16)
        toy_group_cdf(threshold, &table)
        let drawn = old.trainingSamples(instance: instance, first: first, count: 512)
        let current = model.trainingSamples(instance: instance, first: first, count: 512)
        var differing = 0
        for j in 0..<512 {
          for f in 0..<5 {
            let sample = first + UInt64(j)
            let expected = toy_data_value(scheme.cScheme, key, sample, 5, Int32(f), threshold, table, 0)
            XCTAssertEqual(drawn[j][f].bitPattern, expected.bitPattern, "\(scheme) sample \(sample) f=\(f)")
            let now = toy_data_value(DataScheme.oneWord.cScheme, key, sample, 5, Int32(f), threshold, table, 0)
            XCTAssertEqual(current[j][f].bitPattern, now.bitPattern, "sample \(sample) f=\(f)")
            if drawn[j][f] != current[j][f] { differing += 1 }
          }
        }
        let schemesDiffer = scheme == .perSample || density >= 1.0 / 16
        XCTAssertEqual(differing > 0, schemesDiffer, "\(scheme) against the one-word scheme at density \(density)")
      }

      var straight = old
      try straight.train(options(steps: 10))
      try old.train(options(steps: 4))
      old = try throughJSON(old)
      try old.train(options(steps: 6))
      assertIdentical(old, straight)
      XCTAssertEqual(old.file.version, scheme.rawValue)
    }
  }

  func testTrainingAfterLoadContinuesExactlyWithFeatureSetsAndLongHistory() throws {
    // Past the history's capacity (1024 points) so that its stride has doubled when saved.
    let sets = [FeatureSet(.anticorrelated, features: 1..<4)]
    var straight = try makeModel(.hiddenReLU, n: 4, m: 2, featureSets: sets)
    var short = options(steps: 1300)
    short.batchSize = 4
    try straight.train(short)
    var resumed = try makeModel(.hiddenReLU, n: 4, m: 2, featureSets: sets)
    short.steps = 1100
    try resumed.train(short)
    XCTAssertEqual(resumed.history.stride, 2)
    resumed = try throughJSON(resumed)
    short.steps = 200
    try resumed.train(short)
    assertIdentical(resumed, straight)
  }

  /// Readers that parse a number as a Float64 and then round to Float32 (Python, JavaScript)
  /// get the saved bits too: the one Float32 whose shortest decimal they would misread is
  /// written with a Float64's digits.
  func testEveryNumberReadsBackThroughFloat64Too() throws {
    let trap = Float(bitPattern: ExactFloats.doubleRoundingTrap)
    XCTAssertNotEqual(Float(Double(trap.description)!).bitPattern, trap.bitPattern, "the trap is real")
    var model = try makeModel(.abs)
    var state: UInt64 = 99
    for index in model.parameters.indices {
      state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
      let bits = UInt32(truncatingIfNeeded: state >> 32)
      let value = Float(bitPattern: index % 2 == 0 ? bits & 0x807F_FFFF : bits)
      model.parameters[index] = value.isFinite ? value : 1
      model.firstMoment[index] = index % 3 == 0 ? -trap : 0.1
    }
    model.parameters[0] = trap
    model.importance[1] = trap
    let text = String(decoding: try JSONEncoder().encode(model.file), as: UTF8.self)
    XCTAssertTrue(text.contains("[7.038530691851209e-26,"), "written with a Float64's digits")
    XCTAssertTrue(text.contains("-7.038530691851209e-26"))
    let numberCharacters = Set("0123456789+-.eE")
    let tokens = text.split { !numberCharacters.contains($0) }
    var checked = 0
    for token in tokens {
      guard let direct = Float(token), let wide = Double(token) else { continue }
      XCTAssertEqual(Float(wide).bitPattern, direct.bitPattern, "\(token)")
      checked += 1
    }
    XCTAssertGreaterThan(checked, model.parameters.count * 3)
    assertIdentical(try throughJSON(model), model)
  }

  /// Over every positive finite Float32 (the sign does not change the digits): Swift's
  /// shortest decimal, which JSONEncoder writes, reads back as the same Float32, and through
  /// a Float64 first too, except for the one value ExactFloats writes specially. About seven
  /// minutes on two cores in a release build, so it runs only when asked:
  /// `TOY_ALL_FLOATS=1 swift test -c release --filter testShortestDecimalsOfEveryFloat`.
  func testShortestDecimalsOfEveryFloat() throws {
    guard ProcessInfo.processInfo.environment["TOY_ALL_FLOATS"] != nil else {
      throw XCTSkip("set TOY_ALL_FLOATS=1 to check all 2³¹ positive Float32 bit patterns")
    }
    let chunks = 256
    let end: UInt32 = 0x7F80_0000
    let mismatches = Mutex<[UInt32]>([])
    DispatchQueue.concurrentPerform(iterations: chunks) { chunk in
      var found: [UInt32] = []
      let from = UInt32(chunk) * (end / UInt32(chunks))
      let to = chunk == chunks - 1 ? end : from + end / UInt32(chunks)
      for bits in from..<to {
        let text = Float(bitPattern: bits).description
        let direct = Float(text)!.bitPattern
        let wide = Float(Double(text)!).bitPattern
        if direct != bits || (wide != bits && bits != ExactFloats.doubleRoundingTrap) { found.append(bits) }
      }
      mismatches.withLock { $0 += found }
    }
    XCTAssertEqual(mismatches.withLock { $0 }, [])
    XCTAssertNotEqual(
      Float(Double(Float(bitPattern: ExactFloats.doubleRoundingTrap).description)!).bitPattern,
      ExactFloats.doubleRoundingTrap)
  }

  // MARK: The JSON layout

  func testRequiredKeysAreWritten() throws {
    var model = try makeModel(.abs)
    let untrained = try JSONSerialization.jsonObject(with: JSONEncoder().encode(model.file)) as! [String: Any]
    let fresh = (untrained["instances"] as! [[String: Any]])[0]
    XCTAssertTrue(fresh["loss"] is NSNull, "loss is null before training")
    try model.train(options(steps: 120))
    let json = try JSONSerialization.jsonObject(with: JSONEncoder().encode(model.file)) as! [String: Any]
    for key in ["format", "version", "toy_version", "kind", "n", "m", "steps", "seed", "init", "instances"] {
      XCTAssertNotNil(json[key], key)
    }
    XCTAssertEqual(json["format"] as? String, "toy-model")
    XCTAssertEqual(json["version"] as? Int, 3, "a new model draws its data in the one-word scheme")
    XCTAssertEqual(json["kind"] as? String, "abs")
    XCTAssertEqual(json["steps"] as? Int, 120)
    let instances = json["instances"] as! [[String: Any]]
    XCTAssertEqual(instances.count, 3)
    for key in ["feature_probability", "importance", "W", "W2", "b", "loss", "adam_m", "adam_v"] {
      XCTAssertNotNil(instances[0][key], key)
    }
    let w = instances[1]["W"] as! [[Double]]
    XCTAssertEqual(w.count, 5)
    XCTAssertEqual(w[3].map { Float($0) }, model.weights(instance: 1)[3])
    XCTAssertEqual((instances[1]["W2"] as! [[Double]])[4].map { Float($0) }, model.outputWeights(instance: 1)[4])
    // JSONSerialization's number parsing is not exact; JSONDecoder's is.
    let loss = try XCTUnwrap(instances[2]["loss"] as? Double)
    let last100 = model.recentLosses[2].map(Double.init)
    XCTAssertEqual(last100.count, 100)
    XCTAssertEqual(loss, last100.reduce(0, +) / 100, accuracy: 1e-15)
    let decoded = try JSONDecoder().decode(ModelFile.self, from: JSONEncoder().encode(model.file))
    XCTAssertEqual(decoded.instances[2].loss, last100.reduce(0, +) / 100)

    let relu = try JSONSerialization.jsonObject(with: JSONEncoder().encode(makeModel(.relu).file)) as! [String: Any]
    XCTAssertNil((relu["instances"] as! [[String: Any]])[0]["W2"], "W2 is for abs only")
  }

  // MARK: Validation

  /// The error a changed file gives, or nil when it loads.
  func error(_ change: (inout ModelFile) -> Void) throws -> ModelFileError? {
    var model = try makeModel(.relu, n: 3, m: 2)
    try model.train(options(steps: 2))
    var file = model.file
    change(&file)
    do {
      _ = try ToyModel(file: file)
      return nil
    } catch {
      return error
    }
  }

  func assertMessage(
    _ change: (inout ModelFile) -> Void, _ expected: String, file: StaticString = #filePath, line: UInt = #line
  ) throws {
    let error = try self.error(change)
    XCTAssertEqual(error?.description, expected, file: file, line: line)
  }

  func testHeaderErrors() throws {
    try assertMessage({ $0.version = 4 }, "unsupported version 4: toy \(toyVersion) reads versions 1, 2 and 3")
    try assertMessage({ $0.format = "png" }, "format is \"png\", expected \"toy-model\": not a toy model file")
    try assertMessage({ $0.kind = "gelu" }, "kind is \"gelu\", expected one of linear, relu, hidden_relu, abs")
    try assertMessage(
      { $0.initialization = "zeros" },
      "init is \"zeros\", expected one of xavier_notebook, xavier_instance, kaiming_uniform")
    XCTAssertThrowsError(try ModelFile.Header(format: "toy-model", version: 0).check())
    XCTAssertNoThrow(try ModelFile.Header(format: "toy-model", version: 1).check())
    XCTAssertNoThrow(try ModelFile.Header(format: "toy-model", version: 2).check())
    XCTAssertNoThrow(try ModelFile.Header(format: "toy-model", version: 3).check())
    XCTAssertThrowsError(try ModelFile.Header(format: "toy-model", version: 4).check())
  }

  func testSizeErrors() throws {
    try assertMessage({ $0.n = 0 }, "n is 0; it must be at least 1")
    try assertMessage({ $0.m = -2 }, "m is -2; it must be at least 1")
    try assertMessage({ $0.steps = -1 }, "steps is -1; it must be at least 0")
    try assertMessage({ $0.instances = [] }, "instances is empty; a model needs at least one instance")
    try assertMessage({ $0.settings = 0 }, "settings is 0; it must be from 1 to the 3 instances")
    try assertMessage({ $0.settings = 4 }, "settings is 4; it must be from 1 to the 3 instances")
    try assertMessage(
      {
        $0.n = 1 << 20
        $0.m = 1 << 12
      },
      "the model would need 4294967296 numbers, more than the limit of \(ToyModel.sizeLimit)")
  }

  /// Counters a file may hold cannot crash training: `steps` is bounded on load by the
  /// step limit (Int.max overflowed the first step), a train that would pass the limit is
  /// refused, and `samples_drawn` may be any 64-bit position, wrapping as the stream does
  /// (2⁶⁴−1, which the format allows, overflowed the first step).
  func testCountersFromAFileCannotMakeTrainingTrap() throws {
    try assertMessage({ $0.steps = Int.max }, "steps is \(Int.max); it must be at most \(ToyModel.stepLimit)")
    try assertMessage(
      {
        $0.steps = ToyModel.stepLimit
        $0.lossHistory = Self.history(stride: 1 << 62, steps: [], instances: 3)
      },
      "loss_history.stride is \(1 << 62); it must be at most \(ToyModel.stepLimit)")
    var file = try makeModel(.relu).file
    file.steps = ToyModel.stepLimit - 1
    file.samplesDrawn = .max
    var model = try ToyModel(file: file)
    XCTAssertEqual(
      try model.train(options(steps: 1)).stepsTaken, 1, "the last step below the limit and a wrapping position")
    XCTAssertEqual(model.steps, ToyModel.stepLimit)
    XCTAssertEqual(model.samplesDrawn, 63, "2⁶⁴−1 + 64 wraps to 63")
    XCTAssertTrue(model.parameters.allSatisfy(\.isFinite))
    XCTAssertThrowsError(try model.train(options(steps: 1))) { error in
      let limit = ToyModel.stepLimit
      XCTAssertEqual("\(error)", "1 more steps after \(limit) would pass toy's limit of \(limit) steps in all")
    }
    XCTAssertThrowsError(try model.step(inputs: [[[0, 0, 0, 0, 1]]], options: options(steps: 1)))
    XCTAssertEqual(model.steps, ToyModel.stepLimit, "a refused train takes no step")
  }

  func testShapeErrorsNameTheKeyPath() throws {
    try assertMessage({ $0.instances[2].weights[1] = [0.5] }, "instances[2].W[1] has 1 value, expected 2")
    try assertMessage({ $0.instances[0].weights.removeLast() }, "instances[0].W has 2 values, expected 3")
    try assertMessage({ $0.instances[1].bias.append(0) }, "instances[1].b has 4 values, expected 3")
    try assertMessage(
      { $0.instances[1].featureProbability = [1] }, "instances[1].feature_probability has 1 value, expected 3")
    try assertMessage({ $0.instances[0].importance = [] }, "instances[0].importance has 0 values, expected 3")
    try assertMessage(
      { $0.instances[2].adamV.weights[2] = [0, 0, 0] }, "instances[2].adam_v.W[2] has 3 values, expected 2")
    try assertMessage(
      { $0.instances[0].outputWeights = [[1, 2], [3, 4], [5, 6]] },
      "instances[0].W2 is given, but a relu model has no W2 (only abs does)")
    try assertMessage(
      { $0.instances[1].adamM.outputWeights = [[1, 2], [3, 4], [5, 6]] },
      "instances[1].adam_m.W2 is given, but a relu model has no W2 (only abs does)")
    try assertMessage({ $0.kind = "abs" }, "instances[0].W2 is missing; an abs model needs W2")
  }

  func testValueErrors() throws {
    try assertMessage(
      { $0.instances[1].weights[0][1] = .nan }, "instances[1].W[0][1] is nan; every number must be finite")
    try assertMessage(
      { $0.instances[0].adamM.bias[2] = -.infinity }, "instances[0].adam_m.b[2] is -inf; every number must be finite")
    try assertMessage(
      { $0.instances[2].adamV.bias[0] = -1 }, "instances[2].adam_v.b[0] is -1.0; a second moment must be at least 0")
    try assertMessage(
      { $0.instances[0].featureProbability[2] = 0 },
      "instances[0].feature_probability[2] is 0.0; a feature probability must be in (0, 1]")
    try assertMessage(
      { $0.instances[0].featureProbability[0] = 1.5 },
      "instances[0].feature_probability[0] is 1.5; a feature probability must be in (0, 1]")
    try assertMessage(
      { $0.instances[1].importance[1] = -0.5 }, "instances[1].importance[1] is -0.5; an importance must be at least 0")
    try assertMessage({ $0.instances[1].loss = .infinity }, "instances[1].loss is inf; every number must be finite")
    try assertMessage(
      { $0.instances[0].recentLosses = Array(repeating: 1, count: 101) },
      "instances[0].recent_losses has 101 values, more than the 100 toy keeps")
    XCTAssertNil(try error { $0.instances[1].loss = nil }, "loss is informational")
    XCTAssertNil(try error { $0.instances[1].weights[0][0] = -0.0 })
  }

  func testFeatureSetAndHistoryErrors() throws {
    try assertMessage(
      { $0.featureSets = [.init(relation: "linked", features: [0, 1])] },
      "feature_sets[0].relation is \"linked\", expected one of correlated, anticorrelated")
    try assertMessage(
      { $0.featureSets = [.init(relation: "correlated", features: [0, 2])] },
      "feature_sets[0]: features must be consecutive and rising")
    try assertMessage(
      { $0.featureSets = [.init(relation: "correlated", features: [1])] },
      "feature_sets[0]: a set needs at least two features")
    try assertMessage(
      { $0.featureSets = [.init(relation: "correlated", features: [1, 2, 3])] },
      "feature_sets[0]: features 1..<4 lie outside 0..<3")
    XCTAssertNil(try error { $0.featureSets = [.init(relation: "anticorrelated", features: [1, 2])] })
    try assertMessage(
      { $0.lossHistory = Self.history(stride: 3, steps: [3], instances: 3) },
      "loss_history.stride: is 3; it must be a power of two")
    try assertMessage(
      { $0.lossHistory = Self.history(stride: 1, steps: [2, 1], instances: 3) },
      "loss_history.steps[1]: is 1; steps must rise, be multiples of the stride 1 and at most 2")
    try assertMessage(
      { $0.lossHistory = Self.history(stride: 1, steps: [1, 2], instances: 2) },
      "loss_history.losses has 2 values, expected 3")
  }

  /// A history built as the file decoder would build it.
  static func history(stride: Int, steps: [Int], instances: Int) -> LossHistory {
    let losses = Array(repeating: Array(repeating: Float(1), count: steps.count), count: instances)
    let json = #"{"stride": \#(stride), "steps": \#(steps), "losses": \#(losses)}"#
    return try! JSONDecoder().decode(LossHistory.self, from: Data(json.utf8))
  }
}
