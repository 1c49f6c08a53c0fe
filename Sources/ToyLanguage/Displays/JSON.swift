import Foundation

/// toy's one JSON writer: displays, `export`, `--format json` lines, notebooks, and the
/// kernel's messages and files all write through it. Reading stays with Foundation.
///
/// Numbers are written so that they read back as the same Double (Swift's shortest
/// round-trip form, a whole number without `.0`); a number that is not finite is `null`.
/// Objects keep their pairs in the order given.
///
///     JSON.write(.object([("loss", .number(0.25)), ("steps", .integer(100))]))
///     // {"loss":0.25,"steps":100}
public enum JSON {
  public indirect enum Node: Sendable {
    case number(Double)
    /// A whole number written exactly, beyond Double's 2⁵³ too.
    case integer(Int)
    /// A whole number past `Int.max`, such as a 64-bit seed, written exactly.
    case unsigned(UInt64)
    case string(String)
    case bool(Bool)
    case null
    case array([Node])
    case object([(String, Node)])

    /// Any whole number: exact within the range of `Int` or `UInt64` (a count, a seed), as
    /// the nearest Double beyond it.
    public static func whole(_ value: some BinaryInteger) -> Node {
      if let int = Int(exactly: value) { return .integer(int) }
      return UInt64(exactly: value).map { .unsigned($0) } ?? .number(Double(value))
    }
  }

  static func numbers(_ xs: [Double]) -> Node { .array(xs.map { .number($0) }) }

  /// The node as JSON text: compact, or `indented` one space a level with a line per item
  /// (as Jupyter writes notebooks and kernelspecs).
  public static func write(_ node: Node, indented: Bool = false) -> String {
    var out = ""
    write(node, to: &out, indent: indented ? 0 : nil)
    return out
  }

  private static func write(_ node: Node, to out: inout String, indent: Int?) {
    switch node {
    case .number(let x):
      out += x.isFinite ? (x == x.rounded() && Swift.abs(x) < 1e15 ? String(Int(x)) : "\(x)") : "null"
    case .integer(let i): out += String(i)
    case .unsigned(let u): out += String(u)
    case .string(let s): out += quote(s)
    case .bool(let b): out += b ? "true" : "false"
    case .null: out += "null"
    case .array(let items):
      container("[", "]", items, to: &out, indent: indent) { item, out, indent in
        write(item, to: &out, indent: indent)
      }
    case .object(let pairs):
      container("{", "}", pairs, to: &out, indent: indent) { pair, out, indent in
        out += quote(pair.0) + (indent == nil ? ":" : ": ")
        write(pair.1, to: &out, indent: indent)
      }
    }
  }

  /// Brackets around items separated by commas; indented, each item on a line of its own
  /// one space further in, and an empty container as `[]` or `{}`.
  private static func container<Item>(
    _ open: String, _ close: String, _ items: [Item], to out: inout String, indent: Int?,
    _ item: (Item, inout String, Int?) -> Void
  ) {
    out += open
    guard let indent, !items.isEmpty else {
      for (i, element) in items.enumerated() {
        if i > 0 { out += "," }
        item(element, &out, indent)
      }
      out += close
      return
    }
    let inner = "\n" + String(repeating: " ", count: indent + 1)
    for (i, element) in items.enumerated() {
      out += (i > 0 ? "," : "") + inner
      item(element, &out, indent + 1)
    }
    out += "\n" + String(repeating: " ", count: indent) + close
  }

  /// A string literal: quotes, backslashes and control characters escaped, the rest as it is
  /// (`/` and non-ASCII text included).
  public static func quote(_ s: String) -> String {
    var out = "\""
    for scalar in s.unicodeScalars {
      switch scalar {
      case "\"": out += "\\\""
      case "\\": out += "\\\\"
      case "\n": out += "\\n"
      case "\r": out += "\\r"
      case "\t": out += "\\t"
      default:
        if scalar.value < 0x20 {
          let hex = String(scalar.value, radix: 16)
          out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
        } else {
          out.unicodeScalars.append(scalar)
        }
      }
    }
    return out + "\""
  }
}

extension JSON.Node {
  /// A Foundation JSON value as a node: what `JSONSerialization` reads (`NSNumber`,
  /// `NSNull`, …) and the Swift values written like it (`String`, `Bool`, `Int`, `Double`,
  /// arrays, `[String: Any]`, nodes). Dictionary keys are sorted, so the same dictionary
  /// always gives the same text; a value JSON cannot hold is `null`.
  public init(_ value: Any) {
    switch value {
    case let node as JSON.Node: self = node
    case let string as String: self = .string(string)
    case let object as [String: Any]: self = .object(object.keys.sorted().map { ($0, JSON.Node(object[$0]!)) })
    case let items as [Any]: self = .array(items.map { JSON.Node($0) })
    default: self = Self.scalar(value) ?? .null
    }
  }

  /// A Bool, whole number or number. Swift's own values are told apart by their type, as
  /// an `NSNumber` would pass for all three; `JSONSerialization`'s numbers by their
  /// Objective-C type, "c" being how it stores `true` and `false`.
  private static func scalar(_ value: Any) -> JSON.Node? {
    switch value {
    case let b as Bool where type(of: value) == Bool.self: return .bool(b)
    case let i as Int where type(of: value) == Int.self: return .integer(i)
    case let x as Double where type(of: value) == Double.self: return .number(x)
    case let n as NSNumber:
      switch String(cString: n.objCType) {
      case "c": return .bool(n.boolValue)
      case "d", "f": return .number(n.doubleValue)
      case "Q": return .whole(n.uint64Value)
      default: return .integer(n.intValue)
      }
    default: return nil
    }
  }
}
