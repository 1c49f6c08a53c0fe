import Foundation
import ToyPlot
import XCTest

@testable import ToyLanguage

/// `show decoder|cosines|firing|frontier|dictionary`: each draws the current model's sparse
/// autoencoders, carries the numbers behind the plot in its JSON, and says where and why
/// when it cannot draw.
final class AutoencoderShowTests: XCTestCase {
  /// Five features in two dimensions and autoencoders of three sizes on them, trained briefly.
  static let script = """
    model n=5 m=2 sparsity=0.95
    train 1000
    sae latents=d l1=0.01 for d in [2, 5, 8]
    train sae 300
    """

  func session(_ script: String = script) -> Session {
    let session = Session(seed: 0)
    session.threads = 1
    XCTAssertEqual(session.run(Source(name: "t.toy", text: script)), .finished)
    return session
  }

  /// The displays `text` makes in `session`.
  func displays(_ session: Session, _ text: String) -> [Display] {
    var displays: [Display] = []
    session.onDisplay = { displays.append($0) }
    XCTAssertEqual(session.run(Source(name: "t.toy", text: text)), .finished, text)
    return displays
  }

  /// The value under `key` in a JSON object.
  func field(_ node: JSON.Node?, _ key: String) -> JSON.Node? {
    guard case .object(let fields)? = node else { return nil }
    return fields.first { $0.0 == key }?.1
  }

  /// A display's payload: what the statement put under the bundle's `data`.
  func payload(_ display: Display?) -> JSON.Node? { field(display?.numbers, "data") }

  func numbers(_ node: JSON.Node?) -> [Double?] {
    guard case .array(let items)? = node else { return [] }
    return items.map { if case .number(let x) = $0 { x } else { nil } }
  }

  func array(_ node: JSON.Node?) -> [JSON.Node] {
    guard case .array(let items)? = node else { return [] }
    return items
  }

  func testEveryTargetNamesTheAutoencodersAndTheirInstances() throws {
    let session = session()
    for target in ShowTarget.allCases where target.readsAutoencoders {
      let display = try XCTUnwrap(displays(session, "show \(target.rawValue)").last, target.rawValue)
      XCTAssertNotNil(display.svg, target.rawValue)
      guard case .object(let fields)? = payload(display) else { return XCTFail("\(target): not an object") }
      XCTAssertEqual(
        fields.map(\.0).filter { $0 != "orient" },
        ["model", "sae", "target", "steps", "sae_steps", "instances", "data"], target.rawValue)
      let instances = array(field(payload(display), "instances"))
      XCTAssertEqual(instances.compactMap { numbers(.array([field($0, "latents") ?? .null]))[0] }, [2, 5, 8])
    }
  }

  func testDecoderCosinesAndFiringCarryEachInstancesNumbers() throws {
    let session = session()
    let decoder = array(field(payload(displays(session, "show decoder").last), "data"))
    XCTAssertEqual(decoder.count, 3)
    for (panel, latents) in zip(decoder, [2, 5, 8]) {
      XCTAssertEqual(array(field(panel, "decoder")).count, latents)
      XCTAssertEqual(array(field(panel, "features")).count, 5)
      for row in array(field(panel, "decoder")) {
        let v = numbers(row).compactMap { $0 } + [.nan, .nan]
        XCTAssertEqual((v[0] * v[0] + v[1] * v[1]).squareRoot(), 1, accuracy: 1e-9, "a unit decoder direction")
      }
    }
    let cosines = array(field(payload(displays(session, "show cosines instance=1").last), "data"))
    XCTAssertEqual(cosines.count, 1)
    XCTAssertEqual(numbers(.array([field(cosines[0], "instance") ?? .null])), [1])
    XCTAssertEqual(Set(numbers(field(cosines[0], "order")).compactMap { $0 }), [0, 1, 2, 3, 4])
    XCTAssertEqual(array(field(cosines[0], "cosines")).count, 5)
    let firing = array(field(payload(displays(session, "show firing").last), "data"))
    for (panel, latents) in zip(firing, [2.0, 5, 8]) {
      let counts = numbers(field(panel, "counts")).compactMap { $0 }
      let dead = numbers(.array([field(panel, "dead") ?? .null]))[0] ?? -1
      XCTAssertEqual(counts.reduce(0, +) + dead, latents, "every latent counted once")
      XCTAssertEqual(numbers(field(panel, "density")).count, Int(latents))
    }
  }

