import Foundation

/// Tab completion: statements at the start, parameters after a statement, `show` targets,
/// enumerated values after `kind=` and the like, model names, magics after `%`, file paths
/// inside quotes.
public enum Completion {
  /// The words the completer offers for the text before the cursor; pure, so tests call it.
  public static func candidates(line: String, word: String, models: [String], magics: [String] = []) -> [String] {
    let before = String(line.dropLast(word.count))
    let trimmed = before.trimmingCharacters(in: .whitespaces)
    if before.hasSuffix("\"") || before.hasSuffix("%run ") || before.hasSuffix("%save ") {
      return files(word)
    }
    if trimmed.isEmpty || trimmed.hasSuffix(";") {
      if line.hasPrefix("%") { return magics.map { "%" + $0 } }
      return Keyword.allCases.map(\.rawValue) + models
    }
    if trimmed.hasPrefix("%") && !trimmed.contains(" ") { return [] }
    let words = trimmed.split(whereSeparator: { $0 == " " || $0 == ";" }).map(String.init)
    let statement = words.last { Keyword(rawValue: $0) != nil } ?? ""
    if before.hasSuffix("=") {
      let parameter = String(before.dropLast().split(separator: " ").last ?? "")
      let spec =
        ParameterTable.specs(for: statement).first { $0.name == parameter }
        ?? ParameterTable.all.first { $0.name == parameter }
      if case .choice(let values)? = spec?.kind { return values }
      if case .seeds? = spec?.kind { return ["best", "all"] }
      return models
    }
    if statement == "show" || statement == "export", words.last == statement { return ShowTargets.names }
    if statement == "help" { return Keyword.allCases.map(\.rawValue) + ParameterTable.all.map(\.name) }
    if statement == "use" { return models }
    let specs = ParameterTable.specs(for: statement)
    return specs.map { $0.name + "=" } + models
  }

  public static func files(_ prefix: String) -> [String] {
    let directory = prefix.contains("/") ? String(prefix[...prefix.lastIndex(of: "/")!]) : ""
    let listed = (try? FileManager.default.contentsOfDirectory(atPath: directory.isEmpty ? "." : directory)) ?? []
    return listed.map { directory + $0 }.sorted()
  }

}
