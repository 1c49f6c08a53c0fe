/// Why a model cannot be built, trained or read. Each case names the condition; the
/// language and the executable render them (core code never prints).
public enum ModelError: Error, Hashable, Sendable {
  case sizeNotPositive(name: String, value: Int)
  case sizeTooLarge(floats: Int, limit: Int)
  case noInstances
  /// The number of distinct settings is not between 1 and the number of instances.
  case settingCountOutOfRange(value: Int, instances: Int)
  case rowLength(name: String, instance: Int, count: Int, expected: Int)
  case densityOutOfRange(instance: Int, feature: Int, value: Float)
  case importanceInvalid(instance: Int, feature: Int, value: Float)
  case featureSetInvalid(index: Int, reason: String)
  case batchNotPositive(Int)
  /// A step's samples, batch × n × instances, would pass `ToyModel.sizeLimit`.
  case batchTooLarge(batch: Int, numbers: Int, limit: Int)
  case learningRateInvalid(Double)
  case stepsNegative(Int)
  /// Training `more` steps from `steps` would pass `ToyModel.stepLimit`.
  case stepsTooMany(steps: Int, more: Int, limit: Int)
  /// Training met a non-finite loss (or, with `loss` nil, weight) at global step `step`
  /// (counted from 1) of `instance`; the model keeps the steps before it.
  case diverged(instance: Int, step: Int, loss: Float?)
  /// A training set of `size` examples is not from 0 to `limit`.
  case trainingSetSizeOutOfRange(instance: Int, size: Int, limit: Int)
  /// Unit-norm examples asked of a model whose instance `instance` draws fresh data.
  case normalizationWithoutTrainingSet(instance: Int)
  /// A minibatch of `batch` samples drawn from a training set of fewer examples.
  case batchLargerThanTrainingSet(batch: Int, instance: Int, size: Int)
  /// A warm-up of `warmup` steps in a call of fewer steps.
  case warmupTooLong(warmup: Int, steps: Int)
  case weightDecayInvalid(Double)
}

extension ModelError: CustomStringConvertible {
  public var description: String {
    switch self {
    case .sizeNotPositive(let name, let value):
      return "\(name) must be at least 1, got \(value)"
    case .sizeTooLarge(let floats, let limit):
      return "the model would need \(floats) numbers, more than the limit of \(limit)"
    case .noInstances:
      return "a model needs at least one instance"
    case .settingCountOutOfRange(let value, let instances):
      return "the instances hold \(value) settings; it must be from 1 to the \(instances) instances"
    case .rowLength(let name, let instance, let count, let expected):
      return "\(name) of instance \(instance) has \(count) values, expected \(expected)"
    case .densityOutOfRange(let instance, let feature, let value):
      return "density of feature \(feature) in instance \(instance) is \(value); it must be in (0, 1]"
    case .importanceInvalid(let instance, let feature, let value):
      return "importance of feature \(feature) in instance \(instance) is \(value); it must be finite and at least 0"
    case .featureSetInvalid(let index, let reason):
      return "feature set \(index): \(reason)"
    case .batchNotPositive(let value):
      return "batch size must be at least 1, got \(value)"
    case .batchTooLarge(let batch, let numbers, let limit):
      return
        "a step of batch=\(batch) would draw \(numbers) numbers (batch × n × instances), more than the limit of \(limit)"
    case .learningRateInvalid(let value):
      return "learning rate must be finite and positive, got \(value)"
    case .stepsNegative(let value):
      return "steps must be at least 0, got \(value)"
    case .stepsTooMany(let steps, let more, let limit):
      return "\(more) more steps after \(steps) would pass toy's limit of \(limit) steps in all"
    case .diverged(let instance, let step, let loss):
      let what = loss.map { "its loss is \($0)" } ?? "a weight is no longer a finite number"
      return
        "training diverged at step \(step) of instance \(instance): \(what); the model keeps the \(step - 1) steps before it"
    case .trainingSetSizeOutOfRange(let instance, let size, let limit):
      return "the training set of instance \(instance) would hold \(size) examples; it must be from 1 to \(limit)"
    case .normalizationWithoutTrainingSet(let instance):
      return "instance \(instance) draws fresh data; only a fixed training set's examples are rescaled to unit norm"
    case .batchLargerThanTrainingSet(let batch, let instance, let size):
      return "batch=\(batch) is larger than the \(size) examples of instance \(instance)'s training set"
    case .warmupTooLong(let warmup, let steps):
      return "a warm-up of \(warmup) steps does not fit in \(steps) steps"
    case .weightDecayInvalid(let value):
      return "weight decay must be finite and at least 0, got \(value)"
    }
  }
}

