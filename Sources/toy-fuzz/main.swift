import Foundation

#if canImport(Glibc)
  import Glibc
#endif

/// toy-fuzz: an in-process fuzzer for the script pipeline (lexer, parser, checker) and for
/// model files (`load`). See Tests/Fuzz/README.md.
///
///     toy-fuzz TARGET DIR... [--runs N] [--seconds S] [--seed N] [--findings DIR] [--timeout S]
///     toy-fuzz TARGET --replay FILE...
///     toy-fuzz minimize TARGET FILE
///
/// A run replays every file of the corpus directories first (the regression inputs), then
/// mutates them until N inputs or S seconds. An input that gives an outcome not seen
/// before (a new error message, another kind of ending) joins the corpus in memory, a
/// cheap stand-in for coverage. A crash or a hang writes the input to the findings
/// directory and ends the run with a non-zero status.
struct Options {
  var target = FuzzTarget.script
  var directories: [String] = []
  var runs = Int.max
  var seconds = Double.infinity
  var seed: UInt64 = 1
  var findings = "."
  var timeout: UInt32 = 10
  var maxLength = 16384
  var replay = false

  static let usage = """
    usage: toy-fuzz script|model DIR... [--runs N] [--seconds S] [--seed N] [--findings DIR] [--timeout S] [--max-length N]
           toy-fuzz script|model --replay FILE...
           toy-fuzz minimize script|model FILE
    """

  init(_ arguments: ArraySlice<String>) {
    var rest = arguments
    guard let first = rest.popFirst(), let target = FuzzTarget(rawValue: first) else { fail(Self.usage) }
    self.target = target
    if target == .model { maxLength = 1 << 18 }
    while let argument = rest.popFirst() {
      func value() -> String {
        guard let value = rest.popFirst() else { fail("\(argument) needs a value\n\(Self.usage)") }
        return value
      }
      func number<T: LosslessStringConvertible>(_ type: T.Type) -> T {
        guard let number = T(value()) else { fail("\(argument) takes a number\n\(Self.usage)") }
        return number
      }
      switch argument {
      case "--runs": runs = number(Int.self)
      case "--seconds": seconds = number(Double.self)
      case "--seed": seed = number(UInt64.self)
      case "--findings": findings = value()
      case "--timeout": timeout = number(UInt32.self)
      case "--max-length": maxLength = number(Int.self)
      case "--replay": replay = true
      default:
        if argument.hasPrefix("--") { fail("unknown option \(argument)\n\(Self.usage)") }
        directories.append(argument)
      }
    }
  }
}

func fail(_ message: String) -> Never {
  FileHandle.standardError.write(Data("toy-fuzz: \(message)\n".utf8))
  exit(64)
}

/// Every regular file under `path` (or `path` itself), in a stable order.
func files(under path: String) -> [String] {
  var isDirectory: ObjCBool = false
  guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else { fail("no such file: \(path)") }
  guard isDirectory.boolValue else { return [path] }
  let names = (FileManager.default.enumerator(atPath: path)?.allObjects as? [String]) ?? []
  return names.sorted().map { "\(path)/\($0)" }.filter {
    var isDirectory: ObjCBool = false
    return FileManager.default.fileExists(atPath: $0, isDirectory: &isDirectory) && !isDirectory.boolValue
  }
}

func read(_ path: String) -> [UInt8] {
  guard let data = FileManager.default.contents(atPath: path) else { fail("cannot read \(path)") }
  return Array(data)
}

func note(_ text: String) {
  FileHandle.standardError.write(Data((text + "\n").utf8))
}

/// Runs one input under the crash guard; returns its outcome's signature.
func runGuarded(_ target: FuzzTarget, _ bytes: [UInt8], timeout: UInt32) -> String {
  CrashGuard.begin(bytes, seconds: timeout)
  defer { CrashGuard.end() }
  return target.run(bytes)
}

