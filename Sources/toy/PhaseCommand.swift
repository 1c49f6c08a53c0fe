import ArgumentParser
import ToyCore
import ToyLanguage
import ToyPlot

/// `toy phase`: the theory's phase diagram (paper §3.4), the cheapest closed-form candidate
/// at each relative importance r and density 1−S.
struct PhaseCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "phase",
    abstract: "Draw the theoretical phase diagram of an extra feature (the paper's phase change section).",
    discussion: """
      Each point shows the cheapest closed-form candidate at the extra feature's
      relative importance r (0.1 to 10, across) and density s = 1−S (1 to 0.01,
      down). Losses per example; a dropped feature's bias is s/2:
        2x1 (n=2, m=1)  ignore extra r(s/3 − s²/4), ignore the regular feature
                        s/3 − s²/4, antipodal (1+r)s²/6
        3x2 (n=3, m=2)  the same three, and the regular pair antipodal with
                        the extra feature dedicated, s²/3
      The text has one point per cell at the terminal's width; the SVG 200×200.
      With --train, ReLU models are trained at each point beside the theory; each
      point shows the candidate its lowest-loss model found (models are not
      averaged: they may have found different candidates), and a note says at
      how many points the models differ. It runs, as toy -e would, the script
      (the model on one line; P is --points, M --models, N --steps)
        model n=2 m=1 kind=relu importance=[1, r] density=s seeds=M seed=0
          for s in logspace(-1/P, -2 + 1/P, P), r in logspace(-1 + 1/P, 1 - 1/P, P)
        train N
        show phase
      and draws what show phase draws.

      Examples:
        toy phase --kind 3x2 --svg phase.svg
        toy phase --train --points 10 --models 10
      """
  )

  enum Kind: String, CaseIterable, ExpressibleByArgument {
    case twoInOne = "2x1"
    case threeInTwo = "3x2"

    var setting: PhaseChange { self == .twoInOne ? .twoInOne : .threeInTwo }
  }

  @Option(help: "The setting: 2x1 (n=2, m=1) or 3x2 (n=3, m=2).")
  var kind: Kind = .twoInOne

  @Option(help: "Points per axis (default: as many as the text has cells; 200 in SVG). Not with --train.")
  var resolution: Int?

  @Option(help: ArgumentHelp("Also write the diagram as SVG to this file.", valueName: "file"))
  var svg: String?

  @Flag(help: "Also train ReLU models at each point and draw them beside the theory, as the paper does.")
  var train = false

  @Option(help: "With --train: trained points per axis.")
  var points = 10

  @Option(help: "With --train: models per point; the point shows the candidate of the one with the lowest loss.")
  var models = 10

  @Option(help: "With --train: training steps (the notebook's and the examples' 10,000).")
  var steps = 10_000

  @Option(help: "With --train: the seed of every random draw.")
  var seed: UInt64 = 0

  @Option(help: OutputOptions.formatHelp)
  var format: OutputOptions.OutputFormat = .text

  @OptionGroup var terminal: TerminalOptions

  func validate() throws {
    if let resolution, !(1...2000).contains(resolution) {
      throw ValidationError("--resolution must be between 1 and 2000, got \(resolution)")
    }
    if train && resolution != nil {
      throw ValidationError("--resolution sets the theory's points alone; with --train, show phase draws both")
    }
    if !(1...100).contains(points) { throw ValidationError("--points must be between 1 and 100, got \(points)") }
    if let svg { _ = try CommandScript.string(svg, option: "--svg") }
  }

  func run() throws {
    if train {
      let script = try script()
      var runner = ScriptRunner(options: try OutputOptions.of(format: format, terminal: terminal))
      runner.describe = script.describe
      throw ExitCode(runner.run(script.parts))
    }
    let policy = terminal.policy
    let display = PhaseTheory.display(
      kind.setting, resolution: resolution, text: TextOptions(width: policy.width, ascii: terminal.ascii),
      color: policy.depth != .none, svgStyle: TerminalPolicy.svgStyle(terminal.theme))
    switch format {
    case .text: writeLine(rendered(display, policy: policy))
    case .json: writeLine(ScriptRunner.jsonLine(display, nil))
    }
    if let svg, let document = display.svg { try writeFile(document, to: svg) }
  }

  /// `--train` as a script: ReLU models at the centres of a `points`×`points` grid over the
  /// paper's ranges, `models` seeds each, and `show phase`.
  func script() throws -> CommandScript {
    let setting = kind.setting
    var script = CommandScript(command: "toy phase")
    let importance = "[" + [String](repeating: "1", count: setting.featureCount - 1).joined(separator: ", ") + ", r]"
    // Point k of P at the centre of the k-th of P steps in log: r from 0.1 to 10 across,
    // the density from 1 down to 0.01.
    let grid = "--points \(points)"
    // The grid's size is what a limit on the instances (points² × models) refuses.
    script.add(
      .word("model"), .word("n=\(setting.featureCount)"), .word("m=\(setting.hiddenCount)"), .word("kind=relu"),
      .word("importance=\(importance)"), .word("density=s"), .option("seeds=\(models)", "--models \(models)"),
      .option("seed=\(seed)", "--seed \(seed)"),
      .option("for s in logspace(-1/\(points), -2 + 1/\(points), \(points)),", grid),
      .option("r in logspace(-1 + 1/\(points), 1 - 1/\(points), \(points))", grid),
      option: "\(grid) --models \(models)")
    script.add(.word("train"), .option(String(steps), "--steps \(steps)"))
    script.add(.word("show"), .word("phase"))
    if let svg {
      script.add(
        .word("export"), .word("phase"), .option(try CommandScript.string(svg, option: "--svg"), "--svg \(svg)"))
    }
    return script
  }
}

/// Writes `text` to `path`, naming the file on failure.
func writeFile(_ text: String, to path: String) throws {
  do {
    try FileWriter.replace(path, with: text)
  } catch {
    throw CommandFailure("\(path): cannot write: \(error.reason)")
  }
}
