import ToyCore

/// Why a share's part could not be written, or the parts of a script could not be assembled
/// (`toy run FILE --shard K/N --out DIR`, `--from DIR`). Each case names the file or the
/// directory; the messages live in `description` and nowhere else.
public enum ShardError: Error, Hashable, Sendable, CustomStringConvertible {
  case noDirectory(String)
  case unreadable(path: String, reason: String)
  /// The file is not a part this toy reads (`reason` says what is wrong).
  case notAPart(path: String, reason: String)
  /// No part of this script in the directory, and none of another version of it either.
  case noParts(script: String, hash: String, directory: String)
  /// Parts of the script only from other versions of it (the files).
  case staleParts(script: String, directory: String, files: [String])
  /// Some shares of N are missing; `stale` counts the parts of other versions of the script.
  case missingShares(script: String, directory: String, shares: Int, missing: [Int], stale: Int)
  case otherSeed(path: String, part: UInt64, run: UInt64)
  /// A part trained with another step scale (`--quick` or not).
  case otherStepScale(path: String, part: Double, run: Double)
  case otherToy(path: String, part: String)
  /// A part ran other `train` statements than share `reference`'s part.
  case partsDisagree(path: String, reference: String, train: Int)
  /// The parts of one `train` do not hold each instance of the model exactly once.
  case notCovered(directory: String, train: String, reason: String)
  case notJoinable(directory: String, train: String, ModelFileError)
  case notSavable(path: String, ModelFileError)
  case writeFailed(path: String, reason: String)

  public var description: String {
    switch self {
    case .noDirectory(let directory):
      return "\(directory): no such directory"
    case .unreadable(let path, let reason):
      return "\(path): cannot read: \(reason)"
    case .notAPart(let path, let reason):
      return "\(path): not a part of split training: \(reason)"
    case .noParts(let script, let hash, let directory):
      return
        "\(directory) holds no part of \(script) (script hash \(hash)); write them first: "
        + "toy run \(script) --shard K/N --out \(directory), for K from 1 to N"
    case .staleParts(let script, let directory, let files):
      return
        "\(directory) holds parts of another version of \(script) only (\(files.joined(separator: ", "))): "
        + "the script has changed since; run the shards again"
    case .missingShares(let script, let directory, let shares, let missing, let stale):
      let list = missing.map { "\($0)/\(shares)" }.joined(separator: ", ")
      let others = stale > 0 ? " (\(stale) other parts there are of another version of the script)" : ""
      let run =
        missing.count == 1
        ? "toy run \(script) --shard \(list) --out \(directory)"
        : "toy run \(script) --shard K/\(shares) --out \(directory) for each"
      return "\(directory) lacks \(missing.count == 1 ? "share" : "shares") \(list) of \(script)\(others): run \(run)"
    case .otherSeed(let path, let part, let run):
      return "\(path) was trained with --seed \(part), this run has --seed \(run): give both the same options"
    case .otherStepScale(let path, let part, let run):
      func mode(_ scale: Double) -> String { scale == 1 ? "without --quick" : "with --quick" }
      return "\(path) was trained \(mode(part)), this run is \(mode(run)): give both the same options"
    case .otherToy(let path, let part):
      return
        "\(path) was written by toy \(part), this is toy \(toyVersionDescription): run the shards and --from with one toy"
    case .partsDisagree(let path, let reference, let train):
      return "\(path) ran another train \(train) than \(reference): the parts are not of one run"
    case .notCovered(let directory, let train, let reason):
      return "the parts in \(directory) do not cover \(train): \(reason)"
    case .notJoinable(let directory, let train, let error):
      return "the parts in \(directory) of \(train) do not join: \(error)"
    case .notSavable(let path, let error):
      return "\(path): cannot save: \(error)"
    case .writeFailed(let path, let reason):
      return "\(path): cannot save: \(reason)"
    }
  }
}
