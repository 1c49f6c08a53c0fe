/// The 2-D feature geometry of a model with m = 2: an arrow from the origin to each W_i,
/// labelled with the feature's index (from 0, as in the heatmaps) and coloured by importance,
/// at equal aspect.
///
/// This is the paper's intro figure (§3.1): at 0% sparsity the two most important features
/// are orthogonal, at 80% the top four form two antipodal pairs, at 90% all five form a
/// pentagon. Equal aspect keeps those shapes true: a terminal cell is about twice as tall as
/// wide, so the text plot area has about twice as many columns as rows. The most important feature
/// is yellow (viridis), as in the notebook; without colour the index labels tell features
/// apart. `canonical` rotates and reflects a solution so panels compare at a glance, as the
/// paper does. Hidden states h of a batch can be drawn as points under the arrows, and a sparse
/// autoencoder's decoder directions as a second set of arrows over the features (see `latents`).
///
///     let pentagon = (0..<5).map { k in [cos(2 * .pi * Double(k) / 5), sin(2 * .pi * Double(k) / 5)] }
///     print(VectorPlot(pentagon, importance: [1, 0.9, 0.81, 0.73, 0.66]).plainText(TextOptions(width: 40)))
public struct VectorPlot: Plot {
  public var title: String?
  /// The rows W_i as (x, y); extra entries are ignored, rows with fewer than two or with
  /// non-finite entries are left out with a note.
  public var vectors: [[Double]]
  /// One importance per feature; nil (or a wrong count) means decreasing with the index.
  public var importance: [Double]?
  /// Hidden states h = W x of a batch, drawn as grey points under the arrows.
  public var hidden: [[Double]]
  /// Rotate so the most important represented feature (‖W_i‖ > 0.5) points right, and
  /// reflect so the next represented one that is not on that line lies above it.
  public var canonical: Bool
  /// The axes run over ±`limit` (widened to fit the longest arrow).
  public var limit: Double
  /// A sparse autoencoder's decoder directions (unit rows of the dictionary), drawn over the
  /// features in another colour and style and labelled L0, L1, …: which feature each latent
  /// found. They turn with the features under `canonical`.
  public var latents: [[Double]]
  /// Latents that never fire on the measuring batch: drawn faint, and listed in a note.
  public var deadLatents: Set<Int>
  /// The number each row is labelled and listed by, when the rows are a selection of a
  /// larger set (the longest of many); nil (or a wrong count) means its position.
  public var indices: [Int]?

  public init(
    _ vectors: [[Double]], importance: [Double]? = nil, hidden: [[Double]] = [], canonical: Bool = false,
    limit: Double = 1.5, latents: [[Double]] = [], deadLatents: Set<Int> = [], indices: [Int]? = nil,
    title: String? = nil
  ) {
    self.vectors = vectors
    self.indices = indices
    self.latents = latents
    self.deadLatents = deadLatents
    self.importance = importance
    self.hidden = hidden
    self.canonical = canonical
    self.limit = limit
    self.title = title
  }

  /// A feature ready to draw: its index, its position, and its importance as t in [0, 1]
  /// (1 the most important).
  struct Arrow {
    var index: Int
    var x: Double
    var y: Double
    var rank: Double

    var color: RGB { Colormap.viridis.color(at: rank) }
    /// The colour on `theme`'s background (viridis clipped to the part that reads on it).
    func color(on theme: Theme?) -> RGB { Colormap.viridis.clipped(for: theme).color(at: rank) }
  }

  /// The features to draw, least important first so the most important ends on top, after
  /// the canonical transform if asked; plus how many rows could not be drawn.
  var arrows: (arrows: [Arrow], invalid: Int) {
    let ranks = self.ranks
    let transform = canonical ? Self.canonicalTransform(vectors, ranks: ranks) : .identity
    let names = indices?.count == vectors.count ? indices : nil
    var arrows: [Arrow] = []
    var invalid = 0
    for (i, row) in vectors.enumerated() {
      guard row.count >= 2, row[0].isFinite, row[1].isFinite else {
        invalid += 1
        continue
      }
      let (x, y) = transform.apply(row[0], row[1])
      arrows.append(Arrow(index: names?[i] ?? i, x: x, y: y, rank: ranks[i]))
    }
    arrows.sort { ($0.rank, $1.index) < ($1.rank, $0.index) }
    return (arrows, invalid)
  }

  /// The most labels a panel writes: past a score of arrows (hundreds of training examples
  /// around the origin) labels that do not overlap still cover the arrows, and read as a
  /// cloud of numbers. The rest are listed in a note.
  static let labelLimit = 20

  /// The order in which arrows claim room for their labels: the most important first, and
  /// among equally important ones the longest first, so that when labels crowd the arrows
  /// that stand out keep theirs. Both renderings leave out a label that would overlap one
  /// already placed, and every label past `labelLimit`.
  static func labelOrder(_ arrows: [Arrow]) -> [Arrow] {
    arrows.sorted { a, b in
      if a.rank != b.rank { return a.rank > b.rank }
      let (la, lb) = (a.x * a.x + a.y * a.y, b.x * b.x + b.y * b.y)
      if la != lb { return la > lb }
      return a.index < b.index
    }
  }

  /// The hidden states to draw (after the canonical transform), and how many are not finite.
  var hiddenPoints: (points: [(Double, Double)], invalid: Int) {
    let transform = canonical ? Self.canonicalTransform(vectors, ranks: ranks) : .identity
    var points: [(Double, Double)] = []
    for row in hidden where row.count >= 2 && row[0].isFinite && row[1].isFinite {
      points.append(transform.apply(row[0], row[1]))
    }
    return (points, hidden.count - points.count)
  }

