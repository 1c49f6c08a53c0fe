/// The feature geometry in SVG: real arrows from the origin, index labels beyond the tips,
/// hidden states as translucent dots over the arrows (as ARENA draws them), axes through the origin.
extension VectorPlot {
  public func svg(_ style: SVGStyle) -> SVGWriter {
    let s = style.textScale
    let size = 320.0
    let margin = 20.0
    let top = title?.isEmpty == false ? 36.0 * s : 12.0
    let extent = self.extent
    let scale = (size / 2 - margin) / extent
    let (cx, cy) = (size / 2, top + size / 2)
    let atOrigin = arrows.arrows.filter { isAtOrigin($0, extent: extent) }.map(\.index)
    let shown = arrows.arrows.filter { !isAtOrigin($0, extent: extent) }
    let labels = labelSpots(shown, style: style, scale: scale, centre: (cx, cy))
    let notes =
      latentKey(how: "red, dashed")
      + self.notes(atOrigin: atOrigin, unlabelled: labels.unlabelled, hiddenOutside: hiddenOutside(extent))
    let latents = latentArrows.filter {
      !isAtOrigin(Arrow(index: $0.index, x: $0.x, y: $0.y, rank: 0), extent: extent)
    }
    var svg = SVGWriter(width: size, height: top + size + 16 * s * Double(notes.count) + 4, style: style)
    if let title, !title.isEmpty {
      svg.text(title, x: size / 2, y: 22 * s, size: 13, anchor: .middle, bold: true)
    }
    let reach = extent * scale
    // The axes are guides: thin, in the muted ink, under the arrows.
    svg.line(x1: cx - reach, y1: cy, x2: cx + reach, y2: cy, stroke: style.muted, width: 0.5)
    svg.line(x1: cx, y1: cy - reach, x2: cx, y2: cy + reach, stroke: style.muted, width: 0.5)
    for arrow in shown {
      svg.line(
        x1: cx, y1: cy, x2: cx + arrow.x * scale, y2: cy - arrow.y * scale, stroke: arrow.color(on: style.theme),
        width: 2,
        arrow: true)
    }
    // Latents over the features, dashed so that a feature's arrow shows through where a
    // latent lies on it.
    for latent in latents {
      svg.line(
        x1: cx, y1: cy, x2: cx + latent.x * scale, y2: cy - latent.y * scale,
        stroke: Self.latentColor(dead: latent.dead, on: style.theme), width: 1.5, dashed: true, arrow: true)
    }
    for (x, y) in hiddenPoints.points where abs(x) <= extent && abs(y) <= extent {
      svg.circle(x: cx + x * scale, y: cy - y * scale, radius: 1.5, fill: style.ink, opacity: 0.6)
    }
    // Labels in the arrows' order, so that the document reads as before; where each sits was
    // decided in `labelSpots`.
    var placed: [LabelBox] = []
    for arrow in shown {
      guard let spot = labels.spots[arrow.index] else { continue }
      placed.append(spot)
      svg.text(String(arrow.index), x: spot.x, y: spot.y, anchor: .middle)
    }
    for latent in latents {
      let norm = (latent.x * latent.x + latent.y * latent.y).squareRoot()
      let (ux, uy) = (latent.x / norm, latent.y / norm)
      let tipX = cx + latent.x * scale
      let tipY = cy - latent.y * scale + 4 * s
      var candidates: [LabelBox] = []
      for out in [14.0 * s, 26 * s, 38 * s, 50 * s] {
        for side in [0.0, 12 * s, -12 * s] {
          candidates.append(
            LabelBox(
              x: tipX + out * ux + side * uy, y: tipY - out * uy + side * ux,
              width: style.textWidth(latent.label.count), height: 12 * s))
        }
      }
      let spot = candidates.first { box in placed.allSatisfy { !$0.overlaps(box) } } ?? candidates[0]
      placed.append(spot)
      svg.text(
        latent.label, x: spot.x, y: spot.y, anchor: .middle,
        color: Self.latentColor(dead: latent.dead, on: style.theme))
    }
    for (i, note) in notes.enumerated() {
      svg.text(note, x: margin, y: top + size + 12 * s + 16 * s * Double(i), color: style.muted)
    }
    return svg
  }

  /// Where each arrow's label sits, beyond its tip; one that would cover another moves further
  /// out along its arrow, then to either side of it, and is left out (and listed) when every
  /// place is taken or `labelLimit` labels are placed. Arrows claim room in `labelOrder`: the
  /// important, then the long ones first.
  private func labelSpots(_ shown: [Arrow], style: SVGStyle, scale: Double, centre: (x: Double, y: Double)) -> (
    spots: [Int: LabelBox], unlabelled: [Int]
  ) {
    let s = style.textScale
    var spots: [Int: LabelBox] = [:]
    var placed: [LabelBox] = []
    var unlabelled: [Int] = []
    for arrow in Self.labelOrder(shown) {
      let norm = (arrow.x * arrow.x + arrow.y * arrow.y).squareRoot()
      let (ux, uy) = (arrow.x / norm, arrow.y / norm)
      let label = String(arrow.index)
      let tipX = centre.x + arrow.x * scale
      let tipY = centre.y - arrow.y * scale + 4 * s
      var candidates: [LabelBox] = []
      for out in [12.0 * s, 24 * s, 36 * s] {
        for side in [0.0, 10 * s, -10 * s] {
          let x: Double = tipX + out * ux + side * uy
          let y: Double = tipY - out * uy + side * ux
          candidates.append(LabelBox(x: x, y: y, width: style.textWidth(label.count), height: 12 * s))
        }
      }
      guard placed.count < Self.labelLimit,
        let spot = candidates.first(where: { box in placed.allSatisfy { !$0.overlaps(box) } })
      else {
        unlabelled.append(arrow.index)
        continue
      }
      placed.append(spot)
      spots[arrow.index] = spot
    }
    return (spots, unlabelled)
  }

  private func hiddenOutside(_ extent: Double) -> Int {
    hiddenPoints.points.filter { abs($0.0) > extent || abs($0.1) > extent }.count
  }
}

/// Where an SVG label sits (its centre's x, its baseline) and roughly how wide it is.
private struct LabelBox {
  var x: Double
  var y: Double
  var width: Double
  var height: Double

  func overlaps(_ other: LabelBox) -> Bool {
    abs(x - other.x) < (width + other.width) / 2 + 2 && abs(y - other.y) < max(height, other.height)
  }
}
