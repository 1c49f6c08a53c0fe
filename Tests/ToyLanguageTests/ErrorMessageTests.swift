import Foundation
import ToyCore
import XCTest

@testable import ToyLanguage

/// The language's errors are named cases whose texts live in EvaluationError.swift and
/// SyntaxError.swift: every case reads like the others, and the evaluator builds its
/// diagnostics from cases, not from text written where the error happens.
final class ErrorMessageTests: XCTestCase {
  static var sources: URL {
    URL(fileURLWithPath: "\(#filePath)").deletingLastPathComponent().deletingLastPathComponent()
      .deletingLastPathComponent().appendingPathComponent("Sources/ToyLanguage")
  }

  /// The ToyLanguage source file named `file`, in whichever of the module's folders it is.
  static func source(_ file: String) throws -> String {
    let path = try XCTUnwrap(sourcePaths().first { ($0 as NSString).lastPathComponent == file }, "no \(file)")
    return try String(contentsOf: sources.appendingPathComponent(path), encoding: .utf8)
  }

  /// Every Swift file of ToyLanguage, relative to its folder.
  static func sourcePaths() -> [String] {
    let all = FileManager.default.enumerator(atPath: sources.path)?.allObjects as? [String] ?? []
    return all.filter { $0.hasSuffix(".swift") }.sorted()
  }

  /// One of each case, with suggestions where a case can carry one, so hints are read too.
  static let evaluationErrors: [EvaluationError] = [
    .undefinedName("xs", suggestion: "x"), .undefinedName("exit", suggestion: nil),
    .unknownFunction("lne", suggestion: "len"), .unknownMember("los", type: "a model", suggestion: "loss"),
    .unknownModel("b", suggestion: "a"), .noModel, .builtInName("exp"), .modelName("big"), .notAssignable,
    .loopVariableIsIndex, .loopNeedsList(type: "a number"), .divisionByZero, .notFinite(.infinity),
    .operationNotFinite(10, .power, 400), .listLengthsDiffer(.add, 2, 3), .operandTypes(.add, "a string", "a number"),
    .listsNestTooDeep(limit: 100), .notIndexable(type: "a number"), .emptyListIndexed, .indexOutOfRange(count: 3),
    .call(function: "range", signature: "range(k)", .count(expected: 1, got: 2)),
    .unknownParameter("sparsty", statement: "model", suggestion: "sparsity", accepted: ["n", "m"]),
    .unknownParameter("zzz", statement: "model", suggestion: nil, accepted: ["n", "m"]),
    .parameterGivenTwice("n"), .sharedParameterVaries("resample", statement: "sae"),
    .parameterOutOfRange("n", range: "a whole number from 1 to 10000", got: "0"),
    .unknownChoice("kind", range: "linear or relu", word: "rleu", suggestion: "relu"),
    .parameterWrongType("density", range: "a number in (0, 1] per feature", type: "a string"),
    .parameterMalformed("kind", range: "linear or relu"), .stepsOutOfRange(limit: 100, got: "2.5"),
    .weightDecayNeedsAdamW(value: "0.1"),
    .densityAndSparsity, .sweepVariableIsIndex, .sweptTwice("p"), .sweepNeedsNumbers(type: "a string"),
    .sweepTooLarge(limit: 100_000), .featureCountMissing, .hiddenCountMissing, .shapeVaries,
    .tooManyInstances(settings: 10, seeds: 20_000, limit: 100_000),
    .perFeatureNotNumber("importance", type: "a list of 2"),
    .perFeatureNotNumbers("importance"), .perFeatureCount("importance", count: 2, n: 3, list: "[1, 2]"),
    .featureValueOutOfRange("density", feature: 0, value: 1.5, range: "a number in (0, 1] per feature"),
    .featureSetInvalid(n: 4, got: "[0, 2]"),
    .diverged(model: "model1", setting: "p=0.5", step: 7, loss: .nan, cause: .learningRate(10)),
    .diverged(model: "model1", setting: "instance 0", step: 7, loss: nil, cause: .importance(1e31)),
    .model(.sizeNotPositive(name: "n", value: 0)), .modelStore(.missing(path: "m.json")),
    .unknownPlot("wtx", suggestion: "wtw"), .unknownPlot("pie", suggestion: nil),
    .unknownHelpTopic("trian", suggestion: "train"), .unknownHelpTopic("zzz", suggestion: nil), .exploreNeedsTerminal,
    .exportFormat(path: "plot.png"), .writeFailed(path: "/x/a.svg", reason: "no such file or directory"),
    .plotNeedsTwoDimensions(target: "geometry", m: 3), .liveGeometryNeedsTwoDimensions(m: 3),
    .neuronsNeedHiddenLayer(kind: "relu"), .needsTrainingSet(target: "descent"), .noLossYet(model: "model1"),
    .descentMapOneModel("m1"), .descentMapTooManyModels(13, limit: 12), .descentMapModelRepeated("m1"),
    .descentMapNormalizeMixed(model: "m2", other: "m1", normalized: true),
    .descentMapNormalizeMixed(model: "m2", other: "m1", normalized: false),
    .descentMapSizeRepeated(model: "m1", size: 30),
    .modelsNeedDescent(target: "wtw"), .modelsPickSettings(parameter: "instance"),
    .notTrained, .normalizeNeedsDataset,
    .vulnerabilityTooLarge(n: 1001, limit: 1000), .vulnerabilityNeedsTied(kind: "abs"),
    .dynamicsTooLarge(instances: 1, n: 300, m: 50, limit: 4_000_000), .dynamicsOneSetting(settings: 2, seeds: 3),
    .instanceOutOfRange(settings: 1, got: "7"), .tooManyPanels(25, settings: 25), .seedOutOfRange(seeds: 1, got: "3"),
    .seedNeedsOneModel, .phaseOneSeed, .phasePointRepeated(0, 1, r: 0.1, density: 0.1), .phaseNeedsSweep,
    .shardNeedsModelNumbers(read: "a.loss", through: nil, line: 3),
    .shardNeedsModelNumbers(read: "a.loss", through: "best", line: 3), .shardLoadsUnsavedFile(path: "a.json"),
    .shardPartsDisagree(expected: "model1, 4 instances, 100 steps, at 2:1", found: "nothing"),
    .autoencoderNeedsTrainedModel(model: "model1"), .noAutoencoder(model: "model1"), .autoencodersAreNotAValue("b"),
    .l1AndTopK,
    .topKAboveLatents(k: 6, latents: 5), .tooManyAutoencoders(200_000, limit: 100_000),
    .autoencoder(.latentsNotPositive(instance: 0, value: 0)),
    .plotNeedsTwoDimensions(target: "decoder", m: 3), .frontierNeedsSweep(sae: "sae1"),
    .dictionaryNeedsSizes(sae: "sae1"), .pickedNoSweep(target: "frontier", example: [0, 1]),
    .autoencoderInstanceOutOfRange(instances: 3, got: "7"),
    .autoencoderSeedOutOfRange(seeds: 2, got: "5"),
  ]

