import ToyCore

/// Every parameter of every statement: its type, range, default and help text. The one table
/// that validation, `help` and completion read, so they can never disagree.
public struct ParameterSpec: Sendable {
  public enum Kind: Sendable {
    /// A whole number in a closed range.
    case whole(ClosedRange<Int>)
    /// A number; `open` bounds exclude their end.
    case number(low: Double, high: Double, lowOpen: Bool, highOpen: Bool)
    /// One number per feature: a number, an expression in `i`, or a list of n numbers.
    case perFeature(low: Double, high: Double, lowOpen: Bool, highOpen: Bool)
    /// One of a few words.
    case choice([String])
    /// Lists of feature indices, e.g. [[0, 1], [2, 3]].
    case featureSets
    /// Which instances to show: a number, a list of numbers, or `all`.
    case instances
    /// Which seeds of each setting: `best`, `all`, a seed number or a list of them.
    case seeds
    /// Which seeds of autoencoders (`sae seeds=`): `all`, a seed number or a list of them; no
    /// `best`, as autoencoders are not ranked by a loss.
    case autoencoderSeeds
    /// A number of steps, or `off`.
    case stepsOrOff(ClosedRange<Int>)
    /// A list of model names, e.g. [m1, m2, m3].
    case models
  }

  public let name: String
  public let statement: String
  public let kind: Kind
  public let defaultValue: String?
  public let summary: String

  /// "from 1 to 100000", "in (0, 1]", "linear, relu, hidden_relu or abs".
  public var rangeText: String {
    switch kind {
    case .whole(let range): return "a whole number from \(range.lowerBound) to \(range.upperBound)"
    case .number(let low, let high, let lo, let ho), .perFeature(let low, let high, let lo, let ho):
      let text = "\(lo ? "(" : "[")\(formatNumber(low)), \(high.isInfinite ? "∞" : formatNumber(high))\(ho ? ")" : "]")"
      if case .perFeature = kind { return "a number in \(text) per feature" }
      return "a number in \(text)"
    case .choice(let words): return words.dropLast().joined(separator: ", ") + " or " + (words.last ?? "")
    case .featureSets: return "lists of consecutive feature indices, e.g. [[0, 1], [2, 3]]"
    case .instances: return "an instance number, a list of them, or all"
    case .seeds: return "best, all, a seed number from 0, or a list of them"
    case .autoencoderSeeds: return "an autoencoder seed number from 0, a list of them, or all"
    case .stepsOrOff(let range):
      return "off, or a whole number of steps from \(range.lowerBound) to \(range.upperBound)"
    case .models: return "a list of model names, e.g. [m1, m2, m3]"
    }
  }
}

public enum ParameterTable {
  public static let model: [ParameterSpec] = [
    .init(
      name: "n", statement: "model", kind: .whole(1...10_000), defaultValue: nil, summary: "number of features"),
    .init(
      name: "m", statement: "model", kind: .whole(1...10_000), defaultValue: nil,
      summary: "number of hidden dimensions"),
    .init(
      name: "kind", statement: "model", kind: .choice(["linear", "relu", "hidden_relu", "abs"]), defaultValue: "relu",
      summary: "which of the paper's models"),
    .init(
      name: "importance", statement: "model",
      kind: .perFeature(low: 0, high: Double(Float.greatestFiniteMagnitude), lowOpen: false, highOpen: false),
      defaultValue: "1", summary: "each feature's weight in the loss, e.g. 0.7^i"),
    .init(
      name: "density", statement: "model", kind: .perFeature(low: 0, high: 1, lowOpen: true, highOpen: false),
      defaultValue: "1", summary: "probability 1−S that a feature is non-zero (not with sparsity)"),
    .init(
      name: "sparsity", statement: "model", kind: .perFeature(low: 0, high: 1, lowOpen: false, highOpen: true),
      defaultValue: "0", summary: "probability S that a feature is zero (not with density)"),
    .init(
      name: "seeds", statement: "model", kind: .whole(1...10_000), defaultValue: "1",
      summary: "seeds per setting, each started as a lone seed would be; views show the lowest-loss seed on a "
        + "fixed evaluation batch (see seed= of show)"),
    .init(
      name: "seed", statement: "model", kind: .whole(0...Int(Int32.max)),
      defaultValue: "derived from the session's seed and the model's ordinal",
      summary: "the model's seed; a literal may be any 64-bit seed, as %save writes the derived ones"),
    .init(
      name: "init", statement: "model", kind: .choice(["xavier_notebook", "xavier_instance", "kaiming_uniform"]),
      defaultValue: "xavier_notebook (kaiming_uniform for abs)",
      summary: "how the weights start; xavier_notebook's std √(2/(m(n+I))) takes I = settings, not seeds"),
    .init(
      name: "correlated", statement: "model", kind: .featureSets, defaultValue: "none",
      summary: "sets of features that are zero together"),
    .init(
      name: "anticorrelated", statement: "model", kind: .featureSets, defaultValue: "none",
      summary: "sets of features of which at most one is active"),
    .init(
      name: "dataset", statement: "model", kind: .whole(1...ToyModel.trainingSetLimit), defaultValue: "none",
      summary: "train on a fixed set of T examples drawn once per instance, full batch unless batch= (Henighan "
        + "et al. 2023); without it every step draws fresh data"),
    .init(
      name: "normalize", statement: "model", kind: .choice(["none", "unit"]), defaultValue: "none",
      summary: "unit: rescale every example to ‖x‖ = 1, the training set's and the test batch's, as Henighan et al. "
        + "do (dataset= only; an example with no active feature stays 0); none keeps the paper's law"),
  ]

