import Foundation
import ToyCore

/// Sparse autoencoders in a model's file: the optional top-level `autoencoders` array of
/// docs/model-format.md, one `AutoencoderFile` per set the session defined on the model.
///
/// The model is streamed as before; the entries, small beside it, are encoded with
/// `JSONEncoder` and set in as the first key (keys are sorted, and `autoencoders` comes
/// first). A file without the key loads with none.
extension ModelStore {
  /// Named sets of autoencoders as they come out of a file.
  public typealias NamedAutoencoders = [(name: String, autoencoder: SparseAutoencoder)]

  /// Saves `model` with `autoencoders` (each under its name) in one file.
  public static func save(_ model: ToyModel, autoencoders: NamedAutoencoders, to path: String) throws(ModelStoreError) {
    guard !autoencoders.isEmpty else { return try save(model, to: path) }
    do { try model.checkSavable() } catch { throw .notSavable(path: path, error) }
    let files = autoencoders.map { $0.autoencoder.file(name: $0.name) }
    for (i, file) in files.enumerated() {
      do { try file.validate(key: "autoencoders[\(i)]") } catch { throw .autoencoders(path: path, error, saving: true) }
    }
    let entries: Data
    do {
      let encoder = JSONEncoder()
      encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
      entries = try encoder.encode(files)
    } catch {
      throw .writeFailed(path: path, reason: "\(error)")
    }
    // `  "autoencoders" : [ … ],` at the top level's indent, after the model's opening brace.
    let indented = String(decoding: entries, as: UTF8.self).replacingOccurrences(of: "\n", with: "\n  ")
    let member = Array("\n  \"autoencoders\" : \(indented),".utf8)
    do {
      try FileWriter.replace(path) { (write) throws(FileWriter.Failure) in
        var first = true
        try model.writeFile { (chunk) throws(FileWriter.Failure) in
          guard first, let brace = chunk.first, brace == UInt8(ascii: "{") else { return try write(chunk) }
          first = false
          let spliced = [brace] + member + Array(chunk.dropFirst())
          var failure: FileWriter.Failure?
          spliced.withUnsafeBytes { bytes in
            do throws(FileWriter.Failure) { try write(bytes) } catch { failure = error }
          }
          if let failure { throw failure }
        }
      }
    } catch {
      throw .writeFailed(path: path, reason: error.reason)
    }
  }

  /// Loads a model and the autoencoders saved with it (none from a file without them).
  public static func loadWithAutoencoders(from path: String) throws(ModelStoreError) -> (
    model: ToyModel, autoencoders: NamedAutoencoders
  ) {
    let model = try load(from: path)
    // The file was read whole and checked once; reading it again costs little beside that.
    guard let data = try? Data(contentsOf: URL(fileURLWithPath: NSString(string: path).expandingTildeInPath)) else {
      return (model, [])
    }
    return (model, try autoencoders(in: data, path: path, model: model))
  }

  /// The entries of `autoencoders` in a model file's bytes, each checked key by key and
  /// against `model` (its m and instances).
  static func autoencoders(in data: Data, path: String, model: ToyModel) throws(ModelStoreError)
    -> NamedAutoencoders
  {
    struct Part: Decodable {
      var autoencoders: [AutoencoderFile]?
    }
    let files: [AutoencoderFile]
    do {
      files = try JSONDecoder().decode(Part.self, from: data).autoencoders ?? []
    } catch let error as DecodingError {
      throw Self.error(decoding: error, path: path, data: data)
    } catch {
      throw .readFailed(path: path, reason: "\(error)")
    }
    var result: NamedAutoencoders = []
    for (i, file) in files.enumerated() {
      let key = "autoencoders[\(i)]"
      let autoencoder: SparseAutoencoder
      do {
        autoencoder = try SparseAutoencoder(file: file, key: key)
      } catch {
        throw .autoencoders(path: path, error, saving: false)
      }
      do {
        try autoencoder.checkSources(model)
      } catch {
        throw .autoencodersDoNotFit(path: path, key: key, error)
      }
      result.append((file.name, autoencoder))
    }
    return result
  }
}
