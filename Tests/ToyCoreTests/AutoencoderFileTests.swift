import Foundation
import XCTest

@testable import ToyCore

/// Autoencoders to and from their saved form (docs/model-format.md, *Sparse autoencoders*).
final class AutoencoderFileTests: XCTestCase {
  func trained() throws -> (ToyModel, SparseAutoencoder) {
    var model = try ToyModel(
      kind: .hiddenReLU, n: 6, m: 3, importance: [[Float](repeating: 1, count: 6), [Float](repeating: 1, count: 6)],
      density: [[Float](repeating: 0.2, count: 6), [Float](repeating: 0.1, count: 6)], seed: 5)
    try model.train(TrainingOptions(steps: 20))
    var autoencoder = try SparseAutoencoder(
      for: model,
      settings: [.init(latents: 4, variant: .l1(0.3), source: 1), .init(latents: 7, variant: .topK(2), source: 0)],
      seed: 8)
    var options = TrainingOptions.autoencoder(steps: 30)
    options.batchSize = 64
    try autoencoder.train(on: model, options, resampling: Resampling(method: .random, every: 10, window: 5))
    return (model, autoencoder)
  }

  func roundTrip(_ file: AutoencoderFile) throws -> AutoencoderFile {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys, .prettyPrinted]
    return try JSONDecoder().decode(AutoencoderFile.self, from: encoder.encode(file))
  }

  func testAFileReadsBackBitForBitAndTrainsOnAsTheSavedOne() throws {
    let (model, autoencoder) = try trained()
    XCTAssertEqual(autoencoder.modelSteps, 20)
    let loaded = try SparseAutoencoder(file: roundTrip(autoencoder.file(name: "sae")))
    XCTAssertEqual(loaded, autoencoder)
    var options = TrainingOptions.autoencoder(steps: 12)
    options.batchSize = 64
    var original = autoencoder
    var again = loaded
    let resampling = Resampling(method: .lossWeighted, every: 10, window: 5)
    try original.train(on: model, options, resampling: resampling)
    try again.train(on: model, options, resampling: resampling)
    XCTAssertEqual(again, original)
  }

  func testTheFileHoldsTheDocumentedKeys() throws {
    let (_, autoencoder) = try trained()
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys]
    let json = try XCTUnwrap(
      JSONSerialization.jsonObject(with: encoder.encode(autoencoder.file(name: "sae"))) as? [String: Any])
    XCTAssertEqual(
      Set(json.keys), ["name", "m", "seed", "steps", "samples_drawn", "model_steps", "loss_history", "instances"])
    let instances = try XCTUnwrap(json["instances"] as? [[String: Any]])
    let common: Set<String> = [
      "latents", "variant", "source", "parameters", "loss", "recent_losses", "idle_steps", "resampled", "adam_m",
      "adam_v",
    ]
    XCTAssertEqual(Set(instances[0].keys), common.union(["l1"]))
    XCTAssertEqual(Set(instances[1].keys), common.union(["k"]))
    XCTAssertEqual(instances[1]["variant"] as? String, "topk")
    let parameters = try XCTUnwrap(instances[1]["parameters"] as? [String: Any])
    XCTAssertEqual(Set(parameters.keys), ["W_enc", "b_enc", "W_dec", "b_dec"])
    XCTAssertEqual((parameters["W_enc"] as? [[Double]])?.count, 3, "W_enc: m rows")
    XCTAssertEqual((parameters["W_dec"] as? [[Double]])?.count, 7, "W_dec: d rows")
  }

  func testABadFileIsRefusedByKeyPath() throws {
    let (_, autoencoder) = try trained()
    let good = autoencoder.file(name: "sae")
    func refused(_ change: (inout AutoencoderFile) -> Void) -> String? {
      var file = good
      change(&file)
      do {
        try file.validate(key: "autoencoders[0]")
        _ = try SparseAutoencoder(file: file, key: "autoencoders[0]")
        return nil
      } catch {
        return error.description
      }
    }
    XCTAssertNil(refused { _ in })
    XCTAssertEqual(
      refused { $0.instances[0].l1 = nil },
      "autoencoders[0].instances[0].l1 is missing; the l1 variant needs it")
    XCTAssertEqual(
      refused { $0.instances[1].l1 = 0.5 },
      "autoencoders[0].instances[1].l1 is given, but the topk variant has none")
    XCTAssertEqual(
      refused { $0.instances[1].k = 8 }, "autoencoders[0].instances[1].k is 8; it must be from 1 to 7")
    XCTAssertEqual(
      refused { $0.instances[0].variant = "gated" },
      "autoencoders[0].instances[0].variant is \"gated\", expected one of l1, topk")
    XCTAssertEqual(
      refused { $0.instances[1].parameters.decoder[3] = [1] },
      "autoencoders[0].instances[1].parameters.W_dec[3] has 1 value, expected 3")
    XCTAssertEqual(
      refused { $0.instances[0].adamV.encoderBias[2] = -1 },
      "autoencoders[0].instances[0].adam_v.b_enc[2] is -1.0; it must be at least 0")
    XCTAssertEqual(
      refused { $0.instances[0].parameters.encoder[1][0] = .nan },
      "autoencoders[0].instances[0].parameters.W_enc[1][0] is nan; every number must be finite")
    XCTAssertEqual(
      refused { $0.instances[1].idleSteps = [0] }, "autoencoders[0].instances[1].idle_steps has 1 value, expected 7")
    XCTAssertEqual(
      refused { $0.instances = [] }, "autoencoders[0].instances is empty; autoencoders need at least one instance")
    XCTAssertEqual(refused { $0.m = 0 }, "autoencoders[0].m is 0; it must be from 1 to \(SparseAutoencoder.sizeLimit)")
    XCTAssertEqual(
      refused { $0.lossHistory = LossHistory(instances: 1) },
      "autoencoders[0].loss_history.losses has 1 value, expected 2")
  }
}
