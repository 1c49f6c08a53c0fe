import Foundation
import ToyCore

/// The parts of a script's training in a directory (`toy run FILE --from DIR`), found by
/// the script's name and content hash, checked and joined into each `train`'s result for
/// the whole models.
///
/// It checks that every share of N is there for this version of the script (naming the
/// missing ones, and the parts of other versions, which are stale), that each part trained
/// with this run's seed, step scale and toy, that the parts ran the same `train` statements,
/// and that for each of them they hold every instance of the model exactly once.
public enum ShardFolder {
  /// Each `train`'s result, in the order the script runs them, assembled from the parts of
  /// `source` in `directory`; `seed` and `stepScale` are this run's.
  public static func assemble(directory: String, source: Source, seed: UInt64, stepScale: Double) throws(ShardError)
    -> [TrainResult]
  {
    let parts = try read(directory: directory, source: source)
    for part in parts {
      let path = self.path(directory, part)
      guard part.toyVersion == toyVersionDescription else { throw .otherToy(path: path, part: part.toyVersion) }
      guard part.seed == seed else { throw .otherSeed(path: path, part: part.seed, run: seed) }
      guard part.stepScale == stepScale else {
        throw .otherStepScale(path: path, part: part.stepScale, run: stepScale)
      }
    }
    let reference = parts[0]
    for part in parts.dropFirst() {
      let disagrees =
        part.trains.count != reference.trains.count
        ? min(part.trains.count, reference.trains.count)
        : part.trains.indices.first { !part.trains[$0].isSameTrain(as: reference.trains[$0]) }
      if let train = disagrees {
        throw .partsDisagree(
          path: path(directory, part), reference: "share \(reference.share)'s", train: train + 1)
      }
    }
    return try reference.trains.indices.map { (index) throws(ShardError) in
      try join(train: index, of: parts, directory: directory)
    }
  }

  /// Every share of the lowest N whose shares are all there for this version of the script.
  static func read(directory: String, source: Source) throws(ShardError) -> [ShardPart] {
    var isDirectory: ObjCBool = false
    guard FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory), isDirectory.boolValue,
      let names = try? FileManager.default.contentsOfDirectory(atPath: directory)
    else {
      throw .noDirectory(directory)
    }
    let stem = ShardPart.stem(of: source)
    let hash = ShardPart.hash(of: source)
    let script = source.name
    var current: [Int: Set<Int>] = [:]
    var stale: [String] = []
    for name in names.sorted() {
      guard let found = ShardPart.parse(fileName: name), found.stem == stem else { continue }
      if found.hash == hash {
        current[found.share.count, default: []].insert(found.share.index)
      } else {
        stale.append(name)
      }
    }
    guard !current.isEmpty else {
      if stale.isEmpty { throw .noParts(script: script, hash: hash, directory: directory) }
      throw .staleParts(script: script, directory: directory, files: stale)
    }
    let complete = current.filter { $0.value.count == $0.key }.keys
    guard let shares = complete.min() else {
      // The N most of whose shares are there is the run to finish.
      let (shares, present) = current.max { ($0.value.count, $1.key) < ($1.value.count, $0.key) }!
      let missing = (1...shares).filter { !present.contains($0) }
      throw .missingShares(
        script: script, directory: directory, shares: shares, missing: missing, stale: stale.count)
    }
    return try (1...shares).map { (index) throws(ShardError) in
      let share = TrainingShare(index: index, of: shares)!
      let path = ShardPart.path(directory, ShardPart.fileName(stem: stem, hash: hash, share: share))
      let part = try ShardPart.read(from: path)
      guard part.scriptHash == hash, part.share == share else {
        throw .notAPart(path: path, reason: "its contents are of share \(part.share), script hash \(part.scriptHash)")
      }
      return part
    }
  }

  private static func path(_ directory: String, _ part: ShardPart) -> String {
    ShardPart.path(
      directory,
      ShardPart.fileName(
        stem: ShardPart.stem(of: Source(name: part.script, text: "")), hash: part.scriptHash, share: part.share))
  }

  /// One `train`'s result for the whole model: the shares' windows joined in order.
  private static func join(train index: Int, of parts: [ShardPart], directory: String) throws(ShardError)
    -> TrainResult
  {
    var result = parts[0].trains[index]
    let name = result.summary
    let windows = parts.map { ($0.trains[index], $0.trainedFiles[index]) }.filter { $0.0.count > 0 }
      .sorted { $0.0.first < $1.0.first }
    var next = 0
    for (window, _) in windows {
      guard window.first == next else {
        let reason =
          window.first > next
          ? "instances \(next)..<\(window.first) are in no part" : "instance \(window.first) is in two parts"
        throw .notCovered(directory: directory, train: name, reason: reason)
      }
      next += window.count
    }
    guard next == result.instances else {
      throw .notCovered(
        directory: directory, train: name, reason: "instances \(next)..<\(result.instances) are in no part")
    }
    let files = windows.compactMap(\.1)
    do {
      result.trained = try ToyModel(file: ModelFile(joining: files))
    } catch {
      throw .notJoinable(directory: directory, train: name, error)
    }
    result.first = 0
    result.count = result.instances
    let histories = windows.compactMap(\.0.dynamics)
    if !histories.isEmpty {
      guard histories.count == windows.count, let joined = DimensionalityHistory(joining: histories) else {
        throw .notCovered(directory: directory, train: name, reason: "the parts recorded dynamics at other steps")
      }
      result.dynamics = joined
    }
    return result
  }
}
