import Foundation
import XCTest

@testable import ToyCore
@testable import ToyLanguage

/// `sae`, `train sae`, `print sae` and the SAE metrics in a session: how a sweep crosses the
/// model's settings, seeds, saving and loading with the model, and the numbers displayed.
/// Training here is tiny (debug builds); what the examples claim is tested on their runs.
final class SAEStatementTests: XCTestCase {
  var directory = ""

  override func setUpWithError() throws {
    directory = FileManager.default.temporaryDirectory.appendingPathComponent("toy-sae-\(UUID().uuidString)").path
    try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
  }

  override func tearDownWithError() throws {
    try? FileManager.default.removeItem(atPath: directory)
  }

  /// Runs `text` in `session`; returns the outcome and every display.
  @discardableResult
  func run(_ session: Session, _ text: String) -> (RunOutcome, [Display]) {
    var out: [Display] = []
    session.onDisplay = { out.append($0) }
    return (session.run(Source(name: "t.toy", text: text)), out)
  }

  func finished(_ text: String, threads: Int? = nil) -> Session {
    let session = Session(seed: 0)
    session.threads = threads
    let (outcome, _) = run(session, text)
    XCTAssertEqual(outcome, .finished, text)
    return session
  }

  func current(_ session: Session) throws -> (ModelEntry, AutoencoderEntry) {
    let entry = try XCTUnwrap(session.current.flatMap { session.models[$0] })
    return (entry, try XCTUnwrap(entry.currentAutoencoder))
  }

  static let trained = "model n=4 m=2 density=0.1\ntrain 40 batch=64\n"

  // MARK: Parsing

  func testSaeTrainSaeAndPrintSaeParse() {
    let result = Parser.parse(
      Source(name: "t", text: "a = sae latents=d l1=0.1 for d in [2, 3]\ntrain sae 5 lr=0.01\nprint sae\nsae"))
    XCTAssertEqual(result.diagnostics.map(\.rendered), [])
    let kinds = result.statements.map(\.kind)
    guard case .assignment("a", _, let value) = kinds[0], case .sae(let parameters, let sweep) = value.kind else {
      return XCTFail("\(kinds[0])")
    }
    XCTAssertEqual(parameters.map(\.name), ["latents", "l1"])
    XCTAssertEqual(sweep.map(\.name), ["d"])
    guard case .trainSAE(.number(5, _), let options) = kinds[1] else { return XCTFail("\(kinds[1])") }
    XCTAssertEqual(options.map(\.name), ["lr"])
    guard case .printSAE([]) = kinds[2] else { return XCTFail("\(kinds[2])") }
    guard case .sae([], []) = kinds[3] else { return XCTFail("\(kinds[3])") }
    // `train N` is still the model's.
    guard case .train = Parser.parse(Source(name: "t", text: "train 5")).statements.first?.kind else {
      return XCTFail("train 5")
    }
  }

  // MARK: Instances

  /// Every SAE setting on every model setting (its shown seed), seeds= each, in that order;
  /// instance= picks model settings.
  func testASweepCrossesTheModelsSettingsAndSeeds() throws {
    let session = finished(
      "model n=4 m=2 density=p seeds=2 for p in [0.3, 0.1]\ntrain 30 batch=64\n"
        + "sae latents=d topk=1 seeds=2 for d in [2, 3]")
    let (entry, sae) = try current(session)
    XCTAssertEqual(sae.instances.count, 8)
    for (i, instance) in sae.instances.enumerated() {
      XCTAssertEqual(instance.setting, i / 4)
      XCTAssertEqual(instance.modelSetting, i / 2 % 2)
      XCTAssertEqual(instance.seed, i % 2)
      XCTAssertEqual(sae.autoencoder.settings[i].source, entry.shown[instance.modelSetting])
      XCTAssertEqual(sae.autoencoder.settings[i].latents, [2, 3][instance.setting])
      XCTAssertEqual(sae.autoencoder.settings[i].variant, .topK(1))
    }
    XCTAssertEqual(sae.settings.map { $0.map(\.0) }, [["d"], ["d"]])
    // The two seeds of one setting start apart.
    XCTAssertNotEqual(sae.autoencoder.decoderWeights(instance: 0), sae.autoencoder.decoderWeights(instance: 1))

    XCTAssertEqual(run(session, "sae latents=3 instance=[1]").0, .finished)
    let (_, picked) = try current(session)
    XCTAssertEqual(picked.instances.map(\.modelSetting), [1])
    XCTAssertEqual(picked.autoencoder.settings.map(\.source), [entry.shown[1]])
    XCTAssertEqual(picked.settings.first?.map(\.0), ["latents", "l1"], "an unswept set is labelled by its values")
    XCTAssertEqual(picked.name, "sae2")
  }

