/// A sparse autoencoder's dictionary over the feature arrows: ARENA's picture of which
/// features each latent found. Features keep their arrows, index labels and importance colours;
/// latents are a second set of arrows in red (dashed in SVG, tipped `◆` in text), labelled
/// L0, L1, …, so that a latent lying on feature 3's arrow reads as "L2 found feature 3".
extension VectorPlot {
  /// A latent's decoder direction ready to draw (after the canonical transform).
  struct LatentArrow {
    var index: Int
    var x: Double
    var y: Double
    var dead: Bool

    var label: String { VectorPlot.latentLabel(index) }
  }

  /// How a latent is named in the picture and its notes.
  public static func latentLabel(_ index: Int) -> String { "L\(index)" }

  /// The red of live latents: apart from every viridis colour the features take.
  static let latentColor = RGB(214, 39, 40)

  /// A latent's colour on `theme`'s background: red, or grey when it is dead.
  static func latentColor(dead: Bool, on theme: Theme?) -> RGB {
    let color = dead ? RGB.grey : latentColor
    return theme?.readable(color) ?? color
  }

  /// The latents to draw, with the features' transform; rows that are not finite 2-D vectors
  /// are left out (the note counts them).
  var latentArrows: [LatentArrow] {
    let transform = canonical ? Self.canonicalTransform(vectors, ranks: ranks) : .identity
    return latents.enumerated().compactMap { j, row in
      guard row.count >= 2, row[0].isFinite, row[1].isFinite else { return nil }
      let (x, y) = transform.apply(row[0], row[1])
      return LatentArrow(index: j, x: x, y: y, dead: deadLatents.contains(j))
    }
  }

  /// The latents' rows as the plot draws them (turned with the features under `canonical`).
  public var drawnLatents: [[Double]] {
    let transform = canonical ? Self.canonicalTransform(vectors, ranks: ranks) : .identity
    return latents.map { row in
      guard row.count >= 2 else { return row }
      let (x, y) = transform.apply(row[0], row[1])
      return [x, y] + row.dropFirst(2)
    }
  }

  /// The key under a picture with latents, two lines: "L0–L4 (red, dashed): decoder
  /// directions" and "0–4: the features" (`how` says how latents are drawn). Empty without
  /// latents.
  func latentKey(how: String) -> [String] {
    guard !latents.isEmpty else { return [] }
    let latentRange = latents.count == 1 ? "L0" : "L0–L\(latents.count - 1)"
    let featureRange = vectors.count == 1 ? "0" : "0–\(vectors.count - 1)"
    return ["\(latentRange) (\(how)): decoder directions", "\(featureRange): the features"]
  }

  /// Notes on the latents: dead ones, unlabelled ones, rows that could not be drawn.
  func latentNotes(unlabelled: [Int]) -> [String] {
    var notes: [String] = []
    let invalid = latents.count - latentArrows.count
    if invalid > 0 { notes.append("\(invalid) latent\(invalid == 1 ? "" : "s") not shown (NaN, infinite or not 2-D)") }
    if !deadLatents.isEmpty {
      notes.append("dead (never fire, drawn grey): " + Self.latentList(Array(deadLatents)))
    }
    if !unlabelled.isEmpty { notes.append("latent labels left out: " + Self.latentList(unlabelled)) }
    return notes
  }

  /// Latent names in order, the first eight and a count of the rest.
  static func latentList(_ indices: [Int]) -> String {
    let sorted = indices.sorted()
    let shown = sorted.prefix(8).map(latentLabel).joined(separator: ", ")
    return sorted.count > 8 ? shown + ", ... (\(sorted.count - 8) more)" : shown
  }
}