  /// The frontier's points and the dictionary's signals are the metrics `print sae` reports.
  func testFrontierAndDictionaryAreThePrintedMetrics() throws {
    let session = session()
    let printed = payload(displays(session, "print sae").last)
    let metrics = field(printed, "metrics")
    let frontier = array(field(field(payload(displays(session, "show frontier").last), "data"), "series"))
    XCTAssertEqual(frontier.count, 1)
    XCTAssertEqual(numbers(field(frontier[0], "l0")), numbers(field(metrics, "l0")))
    XCTAssertEqual(numbers(field(frontier[0], "fvu")), numbers(field(metrics, "fvu")))
    XCTAssertEqual(array(field(frontier[0], "labels")).count, 3)
    let groups = array(field(field(payload(displays(session, "show dictionary").last), "data"), "groups"))
    XCTAssertEqual(groups.count, 1)
    XCTAssertEqual(numbers(field(groups[0], "latents")), [2, 5, 8])
    XCTAssertEqual(numbers(field(groups[0], "dead")), numbers(field(metrics, "dead")))
    XCTAssertEqual(numbers(field(groups[0], "mmcs")), numbers(field(metrics, "mmcs")))
    let next = numbers(field(groups[0], "mmcs_next"))
    XCTAssertEqual(next.count, 3)
    XCTAssertNil(next.last ?? 0, "the largest dictionary has no larger one")
  }

  /// Runs `text` and returns its error.
  func error(_ session: Session, _ text: String) throws -> Diagnostic {
    guard case .runtimeError(let error) = session.run(Source(name: "t.toy", text: text)) else {
      throw XCTSkip("\(text) did not fail")
    }
    return error
  }

  func testWithoutAutoencodersTheTargetsSayHowToDefineThem() throws {
    let session = session("model n=5 m=2\ntrain 10")
    for target in ShowTarget.allCases where target.readsAutoencoders {
      let e = try error(session, "show \(target.rawValue)")
      XCTAssertEqual(e.message, "model1 has no sparse autoencoders yet", target.rawValue)
      XCTAssertEqual(e.hint, "define them first, e.g. sae latents=5 l1=0.01")
      XCTAssertEqual(e.location, "t.toy:1:1")
    }
  }

  func testDecoderOfAModelNotIn2DPointsToCosines() throws {
    let session = session("model n=5 m=3\ntrain 10\nsae latents=5")
    let e = try error(session, "show decoder")
    XCTAssertEqual(e.message, "decoder draws 2-D models; this one has m=3")
    XCTAssertEqual(e.hint, "try show cosines")
    XCTAssertEqual(displays(session, "show cosines").count, 1, "cosines draws any m")
  }

  func testFrontierAndDictionaryNeedASweep() throws {
    let one = session("model n=5 m=2\ntrain 10\nsae latents=5")
    let frontier = try error(one, "show frontier")
    XCTAssertEqual(
      frontier.message, "frontier draws L0 against FVU across several autoencoders, and sae1 has one setting")
    XCTAssertEqual(frontier.hint, "sweep l1 or topk, e.g. sae latents=5 l1=x for x in [0.003, 0.01, 0.03, 0.1]")
    let lambdas = session("model n=5 m=2\ntrain 10\nsae latents=5 l1=x for x in [0.01, 0.1]")
    let dictionary = try error(lambdas, "show dictionary")
    XCTAssertEqual(
      dictionary.message,
      "dictionary compares autoencoders of several sizes, and sae1 has one latents= per model setting")
    XCTAssertEqual(dictionary.hint, "sweep latents, e.g. sae latents=d l1=0.01 for d in [2, 3, 4, 5, 6, 8]")
    XCTAssertEqual(displays(lambdas, "show frontier").count, 1, "a sweep of l1 draws a frontier")
  }

