import ToyLanguage
import XCTest

/// The completion engine the prompt and the kernel share, from what a session defines.
final class CompletionTests: XCTestCase {
  func session() -> Session {
    let session = Session()
    XCTAssertEqual(session.run(Source(name: "test", text: "intro = model n=5 m=2\nxs = [1, 2]")), .finished)
    return session
  }

  func testPrintOffersMetricsFunctionsVariablesAndModels() {
    let offered = Completion(session: session()).candidates(line: "print ", word: "")
    for name in ["loss", "norms", "superposition", "linspace(", "max(", "xs", "intro", "seed="] {
      XCTAssertTrue(offered.contains(name), "print ⇥ offers \(name): \(offered)")
    }
    XCTAssertFalse(offered.contains("train"), "a statement is not an expression")
  }

  func testAModelsAttributesAfterItsName() {
    let engine = Completion(session: session())
    XCTAssertEqual(engine.candidates(line: "print intro.di", word: "intro.di"), ["intro.dimensionality", "intro.dims"])
    XCTAssertTrue(engine.candidates(line: "x = intro.", word: "intro.").contains("intro.loss"))
    XCTAssertEqual(engine.candidates(line: "print xs.", word: "xs."), [], "a list has no attributes")
  }

  func testAfterAnAssignmentAModelALoadOrAnExpression() {
    let engine = Completion(session: session())
    XCTAssertEqual(engine.candidates(line: "x = lin", word: "lin"), ["linspace("])
    XCTAssertEqual(engine.candidates(line: "y = mo", word: "mo"), ["model"])
    XCTAssertEqual(engine.candidates(line: "y = model n=5 m=2 spa", word: "spa"), ["sparsity="])
  }

  func testSaeTrainSaeAndPrintSae() {
    let engine = Completion(session: session())
    XCTAssertEqual(engine.candidates(line: "sae lat", word: "lat"), ["latents="])
    XCTAssertEqual(engine.candidates(line: "sae latents=5 to", word: "to"), ["topk="])
    XCTAssertEqual(engine.candidates(line: "train s", word: "s"), ["sae", "schedule="])
    XCTAssertEqual(engine.candidates(line: "train sae 100 ", word: ""), ["batch=", "lr=", "schedule="])
    XCTAssertEqual(
      engine.candidates(line: "print s", word: "s"), ["sae", "superposition", "steps", "sqrt(", "sum(", "seed="])
    XCTAssertEqual(engine.candidates(line: "print mm", word: "mm"), ["mmcs"])
    XCTAssertEqual(engine.candidates(line: "print intro.mm", word: "intro.mm"), ["intro.mmcs"])
    XCTAssertEqual(engine.candidates(line: "a = s", word: "s"), ["sae", "superposition", "steps", "sqrt(", "sum("])
  }

  func testParameterValuesStatementsAndHelpTopics() {
    let engine = Completion(session: session(), magics: ["time", "timeit", "who"])
    XCTAssertEqual(engine.candidates(line: "show norms seed=", word: ""), ["best", "all"])
    XCTAssertEqual(engine.candidates(line: "show descent models=[intro, in", word: "in"), ["intro"])
    XCTAssertEqual(engine.candidates(line: "show descent mo", word: "mo"), ["models="])
    XCTAssertEqual(
      engine.candidates(line: "model n=5 m=2 density=lo", word: "lo"),
      ["loss", "loss_recovered", "logspace(", "log(", "log10("])
    XCTAssertEqual(engine.candidates(line: "model n=5 m=2; tr", word: "tr"), ["train", "train_loss"])
    XCTAssertEqual(engine.candidates(line: "for d in [1, 2] do sh", word: "sh"), ["show"])
    XCTAssertEqual(engine.candidates(line: "help superp", word: "superp"), ["superposition"])
    XCTAssertEqual(engine.candidates(line: "?expl", word: "expl"), ["explore"])
    XCTAssertEqual(engine.candidates(line: "%ti", word: "%ti"), ["%time", "%timeit"])
    XCTAssertEqual(engine.candidates(line: "%timeit tr", word: "tr"), ["train", "train_loss"])
    XCTAssertEqual(engine.candidates(line: "%who x", word: "x"), [])
    XCTAssertEqual(engine.candidates(line: "x", word: "x"), ["xs"])
    XCTAssertEqual(engine.candidates(line: "_", word: "_"), [], "no _ until a cell has a value")
  }
}
