/// The four toy models of the paper.
///
/// In the equations W is m×n; toy stores it as the notebook does, per instance an
/// n×m array whose row i is feature i's direction.
public enum ModelKind: String, Sendable, CaseIterable, Codable {
  /// x' = WᵀWx + b
  case linear
  /// x' = ReLU(WᵀWx + b), the paper's main model.
  case relu
  /// h = ReLU(Wx), x' = ReLU(Wᵀh + b): a privileged hidden basis.
  case hiddenReLU = "hidden_relu"
  /// h = ReLU(W₁x), y' = ReLU(W₂h + b) with untied W₁, W₂; target |x|, inputs on [−1, 1].
  case abs

  /// Whether the hidden layer applies a ReLU.
  var hiddenReLU: Bool { self == .hiddenReLU || self == .abs }
  /// Whether the output applies a ReLU.
  var outputReLU: Bool { self != .linear }
  /// Whether W₁ and W₂ are separate parameters.
  public var untied: Bool { self == .abs }
  /// Whether inputs are uniform on [−1, 1] (else [0, 1]).
  public var signedInputs: Bool { self == .abs }
}

/// How the weights start. Biases always start at zero.
public enum Initialization: String, Sendable, CaseIterable, Codable {
  /// The notebook's `xavier_normal_` on the [I, n, m] tensor: std √(2/(m(n+I))), with I the
  /// number of settings (`ToyModel.settingCount`): seeds repeating a setting do not count, so
  /// without them it is the notebook's exactly.
  case notebookXavier = "xavier_notebook"
  /// Xavier per instance: std √(2/(n+m)).
  case instanceXavier = "xavier_instance"
  /// PyTorch's `kaiming_uniform_` on each [I, ·, ·] tensor (fan-in n·m): bound √(6/(nm)).
  case kaimingUniform = "kaiming_uniform"

  /// The default for a kind: Kaiming-uniform for abs (as ARENA), the notebook's Xavier otherwise.
  public static func standard(for kind: ModelKind) -> Initialization {
    kind == .abs ? .kaimingUniform : .notebookXavier
  }
}
