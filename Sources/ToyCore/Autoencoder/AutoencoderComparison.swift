extension SparseAutoencoder {
  /// The mean max cosine similarity (MMCS) of one dictionary against another: for each row of
  /// `dictionary` of length at least 1e-6, the largest signed cosine with a row of `reference`,
  /// averaged over those rows; nil when no row is that long or `reference` is empty.
  ///
  /// Sharkey et al. compare each dictionary with the next larger one trained on the same data:
  /// while both are no larger than the number of features the model represents, the smaller
  /// one's latents all reappear in the larger (MMCS near 1); past that number the larger
  /// dictionary splits or adds directions and the MMCS falls. Rows need not be unit length.
  ///
  ///     SparseAutoencoder.meanMaxCosine([[1, 0], [0, 1]], against: [[1, 0], [1, 1]])  // (1 + 0.707) / 2
  public static func meanMaxCosine(_ dictionary: [[Double]], against reference: [[Double]]) -> Double? {
    func unit(_ row: [Double]) -> [Double]? {
      let norm = row.reduce(0) { $0 + $1 * $1 }.squareRoot()
      return norm >= 1e-6 && norm.isFinite ? row.map { $0 / norm } : nil
    }
    let others = reference.compactMap(unit)
    guard !others.isEmpty else { return nil }
    let best = dictionary.compactMap(unit).map { row in
      others.map { other in zip(row, other).reduce(0) { $0 + $1.0 * $1.1 } }.max() ?? 0
    }
    return best.isEmpty ? nil : best.reduce(0, +) / Double(best.count)
  }
}
