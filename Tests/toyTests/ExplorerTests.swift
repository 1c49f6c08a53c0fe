import Foundation
import ToyCore
import ToyLanguage
import XCTest

@testable import toy

/// The explorer's keys, scripted, and its frames, pinned.
final class ExplorerTests: XCTestCase {
  func entry() throws -> ModelEntry {
    let session = Session()
    session.threads = 1
    let outcome = session.run(
      Source(name: "t", text: "model n=5 m=2 importance=0.9^i density=p for p in [1, 0.05]\ntrain 10 batch=8"))
    XCTAssertEqual(outcome, .finished)
    return try XCTUnwrap(session.models["model1"])
  }

  func testKeysChangeTheValuesInLogStepsAndQuit() throws {
    var state = ExplorerState(entry: try entry(), setting: 1)
    XCTAssertEqual(state.statement, "model n=5 m=2 importance=0.9^i density=0.05")
    XCTAssertEqual(state.handle(.down), .rebuild)
    XCTAssertEqual(Double(state.density[0]), 0.05 / pow(10, 0.25), accuracy: 1e-6, "a quarter decade sparser")
    XCTAssertEqual(state.handle(.char("k")), .rebuild)
    XCTAssertEqual(Double(state.density[0]), 0.05, accuracy: 1e-6)
    for _ in 0..<10 { _ = state.handle(.up) }
    XCTAssertEqual(state.density[0], 1, "density stops at 1")
    XCTAssertEqual(state.handle(.up), .none)
    XCTAssertEqual(state.handle(.char("]")), .rebuild)
    XCTAssertEqual(state.base, 0.95)
    XCTAssertEqual(Double(state.importance[2]), 0.95 * 0.95, accuracy: 1e-6)
    XCTAssertEqual(state.view, "geometry")
    XCTAssertEqual(state.handle(.char("v")), .redraw)
    XCTAssertEqual(state.view, "wtw")
    XCTAssertEqual(state.handle(.char("v")), .redraw)
    XCTAssertEqual(state.handle(.char("v")), .redraw)
    XCTAssertEqual(state.handle(.char("v")), .redraw)
    XCTAssertEqual(state.view, "geometry", "the views cycle")
    XCTAssertEqual(state.handle(.char("+")), .reinitialise)
    XCTAssertEqual(state.m, 3)
    XCTAssertEqual(state.view, "wtw", "m=3 leaves the 2-D view")
    XCTAssertEqual(state.handle(.char(" ")), .redraw)
    XCTAssertTrue(state.paused)
    XCTAssertEqual(state.handle(.right), .select(0))
    XCTAssertEqual(state.handle(.left), .select(0))
    XCTAssertEqual(state.statement, "model n=5 m=3 importance=0.95^i density=1")
    XCTAssertEqual(state.handle(.char("x")), .none)
    XCTAssertEqual(state.handle(.interrupt), .quit)
    XCTAssertEqual(state.handle(.escape), .quit)
    XCTAssertEqual(state.handle(.char("q")), .quit)
  }

  func testFewerDimensionsLeaveTheTwoDimensionalView() throws {
    var state = ExplorerState(entry: try entry(), setting: 0)
    XCTAssertEqual(state.handle(.char("-")), .reinitialise)
    XCTAssertEqual(state.m, 1)
    XCTAssertEqual(state.view, "wtw")
    XCTAssertEqual(state.handle(.char("-")), .none, "m stays at least 1")
  }

  func testRebuildingKeepsTheWeightsOfTheSameShape() throws {
    let source = try entry()
    var state = ExplorerState(entry: source, setting: 1)
    let before = try XCTUnwrap(Explorer.singleInstance(of: source, setting: 1))
    XCTAssertEqual(before.weights(instance: 0), source.model.weights(instance: source.shown[1]))
    _ = state.handle(.down)
    let after = try state.model(keeping: before, featureSets: [])
    XCTAssertEqual(after.weights(instance: 0), before.weights(instance: 0))
    XCTAssertEqual(Double(after.density(instance: 0)[0]), Double(state.density[0]), accuracy: 1e-9)
  }

  /// A frame is a function of the model, the values and the size.
  func testAFrameOfAKnownPentagonMatchesItsGoldenText() throws {
    let source = try entry()
    let state = ExplorerState(entry: source, setting: 1)
    var model = try state.model(keeping: nil, featureSets: [])
    let pentagon = (0..<5).map { k in
      [Float(cos(2 * Double.pi * Double(k) / 5)), Float(sin(2 * Double.pi * Double(k) / 5))]
    }
    model.setParameters(instance: 0, weights: pentagon, outputWeights: nil, bias: [Float](repeating: -0.1, count: 5))
    let frame = state.frame(model, session: Session(), width: 72, height: 24, stepsPerSecond: 0, depth: .none)
    XCTAssertEqual(frame.split(separator: "\n", omittingEmptySubsequences: false).count, 24, "exactly the screen")
    XCTAssertTrue(frame.hasSuffix(String(ExplorerState.legend.prefix(72))))
    let golden = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent(
      "Golden/explorer-frame.txt")
    if ProcessInfo.processInfo.environment["TOY_RECORD_GOLDEN"] == "1" {
      try FileManager.default.createDirectory(at: golden.deletingLastPathComponent(), withIntermediateDirectories: true)
      try frame.write(to: golden, atomically: true, encoding: .utf8)
      return XCTFail("recorded \(golden.lastPathComponent): review it, then run again")
    }
    XCTAssertEqual(frame, try String(contentsOf: golden, encoding: .utf8))
  }
}
