import Foundation
import ToyCore
import ToyTestSupport
import XCTest

@testable import ToyLanguage

/// `train … live`: frames while training, the last one as a display, frames drawn from the
/// model's state alone.
final class LiveTests: XCTestCase {
  func session() -> (Session, () -> [Display], () -> [Display]) {
    let session = Session()
    session.threads = 1
    var frames: [Display] = []
    var displays: [Display] = []
    session.onLiveFrame = { frames.append($0) }
    session.onDisplay = { displays.append($0) }
    return (session, { frames }, { displays })
  }

  func testFramesDuringTrainingThenTheLastFrameAsADisplay() {
    let (session, frames, displays) = session()
    session.liveHeight = 30
    let clock = ContinuousClock()
    let start = clock.now
    let script = "model n=5 m=2 density=p for p in [1, 0.1]\ntrain 3000 batch=256 live"
    XCTAssertEqual(session.run(Source(name: "t", text: script)), .finished)
    let elapsed = clock.now - start
    let seconds = elapsed.seconds
    XCTAssertGreaterThanOrEqual(frames().count, 1)
    // At most about fifteen frames a second.
    XCTAssertLessThanOrEqual(Double(frames().count), seconds * 15 + 2)
    for frame in frames() {
      XCTAssertLessThanOrEqual(frame.plain.split(separator: "\n").count, 30, "a frame fits the terminal")
      XCTAssertTrue(frame.plain.contains("model1: step"))
      XCTAssertNil(frame.svg, "a terminal's frames carry no SVG")
    }
    XCTAssertEqual(displays().count, 1)
    let last = displays()[0]
    XCTAssertTrue(last.isLiveFinal)
    XCTAssertTrue(last.plain.contains("model1: step 3000  loss"), last.plain)
    XCTAssertNotNil(last.svg)
  }

  func testWithoutAFrontEndOnlyTheLastFrameShows() {
    let session = Session()
    session.threads = 1
    var displays: [Display] = []
    session.onDisplay = { displays.append($0) }
    let script = "model n=20 m=5 sparsity=0.9\ntrain 200 batch=64 live=norms"
    XCTAssertEqual(session.run(Source(name: "t", text: script)), .finished)
    XCTAssertEqual(displays.count, 1)
    XCTAssertTrue(displays[0].plain.contains("‖W_i‖"), "the norms view")
  }

  func testBareLiveDrawsWtWAboveTheNormsWhenMIsNotTwo() {
    let (session, _, displays) = session()
    let script = "model n=20 m=5 density=p for p in [1, 0.1]\ntrain 50 batch=64 live"
    XCTAssertEqual(session.run(Source(name: "t", text: script)), .finished)
    let text = displays().last?.plain ?? ""
    XCTAssertTrue(text.contains("‖W_i‖"), "the norm bars")
    XCTAssertTrue(text.contains("  b "), "the heatmap's bias column")
  }

  func testTheViewMustSuitTheModel() {
    let (session, _, _) = session()
    let outcome = session.run(Source(name: "t", text: "model n=5 m=3\ntrain 10 live=geometry"))
    guard case .runtimeError(let diagnostic) = outcome else { return XCTFail("expected an error, got \(outcome)") }
    XCTAssertTrue(diagnostic.message.contains("live=geometry draws 2-D models"), diagnostic.message)
    let bad = session.run(Source(name: "t", text: "train 10 live=movie"))
    guard case .runtimeError(let other) = bad else { return XCTFail("expected an error, got \(bad)") }
    XCTAssertTrue(other.message.contains("live must be auto, geometry, wtw, norms, dims or loss"), other.message)
  }

  /// A frame is a function of the model's state and the terminal's size: the same weights
  /// give the same frame, pinned here.
  func testAFrameOfKnownWeightsMatchesItsGoldenText() throws {
    let session = Session()
    session.textWidth = 60
    session.liveHeight = 24
    var model = try ToyModel(
      kind: .relu, n: 5, m: 2, importance: [[1, 0.9, 0.81, 0.729, 0.6561]],
      density: [[Float](repeating: 0.05, count: 5)])
    let pentagon = (0..<5).map { k in
      [Float(cos(2 * Double.pi * Double(k) / 5)), Float(sin(2 * Double.pi * Double(k) / 5))]
    }
    model.setParameters(instance: 0, weights: pentagon, outputWeights: nil, bias: [Float](repeating: -0.1, count: 5))
    let entry = ModelEntry(name: "pentagon", model: model, settings: [[]], seeds: 1, shown: [0])
    let statement = Statement(kind: .reset, span: Span(0, 0))
    let progress = TrainingProgress(step: 10, totalSteps: 100, losses: [0.0123])
    let frame = try XCTUnwrap(
      session.liveFrame("geometry", entry, progress, 0, statement, Source(name: "t", text: ""), final: false))
    assertGolden(frame.display.plain, "live-geometry-frame")
    XCTAssertTrue(frame.display.plain.contains("pentagon: step 0 (10/100)  loss 0.0123"))
  }