  /// A script gives the same autoencoders every run and whatever the thread count; the
  /// statement's ordinal, not the model's, derives the seed.
  func testTrainingIsDeterministicAcrossRunsAndThreads() throws {
    let script = Self.trained + "sae latents=d l1=0.05 for d in [2, 3, 4]\ntrain sae 30 batch=32"
    let one = try current(finished(script, threads: 1)).1.autoencoder
    let two = try current(finished(script, threads: 2)).1.autoencoder
    XCTAssertEqual(one.steps, 30)
    XCTAssertEqual(one.parameters.map(\.bitPattern), two.parameters.map(\.bitPattern))
    XCTAssertEqual(one.secondMoment.map(\.bitPattern), two.secondMoment.map(\.bitPattern))
    let pinned = try current(finished(script.replacingOccurrences(of: "l1=0.05", with: "l1=0.05 seed=7"))).1
    XCTAssertEqual(pinned.autoencoder.seed, 7)
    XCTAssertNotEqual(pinned.autoencoder.parameters, one.parameters)
  }

  /// A named set becomes current; `use` brings back another; redefining a name replaces it.
  func testNamedSetsAndUse() throws {
    let session = finished(Self.trained + "a = sae latents=2\nb = sae latents=3 topk=2\nuse a")
    XCTAssertEqual(try current(session).1.name, "a")
    XCTAssertEqual(run(session, "b = sae latents=4").0, .finished)
    let (entry, sae) = try current(session)
    XCTAssertEqual(entry.autoencoders.map(\.name), ["a", "b"])
    XCTAssertEqual(sae.autoencoder.settings.first?.latents, 4)
  }

  /// Ctrl-C stops `train sae` at a step boundary; the autoencoders keep the steps taken.
  func testTrainSaeStopsAtCtrlCAndKeepsItsSteps() throws {
    let session = finished(Self.trained + "sae latents=3")
    var reports = 0
    session.onProgress = { _, _ in
      reports += 1
      if reports == 2 { session.cancellation.cancel() }
    }
    XCTAssertEqual(run(session, "train sae 1000 batch=16").0, .interrupted(trainingStopped: true))
    let steps = try current(session).1.autoencoder.steps
    XCTAssertGreaterThan(steps, 0)
    XCTAssertLessThan(steps, 1000)
  }

  /// `toy check` runs the statements without training: one step of one sample.
  func testACheckTrainsOneStep() throws {
    let session = Session(seed: 0)
    session.dryRun = true
    XCTAssertEqual(run(session, Self.trained + "sae latents=3\ntrain sae 100000\nprint sae").0, .finished)
    XCTAssertEqual(try current(session).1.autoencoder.steps, 1)
  }

  // MARK: Numbers

  /// The display's metrics carry one value per instance under each key other tools read.
  func testPrintSaeCarriesEachMetricPerInstance() throws {
    let session = finished(Self.trained + "sae latents=d for d in [2, 4]\ntrain sae 20 batch=32")
    let (_, displays) = run(session, "print sae")
    let data = try XCTUnwrap(displays.last.flatMap { payload($0) })
    let metrics = try XCTUnwrap(data["metrics"] as? [String: Any])
    XCTAssertEqual(Set(metrics.keys), ["l0", "mse", "fvu", "dead", "mmcs", "loss_recovered"])
    for (key, values) in metrics { XCTAssertEqual((values as? [Any])?.count, 2, key) }
    let matches = try XCTUnwrap(data["matches"] as? [[Any]])
    XCTAssertEqual(matches.map(\.count), [4, 4], "a best latent per feature")
    let instances = try XCTUnwrap(data["instances"] as? [[String: Any]])
    XCTAssertEqual(instances.compactMap { $0["latents"] as? Int }, [2, 4])
    XCTAssertEqual(data["steps"] as? Int, 20)
    XCTAssertEqual(data["model_steps"] as? Int, 40)
    let text = try XCTUnwrap(displays.last?.plain)
    XCTAssertTrue(text.hasPrefix("sae1 on model1, 20 steps:\nd  "), text)

    let (_, one) = run(session, "print mmcs, dead")
    let columns = try XCTUnwrap(one.last.flatMap { payload($0) }?["metrics"] as? [String: Any])
    XCTAssertEqual(Set(columns.keys), ["mmcs", "dead"])
  }

