import Foundation
import ToyCore
import XCTest

@testable import ToyLanguage

/// Split training in the session: shares of a script, each training its instances of every
/// model, assembled from their part files, show exactly what one run of the script shows;
/// what a share cannot know is refused where the script reads it; the parts are checked.
final class ShardTests: XCTestCase {
  var directory = ""

  override func setUpWithError() throws {
    directory = FileManager.default.temporaryDirectory.appendingPathComponent("toy-shard-\(UUID().uuidString)").path
    try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
  }

  override func tearDownWithError() throws {
    try? FileManager.default.removeItem(atPath: directory)
  }

  /// Every display's text, JSON and SVG, as a run shows them.
  static func run(_ session: Session, _ source: Source) -> (RunOutcome, [String]) {
    var shown: [String] = []
    session.onDisplay = { display in
      // The last frame of `train … live` heads its text and SVG with the steps per second,
      // which timing alone changes (a run that takes its results from the parts trains for no
      // time), and its layout follows the header's width: of that frame, its numbers count.
      shown.append(
        display.isLiveFinal ? display.json : [display.plain, display.json, display.svg ?? ""].joined(separator: "\n"))
    }
    return (session.run(source), shown)
  }

  static func session(seed: UInt64, stepScale: Double, _ training: ShardTraining? = nil) -> Session {
    let session = Session(seed: seed)
    session.stepScale = stepScale
    session.sharding = training
    return session
  }

  /// Runs every share of `source` and writes its part into `directory`.
  func writeShares(_ source: Source, shares: Int, seed: UInt64 = 0, stepScale: Double = 1) throws {
    for k in 1...shares {
      let share = try XCTUnwrap(TrainingShare(index: k, of: shares))
      let training = ShardTraining(.share(share))
      let (outcome, shown) = Self.run(Self.session(seed: seed, stepScale: stepScale, training), source)
      XCTAssertEqual(outcome, .finished, "share \(share)")
      XCTAssertEqual(shown, [], "share \(share) shows nothing")
      _ = try ShardPart(
        script: source.name, scriptHash: ShardPart.hash(of: source), share: share, seed: seed, stepScale: stepScale,
        trains: training.results
      ).write(into: directory)
    }
  }

  /// What the run that assembles the parts in `directory` shows.
  func assembled(_ source: Source, seed: UInt64 = 0, stepScale: Double = 1) throws -> (RunOutcome, [String]) {
    let results = try ShardFolder.assemble(directory: directory, source: source, seed: seed, stepScale: stepScale)
    return Self.run(Self.session(seed: seed, stepScale: stepScale, ShardTraining(.assembly(results))), source)
  }

  /// Several models (a sweep with seeds, whose shown seed is the best one; a model whose
  /// dynamics are recorded; models made in a loop), several `train`s of one model (one of
  /// them live, whose last frame stays), a `reset`, and N from one share to more shares than
  /// instances.
  static let script = Source(
    name: "split.toy",
    text: """
      a = model n=5 m=2 importance=0.9^i density=p seeds=3 for p in [1, 0.1, 0.03]
      train 120 batch=64
      print loss
      show geometry
      b = model kind=hidden_relu n=6 m=3 density=0.2 seed=7
      train 80 batch=32
      show dynamics
      train 30 batch=32 schedule=cosine live
      print loss, steps
      reset
      train 40 batch=32
      show neurons
      for q in [0.5, 0.2] do
        model n=3 m=2 density=q
        train 30 batch=16
        print dimensionality
      end
      use a
      show geometry seed=all
      print loss seed=all
      """)

  func testAssembledSharesShowWhatOneRunShows() throws {
    let (outcome, single) = Self.run(Self.session(seed: 5, stepScale: 1), Self.script)
    XCTAssertEqual(outcome, .finished)
    XCTAssertEqual(single.count, 11)
    for shares in [1, 2, 3, 11] {
      try tearDownWithError()
      try setUpWithError()
      try writeShares(Self.script, shares: shares, seed: 5)
      let (outcome, shown) = try assembled(Self.script, seed: 5)
      XCTAssertEqual(outcome, .finished, "\(shares) shares")
      XCTAssertEqual(shown.count, single.count, "\(shares) shares")
      for (index, (one, split)) in zip(single, shown).enumerated() where one != split {
        let at = zip(one, split).prefix { $0 == $1 }.count
        let (a, b) = (one.dropFirst(max(0, at - 150)).prefix(300), split.dropFirst(max(0, at - 150)).prefix(300))
        XCTFail("\(shares) shares: display \(index) differs at character \(at):\n\(a)\n---\n\(b)")
      }
    }
  }

