import Foundation
import ToyCore

/// One share's part of a script's training, as `toy run FILE --shard K/N --out DIR` writes it
/// and `--from DIR` reads it back (docs/scale.md): which run it belongs to, and for each
/// `train` the script ran, in order, the share's trained instances as a plain model file.
///
/// The file is JSON, written atomically (as every save is) to DIR/`NAME.HASH.part-K-of-N.json`:
/// the script's name without `.toy`, the script's content hash, K and N. Each train's
/// `trained` is a model file of docs/model-format.md holding the instances
/// `first ..< first + count` of the model, a window of it: its `settings` counts the whole
/// model's settings, which may pass the window's instances. Dynamics are Float64s written as
/// Swift's shortest round-trip decimals, so they read back bit for bit.
public struct ShardPart: Sendable {
  public static let formatName = "toy-shard"
  public static let version = 1

  /// The script's name as it was run (informational).
  public var script: String
  public var scriptHash: String
  public var share: TrainingShare
  /// The session seed (`--seed`) and step scale (`--quick`) it trained with.
  public var seed: UInt64
  public var stepScale: Double
  /// The toy that wrote it, with its commit where the build was stamped (`toy --version`):
  /// training's bits may change from one toy to the next.
  public var toyVersion: String
  public var trains: [TrainResult]

  public init(
    script: String, scriptHash: String, share: TrainingShare, seed: UInt64, stepScale: Double,
    toyVersion: String = toyVersionDescription, trains: [TrainResult]
  ) {
    self.script = script
    self.scriptHash = scriptHash
    self.share = share
    self.seed = seed
    self.stepScale = stepScale
    self.toyVersion = toyVersion
    self.trains = trains
  }

  // MARK: Names

  /// A script's content hash: FNV-1a (64 bits) of its UTF-8 text, as 16 hex digits. Any edit
  /// to the script changes it, so parts of an older version are told apart by their name.
  public static func hash(of source: Source) -> String {
    var hash: UInt64 = 0xcbf2_9ce4_8422_2325
    for byte in source.text.utf8 {
      hash ^= UInt64(byte)
      hash = hash &* 0x100_0000_01b3
    }
    let digits = String(hash, radix: 16)
    return String(repeating: "0", count: 16 - digits.count) + digits
  }

  /// The script's name for its parts: its file name without `.toy` (`script` for code given
  /// with -e, `stdin` for standard input).
  public static func stem(of source: Source) -> String {
    switch source.name {
    case "-e": return "script"
    case "<stdin>", "-": return "stdin"
    default:
      let name = URL(fileURLWithPath: source.name).lastPathComponent
      return name.hasSuffix(".toy") && name.count > 4 ? String(name.dropLast(4)) : name
    }
  }

  /// `NAME.HASH.part-K-of-N.json`.
  public static func fileName(stem: String, hash: String, share: TrainingShare) -> String {
    "\(stem).\(hash).part-\(share.index)-of-\(share.count).json"
  }

  /// The stem, hash and share a part's file name gives, or nil for another file.
  static func parse(fileName: String) -> (stem: String, hash: String, share: TrainingShare)? {
    guard fileName.hasSuffix(".json") else { return nil }
    var pieces = fileName.dropLast(5).split(separator: ".", omittingEmptySubsequences: false)
    guard pieces.count >= 3, let label = pieces.popLast(), let hash = pieces.popLast(), hash.count == 16,
      hash.allSatisfy(\.isHexDigit)
    else { return nil }
    let words = label.split(separator: "-")
    guard words.count == 4, words[0] == "part", words[2] == "of", let k = Int(words[1]), let n = Int(words[3]),
      let share = TrainingShare(index: k, of: n)
    else { return nil }
    return (pieces.joined(separator: "."), String(hash), share)
  }

  /// `directory/name`, as the user wrote the directory.
  static func path(_ directory: String, _ name: String) -> String {
    NSString(string: directory).appendingPathComponent(name)
  }

  // MARK: Writing

