/// Why a `ModelFile` cannot become a model. Each case names the condition and, where one
/// value is at fault, its key path in the file (`instances[3].W[2]`); the messages live in
/// `description` and nowhere else.
public enum ModelFileError: Error, Hashable, Sendable {
  /// `format` is not `"toy-model"`.
  case wrongFormat(found: String)
  /// `version` is not one this toy reads.
  case unsupportedVersion(found: Int)
  /// A key holds a name toy does not know (`kind`, `init`, a set's `relation`).
  case unknownName(key: String, found: String, expected: [String])
  case sizeNotPositive(key: String, value: Int)
  case sizeTooLarge(floats: Int, limit: Int)
  case countNegative(key: String, value: Int)
  case countTooLarge(key: String, value: Int, limit: Int)
  case noInstances
  /// `settings` is not between 1 and the number of instances.
  case settingsOutOfRange(value: Int, instances: Int)
  /// An array has the wrong number of values.
  case wrongCount(key: String, count: Int, expected: Int)
  /// An array holds more values than toy ever keeps there.
  case tooManyValues(key: String, count: Int, limit: Int)
  case notFinite(key: String, value: Double)
  case densityOutOfRange(key: String, value: Float)
  case importanceNegative(key: String, value: Float)
  case secondMomentNegative(key: String, value: Float)
  /// W₂ given for a kind with tied weights.
  case outputWeightsUnexpected(key: String, kind: String)
  /// W₂ missing for abs.
  case outputWeightsMissing(key: String)
  case featureSetInvalid(key: String, reason: String)
  case lossHistoryInvalid(key: String, reason: String)
  /// `normalize` is `"unit"` but the instance at `key` has no fixed training set.
  case normalizationWithoutTrainingSet(key: String)
  /// Files joined as windows of one model (`ModelFile(joining:)`) disagree on `key`.
  case windowsDiffer(key: String)
  /// A condition `ToyModel` itself refuses (the checks above should catch them all first).
  case invalidModel(ModelError)
}

extension ModelFileError: CustomStringConvertible {
  public var description: String {
    switch self {
    case .wrongFormat(let found):
      return "format is \"\(found)\", expected \"\(ModelFile.formatName)\": not a toy model file"
    case .unsupportedVersion(let found):
      let versions = ModelFile.readableVersions.map(String.init)
      let list = versions.dropLast().joined(separator: ", ") + " and " + versions.last!
      return "unsupported version \(found): toy \(toyVersion) reads versions \(list)"
    case .unknownName(let key, let found, let expected):
      return "\(key) is \"\(found)\", expected one of \(expected.joined(separator: ", "))"
    case .sizeNotPositive(let key, let value):
      return "\(key) is \(value); it must be at least 1"
    case .sizeTooLarge(let floats, let limit):
      return "the model would need \(floats) numbers, more than the limit of \(limit)"
    case .countNegative(let key, let value):
      return "\(key) is \(value); it must be at least 0"
    case .countTooLarge(let key, let value, let limit):
      return "\(key) is \(value); it must be at most \(limit)"
    case .noInstances:
      return "instances is empty; a model needs at least one instance"
    case .settingsOutOfRange(let value, let instances):
      return "settings is \(value); it must be from 1 to the \(instances) instances"
    case .wrongCount(let key, let count, let expected):
      return "\(key) has \(count) \(count == 1 ? "value" : "values"), expected \(expected)"
    case .tooManyValues(let key, let count, let limit):
      return "\(key) has \(count) values, more than the \(limit) toy keeps"
    case .notFinite(let key, let value):
      return "\(key) is \(value); every number must be finite"
    case .densityOutOfRange(let key, let value):
      return "\(key) is \(value); a feature probability must be in (0, 1]"
    case .importanceNegative(let key, let value):
      return "\(key) is \(value); an importance must be at least 0"
    case .secondMomentNegative(let key, let value):
      return "\(key) is \(value); a second moment must be at least 0"
    case .outputWeightsUnexpected(let key, let kind):
      return "\(key) is given, but a \(kind) model has no W2 (only abs does)"
    case .outputWeightsMissing(let key):
      return "\(key) is missing; an abs model needs W2"
    case .featureSetInvalid(let key, let reason):
      return "\(key): \(reason)"
    case .lossHistoryInvalid(let key, let reason):
      return "\(key): \(reason)"
    case .normalizationWithoutTrainingSet(let key):
      return "normalize is \"unit\" but \(key) is missing: only a fixed training set's examples are rescaled"
    case .windowsDiffer(let key):
      return "the parts differ in \(key): they are not windows of one model"
    case .invalidModel(let error):
      return error.description
    }
  }
}
