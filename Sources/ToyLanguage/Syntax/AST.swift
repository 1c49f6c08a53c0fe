/// The syntax tree. Every node keeps its span, so later errors can point at it.

/// An expression (named `Expr`: Foundation has an `Expression` of its own).
public indirect enum Expr: Sendable, Hashable {
  case number(Double, Span)
  case string(String, Span)
  case name(String, Span)
  case negate(Expr, Span)
  case binary(BinaryOperator, Expr, Expr, Span)
  case call(String, Span, [Expr], Span)
  case list([Expr], Span)
  case member(Expr, String, Span)
  case index(Expr, Expr, Span)

  public var span: Span {
    switch self {
    case .number(_, let s), .string(_, let s), .name(_, let s), .negate(_, let s), .binary(_, _, _, let s),
      .call(_, _, _, let s), .list(_, let s), .member(_, _, let s), .index(_, _, let s):
      return s
    }
  }
}

public enum BinaryOperator: String, Sendable, Hashable {
  case add = "+"
  case subtract = "-"
  case multiply = "*"
  case divide = "/"
  case power = "^"
}

/// `name=value` after a statement word.
public struct Parameter: Sendable, Hashable {
  public let name: String
  public let nameSpan: Span
  public let value: Expr
}

/// `p in LIST` in a model's sweep clause.
public struct SweepVariable: Sendable, Hashable {
  public let name: String
  public let nameSpan: Span
  public let values: Expr
}

public struct Statement: Sendable, Hashable {
  public indirect enum Kind: Sendable, Hashable {
    case assignment(name: String, nameSpan: Span, value: Statement)
    case model(parameters: [Parameter], sweep: [SweepVariable])
    /// `sae …`: sparse autoencoders on the current model's hidden state.
    case sae(parameters: [Parameter], sweep: [SweepVariable])
    case train(steps: Expr, parameters: [Parameter])
    /// `train sae N …`: trains the current model's current autoencoders.
    case trainSAE(steps: Expr, parameters: [Parameter])
    case reset
    case explore
    case show(target: String, targetSpan: Span, parameters: [Parameter])
    case print([Expr], parameters: [Parameter])
    /// `print sae`: the current autoencoders' metrics table.
    case printSAE(parameters: [Parameter])
    case loop(variable: String, variableSpan: Span, values: Expr, body: [Statement])
    case use(name: String, nameSpan: Span)
    case save(path: String, pathSpan: Span)
    case load(path: String, pathSpan: Span)
    case export(target: String, targetSpan: Span, path: String, pathSpan: Span, parameters: [Parameter])
    case help(topic: String?, topicSpan: Span?)
    case expression(Expr)
  }

  public let kind: Kind
  public let span: Span
}