  /// `--quick` scales the steps of the shares and of the assembly alike.
  func testQuickSharesAssembleAsAQuickRun() throws {
    let source = Source(name: "quick.toy", text: "model n=4 m=2 density=0.3 seeds=4\ntrain 1000 batch=16\nprint loss")
    let scale = Session.quickStepScale
    let (_, single) = Self.run(Self.session(seed: 0, stepScale: scale), source)
    try writeShares(source, shares: 3, stepScale: scale)
    XCTAssertEqual(try assembled(source, stepScale: scale).1, single)
  }

  // MARK: Shares

  /// Over many models and N, the shares hold every instance exactly once, each share's a run
  /// of consecutive instances, and no share costs more than 1/N of the whole plus one
  /// instance (the cut falls between instances).
  func testSharesCoverEachInstanceOnceAndBalanceTheCost() throws {
    var state: UInt64 = 12345
    func random() -> Double {
      state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
      return Double(state >> 11) / Double(1 << 53)
    }
    for shares in [1, 2, 3, 5, 8, 13] {
      for instances in [0, 1, 2, 7, 8, 9, 40] {
        for turn in [0, 1, shares - 1] {
          let costs = (0..<instances).map { _ in 0.1 + random() * (random() < 0.2 ? 30 : 1) }
          var owner = [Int](repeating: 0, count: instances)
          for k in 1...shares {
            let range = TrainingShare(index: k, of: shares)!.instances(costs: costs, turn: turn)
            XCTAssertTrue(range.isEmpty || (range.lowerBound >= 0 && range.upperBound <= instances))
            for i in range { owner[i] += 1 }
            let cost = costs[range].reduce(0, +)
            let bound = costs.reduce(0, +) / Double(shares) + (costs.max() ?? 0)
            XCTAssertLessThanOrEqual(cost, bound + 1e-9, "share \(k)/\(shares) of \(instances), turn \(turn)")
          }
          XCTAssertEqual(owner, [Int](repeating: 1, count: instances), "\(shares) shares of \(instances)")
        }
      }
    }
  }

  /// Models with fewer instances than shares go to different shares in turn, not all to one.
  func testSmallModelsTakeTurnsAmongTheShares() throws {
    let source = Source(
      name: "small.toy", text: (0..<4).map { "model n=3 m=2 seed=\($0)\ntrain 5" }.joined(separator: "\n"))
    var holders: [[Int]] = []
    for k in 1...4 {
      let training = ShardTraining(.share(TrainingShare(index: k, of: 4)!))
      XCTAssertEqual(Self.run(Self.session(seed: 0, stepScale: 1, training), source).0, .finished)
      holders.append(training.results.indices.filter { training.results[$0].count > 0 })
    }
    XCTAssertEqual(holders.map(\.count), [1, 1, 1, 1], "\(holders)")
  }

  /// The D_i recorded during training (for a big sweep, more numbers than the models) go
  /// into the parts only where the script draws them, in a loop too.
  func testPartsKeepDynamicsOnlyWhereTheScriptDrawsThem() {
    for (text, kept) in [
      ("model n=3 m=2\ntrain 20\nshow wtw", false),
      ("model n=3 m=2\ntrain 20\nfor k in [1] do\n  export dynamics \"d.svg\"\nend", true),
    ] {
      let training = ShardTraining(.share(TrainingShare(index: 1, of: 1)!))
      XCTAssertEqual(
        Self.run(Self.session(seed: 0, stepScale: 1, training), Source(name: "d.toy", text: text)).0, .finished)
      XCTAssertEqual(training.results.first?.dynamics != nil, kept, text)
    }
  }

  // MARK: What a share cannot know

  func refusal(_ text: String, share: Int = 1, of shares: Int = 2) -> String {
    let training = ShardTraining(.share(TrainingShare(index: share, of: shares)!))
    let (outcome, _) = Self.run(Self.session(seed: 0, stepScale: 1, training), Source(name: "d.toy", text: text))
    guard case .runtimeError(let diagnostic) = outcome else { return "\(outcome)" }
    return diagnostic.rendered
  }

