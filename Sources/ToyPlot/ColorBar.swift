/// A colour bar: a strip of a colour map over a value range, with tick labels.
///
/// In colour the strip shows the map. Without colour it shows the glyph each value gets in
/// the plot, so the same rows explain the picture in plain text too: the legend of a glyph
/// ramp is the ramp itself drawn over its values.
struct ColorBar {
  var low: Double
  var high: Double
  var ticks: [Double]
  var color: (Double) -> RGB
  var glyph: (Double) -> Character
  /// A tick's label, when it is not the tick itself (a log bar's ticks are exponents).
  var label: ((Double) -> String)?

  /// The label written at `tick`.
  func tickLabel(_ tick: Double) -> String {
    label?(tick) ?? Ticks.label(tick, among: ticks)
  }

  /// Two rows `length` cells wide: the strip, then the tick labels under it.
  func text(length: Int, color useColor: Bool) -> TextGrid {
    let length = max(1, length)
    var grid = TextGrid(width: length, height: 2)
    for x in 0..<length {
      let v = value(at: x, length: length)
      grid[x, 0] = useColor ? Cell(" ", background: color(v)) : Cell(glyph(v))
    }
    var free = 0
    for tick in ticks where tick >= low && tick <= high {
      let label = tickLabel(tick)
      let centre = column(of: tick, length: length)
      let start = max(0, min(length - label.count, centre - (label.count - 1) / 2))
      guard start >= free, start + label.count <= length else { continue }
      grid.write(label, x: start, y: 1)
      free = start + label.count + 1
    }
    return grid
  }

  /// The value at the centre of strip cell `x`.
  func value(at x: Int, length: Int) -> Double {
    low + (high - low) * (Double(x) + 0.5) / Double(max(1, length))
  }

  /// The strip cell whose centre is nearest to `v`.
  func column(of v: Double, length: Int) -> Int {
    guard high > low else { return 0 }
    let position = (v - low) / (high - low) * Double(length) - 0.5
    return max(0, min(length - 1, Int(position.rounded())))
  }

  /// A vertical bar (low at the bottom) with tick labels on its right, drawn from 2-pixel
  /// bands, each but the lowest reaching a pixel into the one below: a viewer that scales the
  /// picture puts band edges between pixels, and abutting bands then left light seams.
  func draw(in svg: inout SVGWriter, x: Double, y: Double, width: Double, height: Int, title: String?) {
    let bands = max(1, height / 2)
    let s = svg.style.textScale
    for band in 0..<bands {
      let v = low + (high - low) * (Double(band) + 0.5) / Double(bands)
      svg.rect(
        x: x, y: y + Double(height - 2 * (band + 1)), width: width, height: band == 0 ? 2 : 3, fill: color(v),
        area: true)
    }
    svg.frame(x: x, y: y + Double(height - 2 * bands), width: width, height: Double(2 * bands))
    for tick in ticks where tick >= low && tick <= high {
      let fraction = high > low ? (tick - low) / (high - low) : 0.5
      let ty = y + Double(height) - fraction * Double(2 * bands)
      svg.line(x1: x + width, y1: ty, x2: x + width + 3, y2: ty, stroke: svg.style.ink)
      svg.text(tickLabel(tick), x: x + width + 5, y: ty + 3.5 * s, size: 10)
    }
    if let title { svg.text(title, x: x, y: y - 10 * s, size: 10) }
  }
}
