/// Why an `AutoencoderFile` cannot become autoencoders. Each case names the condition and
/// the key path of the value at fault (`autoencoders[0].instances[2].W_dec[3]`); the
/// messages live in `description` alone.
public enum AutoencoderFileError: Error, Hashable, Sendable {
  /// A whole number outside lowest … highest (no upper bound when nil).
  case countOutOfRange(key: String, value: Int, lowest: Int, highest: Int?)
  case noInstances(key: String)
  case unknownVariant(key: String, found: String)
  case unknownResampling(key: String, found: String)
  /// The variant's coefficient (`l1` or `k`) is missing, or the other variant's is given.
  case coefficientMissing(key: String, variant: String)
  case coefficientUnexpected(key: String, variant: String)
  case wrongCount(key: String, count: Int, expected: Int)
  case tooManyValues(key: String, count: Int, limit: Int)
  case notFinite(key: String, value: Double)
  /// An L1 coefficient or a second moment below 0.
  case negative(key: String, value: Float)
  case lossHistoryInvalid(key: String, reason: String)
  /// A condition `SparseAutoencoder` itself refuses (the size limit).
  case invalid(AutoencoderError)
}

extension AutoencoderFileError: CustomStringConvertible {
  public var description: String {
    switch self {
    case .countOutOfRange(let key, let value, let lowest, let highest):
      let range = highest.map { "from \(lowest) to \($0)" } ?? "at least \(lowest)"
      return "\(key) is \(value); it must be \(range)"
    case .noInstances(let key):
      return "\(key) is empty; autoencoders need at least one instance"
    case .unknownVariant(let key, let found):
      return "\(key) is \"\(found)\", expected one of l1, topk"
    case .unknownResampling(let key, let found):
      let methods = Resampling.Method.allCases.map(\.rawValue).joined(separator: ", ")
      return "\(key) is \"\(found)\", expected one of \(methods)"
    case .coefficientMissing(let key, let variant):
      return "\(key) is missing; the \(variant) variant needs it"
    case .coefficientUnexpected(let key, let variant):
      return "\(key) is given, but the \(variant) variant has none"
    case .wrongCount(let key, let count, let expected):
      return "\(key) has \(count) \(count == 1 ? "value" : "values"), expected \(expected)"
    case .tooManyValues(let key, let count, let limit):
      return "\(key) has \(count) values, more than the \(limit) toy keeps"
    case .notFinite(let key, let value):
      return "\(key) is \(value); every number must be finite"
    case .negative(let key, let value):
      return "\(key) is \(value); it must be at least 0"
    case .lossHistoryInvalid(let key, let reason):
      return "\(key): \(reason)"
    case .invalid(let error):
      return error.description
    }
  }
}

extension AutoencoderFile {
  /// Throws the first thing that keeps this entry from being autoencoders; `key` prefixes
  /// the key paths (`autoencoders[0]`). Saving checks this first: JSON holds no NaN.
  public func validate(key: String = "") throws(AutoencoderFileError) {
    _ = try checkedSettings(key: key)
  }

  /// The instances' settings, once every key has passed.
  func checkedSettings(key prefix: String) throws(AutoencoderFileError) -> [SparseAutoencoder.Setting] {
    let key = prefix.isEmpty ? "" : prefix + "."
    try Self.check(m, key: "\(key)m", in: 1...SparseAutoencoder.sizeLimit)
    try Self.check(steps, key: "\(key)steps", in: 0...ToyModel.stepLimit)
    if let modelSteps { try Self.check(modelSteps, key: "\(key)model_steps", in: 0...ToyModel.stepLimit) }
    guard !instances.isEmpty else { throw .noInstances(key: "\(key)instances") }
    var settings: [SparseAutoencoder.Setting] = []
    for (i, instance) in instances.enumerated() {
      settings.append(try check(instance, key: "\(key)instances[\(i)]"))
    }
    try checkLossHistory(key: "\(key)loss_history")
    _ = try checkedResampling(key: prefix)
    do {
      try SparseAutoencoder.validate(m: m, settings: settings)
    } catch {
      throw .invalid(error)
    }
    return settings
  }

  /// The resampling the entry's `resample` describes, nil when absent (files written before
  /// the key, or autoencoders that never resample).
  public func checkedResampling(key prefix: String = "") throws(AutoencoderFileError) -> Resampling? {
    guard let resample else { return nil }
    let key = (prefix.isEmpty ? "" : prefix + ".") + "resample"
    guard let method = Resampling.Method(rawValue: resample.method) else {
      throw .unknownResampling(key: "\(key).method", found: resample.method)
    }
    try Self.check(resample.every, key: "\(key).every", in: 1...ToyModel.stepLimit)
    try Self.check(resample.window, key: "\(key).window", in: 1...ToyModel.stepLimit)
    guard resample.scale.isFinite else { throw .notFinite(key: "\(key).scale", value: Double(resample.scale)) }
    guard resample.scale >= 0 else { throw .negative(key: "\(key).scale", value: resample.scale) }
    return Resampling(method: method, every: resample.every, window: resample.window, scale: resample.scale)
  }