  /// `print sae instance=… seed=…` lists the autoencoders chosen, each under its instance
  /// number, with the numbers the unfiltered `print sae` gives them; a number past the last
  /// is a located error.
  func testPrintSaePicksInstancesAndSeedsAsShowDoes() throws {
    let session = finished(Self.trained + "sae latents=d seeds=2 for d in [2, 3, 4]\ntrain sae 20 batch=32")
    func printed(_ text: String) throws -> (data: [String: Any], text: String) {
      let (outcome, displays) = run(session, text)
      XCTAssertEqual(outcome, .finished, text)
      let display = try XCTUnwrap(displays.last)
      return (try XCTUnwrap(payload(display)), display.plain)
    }
    func instances(_ data: [String: Any]) -> [Int] {
      (data["instances"] as? [[String: Any]] ?? []).compactMap { $0["instance"] as? Int }
    }
    func metrics(_ data: [String: Any]) -> [String: [Double]] { data["metrics"] as? [String: [Double]] ?? [:] }
    let all = try printed("print sae")
    XCTAssertEqual(instances(all.data), [0, 1, 2, 3, 4, 5])
    for (text, chosen) in [
      ("print sae instance=[1, 4]", [1, 4]), ("print sae seed=1", [1, 3, 5]), ("print sae instance=2 seed=0", [2]),
      ("print sae instance=all", [0, 1, 2, 3, 4, 5]),
    ] {
      let some = try printed(text)
      XCTAssertEqual(instances(some.data), chosen, text)
      for (key, values) in metrics(all.data) {
        XCTAssertEqual(
          metrics(some.data)[key]?.map(\.bitPattern), chosen.map { values[$0].bitPattern }, "\(text): \(key)")
      }
      XCTAssertEqual((some.data["decoder"] as? [Any])?.count, chosen.count, text)
      XCTAssertEqual((some.data["matches"] as? [Any])?.count, chosen.count, text)
      // The metrics table and the matches table: a row each.
      let rows = some.text.split(separator: "\n").filter { $0.first?.isNumber == true }
      XCTAssertEqual(rows.count, 2 * chosen.count, "\(text):\n\(some.text)")
    }
    let (outcome, _) = run(session, "print sae instance=6")
    guard case .runtimeError(let diagnostic) = outcome else { return XCTFail("\(outcome)") }
    XCTAssertEqual(
      "\(diagnostic.location): \(diagnostic.message)",
      "t.toy:1:20: instance must be an autoencoder number from 0 to 5, a list of them, or all; got 6")
  }

  /// After `reset`, `print sae` says the model was reset since its autoencoders trained (it
  /// said "has trained since: 40 steps then, 0 now"), also once the model has trained back
  /// to as many steps; training the autoencoders again clears the note.
  func testPrintSaeSaysTheModelWasResetSinceItsAutoencodersTrained() throws {
    let session = finished(Self.trained + "sae latents=3\ntrain sae 10 batch=32")
    func note(_ text: String) throws -> String? {
      let (outcome, displays) = run(session, text + "\nprint sae")
      XCTAssertEqual(outcome, .finished, text)
      let last = try XCTUnwrap(displays.last?.plain.split(separator: "\n").last)
      return last.hasPrefix("(") ? String(last) : nil
    }
    XCTAssertNil(try note("print 1"))
    XCTAssertEqual(try note("train 10 batch=64"), "(model1 has trained since: 40 steps then, 50 now)")
    let reset = "(model1 has been reset since these autoencoders trained on it at 40 steps; it has"
    XCTAssertEqual(try note("reset"), reset + " 0 now)")
    XCTAssertEqual(try note("train 40 batch=64"), reset + " 40 now)")
    XCTAssertNil(try note("train sae 5 batch=32"))
  }

