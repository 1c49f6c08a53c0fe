extension ToyModel {
  /// Each feature's output when it is the only one active: x'_i for the input x = e_i
  /// (feature i at 1, the others at 0), from the models' equations in Double.
  ///
  /// A quick check of what the model keeps: near 1 for a feature it represents alone, its
  /// bias (0 after a negative bias meets the ReLU) for one it drops, and between the two for
  /// a feature it stores in part. For the tied kinds without a hidden ReLU this is
  /// W_i·W_i + b_i (through the output ReLU for relu); with a hidden ReLU the weights below 0
  /// drop out on the way, so it is read from the forward pass for every kind.
  ///
  ///     // relu, W_i = [0.6, 0.8], b_i = −0.5: ReLU(1 − 0.5) = 0.5
  public func recovery(instance: Int) -> [Double] {
    let parameters = referenceParameters(instance: instance)
    return (0..<n).map { i in
      var x = [Double](repeating: 0, count: n)
      x[i] = 1
      return ReferenceKernel.forward(kind: kind, parameters, x).0[i]
    }
  }
}
