/// The feature geometry in SVG: real arrows from the origin, index labels beyond the tips,
/// hidden states as faint grey dots over the arrows (as ARENA draws them), axes through the origin.
extension VectorPlot {
  public func svg() -> SVGWriter {
    let size = 320.0
    let margin = 20.0
    let top = title?.isEmpty == false ? 36.0 : 12.0
    let extent = self.extent
    let scale = (size / 2 - margin) / extent
    let (cx, cy) = (size / 2, top + size / 2)
    let atOrigin = arrows.arrows.filter { isAtOrigin($0, extent: extent) }.map(\.index)
    let notes = self.notes(atOrigin: atOrigin, unlabelled: [], hiddenOutside: hiddenOutside(extent))
    var svg = SVGWriter(width: size, height: top + size + 16 * Double(notes.count) + 4)
    if let title, !title.isEmpty {
      svg.text(title, x: size / 2, y: 22, size: 13, anchor: .middle, bold: true)
    }
    let reach = extent * scale
    svg.line(x1: cx - reach, y1: cy, x2: cx + reach, y2: cy, stroke: .lightGrey)
    svg.line(x1: cx, y1: cy - reach, x2: cx, y2: cy + reach, stroke: .lightGrey)
    let shown = arrows.arrows.filter { !isAtOrigin($0, extent: extent) }
    for arrow in shown {
      svg.line(
        x1: cx, y1: cy, x2: cx + arrow.x * scale, y2: cy - arrow.y * scale, stroke: arrow.printColor, width: 2,
        arrow: true)
    }
    for (x, y) in hiddenPoints.points where abs(x) <= extent && abs(y) <= extent {
      svg.circle(x: cx + x * scale, y: cy - y * scale, radius: 1.5, fill: .grey, opacity: 0.4)
    }
    // Labels beyond the tips; one that would cover another moves further out along its arrow,
    // then to either side of it.
    var placed: [LabelBox] = []
    for arrow in shown {
      let norm = (arrow.x * arrow.x + arrow.y * arrow.y).squareRoot()
      let (ux, uy) = (arrow.x / norm, arrow.y / norm)
      let label = String(arrow.index)
      let tipX = cx + arrow.x * scale
      let tipY = cy - arrow.y * scale + 4
      var candidates: [LabelBox] = []
      for out in [12.0, 24, 36] {
        for side in [0.0, 10, -10] {
          let x: Double = tipX + out * ux + side * uy
          let y: Double = tipY - out * uy + side * ux
          candidates.append(LabelBox(x: x, y: y, width: 7 * Double(label.count)))
        }
      }
      let spot = candidates.first { box in placed.allSatisfy { !$0.overlaps(box) } } ?? candidates[0]
      placed.append(spot)
      svg.text(label, x: spot.x, y: spot.y, anchor: .middle, color: RGB(60, 60, 60))
    }
    for (i, note) in notes.enumerated() {
      svg.text(note, x: margin, y: top + size + 12 + 16 * Double(i), color: .grey)
    }
    return svg
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

  func overlaps(_ other: LabelBox) -> Bool {
    abs(x - other.x) < (width + other.width) / 2 + 2 && abs(y - other.y) < 12
  }
}
