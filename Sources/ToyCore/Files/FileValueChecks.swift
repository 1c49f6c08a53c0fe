/// The errors a saved file's checks share, so that model files and autoencoder files check
/// their losses with one piece of code. Each file kind's error enum conforms with cases of
/// these names, which satisfy the requirements.
protocol FileValueError: Error {
  static func wrongCount(key: String, count: Int, expected: Int) -> Self
  static func tooManyValues(key: String, count: Int, limit: Int) -> Self
  static func notFinite(key: String, value: Double) -> Self
  static func lossHistoryInvalid(key: String, reason: String) -> Self
}

extension ModelFileError: FileValueError {}
extension AutoencoderFileError: FileValueError {}

extension FileValueError {
  /// `count` finite values. Keys are built only for an error: a model has millions of numbers.
  static func checkFinite(_ values: [Float], key: @autoclosure () -> String, count: Int) throws(Self) {
    guard values.count == count else { throw .wrongCount(key: key(), count: values.count, expected: count) }
    for (index, value) in values.enumerated() where !value.isFinite {
      throw .notFinite(key: "\(key())[\(index)]", value: Double(value))
    }
  }

  /// An instance's recent losses: finite, and no more than toy keeps.
  static func checkRecentLosses(_ recent: [Float], key: String) throws(Self) {
    guard recent.count <= ToyModel.recentLossCapacity else {
      throw .tooManyValues(key: key, count: recent.count, limit: ToyModel.recentLossCapacity)
    }
    try checkFinite(recent, key: key, count: recent.count)
  }

  /// A loss history's steps rise by multiples of its stride up to `steps`, and each of
  /// `instances` has one finite loss per recorded step (the stride itself is each file
  /// kind's to check).
  static func checkSteps(of history: LossHistory, upTo steps: Int, instances: Int, key: String) throws(Self) {
    guard history.steps.count < LossHistory.capacity else {
      throw .tooManyValues(key: "\(key).steps", count: history.steps.count, limit: LossHistory.capacity - 1)
    }
    var previous = 0
    for (index, step) in history.steps.enumerated() {
      guard step > previous, step <= steps, step % history.stride == 0 else {
        throw .lossHistoryInvalid(
          key: "\(key).steps[\(index)]",
          reason: "is \(step); steps must rise, be multiples of the stride \(history.stride) and at most \(steps)")
      }
      previous = step
    }
    guard history.losses.count == instances else {
      throw .wrongCount(key: "\(key).losses", count: history.losses.count, expected: instances)
    }
    for (i, row) in history.losses.enumerated() {
      try checkFinite(row, key: "\(key).losses[\(i)]", count: history.steps.count)
    }
  }
}
