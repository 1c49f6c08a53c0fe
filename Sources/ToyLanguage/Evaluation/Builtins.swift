import RealModule

/// The functions expressions may call. Each checks its arguments and explains misuse.
enum Builtins {
  struct Function: Sendable {
    let name: String
    let signature: String
    let summary: String
    let body: @Sendable (_ arguments: [Value], _ fail: (ArgumentError) -> Diagnostic) throws(Diagnostic) -> Value
  }

  static let all: [String: Function] = Dictionary(
    uniqueKeysWithValues: functions.map { ($0.name, $0) })

  static let functions: [Function] = [
    Function(
      name: "linspace", signature: "linspace(a, b, k)", summary: "k evenly spaced numbers from a to b",
      body: { args, fail throws(Diagnostic) in
        let (a, b, k) = try (number(args, 0, 3, fail), number(args, 1, 3, fail), count(args, 2, fail))
        return .list(spaced(a, b, k).map(Value.number))
      }),
    Function(
      name: "logspace", signature: "logspace(a, b, k)", summary: "k numbers from 10^a to 10^b, evenly spaced in log",
      body: { args, fail throws(Diagnostic) in
        let (a, b, k) = try (number(args, 0, 3, fail), number(args, 1, 3, fail), count(args, 2, fail))
        return .list(spaced(a, b, k).map { .number(Double.pow(10, $0)) })
      }),
    Function(
      name: "range", signature: "range(k)", summary: "0, 1, …, k−1",
      body: { args, fail throws(Diagnostic) in
        guard args.count == 1 else { throw fail(.count(expected: 1, got: args.count)) }
        let k = try count(args, 0, fail)
        return .list((0..<k).map { .number(Double($0)) })
      }),
    unary("exp", "e to the power x", { Double.exp($0) }),
    unary("log", "natural logarithm", { Double.log($0) }),
    unary("log10", "base-10 logarithm", { Double.log10($0) }),
    unary("sqrt", "square root", { $0.squareRoot() }),
    unary("abs", "absolute value", { Swift.abs($0) }),
    reduction("min", "the smallest number", { $0.min() }),
    reduction("max", "the largest number", { $0.max() }),
    reduction("sum", "the sum", { $0.reduce(0, +) }),
    Function(
      name: "len", signature: "len(list)", summary: "the number of items",
      body: { args, fail throws(Diagnostic) in
        guard args.count == 1 else { throw fail(.count(expected: 1, got: args.count)) }
        guard case .list(let items) = args[0] else { throw fail(.notAList(type: args[0].typeName)) }
        return .number(Double(items.count))
      }),
  ]

  /// k numbers from a to b inclusive (one number gives a).
  static func spaced(_ a: Double, _ b: Double, _ k: Int) -> [Double] {
    guard k > 1 else { return k == 1 ? [a] : [] }
    return (0..<k).map { a + (b - a) * Double($0) / Double(k - 1) }
  }

  static let maximumListLength = 1_000_000

  static func number(_ args: [Value], _ index: Int, _ expected: Int, _ fail: (ArgumentError) -> Diagnostic)
    throws(Diagnostic)
    -> Double
  {
    guard args.count == expected else { throw fail(.count(expected: expected, got: args.count)) }
    guard case .number(let x) = args[index] else {
      throw fail(.notANumber(argument: index + 1, type: args[index].typeName))
    }
    return x
  }

  static func count(_ args: [Value], _ index: Int, _ fail: (ArgumentError) -> Diagnostic) throws(Diagnostic) -> Int {
    guard index < args.count, case .number(let x) = args[index] else {
      throw fail(.notWhole(argument: index + 1))
    }
    guard x == x.rounded(), x >= 0, x <= Double(maximumListLength) else {
      throw fail(.countOutOfRange(argument: index + 1, limit: maximumListLength, got: x))
    }
    return Int(x)
  }

  /// A function of one number, applied item by item to a list.
  static func unary(_ name: String, _ summary: String, _ f: @escaping @Sendable (Double) -> Double) -> Function {
    Function(
      name: name, signature: "\(name)(x)", summary: summary + " (of each item of a list)",
      body: { args, fail throws(Diagnostic) in
        guard args.count == 1 else { throw fail(.count(expected: 1, got: args.count)) }
        return try map(args[0], fail) { f($0) }
      })
  }

  static func map(_ value: Value, _ fail: (ArgumentError) -> Diagnostic, _ f: (Double) -> Double) throws(Diagnostic)
    -> Value
  {
    switch value {
    case .number(let x): return .number(f(x))
    case .list(let items):
      var out: [Value] = []
      for item in items { out.append(try map(item, fail, f)) }
      return .list(out)
    default: throw fail(.notNumeric(type: value.typeName))
    }
  }

  /// min, max, sum: of a list, or of several numbers.
  static func reduction(_ name: String, _ summary: String, _ f: @escaping @Sendable ([Double]) -> Double?) -> Function {
    Function(
      name: name, signature: "\(name)(list) or \(name)(a, b, …)", summary: summary,
      body: { args, fail throws(Diagnostic) in
        let values: [Double]?
        if args.count == 1 { values = args[0].numbers } else { values = Value.list(args).numbers }
        guard let values else { throw fail(.notNumbers) }
        guard let result = f(values) else { throw fail(.noNumbers) }
        return .number(result)
      })
  }
}
