import XCTest

@testable import ToyCore

/// The trainer against PyTorch: losses, gradients and optimiser trajectories for every kind,
/// optimiser and schedule, from `Fixtures/notebook_steps.json`.
final class ReferenceFixtureTests: XCTestCase {
  func testLossesAndGradientsMatchPyTorch() throws {
    for c in try ReferenceFile.load().cases {
      let model = try c.model()
      var total = 0.0
      for i in 0..<c.instances {
        let inputs = c.inputs(step: 0, instance: i).map { $0.map(Float.init) }
        let (loss, gradient) = model.lossAndGradient(inputs: inputs, instance: i)
        total += loss
        XCTAssertEqual(
          loss, c.loss_per_instance[i], accuracy: 1e-6 + 1e-5 * c.loss_per_instance[i], "\(c.kind) loss \(i)")
        let (gw, gw2, gb) = c.layout(c.grads, instance: i)
        let expected = gw.flatMap { $0 } + gw2.flatMap { $0 } + gb
        assertClose(gradient.map(Double.init), expected, absolute: 1e-6, relative: 1e-4, "\(c.kind) gradient \(i)")

        // The naive Double reference agrees to rounding.
        let (w, w2, b) = c.layout(c.params, instance: i)
        let p = ReferenceKernel.Parameters(w: w, w2: w2, b: b)
        let batch = c.inputs(step: 0, instance: i)
        XCTAssertEqual(
          ReferenceKernel.loss(kind: c.modelKind, parameters: p, importance: c.importance[i], batch: batch),
          c.loss_per_instance[i], accuracy: 1e-12)
        let g = ReferenceKernel.gradient(kind: c.modelKind, parameters: p, importance: c.importance[i], batch: batch)
        assertClose(
          g.w.flatMap { $0 } + g.w2.flatMap { $0 } + g.b, expected, absolute: 1e-12, relative: 1e-9,
          "\(c.kind) reference gradient \(i)")
      }
      XCTAssertEqual(total, c.loss, accuracy: 1e-5 * c.loss, "\(c.kind) summed loss")
    }
  }

  func testOptimiserTrajectoriesMatchPyTorch() throws {
    for c in try ReferenceFile.load().cases {
      for run in c.runs {
        var model = try c.model()
        var options = TrainingOptions(steps: run.steps)
        options.learningRate = run.lr
        options.optimizer = try XCTUnwrap(Optimizer(rawValue: run.optimizer))
        options.schedule = try XCTUnwrap(Schedule(rawValue: run.schedule))
        for s in 0..<run.steps {
          let inputs = (0..<c.instances).map { i in c.inputs(step: s, instance: i).map { $0.map(Float.init) } }
          _ = try model.step(inputs: inputs, options: options, callStep: s)
          for i in 0..<c.instances {
            let (w, w2, b) = c.layout(run.params_after_each_step[s], instance: i)
            let expected = w.flatMap { $0 } + w2.flatMap { $0 } + b
            let block = model.parameters[i * model.parameterCount..<(i + 1) * model.parameterCount]
            assertClose(
              block.map(Double.init), expected, absolute: 2e-6, relative: 1e-5,
              "\(c.kind) \(run.optimizer)/\(run.schedule) step \(s) instance \(i)")
          }
        }
        XCTAssertEqual(model.steps, run.steps)
      }
    }
  }
}