  func testTrainingOnAVariableHoldingAModelsNumbersIsRefusedWhereItIsRead() {
    XCTAssertEqual(
      refusal("a = model n=5 m=2 seeds=4\ntrain 10\nbest = a.loss\nb = model n=5 m=2 importance=best[0]\ntrain 10"),
      """
      d.toy:4:30: error: with --shard, training cannot depend on a model's numbers, and best holds a.loss (line 3)
        4 | b = model n=5 m=2 importance=best[0]
          |                              ^^^^
      each share trains part of every model, so none knows a.loss: run this script whole, without --shard
      """)
  }

  func testALoopOverAModelsNumbersIsRefused() {
    XCTAssertEqual(
      refusal("model n=5 m=2\ntrain 10\nfor s in norms do\n  print s\nend"),
      """
      d.toy:3:10: error: with --shard, training cannot depend on a model's numbers, and this reads norms
        3 | for s in norms do
          |          ^^^^^
      each share trains part of every model, so none knows norms: run this script whole, without --shard
      """)
    XCTAssertEqual(
      refusal("a = model n=5 m=2\ntrain 10\ntrain a.steps * 2"),
      """
      d.toy:3:7: error: with --shard, training cannot depend on a model's numbers, and this reads a.steps
        3 | train a.steps * 2
          |       ^^^^^^^
      each share trains part of every model, so none knows a.steps: run this script whole, without --shard
      """)
  }

  func testLoadingAFileTheScriptSavesIsRefused() {
    XCTAssertEqual(
      refusal("model n=5 m=2\ntrain 10\nsave \"m.json\"\nload \"m.json\"\ntrain 10"),
      """
      d.toy:4:6: error: with --shard, a share saves nothing, so it cannot load m.json, which this script saves
        4 | load "m.json"
          |      ^^^^^^^^
      run this script whole, without --shard
      """)
  }

  /// Reading a model's numbers to show them, or into a variable nothing trains on, is fine:
  /// the share skips the showing, and the assembly shows them as one run does.
  func testReadingAModelsNumbersOnlyToShowThemIsFine() throws {
    let source = Source(
      name: "show.toy", text: "a = model n=4 m=2 seeds=2\ntrain 20\nbest = a.loss\nprint best, norms\nx = 3\ntrain x")
    let (_, single) = Self.run(Self.session(seed: 0, stepScale: 1), source)
    try writeShares(source, shares: 2)
    XCTAssertEqual(try assembled(source).1, single)
  }

  /// A name that held a model's numbers and then holds something else (a number, a model, a
  /// loop's values) is known again.
  func testANameAssignedAgainIsKnownAgain() throws {
    let source = Source(
      name: "again.toy",
      text: """
        a = model n=3 m=2 seeds=2
        train 10
        x = a.loss
        for x in [0.5, 0.25] do
          model n=3 m=2 density=x
          train 10
        end
        x = 0.75
        model n=3 m=2 density=x
        train 10
        x = a.loss
        x = model n=3 m=2 seed=3
        train 10
        print x.loss
        """)
    let (_, single) = Self.run(Self.session(seed: 0, stepScale: 1), source)
    try writeShares(source, shares: 3)
    XCTAssertEqual(try assembled(source).1, single)
  }

  /// A share that diverges names the instance by its index in the whole model, as one run
  /// would (it read the window's importances with the whole's index, past their end).
  func testADivergenceInAShareNamesTheInstanceOfTheWhole() {
    let text = "model n=5 m=2 importance=x seeds=2 for x in [1, 3e38]\ntrain 50 batch=64"
    XCTAssertEqual(
      refusal(text, share: 2, of: 2),
      """
      d.toy:2:1: error: model1 (x = 3e38, seed 0) diverged at step 1: the loss became inf; the model keeps its 0 \
      steps before it
        2 | train 50 batch=64
          | ^^^^^^^^^^^^^^^^^
      an importance of 3e38 makes the loss pass Float32's largest number (3.4e38): use smaller importances
      """)
  }

  // MARK: The parts

