/// A model trained in windows, apart (see `ToyModel.firstInstance`), put back together.
///
/// Instances train independently, each from its own random streams, so windows of a model
/// trained on different machines hold, between them, exactly the numbers the whole model
/// would hold had it trained in one piece. Joining their files in order gives that model's
/// file.
///
/// Shapes: I = instances, F = n features, H = m hidden dimensions.
extension ModelFile {
  /// The whole model's file from the files of its consecutive windows, in order: the
  /// instances and loss-history rows one after another, every other key as the windows
  /// share it. Throws `windowsDiffer` naming the first key on which two windows disagree.
  public init(joining windows: [ModelFile]) throws(ModelFileError) {
    guard var whole = windows.first else { throw .noInstances }
    // A window writes `settings` only where it differs from its own instance count.
    let settings = whole.settings ?? whole.instances.count
    for window in windows.dropFirst() {
      let keys: [(String, Bool)] = [
        ("format", window.format == whole.format), ("version", window.version == whole.version),
        ("kind", window.kind == whole.kind), ("n", window.n == whole.n), ("m", window.m == whole.m),
        ("steps", window.steps == whole.steps), ("seed", window.seed == whole.seed),
        ("init", window.initialization == whole.initialization),
        ("settings", (window.settings ?? window.instances.count) == settings),
        ("samples_drawn", window.samplesDrawn == whole.samplesDrawn),
        ("feature_sets", window.featureSets == whole.featureSets),
        ("normalize", window.normalizeMeaning == whole.normalizeMeaning),
      ]
      if let (key, _) = keys.first(where: { !$0.1 }) { throw .windowsDiffer(key: key) }
    }
    guard let history = LossHistory(joining: windows.map(\.lossHistory)) else {
      throw .windowsDiffer(key: "loss_history.steps")
    }
    whole.instances = windows.flatMap(\.instances)
    whole.lossHistory = history
    whole.settings = settings == whole.instances.count ? nil : settings
    self = whole
  }

  /// `normalize` as it reads: absent is `"none"`, the paper's law.
  private var normalizeMeaning: String { normalize ?? Self.noNorm }
}