extension ToyModel {
  /// The most numbers a model may hold (parameters and the optimiser's two moments): 2²⁸,
  /// a gigabyte of Float32, so that a typo in n or m is an error, not an exhausted machine.
  public static let sizeLimit = 1 << 28

  /// The most optimiser steps a model may take in all: 2⁵³, where Adam's step t stops being
  /// exact as a Double. Far past any training, and it keeps every step counter (and a model
  /// file's `steps`) from overflowing.
  public static let stepLimit = 1 << 53

  /// Checks a shape against `sizeLimit` from the numbers alone, before anything is built:
  /// a model statement or file calls it first, so that a huge model is refused at once and
  /// costs no memory (it counts the parameters W, b and an untied W2's share as 2nm + n per
  /// instance, times three for the two moments).
  public static func checkSize(n: Int, m: Int, instances: Int) throws(ModelError) {
    guard n >= 1 else { throw .sizeNotPositive(name: "n", value: n) }
    guard m >= 1 else { throw .sizeNotPositive(name: "m", value: m) }
    guard instances >= 1 else { throw .noInstances }
    let (product, overflow) = n.multipliedReportingOverflow(by: m)
    let (perInstance, overflow2) = (product &* 2 &+ n).multipliedReportingOverflow(by: 3)
    let (total, overflow3) = perInstance.multipliedReportingOverflow(by: instances)
    let overflowed = overflow || overflow2 || overflow3 || product > sizeLimit
    guard !overflowed, n < sizeLimit, m < sizeLimit, total <= sizeLimit else {
      throw .sizeTooLarge(floats: overflowed ? Int.max : total, limit: sizeLimit)
    }
  }

  /// Checks a step's samples, batch × n × instances, against `sizeLimit`, the model's own
  /// bound: a step is one uninterrupted pass over them, so a huge batch on a big model (a
  /// million samples of a thousand features, ten instances) is refused rather than run for
  /// minutes.
  public static func checkBatch(_ batch: Int, n: Int, instances: Int) throws(ModelError) {
    guard batch >= 1 else { throw .batchNotPositive(batch) }
    let (perInstance, overflow) = batch.multipliedReportingOverflow(by: n)
    let (total, overflow2) = perInstance.multipliedReportingOverflow(by: instances)
    guard !overflow, !overflow2, total <= sizeLimit else {
      throw .batchTooLarge(batch: batch, numbers: overflow || overflow2 ? Int.max : total, limit: sizeLimit)
    }
  }

  static func validate(
    n: Int, m: Int, importance: [[Float]], density: [[Float]], featureSets: [FeatureSet]
  ) throws(ModelError) {
    guard n >= 1 else { throw .sizeNotPositive(name: "n", value: n) }
    guard m >= 1 else { throw .sizeNotPositive(name: "m", value: m) }
    guard !importance.isEmpty else { throw .noInstances }
    guard density.count == importance.count else {
      throw .rowLength(name: "density list", instance: 0, count: density.count, expected: importance.count)
    }
    try checkSize(n: n, m: m, instances: importance.count)
    for (instance, row) in importance.enumerated() {
      guard row.count == n else {
        throw .rowLength(name: "importance", instance: instance, count: row.count, expected: n)
      }
      for (f, value) in row.enumerated() where !(value.isFinite && value >= 0) {
        throw .importanceInvalid(instance: instance, feature: f, value: value)
      }
    }
    for (instance, row) in density.enumerated() {
      guard row.count == n else {
        throw .rowLength(name: "density", instance: instance, count: row.count, expected: n)
      }
      for (f, value) in row.enumerated() where !(value > 0 && value <= 1) {
        throw .densityOutOfRange(instance: instance, feature: f, value: value)
      }
    }
    var used = [Bool](repeating: false, count: n)
    for (index, set) in featureSets.enumerated() {
      guard set.features.count >= 2 else {
        throw .featureSetInvalid(index: index, reason: "a set needs at least two features")
      }
      guard set.features.lowerBound >= 0, set.features.upperBound <= n else {
        throw .featureSetInvalid(index: index, reason: "features \(set.features) lie outside 0..<\(n)")
      }
      for f in set.features {
        guard !used[f] else {
          throw .featureSetInvalid(index: index, reason: "feature \(f) is already in another set")
        }
        used[f] = true
      }
      for row in density {
        let first = row[set.features.lowerBound]
        if set.features.contains(where: { row[$0] != first }) {
          throw .featureSetInvalid(index: index, reason: "members of a set must share one density")
        }
      }
    }
  }
}
