import XCTest

@testable import ToyCore

/// The autoencoder against PyTorch: hidden states, forward pass, loss parts, gradients, three
/// Adam steps, Adam's state and the metrics, for every case of `Fixtures/sae_steps.json`.
/// Float results must match within 1e-5 of each array's largest magnitude (the file's stated
/// bound for a float32 implementation); L0 and dead latents exactly.
final class AutoencoderFixtureTests: XCTestCase {
  static let fraction = 1e-5

  /// Splits a block into its four arrays, so that each is held to its own scale.
  func assertBlock(
    _ actual: [Double], _ expected: [Double], m: Int, d: Int, fraction: Double, _ what: String,
    file: StaticString = #filePath, line: UInt = #line
  ) {
    XCTAssertEqual(actual.count, expected.count, "\(what): length", file: file, line: line)
    var start = 0
    for (name, count) in [("W_enc", m * d), ("b_enc", d), ("W_dec", d * m), ("b_dec", m)] {
      let range = start..<start + count
      assertCloseToScale(
        Array(actual[range]), Array(expected[range]), fraction: fraction, "\(what) \(name)", file: file, line: line)
      start += count
    }
  }

  func testHiddenStatesMatchPyTorch() throws {
    for c in try AutoencoderReferenceFile.load().cases {
      let model = try c.model()
      for path in KernelPath.allCases where path.isAvailable {
        let h = model.hiddenStates(inputs: c.x.map { $0.map(Float.init) }, instance: 0, path: path)
        assertCloseToScale(
          h.flatMap { $0 }.map(Double.init), c.h.flatMap { $0 }, fraction: Self.fraction, "\(c.name) h")
      }
    }
  }

  /// The Double reference reproduces the file to its rounding: an independent check of the
  /// equations before the Float kernel is held to them.
  func testReferenceMatchesPyTorchToRounding() throws {
    for c in try AutoencoderReferenceFile.load().cases {
      for i in 0..<c.instances {
        let p = c.params.reference(i)
        for (s, h) in c.h.enumerated() {
          let (_, z, reconstruction) = AutoencoderReference.forward(p, topK: c.k, h: h)
          assertClose(z, c.forward.z[i][s], absolute: 1e-10, relative: 1e-9, "\(c.name) z[\(i)][\(s)]")
          assertClose(
            reconstruction, c.forward.h_hat[i][s], absolute: 1e-10, relative: 1e-9, "\(c.name) ĥ[\(i)][\(s)]")
        }
        let loss = AutoencoderReference.loss(p, l1: c.l1(i), topK: c.k, batch: c.h)
        XCTAssertEqual(loss.total, c.loss_per_instance[i], accuracy: 1e-10, "\(c.name) loss \(i)")
        XCTAssertEqual(loss.reconstruction, c.reconstruction[i], accuracy: 1e-10, "\(c.name) reconstruction \(i)")
        XCTAssertEqual(loss.sparsity, c.sparsity[i], accuracy: 1e-9, "\(c.name) sparsity \(i)")
        let g = AutoencoderReference.gradient(p, l1: c.l1(i), topK: c.k, batch: c.h)
        let flat = g.encoder.flatMap { $0 } + g.encoderBias + g.decoder.flatMap { $0 } + g.decoderBias
        assertBlock(flat, c.grads.block(i), m: c.m, d: c.d, fraction: 1e-9, "\(c.name) reference gradient \(i)")
      }
    }
  }

  func testKernelLossAndGradientMatchPyTorch() throws {
    for c in try AutoencoderReferenceFile.load().cases {
      let autoencoder = try c.autoencoder(c.params)
      for path in KernelPath.allCases where path.isAvailable {
        var total = 0.0
        for i in 0..<c.instances {
          let result = autoencoder.lossAndGradient(hidden: c.hiddenFloats, instance: i, path: path)
          total += result.loss
          let what = "\(c.name) \(path) instance \(i)"
          XCTAssertEqual(result.loss, c.loss_per_instance[i], accuracy: Self.fraction * c.loss_per_instance[i], what)
          XCTAssertEqual(
            result.reconstruction, c.reconstruction[i], accuracy: Self.fraction * c.reconstruction[i], what)
          XCTAssertEqual(result.sparsity, c.sparsity[i], accuracy: Self.fraction * c.sparsity[i], what)
          assertBlock(
            result.gradient.map(Double.init), c.grads.block(i), m: c.m, d: c.d, fraction: Self.fraction,
            "\(what) gradient")
          // The kernel's activity counters agree with the file's z exactly.
          let expected = (0..<c.d).map { j in c.forward.z[i].filter { $0[j] != 0 }.count }
          XCTAssertEqual(result.active, expected, "\(what) active samples per latent")
        }
        XCTAssertEqual(total, c.loss, accuracy: Self.fraction * c.loss, "\(c.name) total loss")
      }
    }
  }

