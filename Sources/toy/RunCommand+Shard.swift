import ArgumentParser
import Foundation
import ToyLanguage

/// `toy run FILE --shard K/N --out DIR` and `toy run FILE --from DIR`: one script's training
/// split across processes or machines by the engines people already have (GNU parallel, a
/// Slurm array), then assembled into exactly the output of one run (docs/scale.md).
struct ShardOptions: ParsableArguments {
  @Option(
    help: ArgumentHelp(
      "Train only share K of N of every model's instances and write it to --out; show nothing. "
        + "slurm: K and N from SLURM_ARRAY_TASK_ID and SLURM_ARRAY_TASK_COUNT.",
      valueName: "K/N"))
  var shard: String?

  @Option(help: ArgumentHelp("The directory --shard writes its part to.", valueName: "dir"), completion: .directory)
  var out: String?

  @Option(
    help: ArgumentHelp(
      "Take each train's result from the parts in this directory (every share's, written by --shard) "
        + "instead of training: the output is one run's.",
      valueName: "dir"), completion: .directory)
  var from: String?

  func validate() throws {
    if shard != nil && from != nil { throw ValidationError("give --shard or --from, not both") }
    if shard != nil && out == nil { throw ValidationError("--shard needs --out DIR, the directory its part goes to") }
    if shard == nil && out != nil { throw ValidationError("--out goes with --shard K/N") }
    if out?.isEmpty == true || from?.isEmpty == true { throw ValidationError("--out and --from need a directory") }
    if let shard, shard != "slurm", Self.share(shard) == nil {
      throw ValidationError(
        "--shard takes K/N, share K of N with K from 1 to N (N up to \(TrainingShare.limit)), or slurm; got '\(shard)'")
    }
  }

  /// Whether the run is split at all.
  var isSet: Bool { shard != nil || from != nil }

  /// A share written `K/N`.
  static func share(_ text: String) -> TrainingShare? {
    let parts = text.split(separator: "/", omittingEmptySubsequences: false)
    guard parts.count == 2, let k = Int(parts[0]), let n = Int(parts[1]) else { return nil }
    return TrainingShare(index: k, of: n)
  }

  /// The share of a task of a Slurm array job: K counts the array's tasks from 1, whatever
  /// index it starts at (`--array=1-8` and `--array=0-7` both give 1/8 … 8/8).
  static func slurmShare(_ environment: [String: String]) throws -> TrainingShare {
    func number(_ name: String) -> Int? { environment[name].flatMap { Int($0) } }
    guard let task = number("SLURM_ARRAY_TASK_ID"), let count = number("SLURM_ARRAY_TASK_COUNT") else {
      throw CommandFailure(
        "--shard slurm: SLURM_ARRAY_TASK_ID and SLURM_ARRAY_TASK_COUNT are not set; run it as an array job "
          + "(sbatch --array=1-N)")
    }
    let first = number("SLURM_ARRAY_TASK_MIN") ?? 1
    let step = max(1, number("SLURM_ARRAY_TASK_STEP") ?? 1)
    let offset = task - first
    guard offset >= 0, offset % step == 0, let share = TrainingShare(index: offset / step + 1, of: count) else {
      throw CommandFailure(
        "--shard slurm: task \(task) of an array of \(count) tasks from \(first) by \(step) is no share; "
          + "submit a plain range, sbatch --array=1-N")
    }
    return share
  }

  /// The split training of this run; nil when the run is not split. `--from` reads and
  /// checks every part first.
  func run(for source: Source, options: OutputOptions) throws -> ShardRun? {
    if let from {
      let scale = options.quick ? Session.quickStepScale : 1
      do {
        let results = try ShardFolder.assemble(directory: from, source: source, seed: options.seed, stepScale: scale)
        return ShardRun(training: ShardTraining(.assembly(results)))
      } catch {
        throw CommandFailure(error.description)
      }
    }
    guard let shard, let out else { return nil }
    let environment = ProcessInfo.processInfo.environment
    let share = try shard == "slurm" ? Self.slurmShare(environment) : Self.share(shard)!
    let training = ShardTraining(.share(share))
    let seed = options.seed
    return ShardRun(
      training: training,
      // A Slurm task may use the CPUs it was given, not every core of its node.
      threads: shard == "slurm" ? environment["SLURM_CPUS_PER_TASK"].flatMap { Int($0) }.map { max(1, $0) } : nil,
      finished: { session in
        let part = ShardPart(
          script: source.name, scriptHash: ShardPart.hash(of: source), share: share, seed: seed,
          stepScale: session.stepScale, trains: training.results)
        do throws(ShardError) {
          let path = try part.write(into: out)
          writeError("toy: share \(share) of \(source.name): \(training.results.count) train results in \(path)\n")
          return nil
        } catch {
          return error.description
        }
      })
  }
}

/// How one run takes part in split training.
struct ShardRun {
  var training: ShardTraining
  /// Worker threads for training (nil: one per core).
  var threads: Int?
  /// What to do once the script has run to its end; a message if that fails.
  var finished: ((Session) -> String?)?
}
