import ToyCore

/// How a session's training is split across processes or machines, and what it keeps.
///
/// Every instance trains from its own random streams, keyed by the model's seed and the
/// instance's index in the whole model, so an instance gives the same bits wherever it
/// trains. A script can therefore run N times as shares (`toy run FILE --shard K/N`), each
/// training only its share of every model's instances and keeping each `train`'s result; and
/// once more with every share's results (`toy run FILE --from DIR`), each `train` taking its
/// result from them instead of training, so that this last run shows exactly what one run
/// of the script shows.
public final class ShardTraining {
  public enum Role: Sendable {
    /// Train this share of every model's instances; keep each `train`'s result; show nothing.
    case share(TrainingShare)
    /// Take each `train`'s result, in order, from these (the shares' results, assembled).
    case assembly([TrainResult])
  }

  public let role: Role
  /// Each `train` this share ran, in order, with its share of the model's instances.
  public internal(set) var results: [TrainResult] = []
  /// The `train` statements run so far.
  var trainsRun = 0
  /// A share: the instances it trains of each model, by the model's name.
  var instances: [String: Range<Int>] = [:]
  /// A share: how many runs of instances have been handed out (see `TrainingShare`).
  var turn = 0
  /// A share: the variables that hold a model's numbers, which no share knows, with what
  /// they were computed from; reading one to train is refused.
  var unknownValues: [String: UnknownValue] = [:]
  /// A share: the files the script saved, which it does not write (loading one is refused).
  var unsavedPaths: Set<String> = []
  /// An assembly: the result the `train` running now takes.
  var pending: TrainResult?
  /// A share: whether the script draws dynamics, the D_i recorded during training, which its
  /// parts then keep (for a big sweep, more numbers than the models); nil until asked.
  var keepsDynamics: Bool?

  public init(_ role: Role) { self.role = role }

  var share: TrainingShare? {
    if case .share(let share) = role { return share }
    return nil
  }

  /// A model's numbers read into a variable, as the script wrote them (`a.loss`), and the
  /// line that read them.
  struct UnknownValue {
    var read: String
    var line: Int
  }
}

/// One `train` statement's result: the model it trained, after training, as a window of the
/// whole (instances `first ..< first + trained.instanceCount`; the whole model after
/// assembly), with the dynamics recorded for those instances.
public struct TrainResult: Sendable {
  /// The model's name in the session (`model1` for the first unnamed one).
  public var model: String
  /// Where the statement starts.
  public var line: Int
  public var column: Int
  /// The steps it trained (after `--quick`'s scaling).
  public var steps: Int
  /// The instances of the whole model.
  public var instances: Int
  public var first: Int
  /// The instances it holds.
  public var count: Int
  /// The trained instances; nil when the share had none of this model's, and in a part
  /// read from a file (whose models are joined into the whole's).
  public var trained: ToyModel?
  /// Every feature's D_i at points during training, for these instances, when the model is
  /// small enough to record them (see `DimensionalityHistory.records`).
  public var dynamics: DimensionalityHistory?

  public init(
    model: String, line: Int, column: Int, steps: Int, instances: Int, first: Int, count: Int? = nil,
    trained: ToyModel?, dynamics: DimensionalityHistory?
  ) {
    self.model = model
    self.line = line
    self.column = column
    self.steps = steps
    self.instances = instances
    self.first = first
    self.count = trained?.instanceCount ?? count ?? 0
    self.trained = trained
    self.dynamics = dynamics
  }

  /// Whether another result is of the same statement and run: the same model, place,
  /// steps and whole size.
  func isSameTrain(as other: TrainResult) -> Bool {
    model == other.model && line == other.line && column == other.column && steps == other.steps
      && instances == other.instances
  }
}

extension ShardTraining {
  /// Whether `source` shows or exports dynamics anywhere, in a loop too: the only use of the
  /// D_i recorded during training.
  static func drawsDynamics(_ source: Source) -> Bool {
    func draws(_ statements: [Statement]) -> Bool {
      statements.contains { statement in
        switch statement.kind {
        case .show(let target, _, _), .export(let target, _, _, _, _): return target == ShowTarget.dynamics.rawValue
        case .loop(_, _, _, let body): return draws(body)
        default: return false
        }
      }
    }
    return draws(Parser.parse(source).statements)
  }
}

extension DimensionalityHistory {
  /// Histories of consecutive windows of one model, recorded at the same steps, as the whole
  /// model's: per point, their instances one after another. Nil when the steps differ.
  init?(joining windows: [DimensionalityHistory]) {
    guard let first = windows.first, windows.allSatisfy({ $0.steps == first.steps }) else { return nil }
    self.init()
    steps = first.steps
    values = first.steps.indices.map { point in windows.flatMap { $0.values[point] } }
  }
}
