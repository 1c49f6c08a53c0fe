/// Makes new inputs from old ones: byte edits, dictionary words, interesting numbers,
/// repeated ranges (which grow nesting) and splices of two inputs. Seeded, so that a run
/// with the same corpus and seed tries the same inputs.
struct Mutator {
  private var state: UInt64
  let dictionary: [[UInt8]]
  let maxLength: Int

  init(seed: UInt64, dictionary: [[UInt8]], maxLength: Int) {
    state = seed
    self.dictionary = dictionary
    self.maxLength = maxLength
  }

  /// SplitMix64: the next 64 random bits.
  mutating func next() -> UInt64 {
    state &+= 0x9E37_79B9_7F4A_7C15
    var z = state
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 31)
  }

  /// A number in 0 ..< bound (bound ≥ 1).
  mutating func below(_ bound: Int) -> Int { Int(next() % UInt64(max(1, bound))) }

  /// Bytes that break tokens, strings, brackets, UTF-8 and lines.
  static let interestingBytes: [UInt8] = [
    0, 0x7F, 0xFF, 0x80, 0xC3, 0xE2, 0x0A, 0x0D, 0x09, 0x20, 0x22, 0x27, 0x23, 0x3B, 0x2C, 0x3D,
    0x28, 0x29, 0x5B, 0x5D, 0x7B, 0x7D, 0x2D, 0x2B, 0x2A, 0x2F, 0x5E, 0x2E, 0x30, 0x31, 0x39, 0x65,
  ]

  /// Numbers at the edges of Int, UInt64, Float32 and Double.
  static let interestingNumbers: [String] = [
    "0", "-0", "1", "-1", "2", "1e-50", "1e-45", "1e38", "3e38", "3.5e38", "1e300", "1e309", "-1e309",
    "9223372036854775807", "9223372036854775808", "-9223372036854775808", "18446744073709551615",
    "18446744073709551616", "4294967296", "65536", "1e6", "100000", "100000000", "268435456", "0.5",
    "0.0000001", "nan", "inf", "NaN", "Infinity", "1e", "1.2.3", "00", "0x10",
  ]

  mutating func mutate(_ input: [UInt8], other: [UInt8]) -> [UInt8] {
    var bytes = input
    for _ in 0...below(4) { mutateOnce(&bytes, other: other) }
    if bytes.count > maxLength { bytes.removeLast(bytes.count - maxLength) }
    return bytes
  }

  private mutating func mutateOnce(_ bytes: inout [UInt8], other: [UInt8]) {
    let at = below(bytes.count + 1)
    switch below(10) {
    case 0 where !bytes.isEmpty:
      bytes[min(at, bytes.count - 1)] ^= UInt8(1 << below(8))
    case 1 where !bytes.isEmpty:
      bytes[min(at, bytes.count - 1)] = Self.interestingBytes[below(Self.interestingBytes.count)]
    case 2:
      bytes.insert(Self.interestingBytes[below(Self.interestingBytes.count)], at: at)
    case 3 where !dictionary.isEmpty:
      bytes.insert(contentsOf: dictionary[below(dictionary.count)] + [0x20], at: at)
    case 4:
      replaceNumber(&bytes, near: at)
    case 5 where !bytes.isEmpty:
      let length = 1 + below(min(64, bytes.count - min(at, bytes.count - 1)))
      bytes.removeSubrange(min(at, bytes.count - 1)..<min(bytes.count, min(at, bytes.count - 1) + length))
    case 6 where !bytes.isEmpty:
      // A range repeated: nesting and long chains.
      let start = below(bytes.count)
      let range = start..<min(bytes.count, start + 1 + below(32))
      let copies = 1 + below(below(2) == 0 ? 4 : 400)
      let piece = Array(bytes[range])
      bytes.insert(contentsOf: (0..<copies).flatMap { _ in piece }, at: range.upperBound)
    case 7 where !other.isEmpty:
      let start = below(other.count)
      bytes.insert(contentsOf: other[start..<min(other.count, start + 1 + below(256))], at: at)
    case 8 where !other.isEmpty:
      let cut = below(other.count)
      bytes = Array(bytes[..<at]) + Array(other[cut...])
    default:
      bytes.insert(UInt8(truncatingIfNeeded: next()), at: at)
    }
  }

  /// Replaces the number around `at` (or inserts one) with an interesting one.
  private mutating func replaceNumber(_ bytes: inout [UInt8], near at: Int) {
    func isNumberByte(_ b: UInt8) -> Bool { (b >= 0x30 && b <= 0x39) || b == 0x2E || b == 0x65 }
    var start = min(at, bytes.count)
    while start < bytes.count && !isNumberByte(bytes[start]) { start += 1 }
    var end = start
    while end < bytes.count && isNumberByte(bytes[end]) { end += 1 }
    let number = Array(Self.interestingNumbers[below(Self.interestingNumbers.count)].utf8)
    if start >= bytes.count {
      bytes.insert(contentsOf: number, at: min(at, bytes.count))
    } else {
      bytes.replaceSubrange(start..<end, with: number)
    }
  }
}

/// Words worth inserting: the grammar's quoted terminals and every word and number of the
/// seed corpus (statement and parameter names, JSON keys).
func dictionary(from texts: [[UInt8]]) -> [[UInt8]] {
  var words: Set<[UInt8]> = []
  for text in texts {
    var word: [UInt8] = []
    var quoted: [UInt8]?
    for byte in text + [0x20] {
      if byte == 0x27 {  // 'terminal' in the grammar
        if let q = quoted, !q.isEmpty, q.count < 20 { words.insert(q) }
        quoted = quoted == nil ? [] : nil
      } else if quoted != nil {
        quoted?.append(byte)
      }
      let isWordByte =
        (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A)
        || byte == 0x5F
      if isWordByte {
        word.append(byte)
      } else {
        if word.count >= 2 && word.count < 24 { words.insert(word) }
        word = []
      }
    }
  }
  return words.sorted { $0.lexicographicallyPrecedes($1) }
}
