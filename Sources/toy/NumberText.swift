import ToyLanguage

/// Formats a number with `digits` decimals, without Foundation's locale.
func fixed(_ value: Double, _ digits: Int) -> String { fixedDigits(value, digits) }

/// A number in scientific style when small, e.g. loss values: 4 significant digits.
func significant(_ value: Double, _ digits: Int = 4) -> String {
  guard value.isFinite, value != 0 else { return value == 0 ? "0" : fixed(value, 0) }
  var exponent = 0
  var mantissa = Swift.abs(value)
  while mantissa >= 10 { mantissa /= 10; exponent += 1 }
  while mantissa < 1 { mantissa *= 10; exponent -= 1 }
  if exponent >= -3 && exponent < digits {
    return fixed(value, max(0, digits - 1 - exponent))
  }
  let sign = value < 0 ? "-" : ""
  return sign + fixed(mantissa, digits - 1) + "e" + (exponent < 0 ? "-" : "+") + String(Swift.abs(exponent))
}
