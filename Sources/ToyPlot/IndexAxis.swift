/// Labels for an axis of indices (features, neurons): every k-th index, never colliding.
///
/// Heatmaps, bar charts and neuron plots label their columns and rows with indices. When
/// there are more indices than room, only multiples of a step of 1, 2 or 5 times a power of
/// ten are labelled, so the labels stay readable and line up with the grid.
enum IndexAxis {
  /// The smallest step in 1, 2, 5, 10, 20, 50, … whose labels are at least `spacing` cells
  /// apart when each index takes `cellsPerIndex` cells.
  static func step(cellsPerIndex: Double, spacing: Int) -> Int {
    guard cellsPerIndex > 0, cellsPerIndex.isFinite else { return 1 }
    var power = 1
    while true {
      for multiple in [1, 2, 5] where Double(multiple * power) * cellsPerIndex >= Double(spacing) {
        return multiple * power
      }
      if power > Int.max / 100 { return power }
      power *= 10
    }
  }

  /// One row of `width` cells with `label(i)` written at column `x(i)` for i = 0, step, 2·step, …
  /// below `count`; a label that would touch the previous one or cross the edge is left out.
  static func labelRow(
    count: Int, step: Int, width: Int, ascii: Bool, x: (Int) -> Int, label: (Int) -> String
  ) -> TextGrid {
    var row = TextGrid(width: width, height: 1)
    var free = 0
    for index in stride(from: 0, to: count, by: max(1, step)) {
      let text = ascii ? Heatmap.asciiOnly(label(index)) : label(index)
      let start = x(index)
      guard start >= free, start + text.count <= width else { continue }
      row.write(text, x: start, y: 0)
      free = start + text.count + 1
    }
    return row
  }

  /// The character naming a feature in plots without colour: 0–9, then a–z, then A–Z, then `*`.
  static func code(_ index: Int) -> Character {
    let digits = Array("0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ")
    return index >= 0 && index < digits.count ? digits[index] : "*"
  }
}
