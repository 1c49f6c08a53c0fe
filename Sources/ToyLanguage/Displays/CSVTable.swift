import Foundation

/// A plot's numbers as a tidy CSV table, to load into a spreadsheet or a data frame: one row
/// per number. Where the data holds one item per setting, a row starts with that setting's
/// columns (`setting`, `instance` and the swept variables); then `quantity` (the data's field
/// names, joined by "."), one column per array index (`i`, `j`, …) and `value`.
///
///     setting,instance,s,quantity,i,value
///     0,0,0.9,norms,0,0.98
enum CSVTable {
  struct Row {
    var setting: Int?
    var quantity: String
    var indices: [Int]
    var value: String
  }

  /// The table of a display's JSON (an object with `settings` and `data`, as `show` makes).
  static func write(_ payload: JSON.Node) -> String {
    guard case .object(let pairs) = payload else { return write(settings: [], data: payload) }
    var settings: [[(String, JSON.Node)]] = []
    if case .array(let items)? = pairs.first(where: { $0.0 == "settings" })?.1 {
      for case .object(let fields) in items { settings.append(fields) }
    }
    return write(settings: settings, data: pairs.first { $0.0 == "data" }?.1 ?? .null)
  }

  /// `settings`: the setting objects (index, instance, variables), in order.
  static func write(settings: [[(String, JSON.Node)]], data: JSON.Node) -> String {
    var rows: [Row] = []
    if case .array(let items) = data, !settings.isEmpty, items.count == settings.count {
      for (k, item) in items.enumerated() {
        collect(item, Row(setting: k, quantity: "", indices: [], value: ""), &rows)
      }
    } else {
      collect(data, Row(setting: nil, quantity: "", indices: [], value: ""), &rows)
    }
    let perSetting = rows.contains { $0.setting != nil }
    let named = rows.contains { !$0.quantity.isEmpty }
    let depth = rows.map(\.indices.count).max() ?? 0
    let fixed = ["setting", "instance", "quantity", "value"] + (0..<depth).map(indexName)
    // A sweep variable named like a fixed column (density=j, …) gets a prefix, so that no
    // two columns share a name.
    let settingNames = (settings.first ?? []).enumerated().map { k, pair -> String in
      switch (k, pair.0) {
      case (0, "index"): return "setting"
      case (1, "instance"): return "instance"
      case (_, let name) where fixed.contains(name): return "sweep_" + name
      case (_, let name): return name
      }
    }
    var header = perSetting ? settingNames : []
    if named { header.append("quantity") }
    header += (0..<depth).map(indexName)
    header.append("value")
    var lines = [header.map(field).joined(separator: ",")]
    for row in rows {
      var cells: [String] = []
      if perSetting {
        let values = row.setting.map { settings[$0].map(\.1) } ?? []
        cells += settingNames.indices.map { $0 < values.count ? cell(values[$0]) : "" }
      }
      if named { cells.append(field(row.quantity)) }
      cells += (0..<depth).map { $0 < row.indices.count ? String(row.indices[$0]) : "" }
      cells.append(row.value)
      lines.append(cells.joined(separator: ","))
    }
    return lines.joined(separator: "\n") + "\n"
  }

  private static func collect(_ node: JSON.Node, _ row: Row, _ rows: inout [Row]) {
    switch node {
    case .object(let pairs):
      for (key, value) in pairs {
        var inner = row
        inner.quantity = row.quantity.isEmpty ? key : row.quantity + "." + key
        collect(value, inner, &rows)
      }
    case .array(let items):
      for (i, item) in items.enumerated() {
        var inner = row
        inner.indices.append(i)
        collect(item, inner, &rows)
      }
    default:
      var leaf = row
      leaf.value = cell(node)
      rows.append(leaf)
    }
  }

  /// i, j, k, then l, m, … (past z: i27, …).
  private static func indexName(_ level: Int) -> String {
    let letters = Array("ijklmnopqrstuvwxyz")
    return level < letters.count ? String(letters[level]) : "i\(level)"
  }

  private static func cell(_ node: JSON.Node) -> String {
    switch node {
    case .number(let x): return x.isFinite ? JSON.write(node) : ""
    case .integer, .unsigned: return JSON.write(node)
    case .string(let s): return field(s)
    case .bool(let b): return b ? "true" : "false"
    case .null, .array, .object: return ""
    }
  }

  /// A text field, quoted as RFC 4180 asks when it holds a comma, a quote or a line break.
  private static func field(_ s: String) -> String {
    guard s.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return s }
    return "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\""
  }
}
