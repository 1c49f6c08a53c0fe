import ToyLanguage

/// A plain text table with right-aligned numeric columns, for terminal and pipe alike.
struct TextTable {
  var header: [String]
  var rows: [[String]] = []
  /// Columns (by index) aligned left; all others are aligned right.
  var leftAligned: Set<Int> = []

  init(header: [String], leftAligned: Set<Int> = []) {
    self.header = header
    self.leftAligned = leftAligned
  }

  mutating func append(_ row: [String]) { rows.append(row) }

  func render() -> String {
    let all = [header] + rows
    let columns = all.map(\.count).max() ?? 0
    var widths = [Int](repeating: 0, count: columns)
    for row in all {
      for (i, cell) in row.enumerated() { widths[i] = max(widths[i], cell.count) }
    }
    func line(_ row: [String]) -> String {
      row.enumerated().map { i, cell in
        let pad = String(repeating: " ", count: widths[i] - cell.count)
        return leftAligned.contains(i) ? cell + pad : pad + cell
      }.joined(separator: "  ").trailingTrimmed()
    }
    return all.map(line).joined(separator: "\n")
  }
}

extension String {
  func trailingTrimmed() -> String {
    var s = self
    while s.last == " " { s.removeLast() }
    return s
  }
}

/// Formats a number with `digits` decimals, without Foundation's locale.
func fixed(_ value: Double, _ digits: Int) -> String { fixedDigits(value, digits) }

/// A number in scientific style when small, e.g. loss values: 4 significant digits.
func significant(_ value: Double, _ digits: Int = 4) -> String {
  guard value.isFinite, value != 0 else { return value == 0 ? "0" : fixed(value, 0) }
  var exponent = 0
  var mantissa = Swift.abs(value)
  while mantissa >= 10 { mantissa /= 10; exponent += 1 }
  while mantissa < 1 { mantissa *= 10; exponent -= 1 }
  if exponent >= -3 && exponent < digits {
    return fixed(value, max(0, digits - 1 - exponent))
  }
  let sign = value < 0 ? "-" : ""
  return sign + fixed(mantissa, digits - 1) + "e" + (exponent < 0 ? "-" : "+") + String(Swift.abs(exponent))
}
