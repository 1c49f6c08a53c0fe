import Foundation

/// Tab completion, the one engine behind the prompt and the notebook kernel: statements at
/// the start of a statement, parameters after a statement, `show` targets, enumerated values
/// after `kind=` and the like, metrics, functions, variables and models where an expression
/// goes (`print ⇥`, `x = lin⇥`, `density=⇥`), a model's metrics after `name.`, magics after
/// `%`, help topics after `help` and `?`, file paths inside quotes and after `%run`/`%save`.
///
///     Completion(models: ["intro"]).candidates(line: "print intro.", word: "intro.")
///     // ["intro.loss", "intro.norms", …]
public struct Completion: Sendable {
  public var models: [String]
  public var variables: [String]
  public var magics: [String]

  public init(models: [String] = [], variables: [String] = [], magics: [String] = []) {
    self.models = models.sorted()
    self.variables = variables.sorted()
    self.magics = magics
  }

  /// What a session knows: its models and variables.
  public init(session: Session, magics: [String] = []) {
    self.init(models: Array(session.models.keys), variables: Array(session.variables.keys), magics: magics)
  }

  /// The words offered for `word`, which ends `line` (the text before the cursor), all
  /// starting with `word`; pure, so tests call it.
  public func candidates(line: String, word: String) -> [String] {
    let offered = unfiltered(line: line, word: word)
    var seen: Set<String> = []
    return offered.filter { $0.hasPrefix(word) && seen.insert($0).inserted }
  }

  private func unfiltered(line: String, word: String) -> [String] {
    let before = String(line.dropLast(word.count))
    if before.hasSuffix("\"") || before.hasSuffix("%run ") || before.hasSuffix("%save ") {
      return Self.files(word)
    }
    let cell = line.drop(while: { $0 == " " })
    if cell.hasPrefix("%") {
      guard let space = cell.firstIndex(of: " ") else { return magics.map { "%" + $0 } }
      let magic = cell[cell.index(after: cell.startIndex)..<space]
      // %time and %timeit take code: complete it as code.
      guard magic == "time" || magic == "timeit" else { return [] }
      return unfiltered(line: String(cell[space...]), word: word)
    }
    if cell.hasPrefix("?") { return helpTopics }
    if let dot = word.lastIndex(of: ".") {
      let base = String(word[..<dot])
      return models.contains(base)
        ? (Session.metricNames + Session.autoencoderMetricNames).map { base + "." + $0 } : []
    }
    // The statement the cursor is in: after the last `;`, newline or `do`.
    var statement =
      before.split(omittingEmptySubsequences: false, whereSeparator: { $0 == ";" || $0 == "\n" })
      .last.map(String.init) ?? ""
    if let body = statement.range(of: " do ", options: .backwards) { statement = String(statement[body.upperBound...]) }
    var words = statement.split(separator: " ").map(String.init)
    // `x = …` defines a model, loads one, or names a value.
    if words.count >= 2, words[1] == "=", Keyword(rawValue: words[0]) == nil {
      words.removeFirst(2)
      if words.isEmpty { return ["model", "sae", "load"] + expressionNames(word) }
    }
    guard let first = words.first else { return Keyword.allCases.map(\.rawValue) + expressionNames(word) }
    let keyword = Keyword(rawValue: first)
    if before.hasSuffix("=") {
      let parameter = String(words.last?.dropLast() ?? "")
      let spec =
        ParameterTable.specs(for: first).first { $0.name == parameter }
        ?? ParameterTable.all.first { $0.name == parameter }
      if case .choice(let values)? = spec?.kind { return values }
      if case .seeds? = spec?.kind { return ["best", "all"] }
      if case .instances? = spec?.kind { return ["all"] }
      if case .autoencoderSeeds? = spec?.kind { return ["all"] }
      return expressionNames(word)
    }
    switch keyword {
    case .show?, .export?:
      // Inside `models=[…`, the models' names.
      if let open = statement.range(of: "models=[", options: .backwards), !statement[open.upperBound...].contains("]") {
        return models
      }
      return words.count == 1 ? ShowTarget.names : ParameterTable.specs(for: "show").map { $0.name + "=" }
    case .help?: return words.count == 1 ? helpTopics : []
    case .use?: return models
    case .print?:
      if words.count >= 2 && words[1] == "sae" { return [] }
      return (words.count == 1 ? ["sae"] : []) + expressionNames(word)
        + ParameterTable.specs(for: "print").map { $0.name + "=" }
    case .train?:
      if words.count == 1 { return ["sae"] + ParameterTable.specs(for: "train").map { $0.name + "=" } }
      return ParameterTable.specs(for: words[1] == "sae" ? "train sae" : "train").map { $0.name + "=" }
    case .model?, .sae?: return ParameterTable.specs(for: first).map { $0.name + "=" }
    case .`for`?: return words.count == 3 && words[2] == "in" ? expressionNames(word) : []
    case nil: return expressionNames(word)
    default: return []
    }
  }

  /// What may start an expression: variables, models, metrics (of the current model) and
  /// functions (with their parenthesis). `_`, `__` and `_3` only once the word starts with `_`.
  private func expressionNames(_ word: String) -> [String] {
    variables.filter { word.hasPrefix("_") || !$0.hasPrefix("_") } + models + Session.metricNames
      + Session.autoencoderMetricNames + Builtins.functions.map { $0.name + "(" }
  }

  private var helpTopics: [String] {
    Keyword.allCases.map(\.rawValue) + ParameterTable.all.map(\.name) + ShowTarget.names + Session.metricNames
      + Session.autoencoderMetricNames + Builtins.functions.map(\.name) + ["magics"]
  }

  public static func files(_ prefix: String) -> [String] {
    let directory = prefix.contains("/") ? String(prefix[...prefix.lastIndex(of: "/")!]) : ""
    let listed = (try? FileManager.default.contentsOfDirectory(atPath: directory.isEmpty ? "." : directory)) ?? []
    return listed.map { directory + $0 }.sorted()
  }
}
