import Foundation
import XCTest

@testable import ToyLanguage

/// A sweep over fixed training sets (`dataset=`) split into shares assembles into what one
/// run shows: every share trains its window full batch with the whole sweep's largest set as
/// the step's batch, and the assembly gives the parts' weights back their sets.
extension ShardTests {
  static let trainingSetScript = Source(
    name: "sets.toy",
    text: """
      model n=12 m=2 sparsity=0.8 dataset=T for T in [3, 10, 40]
      train 60 warmup=6 schedule=cosine
      print train_loss
      print test_loss
      show descent
      """)

  func testAssembledSharesOfATrainingSetSweepShowWhatOneRunShows() throws {
    let (outcome, single) = Self.run(Self.session(seed: 2, stepScale: 1), Self.trainingSetScript)
    XCTAssertEqual(outcome, .finished)
    XCTAssertEqual(single.count, 3)
    try writeShares(Self.trainingSetScript, shares: 2, seed: 2)
    let (assembled, shown) = try assembled(Self.trainingSetScript, seed: 2)
    XCTAssertEqual(assembled, .finished)
    XCTAssertEqual(shown, single, "the assembled displays differ from one run's")
  }
}
