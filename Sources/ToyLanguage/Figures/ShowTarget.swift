import ToyCore
import ToyPlot

/// What `show` and `export` can draw, one case per target: its summary (for `help`, the
/// reference's table and completion), whether it draws a panel per setting, and the function that
/// draws it. Adding a target is adding a case here, its figure function (in
/// `Session+PanelFigures.swift`, `Session+SweepFigures.swift` or
/// `Session+AutoencoderFigures.swift`), and its row in
/// docs/displays.md; ShowTargetTests and ShowTests fail until all are there.
enum ShowTarget: String, CaseIterable, Sendable {
  case wtw, w, bias, norms, overview, geometry, hidden, loss, dims, dimensionality, phase, neurons, dynamics
  case vulnerability, recovery, datapoints, descent
  case decoder, cosines, firing, frontier, dictionary

  /// One line for `help show` and the reference (docs/language.md).
  var summary: String {
    switch self {
    case .wtw: "WᵀW as a heatmap, with the bias beside it"
    case .w: "the weights W as a features × hidden heatmap"
    case .bias: "the bias per feature"
    case .norms: "‖W_i‖ per feature, coloured by superposition"
    case .overview: "the paper's figure: WᵀW and the bias above the norm bars, one column per setting"
    case .geometry: "the features' directions in 2-D (m = 2)"
    case .hidden: "hidden states of a batch over the feature directions (m = 2)"
    case .loss: "the loss over training"
    case .dims: "dimensions per feature m/‖W‖_F² against 1/(1−S)"
    case .dimensionality: "each feature's D_i against 1/(1−S)"
    case .phase: "a swept n=2, m=1 (or n=3, m=2) model's phase diagram beside the theory"
    case .neurons: "each neuron's weights, stacked by feature (hidden_relu, abs)"
    case .dynamics: "one setting's D_i of every feature over training, above its loss"
    case .vulnerability: "vulnerability to the analytic attack against 1/(1−S), beside features per dimension"
    case .recovery: "each feature's output for itself alone (x = e_i): near 1 if kept, the bias if dropped"
    case .decoder: "the autoencoders' decoder directions over the feature arrows (m = 2)"
    case .cosines: "cosines of latents × features, matches on the diagonal"
    case .firing: "how often each latent fires, a log histogram with the dead apart"
    case .frontier: "L0 against FVU across a sweep of autoencoders (l1 or topk)"
    case .dictionary: "across dictionary sizes: dead latents, MMCS with the next larger, MMCS with the truth"
    case .datapoints: "the training examples' hidden vectors beside the features' directions (m = 2, dataset=)"
    case .descent:
      "train and test loss against the training set's size T, dimensions held beneath (dataset=); "
        + "models=[…]: several models' test loss as one map"
    }
  }

  /// Whether the figure draws a panel per setting (and per chosen seed), so that
  /// `instance=` must keep their number within `Session.panelLimit`. The others draw every
  /// setting as one line, one scatter, or one diagram.
  var perSetting: Bool {
    switch self {
    case .wtw, .w, .bias, .norms, .overview, .geometry, .hidden, .neurons, .recovery, .datapoints: true
    case .decoder, .cosines, .firing: true
    case .loss, .dims, .dimensionality, .phase, .dynamics, .vulnerability, .descent, .frontier, .dictionary: false
    }
  }

  /// Whether the target draws the current model's sparse autoencoders (`sae`): `instance=` and
  /// `seed=` then pick autoencoder instances, and a panel is drawn per autoencoder instance.
  var readsAutoencoders: Bool {
    switch self {
    case .decoder, .cosines, .firing, .frontier, .dictionary: true
    default: false
    }
  }

  /// Whether the data are 2-D rows as drawn, which `orient=canonical` rotates with the
  /// picture (the payload's `orient` key says which).
  var oriented: Bool { self == .geometry || self == .hidden || self == .decoder }

  /// The function that draws the target: a plot and the numbers behind it.
  var figure: (Session) -> (FigureRequest) throws(Diagnostic) -> Figure {
    switch self {
    case .wtw: Session.wtwFigure
    case .w: Session.weightsFigure
    case .bias: Session.biasFigure
    case .norms: Session.normsFigure
    case .overview: Session.overviewFigure
    case .geometry: Session.geometryFigure
    case .hidden: Session.hiddenFigure
    case .loss: Session.lossFigure
    case .dims: Session.dimsFigure
    case .dimensionality: Session.dimensionalityFigure
    case .phase: Session.phaseFigure
    case .neurons: Session.neuronsFigure
    case .dynamics: Session.dynamicsFigure
    case .vulnerability: Session.vulnerabilityFigure
    case .recovery: Session.recoveryFigure
    case .decoder: Session.decoderFigure
    case .cosines: Session.cosinesFigure
    case .firing: Session.firingFigure
    case .frontier: Session.frontierFigure
    case .dictionary: Session.dictionaryFigure
    case .datapoints: Session.datapointsFigure
    case .descent: Session.descentFigure
    }
  }

  static var names: [String] { allCases.map(\.rawValue) }
}

extension Session {
  /// What `show` draws, for front ends that name the targets (`toy train --show`).
  public static var showTargets: [String] { ShowTarget.names }
}

/// A drawn target: the plot, and the numbers behind it (the payload's `data`).
typealias Figure = (plot: any Plot, data: JSON.Node)

/// What a figure function draws from: the model, the views chosen by `instance=` and
/// `seed=`, and the statement's other choices. A figure reads an instance's numbers as
/// `request[instance]`, which in a check of a sketched model builds the window holding it;
/// the importance and density rows of any instance, and the counts, come from the entry.
struct FigureRequest {
  var target: ShowTarget
  var entry: ModelEntry
  var views: [SeedView]
  var seeds: SeedChoice
  var canonical: Bool
  /// Whether the plot carries the model's name (a script's `show`, not a live frame).
  var named: Bool
  var span: Span
  var seedSpan: Span?
  var source: Source
  var reader: InstanceReader
  /// The autoencoder instances `instance=` and `seed=` chose, for the targets that read them.
  var autoencoders: [Int] = []

  /// The model's shape, steps and loss history steps (its instances may not all be held).
  var model: ToyModel { entry.model }
  var instances: [Int] { views.map(\.instance) }

  subscript(instance: Int) -> ModelInstance { reader[instance] }
}