  /// The live frame's SVG title (its header, in 15-pixel bold) lies inside the picture even
  /// when the model's long name makes it wider than the small model's panels: its extent at
  /// 0.6 em a character (Helvetica and Arial draw such a header at about 0.5) is inside the
  /// viewBox on both sides. It was cut at both ends.
  func testTheLiveFramesSVGTitleFitsInsideThePicture() throws {
    let (session, frames, displays) = session()
    session.liveSVG = true
    session.textWidth = 60
    let name = "a_model_with_a_rather_long_name_for_its_narrow_frame"
    let script = "\(name) = model n=4 m=3 sparsity=0.5\ntrain 2000 batch=32 live"
    XCTAssertEqual(session.run(Source(name: "t", text: script)), .finished)
    let svgs = (frames() + displays()).compactMap(\.svg)
    XCTAssertGreaterThanOrEqual(svgs.count, 1)
    for svg in svgs {
      let viewBox = try XCTUnwrap(svg.firstMatch(of: /viewBox="0 0 ([0-9.]+) ([0-9.]+)"/))
      let width = try XCTUnwrap(Double(viewBox.1))
      let title = try XCTUnwrap(
        svg.firstMatch(of: /<text x="([0-9.]+)" y="[0-9.]+" font-size="([0-9.]+)" text-anchor="middle"[^>]*>([^<]*)</),
        "the title")
      XCTAssertTrue(title.3.hasPrefix("\(name): step"), String(title.3))
      let x = try XCTUnwrap(Double(title.1))
      let extent = Double(title.3.count) * (try XCTUnwrap(Double(title.2))) * 0.6
      XCTAssertGreaterThanOrEqual(x - extent / 2, 0, "the title starts inside the picture (width \(width))")
      XCTAssertLessThanOrEqual(x + extent / 2, width, "the title ends inside the picture (x \(x), extent \(extent))")
    }
  }

  /// The headline model's frame on the screens a workshop has (the size a terminal of
  /// 100×40, 80×24 and 60×30 leaves a frame): as seen in colour it fits, keeps WᵀW at one
  /// cell per feature and shows the norm bars; stacked where side by side is too narrow.
  func testTheHeadlineFrameKeepsACellPerFeatureOnNarrowAndShortScreens() throws {
    let model = try ToyModel(
      kind: .relu, n: 20, m: 5, importance: [(0..<20).map { Float(pow(0.7, Double($0))) }],
      density: [[Float](repeating: 0.1, count: 20)])
    let entry = ModelEntry(name: "model1", model: model, settings: [[]], seeds: 1, shown: [0])
    let progress = TrainingProgress(step: 10, totalSteps: 100, losses: [0.01])
    for (columns, rows, stacked) in [(100, 38, false), (80, 22, false), (60, 28, true)] {
      let session = Session()
      session.liveSize = { (columns, rows) }
      session.liveInColor = { true }
      let frame = try XCTUnwrap(
        session.liveFrame(
          "wtw+norms", entry, progress, 0, Statement(kind: .reset, span: Span(0, 0)), Source(name: "t", text: ""),
          final: false))
      let plot = try XCTUnwrap(frame.display.plot)
      let options = try XCTUnwrap(frame.display.textOptions)
      var colour = options
      colour.color = true
      let seen = plot.titled(colour)
      let text = seen.plainText
      XCTAssertLessThanOrEqual(seen.height, rows, "\(columns)×\(rows): the frame fits\n\(text)")
      XCTAssertGreaterThanOrEqual(seen.height, rows - 4, "\(columns)×\(rows): the frame fills the screen\n\(text)")
      XCTAssertLessThanOrEqual(seen.width, columns)
      XCTAssertFalse(text.contains("averaged in"), "\(columns)×\(rows): one cell per feature\n\(text)")
      XCTAssertTrue(text.contains("‖W_i‖"), "\(columns)×\(rows): the norm bars\n\(text)")
      // Stacked, the norm bars' title is below the last row of WᵀW ("18", its last label).
      let lines = text.split(separator: "\n").map(String.init)
      let norms = try XCTUnwrap(lines.firstIndex { $0.contains("‖W_i‖") })
      let lastRow = try XCTUnwrap(lines.lastIndex { $0.hasPrefix("    18 ") || $0.contains(" 18 ▄") })
      XCTAssertEqual(norms > lastRow, stacked, "\(columns)×\(rows): stacked \(stacked)\n\(text)")
    }
  }
}
