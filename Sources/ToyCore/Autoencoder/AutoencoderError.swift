/// Why a sparse autoencoder cannot be built or trained. Each case names the condition; the
/// language renders them (core code never prints).
public enum AutoencoderError: Error, Hashable, Sendable {
  case noInstances
  case hiddenSizeNotPositive(Int)
  case latentsNotPositive(instance: Int, value: Int)
  case l1CoefficientInvalid(instance: Int, value: Float)
  case topKOutOfRange(instance: Int, k: Int, latents: Int)
  /// An instance reads a model instance that does not exist (`modelInstances` nil: negative).
  case sourceOutOfRange(instance: Int, source: Int, modelInstances: Int?)
  /// The model's hidden size is not the autoencoder's input size.
  case hiddenSizeMismatch(autoencoder: Int, model: Int)
  /// The parameters and moments would pass `SparseAutoencoder.sizeLimit`.
  case sizeTooLarge(floats: Int, limit: Int)
  case resampleEveryNotPositive(Int)
  case resampleWindowNotPositive(Int)
  case resampleScaleInvalid(Float)
  /// Given hidden states or inputs of the wrong shape.
  case rowLength(name: String, instance: Int, count: Int, expected: Int)
  /// The training options are invalid (steps, batch, learning rate) or the step limit is reached.
  case options(ModelError)
  /// Training met a non-finite loss (or, with `loss` nil, parameter) at global step `step`
  /// (counted from 1) of `instance`; the autoencoder keeps the steps before it.
  case diverged(instance: Int, step: Int, loss: Float?)
}

extension AutoencoderError: CustomStringConvertible {
  public var description: String {
    switch self {
    case .noInstances:
      return "a sparse autoencoder needs at least one instance"
    case .hiddenSizeNotPositive(let value):
      return "the autoencoder's input size m must be at least 1, got \(value)"
    case .latentsNotPositive(let instance, let value):
      return "latents of autoencoder instance \(instance) must be at least 1, got \(value)"
    case .l1CoefficientInvalid(let instance, let value):
      return "the L1 coefficient of autoencoder instance \(instance) is \(value); it must be finite and at least 0"
    case .topKOutOfRange(let instance, let k, let latents):
      return "k of autoencoder instance \(instance) is \(k); it must be from 1 to its \(latents) latents"
    case .sourceOutOfRange(let instance, let source, let modelInstances):
      let range = modelInstances.map { "the model has instances 0 to \($0 - 1)" } ?? "it must be at least 0"
      return "autoencoder instance \(instance) reads model instance \(source); \(range)"
    case .hiddenSizeMismatch(let autoencoder, let model):
      return "the autoencoder reads \(autoencoder) hidden dimensions but the model has m=\(model)"
    case .sizeTooLarge(let floats, let limit):
      return "the autoencoder would need \(floats) numbers, more than the limit of \(limit)"
    case .resampleEveryNotPositive(let value):
      return "resampling must come every 1 or more steps, got \(value)"
    case .resampleWindowNotPositive(let value):
      return "the dead-latent window must be at least 1 step, got \(value)"
    case .resampleScaleInvalid(let value):
      return "the resampling scale must be finite and greater than 0, got \(value)"
    case .rowLength(let name, let instance, let count, let expected):
      return "\(name) of instance \(instance) has \(count) values, expected \(expected)"
    case .options(let error):
      return error.description
    case .diverged(let instance, let step, let loss):
      let what = loss.map { "its loss is \($0)" } ?? "a weight is no longer a finite number"
      return
        "autoencoder training diverged at step \(step) of instance \(instance): \(what); "
        + "the autoencoder keeps the \(step - 1) steps before it"
    }
  }
}