  func testAdamTrajectoriesMatchPyTorch() throws {
    for c in try AutoencoderReferenceFile.load().cases {
      var autoencoder = try c.autoencoder(c.params)
      for s in 0..<c.steps {
        let losses = try autoencoder.step(
          hidden: Array(repeating: c.hiddenFloats, count: c.instances), options: c.options, callStep: s)
        XCTAssertEqual(
          losses.reduce(0, +), c.loss_at_each_state[s], accuracy: Self.fraction * c.loss_at_each_state[s],
          "\(c.name) loss before step \(s + 1)")
        for i in 0..<c.instances {
          let block = autoencoder.parameters[autoencoder.offsets[i]..<autoencoder.offsets[i + 1]]
          assertBlock(
            block.map(Double.init), c.params_after_each_step[s].block(i), m: c.m, d: c.d, fraction: Self.fraction,
            "\(c.name) parameters after step \(s + 1), instance \(i)")
        }
      }
      let last = (0..<c.instances).reduce(0.0) {
        $0 + autoencoder.lossAndGradient(hidden: c.hiddenFloats, instance: $1).loss
      }
      XCTAssertEqual(last, c.loss_at_each_state[3], accuracy: Self.fraction * c.loss_at_each_state[3], "\(c.name)")
      XCTAssertEqual(autoencoder.steps, c.adam_state_after_last_step.step)
      for i in 0..<c.instances {
        let range = autoencoder.offsets[i]..<autoencoder.offsets[i + 1]
        assertBlock(
          autoencoder.firstMoment[range].map(Double.init), c.adam_state_after_last_step.exp_avg.block(i), m: c.m,
          d: c.d, fraction: Self.fraction, "\(c.name) first moment \(i)")
        // ν is quadratic in the gradient, so its relative error is twice the gradient's.
        assertBlock(
          autoencoder.secondMoment[range].map(Double.init), c.adam_state_after_last_step.exp_avg_sq.block(i), m: c.m,
          d: c.d, fraction: 2 * Self.fraction, "\(c.name) second moment \(i)")
      }
    }
  }

  /// The metrics at the initial state and after the three steps (the file's parameters, and
  /// ours after training). The file's toy losses sum over features; toy's are the notebook's
  /// mean over them, so they differ by the factor n.
  func testMetricsMatchPyTorch() throws {
    for c in try AutoencoderReferenceFile.load().cases {
      let model = try c.model()
      let x = c.x.map { $0.map(Float.init) }
      var trained = try c.autoencoder(c.params)
      for s in 0..<c.steps {
        _ = try trained.step(
          hidden: Array(repeating: c.hiddenFloats, count: c.instances), options: c.options, callStep: s)
      }
      let states = [
        ("initial", try c.autoencoder(c.params)), ("final", try c.autoencoder(c.params_after_each_step[c.steps - 1])),
        ("final (trained here)", trained),
      ]
      for (name, autoencoder) in states {
        let expected = try XCTUnwrap(c.metrics[name.hasPrefix("final") ? "final" : "initial"])
        for i in 0..<c.instances {
          let got = autoencoder.metrics(instance: i, model: model, inputs: x)
          let what = "\(c.name) \(name) instance \(i)"
          XCTAssertEqual(got.l0, expected.L0[i], what)
          XCTAssertEqual(got.deadLatents, expected.dead_latents[i], what)
          let n = Double(c.n)
          let pairs: [(String, Double?, Double)] = [
            ("mse", got.mse, expected.mse[i]), ("fvu", got.fvu, expected.fvu[i]), ("mmcs", got.mmcs, expected.mmcs[i]),
            ("loss recovered", got.lossRecovered, expected.loss_recovered[i]),
            ("model loss", got.modelLoss * n, expected.toy_loss_orig),
            ("reconstructed loss", got.reconstructedLoss * n, expected.toy_loss_sae[i]),
            ("zero-ablated loss", got.zeroAblatedLoss * n, expected.toy_loss_zero),
          ]
          for (metric, value, reference) in pairs {
            let value = try XCTUnwrap(value, "\(what) \(metric)")
            XCTAssertEqual(value, reference, accuracy: 2e-5 * Swift.abs(reference) + 1e-7, "\(what) \(metric)")
          }
        }
      }
    }
  }
}
