/// The model without superposition that adversarial vulnerability is measured against (§3.9).
///
/// A tied model that stores only its m most important features, each on its own hidden
/// axis with bias 0, and answers every other feature with its mean, is what a dense model
/// learns (§5 "Dense instance"). Its attack surface is a one-hot row of WᵀW, so comparing a
/// trained model's loss increase under attack with this one's isolates what superposition adds.
extension ToyModel {
  /// A copy of the model with every instance replaced by its orthogonal baseline, or nil
  /// for the abs model (whose dense solution needs two neurons per feature; see `vulnerability`).
  ///
  /// In each instance the min(m, n) most important features (ties to the lower index) get
  /// the rows e₀, e₁, … and bias 0; the others get a zero row and bias E[x_i], which is
  /// p_i/2 (p_i/(2k) for a member of an anti-correlated set of k). Kind, sizes, importance,
  /// density and feature sets are kept; the optimiser state is copied and means nothing here.
  public func orthogonalBaseline() -> ToyModel? {
    guard !kind.untied else { return nil }
    var baseline = self
    for instance in 0..<instanceCount {
      let (weights, bias) = orthogonalBaselineParameters(instance: instance)
      baseline.setParameters(instance: instance, weights: weights, bias: bias)
    }
    return baseline
  }

  /// The baseline's rows (F×H) and bias for one instance; see `orthogonalBaseline`.
  func orthogonalBaselineParameters(instance: Int) -> (weights: [[Float]], bias: [Float]) {
    let importance = importance(instance: instance)
    let ranked = (0..<n).sorted { a, b in
      importance[a] != importance[b] ? importance[a] > importance[b] : a < b
    }
    var weights = [[Float]](repeating: [Float](repeating: 0, count: m), count: n)
    var bias = expectedInput(instance: instance).map { Float($0) }
    for (axis, feature) in ranked.prefix(m).enumerated() {
      weights[feature][axis] = 1
      bias[feature] = 0
    }
    return (weights, bias)
  }

  /// E[x_i] for each feature of an instance's data: the bias an ignored feature should take.
  ///
  /// Values are uniform on [0, 1] when active (mean ½), or on [−1, 1] for abs (mean 0). An
  /// independent or correlated feature is active with probability p_i; a member of an
  /// anti-correlated set of k only with p_i/k.
  func expectedInput(instance: Int) -> [Double] {
    guard !kind.signedInputs else { return [Double](repeating: 0, count: n) }
    var active = density(instance: instance).map(Double.init)
    for set in featureSets where set.relation == .anticorrelated {
      for f in set.features { active[f] /= Double(set.features.count) }
    }
    return active.map { $0 / 2 }
  }
}
