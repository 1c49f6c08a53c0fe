/// What `show` can draw.
public enum ShowTargets {
  public static let summaries: [(name: String, summary: String)] = [
    ("wtw", "WᵀW as a heatmap, with the bias beside it"),
    ("w", "the weights W as a features × hidden heatmap"),
    ("bias", "the bias per feature"),
    ("norms", "‖W_i‖ per feature, coloured by superposition"),
    ("geometry", "the features' directions in 2-D (m = 2)"),
    ("loss", "the loss over training"),
    ("dims", "dimensions per feature m/‖W‖_F² against 1/(1−S)"),
    ("dimensionality", "each feature's D_i against 1/(1−S)"),
    ("phase", "the phase diagram of a swept n=2, m=1 model, beside theory"),
    ("neurons", "each neuron's weights, stacked by feature"),
    ("hidden", "hidden states of a batch over the feature directions"),
  ]
  public static var names: [String] { summaries.map(\.name) }
}

/// `show TARGET …`: draws a plot of the current model as a display.
extension Session {
  func show(_ target: String, _ targetSpan: Span, _ parameters: [Parameter], _ statement: Statement, _ source: Source)
    throws(Diagnostic)
  {
    guard ShowTargets.names.contains(target) else {
      throw Diagnostic(
        "there is no plot called '\(target)'", at: targetSpan, in: source,
        hint: suggestion(for: target, among: ShowTargets.names).map(Message.didYouMean)
          ?? "show draws: " + ShowTargets.names.joined(separator: ", "))
    }
    throw Diagnostic("show is not available yet", at: statement.span, in: source)
  }
}
