import Dispatch
import XCTest

@testable import ToyCore

/// Training that diverges stops with an error naming the instance and the step, and the
/// model keeps its last state whose loss was finite, bit for bit.
final class TrainerDivergenceTests: XCTestCase {
  func model(importance: [Float] = [1, 1, 1, 1]) throws -> ToyModel {
    try ToyModel(
      kind: .relu, n: 5, m: 2, importance: importance.map { [Float](repeating: $0, count: 5) },
      density: [[Float]](repeating: [Float](repeating: 0.3, count: 5), count: importance.count), seed: 3)
  }

  func options(steps: Int, lr: Double = 1e-3, threads: Int) -> TrainingOptions {
    var options = TrainingOptions(steps: steps)
    options.batchSize = 64
    options.learningRate = lr
    options.threads = threads
    return options
  }

  /// An importance near the top of Float32 overflows the very first loss: nothing is kept.
  func testAnOverflowingFirstLossKeepsTheUntrainedModel() throws {
    for threads in [1, 2] {
      var trained = try model(importance: [1, 3e38, 1, 3e38])
      let untouched = trained
      XCTAssertThrowsError(try trained.train(options(steps: 50, threads: threads))) { error in
        guard case .diverged(let instance, let step, _) = error as? ModelError else {
          return XCTFail("\(error)")
        }
        XCTAssertEqual(instance, 1)
        XCTAssertEqual(step, 1)
      }
      XCTAssertEqual(trained, untouched, "threads \(threads)")
    }
  }

  /// A huge learning rate throws the weights out at step 1 and the loss overflows at step 2;
  /// every instance keeps exactly the state one step of training gives.
  func testALaterDivergenceKeepsTheLastFiniteStepForEveryInstance() throws {
    for threads in [1, 2, 4] {
      var trained = try model()
      XCTAssertThrowsError(try trained.train(options(steps: 300, lr: 1e37, threads: threads))) { error in
        guard case .diverged(_, let step, let loss) = error as? ModelError else { return XCTFail("\(error)") }
        XCTAssertEqual(step, 2)
        XCTAssertFalse(loss?.isFinite ?? false)
      }
      var reference = try model()
      let stopper = Cancellation()
      var one = options(steps: 300, lr: 1e37, threads: 1)
      one.observeEvery = 1
      try reference.train(one, cancellation: stopper) { _, _ in stopper.cancel() }
      XCTAssertEqual(trained.steps, 1, "threads \(threads)")
      XCTAssertEqual(trained.parameters, reference.parameters, "threads \(threads)")
      XCTAssertEqual(trained.firstMoment, reference.firstMoment)
      XCTAssertEqual(trained.secondMoment, reference.secondMoment)
      XCTAssertEqual(trained.samplesDrawn, reference.samplesDrawn)
      XCTAssertTrue(trained.parameters.allSatisfy(\.isFinite))
    }
  }
}

/// Ctrl-C inside one long step (a huge batch) stops it between chunks of samples and leaves
/// the model as it was before that step.
final class TrainerLongStepCancellationTests: XCTestCase {
  func testCancellationInsideALongStepKeepsTheModelBeforeIt() throws {
    let start = try ToyModel(
      kind: .relu, n: 5, m: 2, importance: [[Float]](repeating: [1, 1, 1, 1, 1], count: 2),
      density: [[Float]](repeating: [Float](repeating: 0.5, count: 5), count: 2), seed: 1)
    for threads in [1, 2] {
      var model = start
      var options = TrainingOptions(steps: 3)
      options.batchSize = 1 << 24
      options.threads = threads
      let cancellation = Cancellation()
      DispatchQueue.global().asyncAfter(deadline: .now() + 0.2) { cancellation.cancel() }
      let clock = ContinuousClock()
      let began = clock.now
      let outcome = try model.train(options, cancellation: cancellation)
      XCTAssertTrue(outcome.cancelled)
      XCTAssertEqual(outcome.stepsTaken, 0)
      XCTAssertEqual(model, start, "threads \(threads)")
      XCTAssertLessThan(clock.now - began, .seconds(5), "threads \(threads)")
    }
  }
}
