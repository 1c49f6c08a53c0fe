/// docs/cheatsheet.md, generated from the tables that drive `help`, validation and
/// completion (a test keeps the file and this in step).
public enum Cheatsheet {
  public static var markdown: String {
    var lines = [
      "# toy cheatsheet",
      "",
      "Generated from the tables behind `help`, validation and completion; the test suite",
      "fails when this page and they differ (`TOY_RECORD_GOLDEN=1 swift test --filter",
      "DocsTests` writes it again). The guide is [guide.md](guide.md), the reference",
      "[language.md](language.md).",
      "",
      "## Statements",
      "",
      "| statement | usage | does |",
      "| --- | --- | --- |",
    ]
    for entry in StatementHelp.entries {
      lines.append("| `\(entry.name)` | `\(escape(entry.usage))` | \(escape(entry.summary)) |")
    }
    for (title, statement) in [("model", "model"), ("train", "train"), ("show and export", "show"), ("print", "print")]
    {
      lines += [
        "", "## Parameters of \(title)", "", "| parameter | meaning | values | default |", "| --- | --- | --- | --- |",
      ]
      for spec in ParameterTable.specs(for: statement) {
        let value = spec.defaultValue.map { "`\($0)`" } ?? "—"
        lines.append("| `\(spec.name)` | \(escape(spec.summary)) | \(escape(spec.rangeText)) | \(value) |")
      }
    }
    lines += ["", "## Keys of `explore`", "", "| keys | does |", "| --- | --- |"]
    for binding in ExplorerKeys.bindings {
      lines.append("| " + binding.keys.map { "`\($0)`" }.joined(separator: " ") + " | \(escape(binding.summary)) |")
    }
    lines += ["", "## What `show` draws", "", "| target | plot |", "| --- | --- |"]
    for target in ShowTarget.allCases { lines.append("| `\(target.rawValue)` | \(escape(target.summary)) |") }
    lines += ["", "## Metrics", "", "| metric | value per setting |", "| --- | --- |"]
    for name in Session.metricNames { lines.append("| `\(name)` | \(escape(Session.metricSummaries[name] ?? "")) |") }
    lines += ["", "## Functions", "", "| function | gives |", "| --- | --- |"]
    for function in Builtins.functions { lines.append("| `\(function.signature)` | \(escape(function.summary)) |") }
    lines += [
      "", "## Magics", "", "At the prompt and in notebook cells (not in scripts); `?NAME` or `NAME?` is `help NAME`.",
      "",
      "| magic | does | where |", "| --- | --- | --- |",
    ]
    for magic in Magic.all {
      let usage = magic.usage.prefix { $0 != ":" }
      let does = magic.usage.dropFirst(usage.count + 1).trimmingCharacters(in: .whitespaces)
      lines.append("| `\(usage)` | \(escape(does)) | \(magic.inNotebooks ? "prompt and notebooks" : "prompt") |")
    }
    return lines.joined(separator: "\n") + "\n"
  }

  static func escape(_ text: String) -> String { text.replacingOccurrences(of: "|", with: "\\|") }
}