  /// `print l0 seed=1` picks the autoencoders' seeds as `print sae seed=1` does (it was
  /// refused as "not all metrics of one model"), whether or not the model has seeds.
  func testSAEMetricsPickAutoencoderSeeds() throws {
    for model in ["model n=4 m=2 density=0.1", "model n=4 m=2 density=0.1 seeds=2"] {
      let session = finished(
        model + "\ntrain 40 batch=64\nsae latents=d seeds=2 for d in [2, 3]\ntrain sae 20 batch=32")
      func printed(_ text: String) throws -> [String: Any] {
        let (outcome, displays) = run(session, text)
        XCTAssertEqual(outcome, .finished, text)
        return try XCTUnwrap(payload(try XCTUnwrap(displays.last)))
      }
      func column(_ data: [String: Any], _ key: String) -> [Double] {
        (data["metrics"] as? [String: [Double]])?[key] ?? []
      }
      let all = try printed("print sae")
      let picked = try printed("print l0, dead seed=1")
      let instances = (picked["instances"] as? [[String: Any]] ?? []).compactMap { $0["instance"] as? Int }
      XCTAssertEqual(instances, [1, 3], model)
      for key in ["l0", "dead"] {
        XCTAssertEqual(column(picked, key), instances.map { column(all, key)[$0] }, "\(model): \(key)")
      }
      let (outcome, _) = run(session, "print l0 seed=2")
      guard case .runtimeError(let diagnostic) = outcome else { return XCTFail("\(outcome)") }
      XCTAssertEqual(
        diagnostic.message, "seed must be an autoencoder seed from 0 to 1, a list of them, or all; got 2", model)
    }
  }

  /// MMCS and each feature's match against a computation from the weights alone: the
  /// model's rows W_i against the decoder's rows, each at unit length.
  func testMMCSAndMatchesAgreeWithTheWeights() throws {
    let session = finished(Self.trained + "sae latents=5 l1=0.02\ntrain sae 40 batch=64")
    let (entry, sae) = try current(session)
    let features = entry.model.weights(instance: 0).map { $0.map(Double.init) }
    let dictionary = sae.autoencoder.decoderWeights(instance: 0).map { row -> [Double] in
      let norm = row.reduce(0) { $0 + Double($1) * Double($1) }.squareRoot()
      return row.map { Double($0) / norm }
    }
    var bests: [(Int, Double)] = []
    for w in features {
      let norm = w.reduce(0) { $0 + $1 * $1 }.squareRoot()
      let cosines = dictionary.map { d in zip(d, w).reduce(0) { $0 + $1.0 * $1.1 } / norm }
      let best = cosines.indices.max { cosines[$0] < cosines[$1] }!
      bests.append((best, cosines[best]))
    }
    let (_, displays) = run(session, "print sae")
    let data = try XCTUnwrap(displays.last.flatMap { payload($0) })
    let mmcs = try XCTUnwrap((data["metrics"] as? [String: [Double]])?["mmcs"]?.first)
    let expected = bests.map(\.1).reduce(0, +) / Double(bests.count)
    XCTAssertEqual(mmcs, expected, accuracy: 1e-6, "MMCS: the mean of the best cosines")
    let matches = try XCTUnwrap((data["matches"] as? [[[String: Any]]])?.first)
    XCTAssertEqual(matches.compactMap { $0["latent"] as? Int }, bests.map(\.0))
    // `print mmcs` reads the same number, and `model1.mmcs` too. The display's JSON holds it
    // to the last digit, but JSONSerialization on Linux can read a 17-digit decimal as the
    // neighbouring double (0.29567818147230635 one unit above), hence the tolerance.
    guard case .list(let read)? = session.metric("mmcs"), read.count == 1, case .number(let value) = read[0] else {
      return XCTFail("print mmcs: one number, got \(String(describing: session.metric("mmcs")))")
    }
    XCTAssertEqual(value, mmcs, accuracy: 1e-15)
  }

