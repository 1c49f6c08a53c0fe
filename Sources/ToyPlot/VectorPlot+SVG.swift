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
    let notes = self.notes(atOrigin: atOriginInSVG(scale: scale), unlabelled: [], hiddenOutside: hiddenOutside(extent))
    var svg = SVGWriter(width: size, height: top + size + 16 * Double(notes.count) + 4)
    if let title, !title.isEmpty {
      svg.text(title, x: size / 2, y: 22, size: 13, anchor: .middle, bold: true)
    }
    let reach = extent * scale
    svg.line(x1: cx - reach, y1: cy, x2: cx + reach, y2: cy, stroke: .lightGrey)
    svg.line(x1: cx, y1: cy - reach, x2: cx, y2: cy + reach, stroke: .lightGrey)
    let shown = arrows.arrows.filter { ($0.x * $0.x + $0.y * $0.y).squareRoot() * scale >= 1 }
    for arrow in shown {
      svg.line(
        x1: cx, y1: cy, x2: cx + arrow.x * scale, y2: cy - arrow.y * scale, stroke: arrow.color, width: 2,
        arrow: true)
    }
    for (x, y) in hiddenPoints.points where abs(x) <= extent && abs(y) <= extent {
      svg.circle(x: cx + x * scale, y: cy - y * scale, radius: 1.5, fill: .grey, opacity: 0.4)
    }
    for arrow in shown {
      let norm = (arrow.x * arrow.x + arrow.y * arrow.y).squareRoot()
      let (ux, uy) = (arrow.x / norm, arrow.y / norm)
      svg.text(
        String(arrow.index), x: cx + arrow.x * scale + 12 * ux, y: cy - arrow.y * scale - 12 * uy + 4, anchor: .middle,
        color: RGB(60, 60, 60))
    }
    for (i, note) in notes.enumerated() {
      svg.text(note, x: margin, y: top + size + 12 + 16 * Double(i), color: .grey)
    }
    return svg
  }

  /// Features shorter than a pixel in SVG.
  private func atOriginInSVG(scale: Double) -> [Int] {
    arrows.arrows.filter { ($0.x * $0.x + $0.y * $0.y).squareRoot() * scale < 1 }.map(\.index)
  }

  private func hiddenOutside(_ extent: Double) -> Int {
    hiddenPoints.points.filter { abs($0.0) > extent || abs($0.1) > extent }.count
  }
}
