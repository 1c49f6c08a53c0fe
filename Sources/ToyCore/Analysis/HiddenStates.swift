extension ToyModel {
  /// The hidden activations h of an instance for the first `count` samples of its fixed
  /// evaluation batch (after the ReLU for the kinds with one), from the models' equations.
  public func hiddenStates(instance: Int, count: Int) -> [[Double]] {
    let parameters = referenceParameters(instance: instance)
    return evaluationSamples(instance: instance, count: count).map { x in
      ReferenceKernel.forward(kind: kind, parameters, x.map(Double.init)).1
    }
  }
}