  // MARK: Files

  /// The model and its sets in one file: loading gives every number bit for bit, and both
  /// train on alike.
  func testSaveAndLoadRoundTripBitForBitAndTrainOnAlike() throws {
    let path = "\(directory)/both.json"
    let saved = finished(
      Self.trained + "a = sae latents=d resample=5 for d in [2, 3]\ntrain sae 12 batch=16\n"
        + "b = sae latents=3 topk=1\nsave \"\(path)\"")
    let before = try XCTUnwrap(saved.models["model1"])
    let loaded = finished("c = load \"\(path)\"")
    let after = try XCTUnwrap(loaded.models["c"])
    XCTAssertEqual(after.autoencoders.map(\.name), ["a", "b"])
    XCTAssertEqual(after.currentAutoencoder?.name, "b")
    for (x, y) in zip(before.autoencoders, after.autoencoders) {
      XCTAssertEqual(x.autoencoder.parameters.map(\.bitPattern), y.autoencoder.parameters.map(\.bitPattern))
      XCTAssertEqual(x.autoencoder.firstMoment.map(\.bitPattern), y.autoencoder.firstMoment.map(\.bitPattern))
      XCTAssertEqual(x.autoencoder.secondMoment.map(\.bitPattern), y.autoencoder.secondMoment.map(\.bitPattern))
      XCTAssertEqual(x.autoencoder.steps, y.autoencoder.steps)
      XCTAssertEqual(x.autoencoder.idleSteps, y.autoencoder.idleSteps)
      XCTAssertEqual(x.autoencoder.settings, y.autoencoder.settings)
    }
    // Training on: the saved session and the loaded one take the same steps, `a` resampling
    // as it did (the file keeps resample=).
    XCTAssertEqual(after.autoencoders.map(\.resampling), before.autoencoders.map(\.resampling))
    XCTAssertEqual(after.autoencoders[0].resampling, Resampling(method: .lossWeighted, every: 5, window: 5))
    XCTAssertNil(after.autoencoders[1].resampling)
    for set in ["a", "b"] {
      for session in [saved, loaded] { XCTAssertEqual(run(session, "use \(set)\ntrain sae 7 batch=16").0, .finished) }
      XCTAssertEqual(
        try current(saved).1.autoencoder.parameters.map(\.bitPattern),
        try current(loaded).1.autoencoder.parameters.map(\.bitPattern), set)
    }
  }

