/// The paper's analytic adversarial attack and the vulnerability it measures (§3.9).
///
/// Gradient attacks fail on these models (the ReLUs are off most of the time and mask
/// gradients), so the paper attacks along the row of WᵀW that feeds feature i: in a model
/// without superposition that row is one-hot and the attack only moves feature i, while
/// superposition spreads it so a small input change reaches many outputs. The loss still
/// compares the output with the clean target |x|.
///
/// The budget: the paper gives the attack an L2 norm of a tenth of the mean input norm. toy
/// gives each input x a tenth of its own norm, x → x + 0.1‖x‖u with u the unit row, whose
/// mean is exactly that. Adding one fixed δ to every input instead would also "attack" the
/// inputs with no active feature, which are most of a sparse batch: there the baseline's
/// zero biases pass δ straight to the output while a trained model's negative biases absorb
/// it, so at high sparsity the measure falls below 1 for a reason that has nothing to do with
/// superposition (docs/analysis.md has the measurements).
public struct AdversarialAttack: Sendable, Equatable {
  /// The feature whose attack hurts most; nil when every row of the attack map is zero.
  public let feature: Int?
  /// ε: each input x is moved by ε‖x‖ along `direction`.
  public let budgetFraction: Double
  /// The mean L2 norm of the perturbations, ε × the mean input norm of the batch.
  public let budget: Double
  /// u = (WᵀW)_i/‖(WᵀW)_i‖₂ for the chosen feature (all zeros when `feature` is nil).
  public let direction: [Double]
  /// The notebook's per-instance loss on the clean batch.
  public let cleanLoss: Double
  /// The same loss with every input x moved to x + ε‖x‖u.
  public let attackedLoss: Double

  /// L′ − L.
  public var lossIncrease: Double { attackedLoss - cleanLoss }

  /// The paper's budget: a tenth of the input norm.
  public static let paperBudgetFraction = 0.1

  /// The perturbation the attack adds to `input`: ε‖x‖u.
  public func perturbation(of input: [Float]) -> [Double] {
    let norm = input.reduce(0.0) { $0 + Double($1) * Double($1) }.squareRoot()
    return direction.map { budgetFraction * norm * $0 }
  }

  /// Attacks along each feature's row of the attack map in turn on `inputs` and keeps the
  /// one with the highest attacked loss (ties to the lower feature).
  ///
  /// The attack map is the linear part of input → output pre-activation: WᵀW for the tied
  /// kinds, W₂W₁ for abs (entry (i, j) = Σ_k W₂[i,k]·W₁[k,j]). Rows with zero norm are skipped.
  static func strongest(
    kind: ModelKind, parameters p: ReferenceKernel.Parameters, importance: [Double],
    inputs: [[Float]], budgetFraction: Double
  ) -> AdversarialAttack {
    let evaluator = ShiftedBatchLoss(kind: kind, parameters: p, importance: importance, inputs: inputs)
    let n = p.b.count
    let outputRows = kind.untied ? p.w2 : p.w
    let budget = budgetFraction * evaluator.meanInputNorm
    let cleanLoss = evaluator.cleanLoss
    var best = AdversarialAttack(
      feature: nil, budgetFraction: budgetFraction, budget: budget, direction: [Double](repeating: 0, count: n),
      cleanLoss: cleanLoss, attackedLoss: cleanLoss)
    // Every feature's row of the attack map, (W_out,i · W_j) over input features j, as a
    // unit direction; rows with zero norm are skipped.
    var features: [Int] = []
    var directions: [[Double]] = []
    for i in 0..<n {
      let row = p.w.map { wj in zip(outputRows[i], wj).reduce(0.0) { $0 + $1.0 * $1.1 } }
      let norm = row.reduce(0.0) { $0 + $1 * $1 }.squareRoot()
      guard norm >= .leastNormalMagnitude, norm.isFinite else { continue }
      features.append(i)
      directions.append(row.map { $0 / norm })
    }
    let attacked = evaluator.losses(directions: directions, budgetFraction: budgetFraction)
    for (index, i) in features.enumerated() where best.feature == nil || attacked[index] > best.attackedLoss {
      best = AdversarialAttack(
        feature: i, budgetFraction: budgetFraction, budget: budget, direction: directions[index],
        cleanLoss: cleanLoss, attackedLoss: attacked[index])
    }
    return best
  }
}

extension ToyModel {
  /// The analytic attack on an instance, on the first `samples` rows of its fixed
  /// evaluation batch, each input moved by `budgetFraction` × its own norm.
  public func adversarialAttack(
    instance: Int, samples: Int = 16_384, budgetFraction: Double = AdversarialAttack.paperBudgetFraction
  ) -> AdversarialAttack {
    AdversarialAttack.strongest(
      kind: kind, parameters: referenceParameters(instance: instance),
      importance: importance(instance: instance).map(Double.init),
      inputs: evaluationSamples(instance: instance, count: samples), budgetFraction: budgetFraction)
  }

  /// (L′ − L)/(L′₀ − L₀): how much more the attack hurts this instance than its
  /// `orthogonalBaseline`, both measured on the same batch with the same budget.
  ///
  /// 1 for the baseline itself; it rises sharply as superposition forms. Defined for the
  /// tied kinds only: nil for abs (no baseline), and nil when the baseline's loss does not
  /// rise under attack (every importance zero).
  public func vulnerability(
    instance: Int, samples: Int = 16_384, budgetFraction: Double = AdversarialAttack.paperBudgetFraction
  ) -> Double? {
    guard !kind.untied else { return nil }
    let inputs = evaluationSamples(instance: instance, count: samples)
    let importance = importance(instance: instance).map(Double.init)
    let attack = AdversarialAttack.strongest(
      kind: kind, parameters: referenceParameters(instance: instance), importance: importance,
      inputs: inputs, budgetFraction: budgetFraction)
    let (weights, bias) = orthogonalBaselineParameters(instance: instance)
    let baselineParameters = ReferenceKernel.Parameters(
      w: weights.map { $0.map(Double.init) }, b: bias.map(Double.init))
    let reference = AdversarialAttack.strongest(
      kind: kind, parameters: baselineParameters, importance: importance,
      inputs: inputs, budgetFraction: budgetFraction)
    guard reference.lossIncrease > 0 else { return nil }
    return attack.lossIncrease / reference.lossIncrease
  }

  /// One instance's parameters in Double, in the reference kernel's form.
  func referenceParameters(instance: Int) -> ReferenceKernel.Parameters {
    let toDouble = { (rows: [[Float]]) in rows.map { $0.map(Double.init) } }
    return ReferenceKernel.Parameters(
      w: toDouble(weights(instance: instance)),
      w2: kind.untied ? toDouble(outputWeights(instance: instance)) : [],
      b: bias(instance: instance).map(Double.init))
  }
}
