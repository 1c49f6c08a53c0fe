/// Axis ticks and number labels that read well: 1, 2 or 5 times a power of ten.
public enum Ticks {
  /// About `count` evenly spaced "nice" values covering [low, high].
  public static func linear(_ low: Double, _ high: Double, count: Int = 5) -> [Double] {
    guard low.isFinite, high.isFinite else { return [] }
    guard high > low else { return [low] }
    let rough = (high - low) / Double(max(1, count - 1))
    var power = 1.0
    while power * 10 <= rough { power *= 10 }
    while power > rough { power /= 10 }
    // Ticks are k·units/scale with integers, so 0.6 prints as 0.6, not 0.6000000000000001.
    let scale = power < 1 ? (1 / power).rounded() : 1
    func ticks(_ multiple: Double) -> [Double] {
      let units = power < 1 ? multiple : multiple * power
      let first = (low * scale / units).rounded(.up)
      let last = (high * scale / units).rounded(.down)
      guard last >= first, last - first < 1000 else { return [] }
      return stride(from: first, through: last, by: 1).map { $0 * units / scale + 0 }
    }
    let candidates = [1.0, 2, 5, 10].map(ticks).filter { $0.count >= 2 }
    return candidates.min { abs($0.count - count) < abs($1.count - count) } ?? [low, high]
  }

  /// Powers of ten within [low, high] (both positive).
  public static func logarithmic(_ low: Double, _ high: Double) -> [Double] {
    guard low > 0, high >= low, low.isFinite, high.isFinite else { return [] }
    var power = 1.0
    while power > low { power /= 10 }
    while power * 10 <= low { power *= 10 }
    var ticks: [Double] = []
    while power <= high * (1 + 1e-9) && ticks.count < 40 {
      if power >= low * (1 - 1e-9) { ticks.append(power) }
      power *= 10
    }
    return ticks
  }

  /// A short label: integers plainly, small or large numbers as 1e-3, others with few digits.
  public static func label(_ value: Double) -> String {
    guard value.isFinite else { return value.isNaN ? "nan" : (value > 0 ? "inf" : "-inf") }
    if value == 0 { return "0" }
    let magnitude = abs(value)
    if magnitude >= 1e4 || magnitude < 1e-2 { return scientific(value) }
    if value == value.rounded() { return String(Int(value)) }
    return trimmed(value, digits: magnitude < 1 ? 3 : 2)
  }

  /// The label of `value`, one of `ticks`, in the style the whole set shares, so that an
  /// axis never mixes 0.01 with 1e-3: plain decimals when every tick reads exactly with at
  /// most three decimals and stays under 10⁵; rounded plain numbers (`label`) when they are
  /// not exact but all lie in [0.01, 10⁴), as ticks at cell centres do; else scientific
  /// notation for all but 0.
  public static func label(_ value: Double, among ticks: [Double]) -> String {
    guard value.isFinite, value != 0 else { return label(value) }
    if let decimals = plainDecimals(ticks) { return trimmed(value, digits: decimals) }
    let magnitudes = ticks.filter { $0.isFinite && $0 != 0 }.map(abs)
    if magnitudes.allSatisfy({ $0 >= 1e-2 && $0 < 1e4 }) { return label(value) }
    return scientific(value)
  }

  /// The fewest decimals (up to three) that write every tick exactly; nil when none do or a
  /// tick reaches 10⁵.
  static func plainDecimals(_ ticks: [Double]) -> Int? {
    let values = ticks.filter { $0.isFinite && $0 != 0 }
    guard values.allSatisfy({ abs($0) < 1e5 }) else { return nil }
    return (0...3).first { digits in
      values.allSatisfy { abs((Double(trimmed($0, digits: digits)) ?? .nan) - $0) <= 1e-9 * abs($0) }
    }
  }

  /// `value` as a mantissa with up to one decimal and a power of ten: 2.5e-3.
  /// A mantissa that rounds up to 10 (a power of ten computed as 9.99…·10⁻¹³) moves to the
  /// next exponent: 1e-12, not 10e-13.
  static func scientific(_ value: Double) -> String {
    var (mantissa, exponent) = decade(abs(value))
    if (mantissa * 10).rounded() >= 100 {
      mantissa /= 10
      exponent += 1
    }
    return (value < 0 ? "-" : "") + trimmed(mantissa, digits: 1) + "e" + String(exponent)
  }

  /// A positive, finite magnitude as mantissa · 10^exponent with the mantissa in [1, 10).
  public static func decade(_ magnitude: Double) -> (mantissa: Double, exponent: Int) {
    var exponent = 0
    var mantissa = magnitude
    while mantissa >= 10 {
      mantissa /= 10
      exponent += 1
    }
    while mantissa < 1 {
      mantissa *= 10
      exponent -= 1
    }
    return (mantissa, exponent)
  }

  /// `value` with at most `digits` decimals, trailing zeros dropped.
  public static func trimmed(_ value: Double, digits: Int) -> String {
    var scale = 1.0
    for _ in 0..<digits { scale *= 10 }
    let rounded = (value * scale).rounded() / scale
    let negative = rounded < 0
    let units = Int((abs(rounded) * scale).rounded())
    let whole = units / Int(scale)
    var fraction = String(units % Int(scale))
    while fraction.count < digits { fraction = "0" + fraction }
    while fraction.last == "0" { fraction.removeLast() }
    return (negative ? "-" : "") + String(whole) + (fraction.isEmpty ? "" : "." + fraction)
  }
}