  /// Writes the part into `directory` (created if need be) and returns the file's path.
  public func write(into directory: String) throws(ShardError) -> String {
    let path = Self.path(directory, Self.fileName(stem: Self.stem(ofScript: script), hash: scriptHash, share: share))
    do {
      try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    } catch {
      throw .writeFailed(path: path, reason: "cannot create the directory \(directory)")
    }
    for train in trains {
      do { try train.trained?.checkSavable() } catch { throw .notSavable(path: path, error) }
    }
    do {
      try FileWriter.replace(path) { (write) throws(FileWriter.Failure) in try self.write(to: write) }
    } catch {
      throw .writeFailed(path: path, reason: error.reason)
    }
    return path
  }

  private static func stem(ofScript script: String) -> String { stem(of: Source(name: script, text: "")) }

  private func write(to sink: (UnsafeRawBufferPointer) throws(FileWriter.Failure) -> Void) throws(FileWriter.Failure) {
    func text(_ string: String) throws(FileWriter.Failure) {
      var failure: FileWriter.Failure?
      var string = string
      string.withUTF8 { bytes in
        do throws(FileWriter.Failure) { try sink(UnsafeRawBufferPointer(bytes)) } catch { failure = error }
      }
      if let failure { throw failure }
    }
    try text(
      """
      {
        "format" : \(quoted(Self.formatName)),
        "version" : \(Self.version),
        "toy_version" : \(quoted(toyVersion)),
        "script" : \(quoted(script)),
        "script_hash" : \(quoted(scriptHash)),
        "share" : \(share.index),
        "shares" : \(share.count),
        "seed" : \(seed),
        "step_scale" : \(number(stepScale)),
        "trains" : [
      """)
    for (index, train) in trains.enumerated() {
      try text(index == 0 ? "\n" : ",\n")
      try text(
        """
            {
              "model" : \(quoted(train.model)),
              "line" : \(train.line),
              "column" : \(train.column),
              "steps" : \(train.steps),
              "instances" : \(train.instances),
              "first" : \(train.first),
              "count" : \(train.count)
        """)
      if let dynamics = train.dynamics {
        try text(
          ",\n      \"dynamics\" : {\n        \"steps\" : [\(dynamics.steps.map(String.init).joined(separator: ", "))],"
        )
        try text("\n        \"values\" : [")
        for (point, values) in dynamics.values.enumerated() {
          let rows = values.map { "[" + $0.map(number).joined(separator: ", ") + "]" }.joined(separator: ", ")
          try text((point == 0 ? "\n" : ",\n") + "          [\(rows)]")
        }
        try text("\n        ]\n      }")
      }
      if let trained = train.trained {
        try text(",\n      \"trained\" : ")
        try trained.writeFile(to: sink)
      }
      try text("    }")
    }
    try text("\n  ]\n}\n")
  }

  /// A Float64 as Swift's shortest decimal that reads back to its bits; JSON has no NaN or
  /// infinity, so those are strings.
  private func number(_ x: Double) -> String {
    guard x.isFinite else { return quoted(x.isNaN ? "nan" : x < 0 ? "-inf" : "inf") }
    let text = x.description
    return text.hasSuffix(".0") ? String(text.dropLast(2)) : text
  }

  private func quoted(_ s: String) -> String {
    let data = try? JSONSerialization.data(withJSONObject: [s], options: [.withoutEscapingSlashes])
    let array = data.map { String(decoding: $0, as: UTF8.self) } ?? "[\"\"]"
    return String(array.dropFirst().dropLast())
  }

  // MARK: Reading

