/// The stack plot in text: half-block stacks in colour, feature codes without.
extension NeuronStackPlot {
  /// Columns for each neuron, blank columns between, and how many neurons fit.
  struct TextFit: Equatable {
    var width: Int
    var gap: Int
    var shown: Int
  }

  func fit(room: Int) -> TextFit {
    let neurons = neuronCount
    for (width, gap) in [(5, 1), (4, 1), (3, 1), (2, 1), (1, 1), (1, 0)]
    where neurons * (width + gap) - gap <= room {
      return TextFit(width: width, gap: gap, shown: neurons)
    }
    return TextFit(width: 1, gap: 0, shown: max(0, min(neurons, room)))
  }

  public func textGrid(_ options: TextOptions) -> TextGrid {
    guard featureCount > 0, neuronCount > 0 else {
      return Heatmap.clipped(TextGrid(lines: ["(no neurons)"]), width: options.width)
    }
    let (upExtent, downExtent) = extent
    let legendLines = legend(options).height
    let overhead = (title == nil ? 0 : 1) + 2 + legendLines + (caption == nil ? 0 : 1)
    let rows = max(2, options.height.map { $0 - overhead - 1 } ?? 12)
    let total = upExtent + downExtent
    var up = total > 0 ? Int((Double(rows) * upExtent / total).rounded()) : rows
    if upExtent > 0 { up = max(1, up) }
    if downExtent > 0 { up = min(rows - 1, up) }
    var down = total > 0 ? rows - up : 0
    // Rows per unit of weight, the same above and below the axis; rows left unused by the
    // side that did not set the scale are dropped.
    let upScale = upExtent > 0 ? Double(up) / upExtent : .infinity
    let downScale = downExtent > 0 ? Double(down) / downExtent : .infinity
    let scale = total > 0 ? min(upScale, downScale) : 1
    if total > 0 {
      up = Int((upExtent * scale - 1e-9).rounded(.up))
      down = Int((downExtent * scale - 1e-9).rounded(.up))
    }

    let ticks = axisTicks(up: up, down: down, scale: scale)
    let gutter = ticks.map { Ticks.label($0, among: ticks).count }.max() ?? 1
    let x0 = gutter + 2
    let fit = fit(room: options.width - x0)
    let pitch = fit.width + fit.gap
    let width = max(x0 + fit.shown * pitch - fit.gap, x0 + 1)
    var chart = TextGrid(width: width, height: up + 1 + down)

    for y in 0..<chart.height { chart[gutter, y] = Cell(options.ascii ? "|" : "│") }
    for x in gutter + 1..<width { chart[x, up] = Cell(options.ascii ? "-" : "─") }
    chart[gutter, up] = Cell(options.ascii ? "+" : "┼")
    for tick in ticks {
      let y = up - Int((tick * scale).rounded())
      let text = Ticks.label(tick, among: ticks)
      chart.write(options.ascii ? Self.asciiOnly(text) : text, x: gutter - text.count, y: y)
      if y != up { chart[gutter, y] = Cell(options.ascii ? "+" : "┤") }
    }
    for neuron in 0..<fit.shown {
      let (upBlocks, downBlocks, hasNaN) = stacks(neuron: neuron)
      let x = x0 + neuron * pitch
      for d in 0..<up {
        let cell = self.cell(upBlocks, distance: d, scale: scale, awayIsUp: true, options: options)
        for dx in 0..<fit.width { chart[x + dx, up - 1 - d] = cell }
      }
      for d in 0..<down {
        let cell = self.cell(downBlocks, distance: d, scale: scale, awayIsUp: false, options: options)
        for dx in 0..<fit.width { chart[x + dx, up + 1 + d] = cell }
      }
      if hasNaN { chart[x + fit.width / 2, up] = Cell("?", foreground: options.color ? .grey : nil) }
    }

    let spacing = ((0..<neuronCount).map { label(neuron: $0).count }.max() ?? 1) + 1
    let step = IndexAxis.step(cellsPerIndex: Double(pitch), spacing: spacing)
    let labels = IndexAxis.labelRow(
      count: fit.shown, step: step, width: width, ascii: options.ascii,
      x: { x0 + $0 * pitch + max(0, (fit.width - label(neuron: $0).count) / 2) }, label: label(neuron:))
    var parts = [chart, labels]
    if fit.shown < neuronCount { parts.append(TextGrid(lines: ["(first \(fit.shown) of \(neuronCount) neurons)"])) }
    if let caption { parts.append(TextGrid(lines: [options.ascii ? Self.asciiOnly(caption) : caption])) }
    parts.append(legend(options))
    return Heatmap.clipped(TextGrid.vertical(parts), width: options.width)
  }

