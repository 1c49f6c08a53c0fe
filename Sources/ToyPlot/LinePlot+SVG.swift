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
    }
  }
}