  func testMissingAndStalePartsAreNamed() throws {
    let source = Source(name: "sweep.toy", text: "model n=3 m=2 seeds=5\ntrain 10 batch=8")
    try writeShares(source, shares: 3)
    let hash = ShardPart.hash(of: source)
    for k in [1, 3] {
      try FileManager.default.removeItem(atPath: "\(directory)/sweep.\(hash).part-\(k)-of-3.json")
    }
    XCTAssertThrowsError(try assembled(source)) { error in
      XCTAssertEqual(
        "\(error)",
        "\(directory) lacks shares 1/3, 3/3 of sweep.toy: run toy run sweep.toy --shard K/3 --out \(directory) for each"
      )
    }
    let edited = Source(name: "sweep.toy", text: source.text + "\n")
    XCTAssertThrowsError(try assembled(edited)) { error in
      XCTAssertEqual(
        "\(error)",
        "\(directory) holds parts of another version of sweep.toy only (sweep.\(hash).part-2-of-3.json): "
          + "the script has changed since; run the shards again")
    }
    XCTAssertThrowsError(try assembled(Source(name: "other.toy", text: source.text))) { error in
      XCTAssertEqual(
        "\(error)",
        "\(directory) holds no part of other.toy (script hash \(hash)); write them first: "
          + "toy run other.toy --shard K/N --out \(directory), for K from 1 to N")
    }
  }

  func testPartsOfAnotherSeedStepScaleOrToyAreRefused() throws {
    let source = Source(name: "s.toy", text: "model n=3 m=2\ntrain 20 batch=8")
    try writeShares(source, shares: 1, seed: 3)
    let path = "\(directory)/s.\(ShardPart.hash(of: source)).part-1-of-1.json"
    XCTAssertThrowsError(try assembled(source, seed: 4)) { error in
      XCTAssertEqual("\(error)", "\(path) was trained with --seed 3, this run has --seed 4: give both the same options")
    }
    XCTAssertThrowsError(try assembled(source, seed: 3, stepScale: Session.quickStepScale)) { error in
      XCTAssertEqual(
        "\(error)", "\(path) was trained without --quick, this run is with --quick: give both the same options")
    }
    let training = ShardTraining(.share(TrainingShare(index: 1, of: 1)!))
    _ = Self.run(Self.session(seed: 3, stepScale: 1, training), source)
    _ = try ShardPart(
      script: source.name, scriptHash: ShardPart.hash(of: source), share: TrainingShare(index: 1, of: 1)!, seed: 3,
      stepScale: 1, toyVersion: "0.0.1", trains: training.results
    ).write(into: directory)
    XCTAssertThrowsError(try assembled(source, seed: 3)) { error in
      XCTAssertEqual(
        "\(error)",
        "\(path) was written by toy 0.0.1, this is toy \(toyVersionDescription): run the shards and --from with one toy"
      )
    }
    try Data("{\"format\": \"toy-model\", \"version\": 2}".utf8).write(to: URL(fileURLWithPath: path))
    XCTAssertThrowsError(try assembled(source, seed: 3)) { error in
      XCTAssertEqual(
        "\(error)", "\(path): not a part of split training: format is \"toy-model\", expected \"toy-shard\"")
    }
  }

  /// A part's dynamics read back bit for bit, whatever the numbers (JSON has no NaN or
  /// infinity: they are written as strings).
  func testAPartReadsBackBitForBit() throws {
    let model = try ToyModel(kind: .relu, n: 2, m: 1, importance: [[1, 1]], density: [[1, 1]])
    let values: [Double] = [0.1, 1.0 / 3, -0.0, .leastNonzeroMagnitude, 1e300, .pi, .nan, .infinity, -.infinity]
    let dynamics = DimensionalityHistory(steps: [0, 1], values: [[values], [values.reversed()]])
    let train = TrainResult(
      model: "a", line: 2, column: 1, steps: 1, instances: 1, first: 0, trained: model, dynamics: dynamics)
    let source = Source(name: "r.toy", text: "")
    let share = TrainingShare(index: 1, of: 1)!
    let path = try ShardPart(
      script: "r.toy", scriptHash: ShardPart.hash(of: source), share: share, seed: 1, stepScale: 1, trains: [train]
    ).write(into: directory)
    let read = try ShardPart.read(from: path)
    let readValues = try XCTUnwrap(read.trains.first?.dynamics?.values)
    XCTAssertEqual(
      readValues.flatMap { $0.flatMap { $0 } }.map(\.bitPattern), (values + values.reversed()).map(\.bitPattern))
    XCTAssertEqual(read.trainedFiles.first??.instances.count, 1)
    XCTAssertEqual(try ToyModel(file: XCTUnwrap(read.trainedFiles.first ?? nil)), model)
  }
}
