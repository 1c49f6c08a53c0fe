/// What each hidden neuron reads and writes, for the models with a privileged hidden basis
/// (hidden ReLU §3.10, abs §3.11).
///
/// With a ReLU on the hidden layer, neurons are no longer an arbitrary rotation of the
/// hidden space, so the question "which features does neuron k carry" has an answer: column
/// k of the stored W. The stack plots and the abs neuron pictures are drawn from these.
/// For the kinds without a hidden ReLU the columns exist but depend on an arbitrary basis.
public struct NeuronWeights: Sendable, Equatable {
  /// The neuron's index k.
  public let neuron: Int
  /// Each feature's weight into the neuron: column k of the stored W (W₁ᵀ for abs).
  public let input: [Double]
  /// Each feature's weight out of the neuron: column k of W₂ for abs, `input` for tied kinds.
  public let output: [Double]

  public init(neuron: Int, input: [Double], output: [Double]) {
    self.neuron = neuron
    self.input = input
    self.output = output
  }

  /// The feature with the largest |input weight| (the lower index on ties), nil for a dead
  /// neuron whose input weights are all zero.
  public var dominantFeature: Int? {
    var best: (feature: Int, magnitude: Double)?
    for (f, weight) in input.enumerated() where Swift.abs(weight) > (best?.magnitude ?? 0) {
      best = (f, Swift.abs(weight))
    }
    return best?.feature
  }

  /// The same neuron rescaled so its largest |input weight| is 1, output weights scaled
  /// inversely: an untied model computes the same function (ReLU(αz) = αReLU(z) for α > 0),
  /// so §3.11 displays neurons this way. Unchanged for a dead neuron.
  public var normalized: NeuronWeights {
    guard let f = dominantFeature else { return self }
    let scale = Swift.abs(input[f])
    return NeuronWeights(neuron: neuron, input: input.map { $0 / scale }, output: output.map { $0 * scale })
  }

  /// Neuron indices ordered by the importance of their dominant feature, most important
  /// first (§3.11); ties go to the larger |weight|, then the lower index; dead neurons last.
  public static func orderedByImportance(_ neurons: [NeuronWeights], importance: [Double]) -> [Int] {
    func key(_ neuron: NeuronWeights) -> (importance: Double, weight: Double)? {
      neuron.dominantFeature.map { (importance[$0], Swift.abs(neuron.input[$0])) }
    }
    return neurons.sorted { a, b in
      switch (key(a), key(b)) {
      case (nil, nil): return a.neuron < b.neuron
      case (nil, _): return false
      case (_, nil): return true
      case (let ka?, let kb?):
        if ka.importance != kb.importance { return ka.importance > kb.importance }
        if ka.weight != kb.weight { return ka.weight > kb.weight }
        return a.neuron < b.neuron
      }
    }.map(\.neuron)
  }
}

extension ToyModel {
  /// Every hidden neuron's input and output weights for an instance, neuron k at index k.
  public func neuronWeights(instance: Int) -> [NeuronWeights] {
    let input = weights(instance: instance)
    let output = outputWeights(instance: instance)
    return (0..<m).map { k in
      NeuronWeights(neuron: k, input: input.map { Double($0[k]) }, output: output.map { Double($0[k]) })
    }
  }

  /// An instance's neuron indices, most important dominant feature first (§3.11).
  public func neuronOrder(instance: Int) -> [Int] {
    NeuronWeights.orderedByImportance(
      neuronWeights(instance: instance), importance: importance(instance: instance).map(Double.init))
  }
}