  /// A sweep narrowed by instance= or seed= to fewer than two of its points: the error says
  /// the pick is short (not that the autoencoders have one setting) and names two that work.
  func testFrontierAndDictionaryOfOnePickedInstanceSayWhatToPick() throws {
    let lambdas = session("model n=5 m=2\ntrain 10\nsae latents=5 l1=x for x in [0.01, 0.1]")
    let frontier = try error(lambdas, "show frontier instance=0")
    XCTAssertEqual(
      frontier.message,
      "frontier draws a sweep of l1 or topk on one model setting and seed, and the autoencoders picked here hold "
        + "fewer than two of its points")
    XCTAssertEqual(
      frontier.hint, "pick two or more of one sweep, e.g. instance=[0, 1], or leave instance= and seed= out")
    let sizes = session("model n=5 m=2\ntrain 10\nsae latents=d for d in [2, 3, 4]")
    let dictionary = try error(sizes, "show dictionary instance=[2]")
    XCTAssertEqual(
      dictionary.message,
      "dictionary draws a sweep of latents on one model setting and seed, and the autoencoders picked here hold "
        + "fewer than two of its points")
    XCTAssertEqual(dictionary.location, "t.toy:1:1")
    XCTAssertEqual(displays(sizes, "show dictionary instance=[0, 2]").count, 1, "two points of the sweep draw")
  }

  /// The help of show's instance= and seed= says what the SAE plots take, and they refuse
  /// seed=best as it says (it was listed as their default, and refused as undefined).
  func testHelpOfShowSaysWhatTheAutoencoderPlotsPick() throws {
    let specs = Dictionary(uniqueKeysWithValues: ParameterTable.show.map { ($0.name, $0.summary) })
    XCTAssertTrue(specs["instance"]?.contains("for the SAE plots (decoder … dictionary), which autoencoders") == true)
    let seedHelp = "for the SAE plots, which autoencoder seeds (sae with seeds=): a number, a list, or all (their "
    XCTAssertTrue(specs["seed"]?.hasSuffix(seedHelp + "default); not best") == true, specs["seed"] ?? "")
    let session = session("model n=5 m=2\ntrain 10\nsae latents=d seeds=2 for d in [2, 3]")
    XCTAssertEqual(displays(session, "show firing seed=1").count, 1)
    let e = try error(session, "show firing seed=best")
    XCTAssertEqual(e.message, "seed must be an autoencoder seed from 0 to 1, a list of them, or all; got best")
    XCTAssertEqual(e.location, "t.toy:1:18")
  }

  func testAnInstanceOutsideTheAutoencodersIsLocated() throws {
    let session = session("model n=5 m=2\ntrain 10\nsae latents=d for d in [2, 3]")
    let e = try error(session, "show cosines instance=7")
    XCTAssertEqual(e.message, "instance must be an autoencoder number from 0 to 1, a list of them, or all; got 7")
    XCTAssertEqual(e.location, "t.toy:1:23")
  }
}

extension AutoencoderShowTests {
  /// 25 autoencoders are one panel too many for the targets that draw a panel each; the
  /// frontier draws them all in one plot.
  func testThePanelLimitCountsAutoencoderInstances() throws {
    let session = session("model n=3 m=2\ntrain 10\nsae latents=2 l1=x for x in linspace(0.01, 1, 25)")
    for target in ShowTarget.allCases where target.readsAutoencoders && target.perSetting {
      let e = try error(session, "show \(target.rawValue)")
      XCTAssertEqual(e.message, "25 panels are too many to draw at once", target.rawValue)
    }
    XCTAssertEqual(displays(session, "show cosines instance=[0, 24]").count, 1)
    XCTAssertEqual(displays(session, "show frontier").count, 1)
  }
}
