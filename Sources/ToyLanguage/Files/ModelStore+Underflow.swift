import Foundation

extension ModelStore {
  /// The file's bytes with every number too small for a Float32 (1e-50: nonzero, but it
  /// rounds to 0) written as 0, or nil when there is none.
  ///
  /// `JSONDecoder` refuses such a number as "not valid JSON", though it is valid and means
  /// zero as a Float32 (`Float("1e-50")` is 0). Only those tokens change; every other byte,
  /// and so every other number's bits, stays as written.
  static func underflowsWrittenAsZero(_ data: Data) -> Data? {
    let bytes = [UInt8](data)
    var out: [UInt8] = []
    var changed = false
    var start = 0
    var i = 0
    func isNumberByte(_ b: UInt8) -> Bool {
      (b >= UInt8(ascii: "0") && b <= UInt8(ascii: "9")) || b == UInt8(ascii: "-") || b == UInt8(ascii: "+")
        || b == UInt8(ascii: ".") || b == UInt8(ascii: "e") || b == UInt8(ascii: "E")
    }
    while i < bytes.count {
      let b = bytes[i]
      if b == UInt8(ascii: "\"") {
        i += 1
        while i < bytes.count && bytes[i] != UInt8(ascii: "\"") { i += bytes[i] == UInt8(ascii: "\\") ? 2 : 1 }
        i += 1
      } else if b == UInt8(ascii: "-") || (b >= UInt8(ascii: "0") && b <= UInt8(ascii: "9")) {
        var end = i
        while end < bytes.count && isNumberByte(bytes[end]) { end += 1 }
        let token = String(decoding: bytes[i..<end], as: UTF8.self)
        if let value = Double(token), value != 0, value.isFinite, let float = Float(token), float == 0 {
          out += bytes[start..<i]
          out += Array((value < 0 ? "-0" : "0").utf8)
          start = end
          changed = true
        }
        i = end
      } else {
        i += 1
      }
    }
    guard changed else { return nil }
    out += bytes[start...]
    return Data(out)
  }
}
