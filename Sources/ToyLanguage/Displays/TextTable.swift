/// A plain text table, for terminal and pipe alike: columns two spaces apart, right-aligned
/// (numbers) unless named in `leftAligned`, every line the same width.
///
/// A table wider than the width it is rendered at comes in blocks of columns, one under
/// another, each repeating the first `keep` columns (the settings), as a notebook prints a
/// wide frame.
///
///     var table = TextTable(header: ["1−S", "loss"], keep: 1)
///     table.append(["0.1", "0.0123"])
///     table.render()  // "1−S    loss\n0.1  0.0123"
public struct TextTable: Sendable {
  public var header: [String]
  public var rows: [[String]]
  /// Columns (by index) aligned left; all others are aligned right.
  public var leftAligned: Set<Int>
  /// How many leading columns every block repeats.
  public var keep: Int

  public init(header: [String], rows: [[String]] = [], leftAligned: Set<Int> = [], keep: Int = 0) {
    self.header = header
    self.rows = rows
    self.leftAligned = leftAligned
    self.keep = keep
  }

  public mutating func append(_ row: [String]) { rows.append(row) }

  /// The table in blocks at most `width` columns wide (one block however wide by default),
  /// a blank line between blocks. A block of one column may be wider.
  public func render(width: Int = .max) -> String {
    let all = [header] + rows
    let columns = all.map(\.count).max() ?? 0
    var widths = [Int](repeating: 0, count: columns)
    for row in all { for (i, cell) in row.enumerated() { widths[i] = max(widths[i], cell.count) } }
    let kept = Array(0..<min(keep, columns))
    return blocks(widths, kept: kept, width: width).map { block in
      all.map { row in
        (kept + block).map { i in
          let cell = i < row.count ? row[i] : ""
          let pad = String(repeating: " ", count: widths[i] - cell.count)
          return leftAligned.contains(i) ? cell + pad : pad + cell
        }.joined(separator: "  ")
      }.joined(separator: "\n")
    }.joined(separator: "\n\n")
  }

  /// The columns after the kept ones, in runs that fit `width` beside the kept columns.
  private func blocks(_ widths: [Int], kept: [Int], width: Int) -> [[Int]] {
    var blocks: [[Int]] = []
    var block: [Int] = []
    let keptWidth = kept.map { widths[$0] + 2 }.reduce(0, +)
    var used = keptWidth
    for i in kept.count..<widths.count {
      if !block.isEmpty && used + widths[i] > width {
        blocks.append(block)
        block = []
        used = keptWidth
      }
      block.append(i)
      used += widths[i] + 2
    }
    if !block.isEmpty || blocks.isEmpty { blocks.append(block) }
    return blocks
  }
}
