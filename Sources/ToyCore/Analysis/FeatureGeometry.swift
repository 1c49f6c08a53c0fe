/// The geometry of one instance's stored feature directions: norms, interference,
/// superposition and dimensionality (paper §1 "Measurements", §3.5).
///
/// Every measurement the figures colour or plot derives from the Gram matrix of the rows
/// W_i, so it is computed once, in Double, and the rest read from it. Shapes: F = n
/// features, H = m hidden dimensions; `rows` is F×H (row i = feature i's direction; for
/// the abs model, the input weights, i.e. W₁ transposed).
///
///     let g = FeatureGeometry(rows: [[1, 0], [-1, 0]])
///     g.dimensionality  // [0.5, 0.5]: an antipodal pair shares one dimension
public struct FeatureGeometry: Sendable, Equatable {
  /// Rows shorter than this count as not represented, and their superposition and
  /// dimensionality are 0. A feature's own output through its direction is ‖W_i‖²x_i, so
  /// below 0.1 under 1% of it comes back: nothing of it is stored, and there is no direction
  /// of its own for the others to interfere in. Trained models leave dropped features at
  /// norms of 1e-3 to 0.05, where Ŵ_i is a random direction: measured there, superposition
  /// would read 1–3 and D_i a ratio of rounding noise.
  public static let representedNorm = 0.1

  /// The rows the measurements describe, F×H.
  public let rows: [[Double]]
  /// m, the number of hidden dimensions (the rows' length).
  public let hiddenCount: Int
  /// ‖W_i‖ for each feature.
  public let norms: [Double]
  /// WᵀW: entry (i, j) is W_i·W_j, so the diagonal holds the squared norms.
  public let interference: [[Double]]
  /// Σ_{j≠i}(Ŵ_i·W_j)²: 0 when no other feature reads along W_i, ≥ 1 when the others
  /// excite direction i as much as feature i does. 0 for a row below `representedNorm` (not
  /// represented).
  public let superposition: [Double]
  /// D_i = ‖W_i‖²/Σ_j(Ŵ_i·W_j)², j including i: 1 for a feature with its own dimension,
  /// 1/k for k parallel features, d/N in an N-vector tight frame in d dimensions.
  /// 0 for a row below `representedNorm` (not represented; the formula tends to 0/0).
  public let dimensionality: [Double]

  /// Measures `rows` (F×H); `hiddenCount` defaults to the rows' length.
  public init(rows: [[Double]], hiddenCount: Int? = nil) {
    let n = rows.count
    let m = hiddenCount ?? rows.first?.count ?? 0
    var gram = [[Double]](repeating: [Double](repeating: 0, count: n), count: n)
    for i in 0..<n {
      for j in i..<n {
        var dot = 0.0
        for k in rows[i].indices { dot += rows[i][k] * rows[j][k] }
        gram[i][j] = dot
        gram[j][i] = dot
      }
    }
    var superposition = [Double](repeating: 0, count: n)
    var dimensionality = [Double](repeating: 0, count: n)
    let norms = (0..<n).map { gram[$0][$0].squareRoot() }
    for i in 0..<n where norms[i] >= Self.representedNorm {
      let squaredNorm = gram[i][i]
      // (Ŵ_i·W_j)² = (W_i·W_j)²/‖W_i‖².
      var others = 0.0
      for j in 0..<n where j != i { others += gram[i][j] * gram[i][j] }
      superposition[i] = others / squaredNorm
      dimensionality[i] = squaredNorm / (superposition[i] + squaredNorm)
    }
    self.rows = rows
    self.hiddenCount = m
    self.norms = norms
    self.interference = gram
    self.superposition = superposition
    self.dimensionality = dimensionality
  }

  /// √superposition, the notebook's and ARENA's colour scale.
  public var polysemanticity: [Double] { superposition.map { $0.squareRoot() } }

  /// ‖W‖_F² = Σ‖W_i‖², roughly the number of features learned.
  public var frobeniusSquared: Double { norms.reduce(0) { $0 + $1 * $1 } }

  /// D* = m/‖W‖_F², the dimensions each learned feature gets; infinite when W = 0.
  public var dimensionsPerFeature: Double { Double(hiddenCount) / frobeniusSquared }
}

extension ToyModel {
  /// The geometry of an instance's stored rows W_i (for abs, the input weights W₁ᵀ).
  public func geometry(instance: Int) -> FeatureGeometry {
    FeatureGeometry(rows: weights(instance: instance).map { $0.map(Double.init) }, hiddenCount: m)
  }
}
