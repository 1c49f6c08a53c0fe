import Foundation
import ToyCore

#if canImport(Glibc)
  import Glibc
#endif

/// Saves and loads models as the JSON files of docs/model-format.md.
///
/// The core builds and checks a `ModelFile`; this is the I/O around it. Saving writes a
/// temporary file beside the target and renames it over the target, so the target is
/// always either the old file or the whole new one. The file is streamed from the model
/// (ModelFile+Streaming.swift) in the bytes `JSONEncoder` would write; `JSONDecoder` reads
/// it. Both round-trip every Float32 bit for bit (see ModelFile+Encoding.swift for the one
/// value written specially).
public enum ModelStore {
  public static func save(_ model: ToyModel, to path: String) throws(ModelStoreError) {
    do { try model.checkSavable() } catch { throw .notSavable(path: path, error) }
    do {
      // Streamed: the memory a save takes does not grow with the model.
      try FileWriter.replace(path) { (write) throws(FileWriter.Failure) in try model.writeFile(to: write) }
    } catch {
      throw .writeFailed(path: path, reason: error.reason)
    }
  }

  public static func load(from path: String) throws(ModelStoreError) -> ToyModel {
    // What the path leads to, symlinks followed: a FIFO would block the read and a device
    // (a link to /dev/zero) never end it, so only regular files (and, to be named as such,
    // directories) are read.
    var status = stat()
    if stat(path, &status) == 0 {
      let kind = status.st_mode & S_IFMT
      if kind != S_IFREG && kind != S_IFDIR {
        throw .notARegularFile(path: path, kind: FileWriter.describe(kind))
      }
    }
    let data: Data
    do {
      data = try Data(contentsOf: URL(fileURLWithPath: path))
    } catch let error as CocoaError where error.code == .fileReadNoSuchFile {
      throw .missing(path: path)
    } catch {
      throw .readFailed(path: path, reason: reason(reading: error))
    }
    return try load(data, path: path)
  }

  /// A model from a file's bytes, checked as `load(from:)` checks it (`path` names the file
  /// in errors). The model-file fuzzer drives it without touching the disk.
  public static func load(_ data: Data, path: String) throws(ModelStoreError) -> ToyModel {
    guard !data.isEmpty else { throw .empty(path: path) }
    let decoder = JSONDecoder()
    do {
      // The counts first, from the bytes: a file claiming 20,000 big instances is refused at
      // once, before a decoder turns it all into values.
      try shape(of: data).check()
      // Then the header: another program's file or a later version is named as such.
      try decoder.decode(ModelFile.Header.self, from: data).check()
      if let key = duplicateKey(in: data) { throw ModelStoreError.duplicateKey(path: path, key: key) }
      return try ToyModel(file: decoder.decode(ModelFile.self, from: data))
    } catch let error as ModelStoreError {
      throw error
    } catch let error as ModelFileError {
      throw .invalid(path: path, error)
    } catch let error as DecodingError {
      if case .dataCorrupted(let context) = error, context.codingPath.isEmpty,
        let zeroed = underflowsWrittenAsZero(data)
      {
        return try load(zeroed, path: path)
      }
      throw Self.error(decoding: error, path: path, data: data)
    } catch {
      throw .readFailed(path: path, reason: "\(error)")
    }
  }

  private static var encoder: JSONEncoder {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
    return encoder
  }

  private static func reason(reading error: any Error) -> String {
    if let error = error as? CocoaError, let underlying = error.underlying as? POSIXError {
      return String(cString: strerror(underlying.code.rawValue)).lowercased()
    }
    return error.localizedDescription
  }

  /// A decoding failure as one of our errors, with the key path it happened at.
  static func error(decoding error: DecodingError, path: String, data: Data) -> ModelStoreError {
    switch error {
    case .dataCorrupted(let context) where context.codingPath.isEmpty:
      return syntaxError(path: path, data: data, fallback: context.debugDescription)
    case .dataCorrupted(let context):
      let detail = context.debugDescription
      let sentence = detail.hasSuffix(".") ? String(detail.dropLast()) : detail
      return .malformed(path: path, key: keyPath(context.codingPath), reason: "is invalid: \(sentence)")
    case .keyNotFound(let key, let context):
      return .malformed(path: path, key: keyPath(context.codingPath + [key]), reason: "missing")
    case .typeMismatch(let type, let context):
      return .malformed(
        path: path, key: keyPath(context.codingPath), reason: "expected \(describe(type))")
    case .valueNotFound(let type, let context):
      return .malformed(
        path: path, key: keyPath(context.codingPath), reason: "is null, expected \(describe(type))")
    @unknown default:
      return .malformed(path: path, key: "", reason: "\(error)")
    }
  }