  public static let train: [ParameterSpec] = [
    .init(
      name: "batch", statement: "train", kind: .whole(1...1_000_000),
      defaultValue: "1024 (a dataset's size with dataset=)",
      summary: "samples per step; with dataset=, a minibatch drawn from the set"),
    .init(
      name: "lr", statement: "train", kind: .number(low: 0, high: 10, lowOpen: true, highOpen: false),
      defaultValue: "0.001", summary: "learning rate"),
    .init(
      name: "schedule", statement: "train", kind: .choice(["constant", "linear", "cosine"]), defaultValue: "constant",
      summary: "learning-rate schedule over this call"),
    .init(
      name: "optimizer", statement: "train", kind: .choice(["adamw", "adam"]), defaultValue: "adamw",
      summary: "AdamW (decoupled weight decay on every parameter) or Adam"),
    .init(
      name: "weight_decay", statement: "train", kind: .number(low: 0, high: 10, lowOpen: false, highOpen: false),
      defaultValue: "0.01",
      summary: "AdamW's decoupled weight decay λ (θ ← θ(1−ηλ) each step); optimizer=adam has none"),
    .init(
      name: "warmup", statement: "train", kind: .whole(0...100_000_000), defaultValue: "0",
      summary: "steps of linear warm-up from lr/warmup to lr before the schedule runs over the rest"),
    .init(
      name: "live", statement: "train", kind: .choice(["auto", "geometry", "wtw", "norms", "dims", "loss"]),
      defaultValue: nil,
      summary: "redraw a view in place while training (bare `live`: geometry for m=2, else WᵀW and the norms)"),
  ]

  /// `sae …`: sparse autoencoders on the current model's hidden state.
  public static let sae: [ParameterSpec] = [
    .init(
      name: "latents", statement: "sae", kind: .whole(1...100_000), defaultValue: "the model's n",
      summary: "the dictionary size d: latents per autoencoder"),
    .init(
      name: "l1", statement: "sae",
      kind: .number(low: 0, high: Double(Float.greatestFiniteMagnitude), lowOpen: false, highOpen: false),
      defaultValue: "0.01", summary: "λ of the L1 penalty λ·Σ_j z_j on the latents (not with topk)"),
    .init(
      name: "topk", statement: "sae", kind: .whole(1...100_000), defaultValue: "none",
      summary: "keep only the k largest latents of each sample, with no penalty (not with l1); at most latents"),
    .init(
      name: "resample", statement: "sae", kind: .stepsOrOff(1...100_000_000), defaultValue: "off",
      summary: "every N steps, give latents that fired on no sample of the last N steps new directions "
        + "(towards the worst-reconstructed inputs)"),
    .init(
      name: "instance", statement: "sae", kind: .instances, defaultValue: "all",
      summary: "which of the model's settings to read (each SAE setting on each, its shown seed)"),
    .init(
      name: "seeds", statement: "sae", kind: .whole(1...10_000), defaultValue: "1",
      summary: "autoencoders per SAE setting and model setting, each from its own random stream"),
    .init(
      name: "seed", statement: "sae", kind: .whole(0...Int(Int32.max)),
      defaultValue: "derived from the session's seed and the statement's ordinal",
      summary: "the seed of the autoencoders' weights, data and resampling"),
  ]

  /// `train sae N …`: the autoencoders train with Adam (no weight decay), on fresh samples
  /// of the model's data even where the model has a fixed training set.
  public static let trainSAE: [ParameterSpec] = train.filter { ["batch", "lr", "schedule"].contains($0.name) }.map {
    $0.name == "batch"
      ? ParameterSpec(
        name: "batch", statement: "train sae", kind: $0.kind, defaultValue: "1024",
        summary: "fresh samples of the model's data per step")
      : ParameterSpec(
        name: $0.name, statement: "train sae", kind: $0.kind, defaultValue: $0.defaultValue, summary: $0.summary)
  }

