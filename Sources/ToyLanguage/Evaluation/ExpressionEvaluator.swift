import Foundation

/// Evaluates expressions against a scope of names. Arithmetic works on numbers and, item
/// by item, on lists (a list with a number, or two lists of one length). A result that is
/// not a finite number is an error at the expression that made it.
struct ExpressionEvaluator {
  let source: Source
  /// Looks a name up; nil if it is not defined.
  let lookup: (String, Span) throws(Diagnostic) -> Value?
  /// Names defined here, for "did you mean".
  let knownNames: () -> [String]
  /// Reads `value.name` (model metrics); nil if there is no such member.
  var member: (Value, String, Span) throws(Diagnostic) -> Value? = { _, _, _ throws(Diagnostic) in nil }

  func evaluate(_ expr: Expr) throws(Diagnostic) -> Value {
    switch expr {
    case .number(let x, _):
      return .number(x)
    case .string(let s, _):
      return .string(s)
    case .name(let name, let span):
      if let value = try lookup(name, span) { return value }
      let guess = suggestion(for: name, among: knownNames() + Array(Builtins.all.keys))
      throw Diagnostic(.undefinedName(name, suggestion: guess), at: span, in: source)
    case .negate(let operand, let span):
      return try arithmetic(.number(-1), try evaluate(operand), .multiply, span)
    case .binary:
      // A chain (1 + 2 + … + n) leans left: walk its spine with a loop, not a frame per
      // operator, left operand first as before.
      var spine: [(BinaryOperator, Expr, Span)] = []
      var node = expr
      while case .binary(let op, let left, let right, let span) = node {
        spine.append((op, right, span))
        node = left
      }
      var value = try evaluate(node)
      for (op, right, span) in spine.reversed() { value = try arithmetic(value, try evaluate(right), op, span) }
      return value
    case .call(let name, let nameSpan, let arguments, let span):
      guard let function = Builtins.all[name] else {
        let guess = suggestion(for: name, among: Array(Builtins.all.keys))
        throw Diagnostic(.unknownFunction(name, suggestion: guess), at: nameSpan, in: source)
      }
      var values: [Value] = []
      for argument in arguments { values.append(try evaluate(argument)) }
      let result = try function.body(values) { problem in
        Diagnostic(.call(function: name, signature: function.signature, problem), at: span, in: source)
      }
      try checkFinite(result, span)
      return result
    case .list(let items, let span):
      var values: [Value] = []
      for item in items {
        let value = try evaluate(item)
        if value.depth >= Value.depthLimit {
          throw Diagnostic(.listsNestTooDeep(limit: Value.depthLimit), at: span, in: source)
        }
        values.append(value)
      }
      return .list(values)
    case .member(let base, let name, let span):
      let value = try evaluate(base)
      if let result = try member(value, name, span) { return result }
      throw Diagnostic(.unknownMember(name, type: value.typeName, suggestion: nil), at: span, in: source)
    case .index(let base, let position, let span):
      let value = try evaluate(base)
      guard case .list(let items) = value else {
        throw Diagnostic(.notIndexable(type: value.typeName), at: span, in: source)
      }
      guard !items.isEmpty else { throw Diagnostic(.emptyListIndexed, at: span, in: source) }
      guard case .number(let x) = try evaluate(position), x == x.rounded(), x >= 0, x < Double(items.count) else {
        throw Diagnostic(.indexOutOfRange(count: items.count), at: position.span, in: source)
      }
      return items[Int(x)]
    }
  }

  func checkFinite(_ value: Value, _ span: Span) throws(Diagnostic) {
    switch value {
    case .number(let x) where !x.isFinite:
      throw Diagnostic(.notFinite(x), at: span, in: source)
    case .list(let items):
      for item in items { try checkFinite(item, span) }
    default: break
    }
  }

  func arithmetic(_ a: Value, _ b: Value, _ op: BinaryOperator, _ span: Span) throws(Diagnostic) -> Value {
    switch (a, b) {
    case (.number(let x), .number(let y)):
      let result: Double
      switch op {
      case .add: result = x + y
      case .subtract: result = x - y
      case .multiply: result = x * y
      case .divide:
        guard y != 0 else { throw Diagnostic(.divisionByZero, at: span, in: source) }
        result = x / y
      case .power: result = Foundation.pow(x, y)  // C's pow: (-2)^2 = 4, 0^0 = 1
      }
      guard result.isFinite else {
        throw Diagnostic(.operationNotFinite(x, op, y), at: span, in: source)
      }
      return .number(result)
    case (.list(let xs), .number):
      var out: [Value] = []
      for x in xs { out.append(try arithmetic(x, b, op, span)) }
      return .list(out)
    case (.number, .list(let ys)):
      var out: [Value] = []
      for y in ys { out.append(try arithmetic(a, y, op, span)) }
      return .list(out)
    case (.list(let xs), .list(let ys)):
      guard xs.count == ys.count else {
        throw Diagnostic(.listLengthsDiffer(op, xs.count, ys.count), at: span, in: source)
      }
      var out: [Value] = []
      for (x, y) in zip(xs, ys) { out.append(try arithmetic(x, y, op, span)) }
      return .list(out)
    default:
      throw Diagnostic(.operandTypes(op, a.typeName, b.typeName), at: span, in: source)
    }
  }
}
