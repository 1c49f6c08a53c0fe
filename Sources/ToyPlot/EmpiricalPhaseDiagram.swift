/// The trained models' phase diagram in the paper's colouring: per point the extra feature's
/// norm ‖W_extra‖ (saturation, clamped to [0, 1]) and its superposition Σ_{j≠extra}(Ŵ_extra·W_j)²
/// (hue: blue at 0 to red at ≥ 1). Without colour a glyph ramp shows the norm, with letters
/// that match `PhaseDiagram.Category.paper`: `.` and `:` below 0.25 and 0.5, then `d` `D` for
/// a feature with superposition below 0.5 and `s` `S` for one above.
public struct EmpiricalPhaseDiagram: Plot {
  public var title: String?
  /// The extra feature's norm per point, row 0 at the top; NaN means no data.
  public var norm: [[Double]]
  /// The extra feature's superposition per point, the same shape as `norm`.
  public var superposition: [[Double]]
  public var axes: PhaseAxes

  public init(norm: [[Double]], superposition: [[Double]], axes: PhaseAxes = .paper, title: String? = nil) {
    self.norm = norm
    self.superposition = superposition
    self.axes = axes
    self.title = title
  }

  /// The paper's colour of a point: hue from blue (superposition 0) through purple to red
  /// (superposition ≥ 1), saturation the norm, at a value that leaves "no weight" light grey.
  public static func color(norm: Double, superposition: Double) -> RGB {
    let saturation = norm.isFinite ? max(0, min(1, norm)) : 0
    let redness = superposition.isFinite ? max(0, min(1, superposition)) : 0
    let value = 0.85
    // Hue 240° (blue) to 360° (red) through 300° (magenta): red rises, then blue falls.
    let red = min(1, 2 * redness)
    let blue = min(1, 2 - 2 * redness)
    let grey = value * (1 - saturation)
    return RGB(unit: grey + (value - grey) * red, grey, grey + (value - grey) * blue)
  }

  /// The glyph of a point without colour (see the type's summary).
  static func glyph(norm: Double, superposition: Double) -> Character {
    guard norm.isFinite else { return "?" }
    if norm < 0.25 { return "." }
    if norm < 0.5 { return ":" }
    let shared = superposition.isFinite && superposition >= 0.5
    if norm < 0.75 { return shared ? "s" : "d" }
    return shared ? "S" : "D"
  }

  var frame: PhaseFrame {
    PhaseFrame(axes: axes, columns: norm.map(\.count).max() ?? 0, rows: norm.count, title: title)
  }

  /// The mean norm and superposition over a block's finite points; NaN when there are none.
  func average(_ block: PhaseFrame.Block) -> (norm: Double, superposition: Double) {
    var sums = (0.0, 0.0)
    var count = 0
    for row in block.rows {
      for column in block.columns where column < norm[row].count {
        let n = norm[row][column]
        let s = row < superposition.count && column < superposition[row].count ? superposition[row][column] : .nan
        guard n.isFinite else { continue }
        sums.0 += n
        sums.1 += s.isFinite ? s : 0
        count += 1
      }
    }
    guard count > 0 else { return (.nan, .nan) }
    return (sums.0 / Double(count), sums.1 / Double(count))
  }

  public func textGrid(_ options: TextOptions) -> TextGrid {
    frame.textGrid(options, legend: legendGrids(options), method: "the average of its points") { block in
      guard let block else { return PhaseFrame.noData(options) }
      let point = average(block)
      guard point.norm.isFinite else { return PhaseFrame.noData(options) }
      if options.color {
        return Cell(" ", background: Self.color(norm: point.norm, superposition: point.superposition))
      }
      return Cell(Self.glyph(norm: point.norm, superposition: point.superposition))
    }
  }

  /// Colour: a hue ramp for superposition and a saturation ramp for the norm. Without
  /// colour: what each glyph means.
  func legendGrids(_ options: TextOptions) -> [TextGrid] {
    if !options.color {
      let atLeast = options.ascii ? ">=" : "≥"
      // Short lines: the panel is often half a terminal wide, and a legend is not cut.
      return [
        TextGrid(lines: ["norm: . <0.25  : <0.5"]),
        TextGrid(lines: ["      d s <0.75  D S \(atLeast)0.75"]),
        TextGrid(lines: ["superposition: d D <0.5, s S \(atLeast)0.5"]),
      ]
    }
    func ramp(_ label: String, _ end: String, _ color: (Double) -> RGB) -> TextGrid {
      let steps = 10
      var grid = TextGrid(width: label.count + steps + end.count, height: 1)
      grid.write(label, x: 0, y: 0)
      for i in 0..<steps {
        grid[label.count + i, 0] = Cell(" ", background: color(Double(i) / Double(steps - 1)))
      }
      grid.write(end, x: label.count + steps, y: 0)
      return grid
    }
    return [
      ramp("hue: superposition 0 ", " \(options.ascii ? ">=" : "≥")1") { Self.color(norm: 1, superposition: $0) },
      ramp("saturation: norm   0 ", " 1") { Self.color(norm: $0, superposition: 0) },
    ]
  }

  public func svg(_ style: SVGStyle) -> SVGWriter {
    let steps = 6
    let s = style.textScale
    let size = 14.0 * s
    return frame.svg(legendHeight: 14 * steps + 30, style: style) { block in
      let point = average(block)
      return point.norm.isFinite ? Self.color(norm: point.norm, superposition: point.superposition) : nil
    } legend: { svg, y in
      // A key: norm across, superposition down.
      let left = PhaseFrame.svgLeft(style) + 90 * s
      for i in 0..<steps {
        for j in 0..<steps {
          let color = Self.color(norm: Double(i) / Double(steps - 1), superposition: Double(j) / Double(steps - 1))
          svg.rect(
            x: left + size * Double(i), y: y + size * Double(j), width: size, height: size, fill: color, area: true)
        }
      }
      let side = size * Double(steps)
      svg.frame(x: left, y: y, width: side, height: side)
      svg.text("norm 0 → 1", x: left + side / 2, y: y + side + 14 * s, anchor: .middle)
      svg.text("superposition", x: left - 30 * s, y: y + side / 2 + 4 * s, anchor: .end)
      svg.text("0", x: left - 6, y: y + 10 * s, anchor: .end)
      svg.text("≥ 1", x: left - 6, y: y + side - 3, anchor: .end)
    }
  }
}