  /// The part in the file at `path`, checked to be a part of this format and version.
  public static func read(from path: String) throws(ShardError) -> ShardPart {
    let data: Data
    do {
      data = try Data(contentsOf: URL(fileURLWithPath: path))
    } catch {
      throw .unreadable(path: path, reason: (error as NSError).localizedDescription)
    }
    let decoder = JSONDecoder()
    decoder.nonConformingFloatDecodingStrategy = .convertFromString(
      positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
    let file: PartFile
    do {
      let header = try decoder.decode(PartFile.Header.self, from: data)
      guard header.format == formatName else {
        throw ShardError.notAPart(path: path, reason: "format is \"\(header.format)\", expected \"\(formatName)\"")
      }
      guard header.version == version else {
        throw ShardError.notAPart(
          path: path, reason: "version \(header.version); toy \(ToyCore.toyVersion) reads \(version)")
      }
      file = try decoder.decode(PartFile.self, from: data)
    } catch let error as ShardError {
      throw error
    } catch let error as DecodingError {
      throw .notAPart(path: path, reason: describe(error))
    } catch {
      throw .notAPart(path: path, reason: "\(error)")
    }
    guard let share = TrainingShare(index: file.share, of: file.shares) else {
      throw .notAPart(path: path, reason: "share \(file.share) of \(file.shares) is no share")
    }
    var trains: [TrainResult] = []
    for (index, train) in file.trains.enumerated() {
      if var window = train.trained {
        // Checked as a model of its own instances: a window's `settings` counts the whole
        // model's settings, which may pass them (the joined file keeps it).
        window.settings = nil
        do { _ = try ToyModel(file: window) } catch {
          throw .notAPart(path: path, reason: "trains[\(index)].trained: \(error)")
        }
      }
      guard (train.trained?.instances.count ?? 0) == train.count, train.first >= 0,
        train.first + train.count <= train.instances
      else {
        throw .notAPart(path: path, reason: "trains[\(index)] holds other instances than first and count say")
      }
      let dynamics = train.dynamics.map { DimensionalityHistory(steps: $0.steps, values: $0.values) }
      if let dynamics,
        dynamics.values.count != dynamics.steps.count || dynamics.values.contains(where: { $0.count != train.count })
      {
        throw .notAPart(path: path, reason: "trains[\(index)].dynamics has another shape than its steps and count")
      }
      trains.append(
        TrainResult(
          model: train.model, line: train.line, column: train.column, steps: train.steps,
          instances: train.instances, first: train.first, count: train.count, trained: nil, dynamics: dynamics))
    }
    var part = ShardPart(
      script: file.script, scriptHash: file.scriptHash, share: share, seed: file.seed, stepScale: file.stepScale,
      toyVersion: file.toyVersion, trains: trains)
    part.trainedFiles = file.trains.map(\.trained)
    return part
  }

  /// A part read from a file: each train's model file as written, to be joined with the
  /// other shares' into the whole model's (see `ShardFolder`).
  var trainedFiles: [ModelFile?] = []

  private static func describe(_ error: DecodingError) -> String {
    switch error {
    case .keyNotFound(let key, let context):
      return "\(ModelStore.keyPath(context.codingPath + [key])) missing"
    case .typeMismatch(_, let context), .valueNotFound(_, let context), .dataCorrupted(let context):
      return context.codingPath.isEmpty
        ? "not valid JSON" : "\(ModelStore.keyPath(context.codingPath)) is invalid"
    @unknown default:
      return "\(error)"
    }
  }
}

/// The part file's keys, as JSON gives them.
private struct PartFile: Decodable {
  struct Header: Decodable {
    var format: String
    var version: Int
  }

  struct Train: Decodable {
    var model: String
    var line: Int
    var column: Int
    var steps: Int
    var instances: Int
    var first: Int
    var count: Int
    var dynamics: Dynamics?
    var trained: ModelFile?
  }

  struct Dynamics: Decodable {
    var steps: [Int]
    var values: [[[Double]]]
  }

  var toyVersion: String
  var script: String
  var scriptHash: String
  var share: Int
  var shares: Int
  var seed: UInt64
  var stepScale: Double
  var trains: [Train]

  enum CodingKeys: String, CodingKey {
    case script, share, shares, seed, trains
    case toyVersion = "toy_version"
    case scriptHash = "script_hash"
    case stepScale = "step_scale"
  }
}