  private func check(_ instance: Instance, key: String) throws(AutoencoderFileError) -> SparseAutoencoder.Setting {
    let d = instance.latents
    try Self.check(d, key: "\(key).latents", in: 1...max(1, SparseAutoencoder.sizeLimit / m))
    try Self.check(instance.source, key: "\(key).source", in: 0...Int.max)
    let variant: SparseAutoencoder.Variant
    switch instance.variant {
    case "l1":
      guard let lambda = instance.l1 else { throw .coefficientMissing(key: "\(key).l1", variant: "l1") }
      guard instance.k == nil else { throw .coefficientUnexpected(key: "\(key).k", variant: "l1") }
      guard lambda.isFinite else { throw .notFinite(key: "\(key).l1", value: Double(lambda)) }
      guard lambda >= 0 else { throw .negative(key: "\(key).l1", value: lambda) }
      variant = .l1(lambda)
    case "topk":
      guard let k = instance.k else { throw .coefficientMissing(key: "\(key).k", variant: "topk") }
      guard instance.l1 == nil else { throw .coefficientUnexpected(key: "\(key).l1", variant: "topk") }
      try Self.check(k, key: "\(key).k", in: 1...d)
      variant = .topK(k)
    default:
      throw .unknownVariant(key: "\(key).variant", found: instance.variant)
    }
    try check(instance.parameters, key: "\(key).parameters", d: d, nonNegative: false)
    try check(instance.adamM, key: "\(key).adam_m", d: d, nonNegative: false)
    try check(instance.adamV, key: "\(key).adam_v", d: d, nonNegative: true)
    if let loss = instance.loss, !loss.isFinite { throw .notFinite(key: "\(key).loss", value: loss) }
    try AutoencoderFileError.checkRecentLosses(instance.recentLosses, key: "\(key).recent_losses")
    guard instance.idleSteps.count == d else {
      throw .wrongCount(key: "\(key).idle_steps", count: instance.idleSteps.count, expected: d)
    }
    for (j, idle) in instance.idleSteps.enumerated() {
      try Self.check(idle, key: "\(key).idle_steps[\(j)]", in: 0...ToyModel.stepLimit)
    }
    try Self.check(instance.resampled, key: "\(key).resampled", in: 0...Int.max)
    return SparseAutoencoder.Setting(latents: d, variant: variant, source: instance.source)
  }

  /// W_enc (H rows of D), b_enc (D), W_dec (D rows of H), b_dec (H), every value finite (and
  /// at least 0 for Adam's second moment, which it divides by the root of).
  private func check(_ p: Parameters, key: String, d: Int, nonNegative: Bool) throws(AutoencoderFileError) {
    for (name, rows, count, width) in [("W_enc", p.encoder, m, d), ("W_dec", p.decoder, d, m)] {
      guard rows.count == count else { throw .wrongCount(key: "\(key).\(name)", count: rows.count, expected: count) }
      for (r, row) in rows.enumerated() {
        try Self.check(row, key: "\(key).\(name)[\(r)]", count: width, nonNegative: nonNegative)
      }
    }
    try Self.check(p.encoderBias, key: "\(key).b_enc", count: d, nonNegative: nonNegative)
    try Self.check(p.decoderBias, key: "\(key).b_dec", count: m, nonNegative: nonNegative)
  }

  /// `count` finite values (at least 0 when `nonNegative`); keys are built only for an error.
  private static func check(
    _ values: [Float], key: @autoclosure () -> String, count: Int, nonNegative: Bool
  ) throws(AutoencoderFileError) {
    guard values.count == count else { throw .wrongCount(key: key(), count: values.count, expected: count) }
    for (index, value) in values.enumerated() {
      guard value.isFinite else { throw .notFinite(key: "\(key())[\(index)]", value: Double(value)) }
      guard !nonNegative || value >= 0 else { throw .negative(key: "\(key())[\(index)]", value: value) }
    }
  }

  private static func check(_ value: Int, key: String, in range: ClosedRange<Int>) throws(AutoencoderFileError) {
    guard range.contains(value) else {
      throw .countOutOfRange(
        key: key, value: value, lowest: range.lowerBound, highest: range.upperBound == Int.max ? nil : range.upperBound)
    }
  }

  /// The history's stride is a power of two, its steps rise by multiples of it up to
  /// `steps`, and every instance has one finite loss per recorded step
  /// (`FileValueError.checkSteps`, as a model's).
  private func checkLossHistory(key: String) throws(AutoencoderFileError) {
    let history = lossHistory
    guard history.stride >= 1, history.stride & (history.stride - 1) == 0, history.stride <= ToyModel.stepLimit
    else {
      throw .lossHistoryInvalid(
        key: "\(key).stride", reason: "is \(history.stride); it must be a power of two up to toy's step limit")
    }
    try AutoencoderFileError.checkSteps(of: history, upTo: steps, instances: instances.count, key: key)
  }
}