  /// Value ticks: 0, then nice values up to the top and down to the bottom (as negatives).
  private func axisTicks(up: Int, down: Int, scale: Double) -> [Double] {
    guard scale.isFinite, scale > 0 else { return [0] }
    var ticks = [0.0]
    for (rows, sign) in [(up, 1.0), (down, -1.0)] where rows > 0 {
      let candidates = Ticks.linear(0, Double(rows) / scale, count: max(2, min(3, rows / 2 + 1)))
      var last = 0
      for tick in candidates where tick > 0 {
        let distance = Int((tick * scale).rounded())
        guard distance <= rows, distance - last >= 2 else { continue }
        ticks.append(sign * tick)
        last = distance
      }
    }
    return ticks
  }

  /// The cell `distance` rows away from the axis in a stack of `blocks`.
  ///
  /// In colour the cell is two half-block pixels, each the colour of the block under its
  /// centre; without colour it is the code of the block under the cell's centre.
  private func cell(_ blocks: [Block], distance d: Int, scale: Double, awayIsUp: Bool, options: TextOptions)
    -> Cell
  {
    func block(at rows: Double) -> Block? {
      let units = rows / scale
      return blocks.first { $0.start <= units && units < $0.end }
    }
    if options.color && !options.ascii {
      let near = block(at: Double(d) + 0.25).map { color(feature: $0.feature, theme: options.theme) }
      let far = block(at: Double(d) + 0.75).map { color(feature: $0.feature, theme: options.theme) }
      let (upper, lower) = awayIsUp ? (far, near) : (near, far)
      switch (upper, lower) {
      case (nil, nil): return .blank
      case (let upper?, nil): return Cell("▀", foreground: upper)
      case (nil, let lower?): return Cell("▄", foreground: lower)
      case (let upper?, let lower?):
        return upper == lower ? Cell("█", foreground: upper) : Cell("▄", foreground: lower, background: upper)
      }
    }
    guard let block = block(at: Double(d) + 0.5) else { return .blank }
    let code = IndexAxis.code(block.feature)
    guard options.color else { return Cell(code) }
    let background = color(feature: block.feature, theme: options.theme)
    return Cell(code, foreground: Heatmap.ink(on: background), background: background)
  }

  /// The feature colours as swatches with indices, or a strip over the features when there
  /// are too many to list; without colour, a line saying how blocks are labelled.
  func legend(_ options: TextOptions) -> TextGrid {
    let features = featureCount
    guard options.color else {
      var text = features <= 10 ? "blocks: feature index" : "blocks: feature 0-9, a-z = 10-35"
      if features > 36 { text += ", A-Z = 36-61" }
      if features > 62 { text += ", * past 61" }
      return TextGrid(lines: [text])
    }
    func swatch(_ feature: Int) -> Cell {
      let color = color(feature: feature, theme: options.theme)
      return options.ascii ? Cell(" ", background: color) : Cell("█", foreground: color)
    }
    let entries = (0..<features).map { "\($0)" }
    let listWidth = 10 + entries.map { $0.count + 3 }.reduce(0, +)
    if listWidth <= 2 * options.width {
      var lines: [[(Int, String)]] = [[]]
      var used = 10
      for (feature, text) in entries.enumerated() {
        if used + text.count + 3 > options.width && !lines[lines.count - 1].isEmpty {
          lines.append([])
          used = 10
        }
        lines[lines.count - 1].append((feature, text))
        used += text.count + 3
      }
      var grid = TextGrid(width: min(options.width, listWidth), height: lines.count)
      grid.write("features:", x: 0, y: 0)
      for (y, line) in lines.enumerated() {
        var x = 10
        for (feature, text) in line {
          grid[x, y] = swatch(feature)
          grid.write(text, x: x + 1, y: y)
          x += text.count + 3
        }
      }
      return grid
    }
    let length = max(1, min(40, options.width - 10))
    var grid = TextGrid(width: 10 + length, height: 2)
    grid.write("features:", x: 0, y: 0)
    for x in 0..<length {
      grid[10 + x, 0] = swatch(length == 1 ? 0 : x * (features - 1) / (length - 1))
    }
    grid.write("0", x: 10, y: 1)
    let last = String(features - 1)
    grid.write(last, x: 10 + length - last.count, y: 1)
    return grid
  }
}