func fuzz(_ options: Options) -> Int32 {
  try? FileManager.default.createDirectory(atPath: options.findings, withIntermediateDirectories: true)
  CrashGuard.install(directory: options.findings, target: options.target.rawValue)
  var corpus = options.directories.flatMap(files(under:)).map(read)
  if options.replay {
    for bytes in corpus { _ = runGuarded(options.target, bytes, timeout: options.timeout) }
    note("\(options.target.rawValue): replayed \(corpus.count) inputs, no crash")
    return 0
  }
  if corpus.isEmpty { corpus = [[]] }
  let started = Date()
  var seen: Set<String> = []
  for bytes in corpus { seen.insert(runGuarded(options.target, bytes, timeout: options.timeout)) }
  let replayed = corpus.count
  var mutator = Mutator(seed: options.seed, dictionary: dictionary(from: corpus), maxLength: options.maxLength)
  var runs = 0
  var lastReport = started
  while runs < options.runs {
    if runs % 64 == 0 {
      let now = Date()
      if now.timeIntervalSince(started) >= options.seconds { break }
      if now.timeIntervalSince(lastReport) >= 30 {
        lastReport = now
        let rate = Double(runs) / now.timeIntervalSince(started)
        note("\(options.target.rawValue): \(runs) inputs, \(Int(rate))/s, \(corpus.count) in the corpus")
      }
    }
    let base = corpus[mutator.below(corpus.count)]
    let other = corpus[mutator.below(corpus.count)]
    let input = mutator.mutate(base, other: other)
    let signature = runGuarded(options.target, input, timeout: options.timeout)
    if seen.insert(signature).inserted { corpus.append(input) }
    runs += 1
  }
  let seconds = Date().timeIntervalSince(started)
  print(
    "\(options.target.rawValue): \(replayed) corpus inputs replayed, \(runs) mutated inputs in "
      + "\(String(format: "%.1f", seconds)) s (seed \(options.seed)), \(corpus.count - replayed) new outcomes, 0 crashes"
  )
  return 0
}

/// Shrinks a crashing input: removes ever smaller chunks while a fresh process still
/// crashes on it (`toy-fuzz TARGET --replay`), and writes the result to FILE.min.
func minimize(_ arguments: ArraySlice<String>) -> Int32 {
  guard arguments.count == 2, let target = FuzzTarget(rawValue: arguments[arguments.startIndex]) else {
    fail(Options.usage)
  }
  let path = arguments[arguments.startIndex + 1]
  var best = read(path)
  let scratch = NSTemporaryDirectory() + "toy-fuzz-min-\(getpid())"
  defer { try? FileManager.default.removeItem(atPath: scratch) }
  func crashes(_ bytes: [UInt8]) -> Bool {
    _ = FileManager.default.createFile(atPath: scratch + ".in", contents: Data(bytes))
    let process = Process()
    process.executableURL = URL(fileURLWithPath: CommandLine.arguments[0]).standardizedFileURL
    process.arguments = [target.rawValue, "--replay", scratch + ".in", "--findings", scratch, "--timeout", "10"]
    process.standardError = FileHandle.nullDevice
    process.standardOutput = FileHandle.nullDevice
    guard (try? process.run()) != nil else { return false }
    process.waitUntilExit()
    return process.terminationReason == .uncaughtSignal || process.terminationStatus == 3
  }
  guard crashes(best) else { fail("\(path) does not crash toy-fuzz \(target.rawValue)") }
  var chunk = max(1, best.count / 2)
  while chunk >= 1 {
    var start = 0
    var shrunk = false
    while start < best.count {
      var candidate = best
      candidate.removeSubrange(start..<min(best.count, start + chunk))
      if crashes(candidate) {
        best = candidate
        shrunk = true
      } else {
        start += chunk
      }
    }
    if !shrunk { chunk /= 2 }
  }
  _ = FileManager.default.createFile(atPath: path + ".min", contents: Data(best))
  try? FileManager.default.removeItem(atPath: scratch + ".in")
  print("\(path).min: \(best.count) bytes still crash")
  return 0
}

let arguments = CommandLine.arguments.dropFirst()
if arguments.first == "minimize" {
  exit(minimize(arguments.dropFirst()))
}
exit(fuzz(Options(arguments)))