  /// Each feature's importance as t in [0, 1], 1 the most important: linear in the given
  /// importances (all 1 when they are equal), else decreasing with the index.
  var ranks: [Double] {
    let n = vectors.count
    guard let importance, importance.count == n, n > 0 else {
      return (0..<n).map { n > 1 ? 1 - Double($0) / Double(n - 1) : 1 }
    }
    let finite = importance.filter(\.isFinite)
    guard let low = finite.min(), let high = finite.max(), high > low else {
      return importance.map { $0.isFinite ? 1 : 0 }
    }
    return importance.map { $0.isFinite ? ($0 - low) / (high - low) : 0 }
  }

  /// Whether an arrow is too short to draw, under 6% of the axes' half-width: both renderings
  /// leave it out and list it as at the origin, so that they agree on which features those are.
  func isAtOrigin(_ arrow: Arrow, extent: Double) -> Bool {
    (arrow.x * arrow.x + arrow.y * arrow.y).squareRoot() < 0.06 * extent
  }

  /// The half-width of the axes: `limit`, or more when an arrow reaches further.
  var extent: Double {
    let reach =
      (arrows.arrows.map { max(abs($0.x), abs($0.y)) } + latentArrows.map { max(abs($0.x), abs($0.y)) })
      .max() ?? 0
    let base = limit.isFinite && limit > 0 ? limit : 1.5
    return max(base, reach * 1.1)
  }

  /// Feature indices in order, the first eight and a count of the rest, so that notes stay short.
  static func list(_ indices: [Int]) -> String {
    let sorted = indices.sorted()
    let shown = sorted.prefix(8).map(String.init).joined(separator: ", ")
    return sorted.count > 8 ? shown + ", ... (\(sorted.count - 8) more)" : shown
  }

  /// Notes for what is not drawn.
  func notes(atOrigin: [Int], unlabelled: [Int], hiddenOutside: Int, latentsUnlabelled: [Int] = []) -> [String] {
    var notes: [String] = []
    let invalid = self.arrows.invalid
    if vectors.isEmpty { notes.append("no features") }
    if invalid > 0 { notes.append("\(invalid) feature\(invalid == 1 ? "" : "s") not shown (NaN, infinite or not 2-D)") }
    if !atOrigin.isEmpty {
      notes.append("at the origin: " + Self.list(atOrigin))
    }
    if !unlabelled.isEmpty {
      notes.append("labels left out: " + Self.list(unlabelled))
    }
    let hiddenInvalid = hiddenPoints.invalid
    if hiddenInvalid > 0 {
      notes.append("\(hiddenInvalid) hidden state\(hiddenInvalid == 1 ? "" : "s") not shown (NaN or infinite)")
    }
    if hiddenOutside > 0 {
      notes.append(
        "\(hiddenOutside) hidden state\(hiddenOutside == 1 ? "" : "s") outside ±\(Ticks.label(extent)) not shown")
    }
    return notes + latentNotes(unlabelled: latentsUnlabelled)
  }
}

extension VectorPlot {
  /// A rotation by the unit vector (c, s) followed, if `flip`, by a reflection in the x axis.
  struct Transform {
    var c: Double
    var s: Double
    var flip: Bool

    static let identity = Transform(c: 1, s: 0, flip: false)

    func apply(_ x: Double, _ y: Double) -> (Double, Double) {
      let rotated = (c * x + s * y, -s * x + c * y)
      return (rotated.0, flip ? -rotated.1 : rotated.1)
    }
  }

  /// The transform that puts a solution in canonical orientation: the most important
  /// represented feature (norm > 0.5) along +x, the next represented one off that line above
  /// it. Ties in importance go to the lower index. Identity when nothing is represented.
  static func canonicalTransform(_ vectors: [[Double]], ranks: [Double]) -> Transform {
    let represented = vectors.indices.filter { i in
      let row = vectors[i]
      guard row.count >= 2, row[0].isFinite, row[1].isFinite else { return false }
      return (row[0] * row[0] + row[1] * row[1]).squareRoot() > 0.5
    }
    let order = represented.sorted { (ranks[$0], $1) > (ranks[$1], $0) }
    guard let first = order.first else { return .identity }
    let (x, y) = (vectors[first][0], vectors[first][1])
    let norm = (x * x + y * y).squareRoot()
    var transform = Transform(c: x / norm, s: y / norm, flip: false)
    for i in order.dropFirst() {
      let (_, ry) = transform.apply(vectors[i][0], vectors[i][1])
      if abs(ry) > 1e-6 {
        transform.flip = ry < 0
        break
      }
    }
    return transform
  }

  /// `vectors` in canonical orientation (see `canonical`), e.g. to compare solutions.
  public static func canonical(_ vectors: [[Double]], importance: [Double]? = nil) -> [[Double]] {
    VectorPlot(vectors, importance: importance, canonical: true).drawnVectors
  }

  /// The rows as the plot draws them: after the canonical transform when `canonical`, else as
  /// given, so that numbers read beside the picture (angles, which feature points where)
  /// match it.
  public var drawnVectors: [[Double]] {
    let transform = canonical ? Self.canonicalTransform(vectors, ranks: ranks) : .identity
    return vectors.map { row in
      guard row.count >= 2 else { return row }
      let (x, y) = transform.apply(row[0], row[1])
      return [x, y] + row.dropFirst(2)
    }
  }
}
