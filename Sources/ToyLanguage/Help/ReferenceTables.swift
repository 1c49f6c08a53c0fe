/// The tables of docs/language.md, the language's reference, generated from the tables that
/// drive `help`, validation and completion, so the page cannot disagree with the program.
///
/// The page holds each table between two markers, the first naming it:
///
///     <!-- generated: model-parameters -->
///     | parameter | meaning | values | default |
///     …
///     <!-- end generated -->
///
/// DocsTests fails when a table on the page differs from this one, and
/// `TOY_RECORD_GOLDEN=1 swift test --filter DocsTests` writes the tables again.
public enum ReferenceTables {
  /// Every table, under the name its marker gives it.
  public static var all: [(name: String, markdown: String)] {
    [
      ("statements", statements),
      ("model-parameters", parameters("model")),
      ("sae-parameters", parameters("sae")),
      ("train-parameters", parameters("train")),
      ("train-sae-parameters", parameters("train sae")),
      ("show-parameters", parameters("show")),
      ("print-parameters", parameters("print")),
      ("show-targets", showTargets),
      ("metrics", metrics),
      ("sae-metrics", autoencoderMetrics),
      ("functions", functions),
      ("magics", magics),
      ("explore-keys", exploreKeys),
    ]
  }

  static let start = "<!-- generated: "
  static let end = "<!-- end generated -->"

  /// The names of the tables `page` holds between markers, in order.
  public static func names(in page: String) -> [String] {
    page.split(separator: "\n", omittingEmptySubsequences: false).compactMap(name)
  }

  /// `page` with the text between each pair of markers replaced by the table they name; a
  /// marker naming no table, or left open, keeps its text.
  public static func filled(_ page: String) -> String {
    let tables = Dictionary(all, uniquingKeysWith: { first, _ in first })
    let lines = page.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    var out: [String] = []
    var i = 0
    while i < lines.count {
      out.append(lines[i])
      if let name = name(lines[i]), let table = tables[name],
        let close = lines[(i + 1)...].firstIndex(of: end)
      {
        out.append(table)
        out.append(end)
        i = close
      }
      i += 1
    }
    return out.joined(separator: "\n")
  }

  /// The table a start marker names, nil for any other line.
  private static func name(_ line: Substring) -> String? {
    guard line.hasPrefix(start), line.hasSuffix(" -->") else { return nil }
    return String(line.dropFirst(start.count).dropLast(" -->".count))
  }

  private static func name(_ line: String) -> String? { name(Substring(line)) }

  static var statements: String {
    table(["statement", "usage", "does"], StatementHelp.entries.map { ["`\($0.name)`", "`\($0.usage)`", $0.summary] })
  }

  static func parameters(_ statement: String) -> String {
    table(
      ["parameter", "meaning", "values", "default"],
      ParameterTable.specs(for: statement).map { spec in
        ["`\(spec.name)`", spec.summary, spec.rangeText, spec.defaultValue.map { "`\($0)`" } ?? "—"]
      })
  }

  static var showTargets: String {
    table(["target", "plot"], ShowTarget.allCases.map { ["`\($0.rawValue)`", $0.summary] })
  }

  static var metrics: String {
    table(["metric", "value per setting"], Session.metricNames.map { ["`\($0)`", Session.metricSummaries[$0] ?? ""] })
  }

  static var autoencoderMetrics: String {
    table(
      ["metric", "value per autoencoder"],
      Session.autoencoderMetricNames.map { ["`\($0)`", Session.autoencoderMetricSummaries[$0] ?? ""] })
  }

  static var functions: String {
    table(["function", "gives"], Builtins.functions.map { ["`\($0.signature)`", $0.summary] })
  }

  static var magics: String {
    table(
      ["magic", "does", "where"],
      Magic.all.map { magic in
        let usage = magic.usage.prefix { $0 != ":" }
        let does = magic.usage.dropFirst(usage.count + 1).drop { $0 == " " }
        return ["`\(usage)`", String(does), magic.inNotebooks ? "prompt and notebooks" : "prompt"]
      })
  }

  static var exploreKeys: String {
    table(
      ["keys", "does"],
      ExplorerKeys.bindings.map { [$0.keys.map { "`\($0)`" }.joined(separator: " "), $0.summary] })
  }

  /// A Markdown table; `|` inside a cell is escaped.
  private static func table(_ header: [String], _ rows: [[String]]) -> String {
    func escaped(_ cell: String) -> String {
      cell.split(separator: "|", omittingEmptySubsequences: false).joined(separator: "\\|")
    }
    func line(_ cells: [String]) -> String { "| " + cells.map(escaped).joined(separator: " | ") + " |" }
    return ([line(header), line(header.map { _ in "---" })] + rows.map(line)).joined(separator: "\n")
  }
}
