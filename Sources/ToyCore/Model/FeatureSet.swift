/// A group of consecutive features whose activity is linked, as the paper's §3.7 defines.
///
/// Features outside every set are independent: each is zero with probability S, else uniform.
public struct FeatureSet: Sendable, Hashable, Codable {
  public enum Relation: String, Sendable, Codable, CaseIterable {
    /// One draw decides whether the whole set is zero; non-zero values are independent.
    case correlated
    /// Zero with probability S; otherwise exactly one random member is active.
    case anticorrelated
  }

  public var relation: Relation
  /// The member features, consecutive, at least two.
  public var features: Range<Int>

  public init(_ relation: Relation, features: Range<Int>) {
    self.relation = relation
    self.features = features
  }
}
