import Foundation
import XCTest

@testable import ToyCore

/// The PyTorch-computed autoencoder cases of `Fixtures/sae_steps.json` (float64 autograd and
/// torch.optim.Adam), decoded. Layouts: W_enc [I][m][d], b_enc [I][d], W_dec [I][d][m],
/// b_dec [I][m]; toy W [n][m]; x [B][n]; h [B][m], shared by every instance.
struct AutoencoderReferenceFile: Decodable {
  let cases: [AutoencoderCase]

  static func load() throws -> AutoencoderReferenceFile {
    let url = try XCTUnwrap(Bundle.module.url(forResource: "Fixtures/sae_steps", withExtension: "json"))
    return try JSONDecoder().decode(AutoencoderReferenceFile.self, from: Data(contentsOf: url))
  }
}

struct AutoencoderParams: Decodable {
  let W_enc: [[[Double]]]
  let b_enc: [[Double]]
  let W_dec: [[[Double]]]
  let b_dec: [[Double]]

  /// Every number of instance i in the block layout (W_enc, b_enc, W_dec, b_dec).
  func block(_ i: Int) -> [Double] {
    W_enc[i].flatMap { $0 } + b_enc[i] + W_dec[i].flatMap { $0 } + b_dec[i]
  }

  func reference(_ i: Int) -> AutoencoderReference.Parameters {
    AutoencoderReference.Parameters(encoder: W_enc[i], encoderBias: b_enc[i], decoder: W_dec[i], decoderBias: b_dec[i])
  }
}

struct AutoencoderAdam: Decodable {
  let lr: Double
  let betas: [Double]
  let eps: Double
  let weight_decay: Double
}

struct AutoencoderAdamState: Decodable {
  let step: Int
  let exp_avg: AutoencoderParams
  let exp_avg_sq: AutoencoderParams
}

struct AutoencoderToy: Decodable {
  let W: [[Double]]
  let b: [Double]
}

struct AutoencoderForward: Decodable {
  /// [I][B][d]
  let z: [[[Double]]]
  /// [I][B][m]
  let h_hat: [[[Double]]]
}

struct AutoencoderCaseMetrics: Decodable {
  let L0: [Double]
  let mse: [Double]
  let fvu: [Double]
  let dead_latents: [Int]
  let mmcs: [Double]
  let loss_recovered: [Double]
  let toy_loss_orig: Double
  let toy_loss_sae: [Double]
  let toy_loss_zero: Double
}

struct AutoencoderCase: Decodable {
  let name: String
  let variant: String
  let n: Int
  let m: Int
  let d: Int
  let instances: Int
  let batch: Int
  let k: Int?
  let l1_coeff: [Double]?
  let adam: AutoencoderAdam
  let steps: Int
  let feature_probability: Double
  let importance: [Double]
  let toy: AutoencoderToy
  let x: [[Double]]
  let params: AutoencoderParams
  let h: [[Double]]
  let forward: AutoencoderForward
  let loss: Double
  let loss_per_instance: [Double]
  let reconstruction: [Double]
  let sparsity: [Double]
  let grads: AutoencoderParams
  let metrics: [String: AutoencoderCaseMetrics]
  let loss_at_each_state: [Double]
  let params_after_each_step: [AutoencoderParams]
  let adam_state_after_last_step: AutoencoderAdamState

  func variant(instance i: Int) -> SparseAutoencoder.Variant {
    if let k { return .topK(k) }
    return .l1(Float(l1_coeff![i]))
  }

  /// λ of instance i in Double (0 for TopK), for the reference.
  func l1(_ i: Int) -> Double { l1_coeff?[i] ?? 0 }

  /// The toy model the case's autoencoders read: a ReLU-output model with the case's W and b.
  func model() throws -> ToyModel {
    var model = try ToyModel(
      kind: .relu, n: n, m: m, importance: [importance.map(Float.init)],
      density: [[Float](repeating: Float(feature_probability), count: n)])
    model.setParameters(instance: 0, weights: toy.W.map { $0.map(Float.init) }, bias: toy.b.map(Float.init))
    return model
  }

  /// Autoencoders holding `params`, every instance reading the model's instance 0.
  func autoencoder(_ params: AutoencoderParams) throws -> SparseAutoencoder {
    var autoencoder = try SparseAutoencoder(
      m: m, settings: (0..<instances).map { .init(latents: d, variant: variant(instance: $0), source: 0) })
    for i in 0..<instances {
      autoencoder.setParameters(
        instance: i, encoder: params.W_enc[i].map { $0.map(Float.init) },
        encoderBias: params.b_enc[i].map(Float.init), decoder: params.W_dec[i].map { $0.map(Float.init) },
        decoderBias: params.b_dec[i].map(Float.init))
    }
    return autoencoder
  }

  var hiddenFloats: [[Float]] { h.map { $0.map(Float.init) } }

  var options: TrainingOptions {
    var options = TrainingOptions.autoencoder(steps: steps)
    options.learningRate = adam.lr
    options.beta1 = adam.betas[0]
    options.beta2 = adam.betas[1]
    options.epsilon = adam.eps
    options.batchSize = batch
    return options
  }
}

/// Asserts that `actual` matches `expected` within `fraction` of expected's largest magnitude
/// (the reference's own measure), printing the worst difference.
func assertCloseToScale(
  _ actual: [Double], _ expected: [Double], fraction: Double, _ what: String,
  file: StaticString = #filePath, line: UInt = #line
) {
  let scale = max(expected.map(Swift.abs).max() ?? 0, 1e-30)
  assertClose(actual, expected, absolute: fraction * scale, relative: 0, what, file: file, line: line)
}
