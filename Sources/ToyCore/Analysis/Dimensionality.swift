/// Dimensionality of a set of vectors without their Gram matrix: D_i = ‖v_i‖²/Σ_j(v̂_i·v_j)²,
/// j including i (paper §1 "Measurements"). Henighan et al. 2023 measure a training set's
/// hidden vectors h_t = Wx_t with the same formula as the features' rows W_i.
///
/// `FeatureGeometry` keeps the whole F×F Gram matrix for its figures; at ten thousand
/// features or examples that is 800 MB, so this computes each row's sum on the fly in
/// O(N²·H) time and O(N·H) memory. Shapes: N = vectors, H = their length.
///
///     Dimensionality.of([[1, 0], [-1, 0], [0, 1]])  // [0.5, 0.5, 1]
public enum Dimensionality {
  /// D_i of each vector; 0 for a vector shorter than `floor` (no direction of its own).
  public static func of(_ vectors: [[Double]], floor: Double = FeatureGeometry.representedNorm) -> [Double] {
    let count = vectors.count
    let length = vectors.first?.count ?? 0
    var flat = [Double](repeating: 0, count: count * length)
    for (i, v) in vectors.enumerated() { for k in 0..<length { flat[i * length + k] = v[k] } }
    return flat.withUnsafeBufferPointer { v in
      (0..<count).map { i -> Double in
        var squaredNorm = 0.0
        for k in 0..<length { squaredNorm += v[i * length + k] * v[i * length + k] }
        guard squaredNorm.squareRoot() >= floor else { return 0 }
        var sum = 0.0
        for j in 0..<count {
          var dot = 0.0
          for k in 0..<length { dot += v[i * length + k] * v[j * length + k] }
          sum += dot * dot
        }
        // Σ_j(v̂_i·v_j)² = Σ_j(v_i·v_j)²/‖v_i‖².
        return squaredNorm * squaredNorm / sum
      }
    }
  }
}

extension ToyModel {
  /// D_i of an instance's feature rows W_i (as `FeatureGeometry.dimensionality`).
  public func featureDimensionality(instance: Int) -> [Double] {
    Dimensionality.of(weights(instance: instance).map { $0.map(Double.init) })
  }

  /// D_t of the hidden vectors of an instance's training examples (empty without a set).
  public func dataDimensionality(instance: Int) -> [Double] {
    Dimensionality.of(trainingHiddenVectors(instance: instance))
  }
}
