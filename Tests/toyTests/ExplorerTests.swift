import Foundation
import ToyCore
import ToyLanguage
import ToyTestSupport
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

  func testSpeedKeysWalkFromOneStepAFrameToFullSpeed() throws {
    var state = ExplorerState(entry: try entry(), setting: 0)
    XCTAssertEqual(state.stepsPerFrame, 20, "slow motion at the start")
    XCTAssertEqual(state.handle(.char("<")), .redraw)
    XCTAssertEqual(state.stepsPerFrame, 10)
    XCTAssertEqual(state.handle(.char(",")), .redraw)
    XCTAssertEqual(state.stepsPerFrame, 5)
    for _ in 0..<5 { _ = state.handle(.char("<")) }
    XCTAssertEqual(state.stepsPerFrame, 1)
    XCTAssertEqual(state.handle(.char("<")), .none, "one step a frame is the slowest")
    XCTAssertEqual(state.handle(.char(">")), .redraw)
    XCTAssertEqual(state.stepsPerFrame, 2)
    for _ in 0..<20 { _ = state.handle(.char(".")) }
    XCTAssertNil(state.stepsPerFrame, "past 1000 steps a frame: full speed")
    XCTAssertEqual(state.handle(.char(">")), .none)
    XCTAssertNil(state.lastChange, "speed is no change of the model")
  }

  func testReplayGoesBackToTheLastChangeAndMakesItAgain() throws {
    var state = ExplorerState(entry: try entry(), setting: 0)
    XCTAssertEqual(state.handle(.char("z")), .none, "nothing to replay yet")
    XCTAssertEqual(state.handle(.down), .rebuild)
    let change = try XCTUnwrap(state.lastChange)
    XCTAssertEqual(change.before.density, [Float](repeating: 1, count: 5))
    XCTAssertEqual(Double(change.after.density[0]), pow(10, -0.25), accuracy: 1e-6)
    XCTAssertFalse(change.reinitialised)
    XCTAssertEqual(change.text, "sparser: density 1 → 0.562")
    XCTAssertEqual(state.handle(.char("v")), .redraw)
    XCTAssertEqual(state.lastChange, change, "a view is no change")
    XCTAssertEqual(state.handle(.char("z")), .replay)
    XCTAssertEqual(state.values, change.after, "the replay ends at the values after the change")
    XCTAssertEqual(state.handle(.char("+")), .reinitialise)
    XCTAssertEqual(state.lastChange?.text, "m 2 → 3, fresh weights")
    XCTAssertEqual(state.lastChange?.reinitialised, true)
    XCTAssertEqual(state.handle(.up), .rebuild)
    XCTAssertEqual(state.lastChange?.text, "denser: density 0.562 → 1")
  }

  /// Every key the handler acts on, in some state, is named by `help explore`, and every key
  /// help names does something: the handler and the help read one table.
  func testHelpExploreListsEveryKeyTheHandlerAccepts() throws {
    let source = try entry()
    var changed = ExplorerState(entry: source, setting: 1)
    _ = changed.handle(.down)
    _ = changed.handle(.char("<"))
    let states = [ExplorerState(entry: source, setting: 0), changed]
    let keys: [ExplorerState.Key] =
      [.up, .down, .left, .right, .escape, .interrupt] + (32..<127).map { .char(Character(UnicodeScalar($0)!)) }
    let help = try XCTUnwrap(Session().help(on: "explore"))
    let helpKeys = Set(
      help.split(separator: "\n").drop { $0 != "Keys:" }.filter { $0.hasPrefix("  ") && !$0.hasPrefix("   ") }.flatMap {
        $0.dropFirst(2).prefix(ExplorerKeys.keysWidth).split(separator: " ").map(String.init)
      })
    var accepted = Set<String>()
    for key in keys {
      let acts = states.contains { state in
        var state = state
        return state.handle(key) != .none
      }
      if acts { accepted.insert(key.name) }
    }
    XCTAssertEqual(accepted, helpKeys, "keys the handler acts on against the keys help explore lists")
    XCTAssertEqual(accepted.count, 25)
    for name in ["↓", "↑", "<", ">", "z", "space", "Esc", "Ctrl-C"] {
      XCTAssertTrue(accepted.contains(name), name)
    }
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
    XCTAssertTrue(frame.hasSuffix(ExplorerState.legend(width: 72).joined(separator: "\n")))
    XCTAssertTrue(frame.hasPrefix("model n=5 m=2 importance=0.9^i density=0.05   ↓ sparser  ↑ denser\n"), frame)
    XCTAssertTrue(frame.contains("speed 20 steps/frame (< >)"), frame)
    assertGolden(frame, "explorer-frame")
  }
}
