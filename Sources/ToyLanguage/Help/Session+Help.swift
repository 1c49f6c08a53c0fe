import ToyPlot

/// `help` and `help TOPIC`: statements, parameters, functions and metrics, from the tables
/// that also validate them.
extension Session {
  /// The help on `topic` (a statement, parameter, function, metric or `show` target), nil
  /// when there is none: for front ends that look a word up (a notebook's inspect).
  public func help(on topic: String) -> String? {
    let source = Source(name: "help", text: topic)
    return try? helpText(topic, nil, source)
  }

  func helpText(_ topic: String?, _ span: Span?, _ source: Source) throws(Diagnostic) -> String {
    guard let topic else {
      var lines = ["Statements (help NAME for more):"]
      let width = StatementHelp.entries.map(\.name.count).max() ?? 0
      for entry in StatementHelp.entries {
        lines.append("  " + entry.name + String(repeating: " ", count: width - entry.name.count) + "  " + entry.summary)
      }
      lines += hanging("Functions: " + Builtins.functions.map(\.name).joined(separator: ", "), indent: 2)
      lines += hanging("Metrics: " + Self.metricNames.joined(separator: ", "), indent: 2)
      lines += hanging(
        "Autoencoder metrics (print sae): " + Self.autoencoderMetricNames.joined(separator: ", "), indent: 2)
      lines += hanging(
        "Magics (help magics): " + Magic.all.map { "%" + $0.name }.joined(separator: ", ") + "; ?NAME is help NAME",
        indent: 2)
      lines.append("Example: model n=20 m=5 importance=0.7^i sparsity=0.9; train 10000; show wtw")
      return lines.joined(separator: "\n")
    }
    if topic == "magics" || topic == "magic" { return magicsHelp }
    if let entry = StatementHelp.entries.first(where: { $0.name == topic }) {
      var lines = ["\(entry.name): \(entry.summary)", "  \(entry.usage)"]
      let specs = ParameterTable.specs(for: topic)
      if !specs.isEmpty {
        lines.append("Parameters:")
        let width = specs.map(\.name.count).max() ?? 0
        for spec in specs {
          var line = "  " + spec.name + String(repeating: " ", count: width - spec.name.count) + "  " + spec.summary
          line += "; \(spec.rangeText)"
          if let d = spec.defaultValue { line += "; default \(d)" }
          lines += hanging(line, indent: width + 4)
        }
      }
      if topic == "train" {
        lines += hanging(
          "train sae N takes " + ParameterTable.trainSAE.map(\.name).joined(separator: ", ")
            + " and trains the current model's current autoencoders with Adam (no weight decay)", indent: 0)
      }
      if topic == "explore" {
        lines.append("Keys:")
        for line in ExplorerKeys.helpLines { lines += hanging(line, indent: ExplorerKeys.keysWidth + 4) }
      }
      if topic == "show" || topic == "export" {
        lines.append("Targets:")
        let width = ShowTarget.allCases.map(\.rawValue.count).max() ?? 0
        for target in ShowTarget.allCases {
          let name = target.rawValue
          lines += hanging(
            "  " + name + String(repeating: " ", count: width - name.count) + "  " + target.summary,
            indent: width + 4)
        }
      }
      return lines.joined(separator: "\n")
    }
    let specs = ParameterTable.all.filter { $0.name == topic }
    if !specs.isEmpty {
      return specs.map { spec in
        var line = "\(spec.name) (\(spec.statement)): \(spec.summary)\n  \(spec.rangeText)"
        if let d = spec.defaultValue { line += "; default \(d)" }
        return line
      }.joined(separator: "\n")
    }
    if let function = Builtins.all[topic] { return "\(function.signature): \(function.summary)" }
    if let summary = Self.metricSummaries[topic] {
      return "\(topic): \(summary) of the current model (a.\(topic) for model a)"
    }
    if let summary = Self.autoencoderMetricSummaries[topic] {
      return "\(topic): \(summary), per autoencoder of the current model's current sae (print sae prints them all)"
    }
    if let target = ShowTarget(rawValue: topic) {
      return "show \(topic): \(target.summary)"
    }
    let known =
      StatementHelp.entries.map(\.name) + ParameterTable.all.map(\.name) + Builtins.functions.map(\.name)
      + ShowTarget.names
      + Self.metricNames + Self.autoencoderMetricNames + ["magics"]
    throw Diagnostic(
      .unknownHelpTopic(topic, suggestion: suggestion(for: topic, among: known)), at: span ?? Span(0, 0), in: source)
  }
}

extension Session {
  /// `help magics`: each magic's usage, and which are the prompt's alone.
  var magicsHelp: String {
    var lines = hanging(
      "Magics: commands of the prompt and of notebook cells, not of the language (a script cannot use them).",
      indent: 0)
    for magic in Magic.all {
      lines += hanging("  " + magic.usage + (magic.inNotebooks ? "" : " (the prompt only)"), indent: 4)
    }
    lines.append("  ?NAME or NAME?: help NAME")
    return lines.joined(separator: "\n")
  }

  /// A help line wrapped at the text width, its continuation lines indented under the
  /// description (a terminal's own wrapping would start them at the left edge).
  func hanging(_ line: String, indent: Int) -> [String] {
    guard line.count > textWidth, line.count > indent else { return [line] }
    let lines = wrapWords(String(line.dropFirst(indent)), width: max(20, textWidth - indent))
    let head = String(line.prefix(indent))
    let pad = String(repeating: " ", count: indent)
    return lines.enumerated().map { ($0.offset == 0 ? head : pad) + $0.element }
  }

}