  static let argumentErrors: [ArgumentError] = [
    .count(expected: 3, got: 2), .notANumber(argument: 2, type: "a string"), .notWhole(argument: 3),
    .countOutOfRange(argument: 1, limit: 1_000_000, got: 2.5), .notAList(type: "a number"),
    .notNumeric(type: "a string"), .notNumbers, .noNumbers,
  ]

  static let syntaxErrors: [SyntaxError] = [
    .unexpectedCharacter("$"), .unterminatedString, .malformedNumber("2x"), .expected("'do'", found: .name("print")),
    .unknownStatement("trian", suggestion: "train"), .missingSeparator, .notAFlag("liv", suggestion: "live"),
    .expressionNestsTooDeep(limit: 200), .tooManyOperators(limit: 10_000), .loopsNestTooDeep(limit: 100),
    .notOneExpression, .incompleteInput,
  ]

  func testEveryEvaluationErrorReadsLikeTheOthers() throws {
    try assertCovers(Self.evaluationErrors, enumNamed: "EvaluationError", in: "EvaluationError.swift")
    try assertCovers(Self.argumentErrors, enumNamed: "ArgumentError", in: "EvaluationError.swift")
    for error in Self.evaluationErrors { assertHouseStyle(error.description, error.hint, "\(error)") }
    for error in Self.argumentErrors {
      let call = EvaluationError.call(function: "f", signature: "f(x)", error)
      assertHouseStyle(call.description, call.hint, "\(error)")
    }
  }

  func testEverySyntaxErrorReadsLikeTheOthers() throws {
    try assertCovers(Self.syntaxErrors, enumNamed: "SyntaxError", in: "SyntaxError.swift")
    for error in Self.syntaxErrors { assertHouseStyle(error.description, error.hint, "\(error)") }
  }