  /// Where the JSON breaks. `JSONDecoder` only says that it does; `JSONSerialization`
  /// says where, and whether the text simply stops (a whole file ends with `}`). If the text
  /// is valid JSON after all, `JSONDecoder` refused a number that does not fit its key's type.
  private static func syntaxError(path: String, data: Data, fallback: String) -> ModelStoreError {
    let detail: String
    do {
      let object = try JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed])
      if let (key, reason) = misfitNumber(in: object, key: "", type: .float) {
        return .malformed(path: path, key: key, reason: reason)
      }
      detail = fallback
    } catch {
      detail = (error as NSError).userInfo[NSDebugDescriptionErrorKey] as? String ?? fallback
    }
    let last = data.last { !Character(UnicodeScalar($0)).isWhitespace }
    if detail.hasPrefix("Unexpected end of file") && last != UInt8(ascii: "}") {
      return .truncated(path: path)
    }
    let sentence = detail.hasSuffix(".") ? String(detail.dropLast()) : detail
    return .notJSON(path: path, reason: sentence.prefix(1).lowercased() + sentence.dropFirst())
  }

  /// What a number in the file must fit.
  private enum NumberType {
    case float, double, integer, unsigned
  }

  /// Keys whose numbers are not Float32 (docs/model-format.md); every other number is.
  private static let numberTypes: [String: NumberType] = [
    "version": .integer, "n": .integer, "m": .integer, "steps": .integer, "stride": .integer,
    "features": .integer, "seed": .unsigned, "samples_drawn": .unsigned, "loss": .double,
  ]

  /// The first number, depth first, that its key's type cannot hold, with its key path.
  private static func misfitNumber(in object: Any, key: String, type: NumberType) -> (String, String)? {
    switch object {
    case let dictionary as [String: Any]:
      for (name, value) in dictionary.sorted(by: { $0.key < $1.key }) {
        let path = key.isEmpty ? name : "\(key).\(name)"
        if let found = misfitNumber(in: value, key: path, type: numberTypes[name] ?? .float) { return found }
      }
    case let array as [Any]:
      for (index, value) in array.enumerated() {
        if let found = misfitNumber(in: value, key: "\(key)[\(index)]", type: type) { return found }
      }
    case let number as NSNumber:
      switch type {
      case .float where !Float(number.doubleValue).isFinite:
        return (key, "is \(number), beyond the range of a Float32")
      case .integer where Int(exactly: number) == nil:
        return (key, "is \(number), expected a whole number")
      case .unsigned where UInt64(exactly: number) == nil:
        return (key, "is \(number), expected a whole number from 0 to \(UInt64.max)")
      default: break
      }
    default: break
    }
    return nil
  }

  /// `instances[3].W[2]` from a decoder's coding path.
  static func keyPath(_ path: [any CodingKey]) -> String {
    var text = ""
    for key in path {
      if let index = key.intValue {
        text += "[\(index)]"
      } else {
        text += text.isEmpty ? key.stringValue : ".\(key.stringValue)"
      }
    }
    return text.isEmpty ? "the top level" : text
  }

  private static func describe(_ type: Any.Type) -> String {
    switch type {
    case is Float.Type, is Double.Type: return "a number"
    case is Int.Type, is UInt64.Type: return "a whole number"
    case is String.Type: return "a string"
    case is [Any].Type: return "an array"
    default: return "an object"
    }
  }
}

/// Why a model file could not be saved or loaded; every case names the file.
public enum ModelStoreError: Error, Hashable, CustomStringConvertible {
  case missing(path: String)
  case readFailed(path: String, reason: String)
  /// The path leads to a FIFO, a device or a socket.
  case notARegularFile(path: String, kind: String)
  case empty(path: String)
  /// The JSON stops before it is complete.
  case truncated(path: String)
  /// Not JSON at all.
  case notJSON(path: String, reason: String)
  /// A key appears twice in one object: which one counts would be a guess.
  case duplicateKey(path: String, key: String)
  /// JSON, but a key is missing or holds the wrong type.
  case malformed(path: String, key: String, reason: String)
  /// The file's values break a rule of the format.
  case invalid(path: String, ModelFileError)
  /// The model cannot be written as the format demands (a number is not finite).
  case notSavable(path: String, ModelFileError)
  /// An entry of the file's `autoencoders` breaks a rule of the format (the error names
  /// its key path), or cannot be saved (`saving`).
  case autoencoders(path: String, AutoencoderFileError, saving: Bool)
  /// An entry of `autoencoders` (at `key`) does not fit the model saved with it.
  case autoencodersDoNotFit(path: String, key: String, AutoencoderError)
  case writeFailed(path: String, reason: String)

  public var description: String {
    switch self {
    case .missing(let path):
      return "\(path): no such file"
    case .readFailed(let path, let reason):
      return "\(path): cannot read: \(reason)"
    case .notARegularFile(let path, let kind):
      return "\(path): cannot load \(kind); a model file is a regular file"
    case .empty(let path):
      return "\(path): the file is empty"
    case .truncated(let path):
      return "\(path): the file ends early: it was cut short (truncated)"
    case .notJSON(let path, let reason):
      return "\(path): not valid JSON: \(reason)"
    case .duplicateKey(let path, let key):
      return "\(path): \(key) appears twice; a model file gives each key once"
    case .malformed(let path, let key, let reason):
      return "\(path): \(key) \(reason)"
    case .invalid(let path, let error):
      return "\(path): \(error)"
    case .notSavable(let path, let error):
      return "\(path): cannot save: \(error)"
    case .autoencoders(let path, let error, let saving):
      return "\(path): \(saving ? "cannot save: " : "")\(error)"
    case .autoencodersDoNotFit(let path, let key, let error):
      return "\(path): \(key) does not fit the model: \(error)"
    case .writeFailed(let path, let reason):
      return "\(path): cannot save: \(reason)"
    }
  }
}