  /// `resample=` is the entry's `resample` key: written only for a set that resamples, read
  /// back as it was, a file without it (written before the key) loads as never resampling,
  /// and a damaged one is refused by its key path.
  func testResampleIsAKeyOfTheEntryAndOldFilesLoadWithout() throws {
    let path = "\(directory)/resample.json"
    _ = finished(Self.trained + "a = sae latents=3 resample=40\nb = sae latents=2\nsave \"\(path)\"")
    var object = try XCTUnwrap(
      JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: path))) as? [String: Any])
    var entries = try XCTUnwrap(object["autoencoders"] as? [[String: Any]])
    let resample = try XCTUnwrap(entries[0]["resample"] as? [String: Any])
    XCTAssertEqual(resample["method"] as? String, "loss_weighted")
    XCTAssertEqual(resample["every"] as? Int, 40)
    XCTAssertEqual(resample["window"] as? Int, 40)
    XCTAssertEqual(resample["scale"] as? Double, 0.5)
    XCTAssertNil(entries[1]["resample"], "b never resamples: no key")

    func loaded(_ entries: [[String: Any]]) throws -> RunOutcome {
      object["autoencoders"] = entries
      let changed = "\(directory)/changed.json"
      try JSONSerialization.data(withJSONObject: object).write(to: URL(fileURLWithPath: changed))
      let session = Session()
      let (outcome, _) = run(session, "x = load \"\(changed)\"")
      if outcome == .finished {
        XCTAssertEqual(session.models["x"]?.autoencoders.map { $0.resampling == nil }, [true, true])
      }
      return outcome
    }
    entries[0]["resample"] = nil
    XCTAssertEqual(try loaded(entries), .finished, "a file from before the key")
    entries[0]["resample"] = ["method": "often", "every": 40, "window": 40, "scale": 0.5]
    guard case .runtimeError(let diagnostic) = try loaded(entries) else { return XCTFail("a bad method loaded") }
    XCTAssertTrue(
      diagnostic.message.hasSuffix(
        "autoencoders[0].resample.method is \"often\", expected one of random, loss_weighted"),
      diagnostic.message)
    entries[0]["resample"] = ["method": "random", "every": 0, "window": 40, "scale": 0.5]
    guard case .runtimeError(let zero) = try loaded(entries) else { return XCTFail("every=0 loaded") }
    XCTAssertTrue(zero.message.contains("autoencoders[0].resample.every is 0; it must be from 1 to"), zero.message)
  }

  /// A file saved before autoencoders existed (no `autoencoders` key) loads with none, and a
  /// model without sets writes no key.
  func testAFileWithoutAutoencodersLoadsWithNone() throws {
    let path = "\(directory)/plain.json"
    _ = finished(Self.trained + "save \"\(path)\"")
    let text = try String(contentsOfFile: path, encoding: .utf8)
    XCTAssertFalse(text.contains("autoencoders"))
    let session = finished("load \"\(path)\"")
    XCTAssertEqual(session.models["model1"]?.autoencoders.count, 0)
    let (outcome, _) = run(session, "print sae")
    guard case .runtimeError(let diagnostic) = outcome else { return XCTFail("\(outcome)") }
    XCTAssertEqual(diagnostic.message, "model1 has no sparse autoencoders yet")
  }

  /// A damaged `autoencoders` entry is refused by its key path, at the `load`'s file name.
  func testADamagedAutoencoderEntryIsALocatedError() throws {
    let path = "\(directory)/sae.json"
    _ = finished(Self.trained + "sae latents=2\nsave \"\(path)\"")
    func loadError(_ change: (inout [String: Any]) -> Void) throws -> String {
      var object = try XCTUnwrap(
        JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: path))) as? [String: Any])
      change(&object)
      let damaged = "\(directory)/damaged.json"
      try JSONSerialization.data(withJSONObject: object).write(to: URL(fileURLWithPath: damaged))
      let session = Session()
      let (outcome, _) = run(session, "x = load \"\(damaged)\"")
      guard case .runtimeError(let diagnostic) = outcome else {
        XCTFail("\(outcome)")
        return ""
      }
      XCTAssertNil(session.models["x"], "nothing is loaded")
      return "\(diagnostic.location): \(diagnostic.message)".replacingOccurrences(of: directory, with: "DIR")
    }
    func instance(_ object: inout [String: Any], _ change: (inout [String: Any]) -> Void) {
      var entries = object["autoencoders"] as! [[String: Any]]
      var instances = entries[0]["instances"] as! [[String: Any]]
      change(&instances[0])
      entries[0]["instances"] = instances
      object["autoencoders"] = entries
    }
    XCTAssertEqual(
      try loadError { instance(&$0) { $0["source"] = 3 } },
      "t.toy:1:10: DIR/damaged.json: autoencoders[0] does not fit the model: autoencoder instance 0 reads model "
        + "instance 3; the model has instances 0 to 0")
    XCTAssertTrue(
      try loadError {
        instance(&$0) { i in
          var parameters = i["parameters"] as! [String: Any]
          parameters["W_dec"] = [[1.0], [0.5, 0.5]]
          i["parameters"] = parameters
        }
      }.contains("DIR/damaged.json: autoencoders[0].instances[0].parameters.W_dec[0] has 1 value, expected 2"))
    XCTAssertTrue(
      try loadError { instance(&$0) { $0["adam_v"] = nil } }.contains(
        "DIR/damaged.json: autoencoders[0].instances[0].adam_v missing"))
    XCTAssertTrue(
      try loadError { $0["autoencoders"] = 5 }.contains("DIR/damaged.json: autoencoders expected an array"))
  }

  /// The `application/vnd.toy.display+json` record's `data`.
  func payload(_ display: Display) -> [String: Any]? {
    guard let object = try? JSONSerialization.jsonObject(with: Data(display.json.utf8)) as? [String: Any]
    else { return nil }
    return object["data"] as? [String: Any]
  }
}