  /// Options of `show` and `export`.
  public static let show: [ParameterSpec] = [
    .init(
      name: "instance", statement: "show", kind: .instances, defaultValue: "all",
      summary: "which instances (settings) to draw; for the SAE plots (decoder … dictionary), which autoencoders "
        + "(the rows of print sae)"),
    seedChoice(
      "show",
      "which seed of each setting to draw (models with seeds=); for the SAE plots, which autoencoder seeds "
        + "(sae with seeds=): a number, a list, or all (their default); not best"),
    .init(
      name: "width", statement: "show", kind: .whole(20...1000), defaultValue: "the terminal's",
      summary: "columns to draw in"),
    .init(
      name: "height", statement: "show", kind: .whole(4...500), defaultValue: "per plot", summary: "rows to draw in"),
    .init(
      name: "canvas", statement: "show", kind: .choice(["braille", "quadrant", "half", "bars", "ascii"]),
      defaultValue: "per plot", summary: "which glyphs draw the marks"),
    .init(
      name: "color", statement: "show", kind: .choice(["auto", "always", "never"]), defaultValue: "auto",
      summary: "colour in a terminal (auto: as the session decides)"),
    .init(
      name: "orient", statement: "show", kind: .choice(["raw", "canonical"]), defaultValue: "raw",
      summary: "geometry: canonical turns the top represented feature right and the next above, as the paper; "
        + "its JSON holds the rows as drawn"),
    .init(
      name: "models", statement: "show", kind: .models, defaultValue: "the current model",
      summary: "descent: the test loss of several dataset= sweeps as one map, T across and a row per model "
        + "(m=… when they differ in m alone)"),
  ]

  /// Options of `print`, after its values: `print loss seed=all`.
  public static let print: [ParameterSpec] = [
    seedChoice(
      "print",
      "which seed of each setting a metric reads (models with seeds=); for SAE metrics alone (print l0), which "
        + "autoencoder seeds (sae with seeds=): a number, a list, or all (their default); not best")
  ]

  /// Options of `print sae`: which autoencoders to list, as for their `show` targets.
  public static let printSAE: [ParameterSpec] = [
    .init(
      name: "instance", statement: "print sae", kind: .instances, defaultValue: "all",
      summary: "which autoencoder instances to list (the rows of an unfiltered print sae, from 0)"),
    .init(
      name: "seed", statement: "print sae", kind: .autoencoderSeeds, defaultValue: "all",
      summary: "which autoencoder seeds to list (sae with seeds=)"),
  ]

  /// `seed=` of a view: every instance of a `seeds=` model can be looked at, not only the best.
  private static func seedChoice(_ statement: String, _ summary: String) -> ParameterSpec {
    .init(name: "seed", statement: statement, kind: .seeds, defaultValue: "best", summary: summary)
  }

  public static func specs(for statement: String) -> [ParameterSpec] {
    switch statement {
    case "model": return model
    case "sae": return sae
    case "train": return train
    case "train sae": return trainSAE
    case "show", "export": return show
    case "print": return print
    case "print sae": return printSAE
    default: return []
    }
  }

  /// Every spec, for `help NAME`.
  public static var all: [ParameterSpec] { model + sae + train + trainSAE + show + print + printSAE }
}

/// Help for statements, from the same words the parser knows.
public enum StatementHelp {
  public static let entries: [(name: String, usage: String, summary: String)] = [
    (
      "model", "model n=20 m=5 importance=0.7^i sparsity=0.9 [for p in LIST, …]",
      "define a model (one instance per sweep value)"
    ),
    (
      "sae", "sae latents=5 l1=0.01|topk=1 [resample=500 seeds=… instance=…] [for d in LIST, …]",
      "define sparse autoencoders (SAEs) on the model's hidden state"
    ),
    (
      "train", "train 10000 [batch=1024 lr=1e-3 schedule=constant optimizer=adamw live]",
      "train the current model (again continues); train sae N: its SAEs"
    ),
    ("reset", "reset", "re-initialise the current model's weights"),
    ("explore", "explore", "train one setting live while keys change it (the prompt only)"),
    ("show", "show wtw|norms|geometry|… [instance=… seed=… width=… canvas=…]", "draw a plot of the current model"),
    (
      "print", "print EXPR[, EXPR…] [seed=…]   print sae [instance=… seed=…]",
      "print values; metrics as tables; print sae: the SAEs' metrics"
    ),
    ("for", "for x in LIST do … end", "repeat statements for each item"),
    ("use", "use NAME", "make a named model (or named SAEs and their model) the current one"),
    ("save", "save \"file.json\"", "save the current model, with its autoencoders"),
    ("load", "load \"file.json\"", "load a model (a = load \"file.json\" names it)"),
    ("export", "export wtw \"file.svg\"", "write a plot as SVG or its numbers as CSV/JSON"),
    ("help", "help [TOPIC]", "this help, or help on a statement, parameter or function"),
  ]
}
