/// Line plots in SVG: one polyline per unbroken run of points, isolated points as dots.
/// Long series (a loss per step) are thinned to points at least half a pixel apart.
extension LinePlot {
  public func svg(_ style: SVGStyle) -> SVGWriter {
    func color(of index: Int) -> RGB { self.color(of: index, theme: style.theme) }
    let legend = series.indices.filter { !series[$0].name.isEmpty }.map {
      XYFrame.SVGLegendItem(
        name: series[$0].name, color: color(of: $0), opacity: series[$0].faint ? Self.faintOpacity : 1)
    }
    // Faint series first, so that the others are drawn over them.
    let order = series.indices.filter { series[$0].faint } + series.indices.filter { !series[$0].faint }
    return frame.svg(title: title, legend: legend, notes: notes, style: style) { svg, layout in
      for index in order {
        let (width, opacity) = series[index].faint ? (1.0, Self.faintOpacity) : (1.5, 1.0)
        var run: [(Double, Double)] = []
        func flush() {
          if run.count == 1 {
            svg.circle(x: run[0].0, y: run[0].1, radius: 2, fill: color(of: index), opacity: opacity)
          }
          svg.polyline(points: run, stroke: color(of: index), width: width, opacity: opacity)
          run = []
        }
        for (x, y) in zip(series[index].x, series[index].y) {
          guard shows(x, y), let p = layout.point(x, y) else {
            flush()
            continue
          }
          if series[index].dots { svg.circle(x: p.0, y: p.1, radius: 3, fill: color(of: index), opacity: opacity) }
          // Points closer than half a pixel to the last one kept add nothing but bytes.
          if let last = run.last, abs(last.0 - p.0) < 0.5, abs(last.1 - p.1) < 0.5 { continue }
          run.append(p)
        }
        flush()
      }
      // Point labels above right of their points, or in the next free place around them.
      var placed: [(x: Double, y: Double, width: Double)] = []
      let height = 11 * svg.style.textScale
      for index in order {
        let s = series[index]
        for (k, (x, y)) in zip(s.x, s.y).enumerated() where k < s.labels.count && !s.labels[k].isEmpty {
          guard shows(x, y), let p = layout.point(x, y) else { continue }
          let width = SVGWriter.estimatedWidth(of: s.labels[k], size: svg.style.font(10))
          let spots = [(6.0, -6.0), (6, 6 + height), (-6 - width, -6), (-6 - width, 6 + height), (6, -6 - height)]
            .map { (x: p.0 + $0.0, y: p.1 + $0.1, width: width) }
          let free = spots.first { spot in
            spot.x >= 0 && spot.x + spot.width <= svg.width
              && placed.allSatisfy {
                abs(($0.x + $0.width / 2) - (spot.x + width / 2)) > ($0.width + width) / 2
                  || abs($0.y - spot.y) >= height
              }
          }
          let spot = free ?? spots.first { $0.x >= 0 && $0.x + $0.width <= svg.width } ?? spots[0]
          placed.append(spot)
          svg.text(s.labels[k], x: spot.x, y: spot.y, size: 10, color: color(of: index))
        }
      }
    }
  }
}