  /// Messages follow `file:line:col: error: ` and hints stand on the line under the caret:
  /// one line each, starting lower case (a message), without a full stop, as the core's do.
  func assertHouseStyle(_ message: String, _ hint: String?, _ name: String, line: UInt = #line) {
    for (what, text) in [("message", message), ("hint", hint)] {
      guard let text else { continue }
      XCTAssertFalse(text.isEmpty, "\(name): empty \(what)", line: line)
      XCTAssertFalse(text.contains("\n"), "\(name): \(what) of several lines: \(text)", line: line)
      XCTAssertEqual(text, text.trimmingCharacters(in: .whitespaces), "\(name): \(what) padded", line: line)
      XCTAssertFalse(text.hasSuffix("."), "\(name): \(what) ends with a full stop: \(text)", line: line)
      XCTAssertFalse(text.hasPrefix("error"), "\(name): the rendering says error: \(text)", line: line)
    }
    XCTAssertFalse(message.first?.isUppercase ?? true, "\(name): message starts upper case: \(message)", line: line)
  }

  /// Every case of the enum declared in `file` has a sample: as many distinct cases among
  /// the samples as declarations, so a new case without one fails here.
  func assertCovers<E>(_ samples: [E], enumNamed name: String, in file: String, line: UInt = #line) throws {
    let declared = Self.caseNames(ofEnum: name, in: try Self.source(file))
    XCTAssertGreaterThan(declared.count, 5, "\(name): no cases found in \(file)", line: line)
    let sampled = Set(samples.map { Mirror(reflecting: $0).children.first?.label ?? "\($0)" })
    XCTAssertEqual(sampled.count, declared.count, "\(name): cases \(declared), samples \(sampled.sorted())", line: line)
  }

  /// The names after `case` in the body of `enum name`.
  static func caseNames(ofEnum name: String, in text: String) -> [String] {
    var names: [String] = []
    var inside = false
    for line in text.split(separator: "\n") {
      if line.hasPrefix("public enum \(name):") || line.hasPrefix("enum \(name):") {
        inside = true
      } else if inside && line == "}" {
        break
      } else if inside, line.hasPrefix("  case ") {
        names.append(String(line.dropFirst(7).prefix { $0.isLetter || $0.isNumber || $0 == "_" }))
      }
    }
    return names
  }

  /// No diagnostic of the evaluator is written where it is thrown: every `Diagnostic(` call
  /// in Session*.swift and ExpressionEvaluator.swift starts with a case of EvaluationError or
  /// SyntaxError, and any string literal in it is a single word (a parameter's name), not a
  /// message.
  func testTheEvaluatorBuildsDiagnosticsFromNamedErrors() throws {
    let files = Self.sourcePaths().map { ($0 as NSString).lastPathComponent }
      .filter { $0.hasPrefix("Session") || $0 == "ExpressionEvaluator.swift" }
    XCTAssertGreaterThan(files.count, 8)
    let cases = Set(
      Self.caseNames(ofEnum: "EvaluationError", in: try Self.source("EvaluationError.swift"))
        + Self.caseNames(ofEnum: "SyntaxError", in: try Self.source("SyntaxError.swift")))
    var calls = 0
    for file in files {
      for call in Self.diagnosticCalls(in: try Self.source(file)) {
        calls += 1
        XCTAssertEqual(Self.problem(with: call, cases: cases), nil, "\(file): Diagnostic(\(call))")
      }
    }
    // About sixty when the errors were named: a scanner that finds none checks nothing.
    XCTAssertGreaterThan(calls, 50)
  }

  /// The scanner finds what it is for.
  func testTheScanFindsADiagnosticWrittenInPlace() {
    let cases: Set<String> = ["noModel", "parameterOutOfRange"]
    let text = """
      throw Diagnostic(.noModel, at: span, in: source)
      throw Diagnostic(
        .parameterOutOfRange("lr", range: spec("lr").rangeText, got: "\\(v)"), at: span, in: source)
      throw Diagnostic("there is no model yet", at: span, in: source)
      throw Diagnostic(.noModel(hint: "define one (e.g. \\(example))"), at: span, in: source)
      throw Diagnostic(.custom(text), at: span, in: source)
      """
    let calls = Self.diagnosticCalls(in: text)
    XCTAssertEqual(calls.count, 5)
    XCTAssertEqual(calls.map { Self.problem(with: $0, cases: cases) == nil }, [true, true, false, false, false])
  }

  /// Why a call's arguments are not a named error, or nil.
  static func problem(with call: String, cases: Set<String>) -> String? {
    let arguments = call.drop { $0 == " " || $0 == "\n" }
    guard arguments.hasPrefix(".") else { return "the first argument is not a case" }
    let name = String(arguments.dropFirst().prefix { $0.isLetter || $0.isNumber })
    guard cases.contains(name) else { return "'\(name)' is no case of EvaluationError or SyntaxError" }
    if let prose = stringLiterals(in: call).first(where: { $0.contains(where: \.isWhitespace) }) {
      return "a message written in place: \"\(prose)\""
    }
    return nil
  }

