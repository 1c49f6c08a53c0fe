// swift-tools-version: 6.2
import PackageDescription

/// Warnings in our own targets are errors; dependencies keep their own settings.
let strict: [SwiftSetting] = [.treatAllWarnings(as: .error)]

/// swift-numerics' real functions (`Float.exp`, `.log`, …), which ToyCore and ToyLanguage call.
let realModule: Target.Dependency = .product(name: "RealModule", package: "swift-numerics")

let package = Package(
  name: "toy",
  products: [
    .executable(name: "toy", targets: ["toy"]),
    // The Jupyter kernel: its own executable, so that building `toy` needs only readline.
    .executable(name: "toy-kernel", targets: ["toy-kernel"]),
    .library(name: "ToyCore", targets: ["ToyCore"]),
    .library(name: "ToyPlot", targets: ["ToyPlot"]),
  ],
  dependencies: [
    .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
    .package(url: "https://github.com/apple/swift-numerics", from: "1.1.1"),
    .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
  ],
  // Every target names each module it imports, even one a dependency already brings.
  // scripts/test builds with `--explicit-target-dependency-import-check error`, which refuses an
  // import of one of our targets outside a target's dependencies (direct or not); it does not
  // see products of other packages, so check those by eye.
  targets: [
    // The numeric core, in Model/, Training/ (the trainer, its C kernels' wrapper and their naive
    // Swift twin), Files/ (the saved model's format) and Analysis/ (a file per quantity).
    // No I/O, no printing.
    .target(
      name: "ToyCore",
      dependencies: ["CToyKernels", realModule],
      swiftSettings: strict
    ),
    // Plots: plain numbers in, plot models and renderings (text, ANSI, SVG) out. Standard library only.
    .target(name: "ToyPlot", swiftSettings: strict),
    // The .toy language, in the order a statement runs: Syntax/ (source, lexer, parser, syntax tree,
    // diagnostics), Evaluation/ (the session, expressions, parameters, errors), Figures/ (the show
    // targets and their figures), Displays/ (mime bundles, toy's JSON, tables), Files/ (saved
    // models, notebooks), Help/ (help, completion, the reference's tables) and Sharding/ (training
    // split across processes: `toy run --shard`, `--from`). ARCHITECTURE.md follows a statement
    // through them.
    .target(name: "ToyLanguage", dependencies: ["ToyCore", "ToyPlot", realModule], swiftSettings: strict),
    // The core's hot loop in C, compiled for the baseline and for AVX2+FMA (chosen at run time).
    .target(name: "CToyKernels"),
    // GNU readline, used by the interactive session only.
    .systemLibrary(
      name: "CReadline",
      providers: [.apt(["libreadline-dev"])]
    ),
    // ZeroMQ (Debian's libzmq3-dev), used by the Jupyter kernel alone.
    .systemLibrary(
      name: "CZeroMQ",
      providers: [.apt(["libzmq3-dev"])]
    ),
    // The Jupyter messaging protocol over ZeroMQ, with HMAC-SHA256 signatures from swift-crypto.
    .target(
      name: "ToyJupyter",
      dependencies: [
        "ToyCore", "ToyLanguage", "ToyPlot", "CZeroMQ", .product(name: "Crypto", package: "swift-crypto"),
      ],
      swiftSettings: strict
    ),
    // The kernel's executable: `toy-kernel`, run by Jupyter from the kernelspec.
    .executableTarget(
      name: "toy-kernel",
      dependencies: [
        "ToyCore", "ToyJupyter", "ToyLanguage", .product(name: "ArgumentParser", package: "swift-argument-parser"),
      ],
      swiftSettings: strict
    ),
    // The command line: scripts, the interactive session (the one user of readline), toy train,
    // phase, bench and notebook, and the terminal rendering of displays.
    .executableTarget(
      name: "toy",
      dependencies: [
        "ToyCore",
        "ToyPlot",
        "ToyLanguage",
        "CReadline",
        .product(name: "ArgumentParser", package: "swift-argument-parser"),
      ],
      swiftSettings: strict
    ),
    // The fuzzer for scripts and model files (Tests/Fuzz/README.md); scripts/fuzz runs it.
    .executableTarget(name: "toy-fuzz", dependencies: ["ToyCore", "ToyLanguage"], swiftSettings: strict),
    // Helpers the test targets share (golden files, the repository's files, plot widths); a
    // plain target under Tests/ that only test targets depend on.
    .target(name: "ToyTestSupport", dependencies: ["ToyPlot"], path: "Tests/ToyTestSupport", swiftSettings: strict),
    .testTarget(
      name: "ToyLanguageTests",
      dependencies: ["ToyLanguage", "ToyCore", "ToyPlot", "ToyTestSupport"],
      exclude: ["Spec", "Golden"],
      swiftSettings: strict
    ),
    .testTarget(
      name: "ToyPlotTests",
      dependencies: ["ToyPlot", "ToyTestSupport"],
      exclude: ["Golden"],
      swiftSettings: strict
    ),
    .testTarget(
      name: "ToyCoreTests",
      // CToyKernels: the sampler tests call its C formulas (`toy_data_value`, `toy_group_cdf`).
      dependencies: ["ToyCore", "CToyKernels", realModule],
      resources: [.copy("Fixtures")],
      swiftSettings: strict
    ),
    .testTarget(
      name: "toyTests",
      dependencies: ["toy", "ToyCore", "ToyPlot", "ToyLanguage", "CReadline", "ToyTestSupport"],
      exclude: ["Golden"],
      swiftSettings: strict
    ),
    .testTarget(
      name: "ToyJupyterTests",
      dependencies: ["ToyJupyter", .product(name: "Crypto", package: "swift-crypto")],
      swiftSettings: strict
    ),
  ]
)
