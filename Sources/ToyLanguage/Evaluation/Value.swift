import ToyPlot

/// A value of the language: a number, a string, a list, or a reference to a named model.
public indirect enum Value: Sendable, Hashable {
  case number(Double)
  case string(String)
  case list([Value])
  case model(String)

  /// How deeply lists nest (a number is 0), limited so values never overflow the stack.
  public var depth: Int {
    guard case .list(let items) = self else { return 0 }
    return 1 + (items.map(\.depth).max() ?? 0)
  }

  static let depthLimit = 100

  /// What the value is, for messages ("expected a number, got a list of 3").
  public var typeName: String {
    switch self {
    case .number: return "a number"
    case .string: return "a string"
    case .list(let items): return "a list of \(items.count)"
    case .model: return "a model"
    }
  }

  /// The numbers of a flat list (or a single number as one), nil otherwise.
  public var numbers: [Double]? {
    switch self {
    case .number(let x): return [x]
    case .list(let items):
      var out: [Double] = []
      for item in items {
        guard case .number(let x) = item else { return nil }
        out.append(x)
      }
      return out
    default: return nil
    }
  }
}

extension Value: CustomStringConvertible {
  /// The value as `print` shows it.
  public var description: String {
    switch self {
    case .number(let x): return formatNumber(x)
    case .string(let s): return s
    case .list(let items): return "[" + items.map(\.description).joined(separator: ", ") + "]"
    case .model(let name): return "<model \(name)>"
    }
  }

  /// The value as a script would write it (strings in quotes), for error messages: a string
  /// "5" is not the number 5.
  public var literal: String {
    switch self {
    case .string(let s): return "\"\(s)\""
    case .list(let items): return "[" + items.map(\.literal).joined(separator: ", ") + "]"
    default: return description
    }
  }
}

/// A Float setting (a density, an importance) as the shortest decimal that reads back as it:
/// 0.1 rather than 0.10000000149011612, so that JSON and CSV show the number the script gave.
func decimal(_ x: Float) -> Double { Double(x.description) ?? Double(x) }

/// A number as toy prints it: integers plainly, others with up to 6 significant digits.
public func formatNumber(_ x: Double, significant: Int = 6) -> String {
  guard x.isFinite else { return x.isNaN ? "nan" : (x > 0 ? "inf" : "-inf") }
  if x == x.rounded(), Swift.abs(x) < 1e15 { return String(Int(x)) }
  let significant = max(1, min(significant, 15))
  let magnitude = Swift.abs(x)
  if magnitude >= 1e-4 && magnitude < 1e6 {
    var digits = significant
    var scaled = magnitude
    while scaled >= 10 && digits > 0 {
      scaled /= 10
      digits -= 1
    }
    var text = fixedDigits(x, max(0, digits - 1 + (magnitude < 1 ? leadingZeros(magnitude) : 0)))
    if text.contains(".") {
      while text.hasSuffix("0") { text.removeLast() }
      if text.hasSuffix(".") { text.removeLast() }
    }
    return text
  }
  var (mantissa, exponent) = Ticks.decade(magnitude)
  var scale = 1.0
  for _ in 1..<significant { scale *= 10 }
  if (mantissa * scale).rounded() >= 10 * scale {
    mantissa /= 10
    exponent += 1
  }
  var m = fixedDigits(mantissa, significant - 1)
  while m.hasSuffix("0") { m.removeLast() }
  if m.hasSuffix(".") { m.removeLast() }
  return (x < 0 ? "-" : "") + m + "e" + String(exponent)
}

/// Zeros between the point and the first significant digit of a number below 1.
private func leadingZeros(_ magnitude: Double) -> Int {
  var count = 0
  var v = magnitude
  while v < 0.1 && count < 20 {
    v *= 10
    count += 1
  }
  return count + 1
}

/// `x` with exactly `digits` decimals, without Foundation's locale ("nan", "inf" as such).
public func fixedDigits(_ x: Double, _ digits: Int) -> String {
  var scale = 1.0
  for _ in 0..<digits { scale *= 10 }
  let rounded = (Swift.abs(x) * scale).rounded()
  guard rounded < 9e18 else { return String(x) }
  let units = UInt64(rounded)
  let whole = units / UInt64(scale)
  var text = String(whole)
  if digits > 0 {
    var fraction = String(units % UInt64(scale))
    while fraction.count < digits { fraction = "0" + fraction }
    text += "." + fraction
  }
  return (x < 0 && rounded > 0 ? "-" : "") + text
}