  /// The text between the parentheses of each `Diagnostic(` call.
  static func diagnosticCalls(in text: String) -> [String] {
    let characters = Array(text)
    var calls: [String] = []
    var index = 0
    let opening = Array("Diagnostic(")
    while index + opening.count <= characters.count {
      let preceding = index > 0 ? characters[index - 1] : " "
      guard Array(characters[index..<index + opening.count]) == opening,
        !(preceding.isLetter || preceding.isNumber || preceding == "_" || preceding == ".")
      else {
        index += 1
        continue
      }
      let start = index + opening.count
      var end = start
      var depth = 1
      while end < characters.count {
        if characters[end] == "\"" {
          end = endOfString(characters, from: end)
          continue
        }
        if characters[end] == "(" { depth += 1 }
        if characters[end] == ")" {
          depth -= 1
          if depth == 0 { break }
        }
        end += 1
      }
      calls.append(String(characters[start..<min(end, characters.count)]))
      index = end
    }
    return calls
  }

  /// The index just past the string literal that opens at `start`, interpolations included.
  static func endOfString(_ characters: [Character], from start: Int) -> Int {
    var index = start + 1
    while index < characters.count {
      switch characters[index] {
      case "\\" where index + 1 < characters.count && characters[index + 1] == "(":
        index += 2
        var depth = 1
        while index < characters.count && depth > 0 {
          if characters[index] == "\"" {
            index = endOfString(characters, from: index)
            continue
          }
          if characters[index] == "(" { depth += 1 }
          if characters[index] == ")" { depth -= 1 }
          index += 1
        }
      case "\\": index += 2
      case "\"": return index + 1
      default: index += 1
      }
    }
    return index
  }

  /// The literal text of each string in `code`, interpolations left out.
  static func stringLiterals(in code: String) -> [String] {
    let characters = Array(code)
    var literals: [String] = []
    var index = 0
    while index < characters.count {
      guard characters[index] == "\"" else {
        index += 1
        continue
      }
      let end = endOfString(characters, from: index)
      var literal = ""
      var inner = index + 1
      while inner < end - 1 {
        if characters[inner] == "\\" && inner + 1 < end && characters[inner + 1] == "(" {
          let skipped = endOfInterpolation(characters, from: inner + 2)
          literal += "\\(…)"
          inner = skipped
        } else {
          literal.append(characters[inner])
          inner += 1
        }
      }
      literals.append(literal)
      index = end
    }
    return literals
  }

  /// The index just past the `)` that closes an interpolation whose text starts at `start`.
  static func endOfInterpolation(_ characters: [Character], from start: Int) -> Int {
    var index = start
    var depth = 1
    while index < characters.count && depth > 0 {
      if characters[index] == "\"" {
        index = endOfString(characters, from: index)
        continue
      }
      if characters[index] == "(" { depth += 1 }
      if characters[index] == ")" { depth -= 1 }
      index += 1
    }
    return index
  }

  /// Tests can ask which error a diagnostic is, not only what it says.
  func testADiagnosticKeepsItsNamedError() {
    let session = Session()
    let source = Source(name: "t.toy", text: "big = model n=3 m=2\nuse bgi\nprint 1 / 0")
    let (statements, diagnostics, _) = Parser.parse(source)
    XCTAssertEqual(diagnostics, [])
    var kinds: [Diagnostic.Kind] = []
    for statement in statements {
      do { try session.execute(statement, source) } catch .failed(let d) { kinds.append(d.kind) } catch {}
    }
    XCTAssertEqual(
      kinds, [.evaluation(.unknownModel("bgi", suggestion: "big")), .evaluation(.divisionByZero)])
    let typo = Parser.parse(Source(name: "t.toy", text: "trian 10")).diagnostics
    XCTAssertEqual(typo.map(\.kind), [.syntax(.unknownStatement("trian", suggestion: "train"))])
    XCTAssertEqual(typo.first?.hint, "did you mean 'train'?")
    guard case .runtimeError(let big) = session.run(Source(name: "t.toy", text: "model n=0 m=1")) else {
      return XCTFail("n=0 ran")
    }
    XCTAssertEqual(
      big.kind, .evaluation(.parameterOutOfRange("n", range: "a whole number from 1 to 10000", got: "0")))
  }
}
