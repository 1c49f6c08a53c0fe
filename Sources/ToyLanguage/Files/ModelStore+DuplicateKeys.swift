import Foundation

extension ModelStore {
  /// The key path of the first key that appears twice in one object of valid JSON, if any.
  ///
  /// `JSONDecoder` keeps one of two equal keys and says nothing, so a file edited by hand
  /// (two `"lr"`, two `"bias"`) would load with one of them silently dropped. One pass over
  /// the bytes, keys compared as written.
  static func duplicateKey(in data: Data) -> String? {
    struct Frame {
      var isObject: Bool
      var keys: Set<[UInt8]> = []
      var expectingKey = true
      var index = 0
      var key = ""
    }
    var stack: [Frame] = []
    func path(_ last: String) -> String {
      var text = ""
      for frame in stack.dropLast() {
        text += frame.isObject ? (text.isEmpty ? frame.key : ".\(frame.key)") : "[\(frame.index)]"
      }
      return text.isEmpty ? last : "\(text).\(last)"
    }
    return data.withUnsafeBytes { (bytes: UnsafeRawBufferPointer) -> String? in
      var i = 0
      while i < bytes.count {
        let byte = bytes[i]
        switch byte {
        case UInt8(ascii: "{"): stack.append(Frame(isObject: true))
        case UInt8(ascii: "["): stack.append(Frame(isObject: false))
        case UInt8(ascii: "}"), UInt8(ascii: "]"): _ = stack.popLast()
        case UInt8(ascii: ","):
          guard !stack.isEmpty else { break }
          if stack[stack.count - 1].isObject { stack[stack.count - 1].expectingKey = true }
          stack[stack.count - 1].index += 1
        case UInt8(ascii: "\""):
          var end = i + 1
          while end < bytes.count && bytes[end] != UInt8(ascii: "\"") {
            end += bytes[end] == UInt8(ascii: "\\") ? 2 : 1
          }
          let text = Array(bytes[(i + 1)..<min(end, bytes.count)])
          i = end
          guard let top = stack.last, top.isObject, top.expectingKey else { break }
          let key = String(decoding: text, as: UTF8.self)
          if !stack[stack.count - 1].keys.insert(text).inserted { return path(key) }
          stack[stack.count - 1].expectingKey = false
          stack[stack.count - 1].key = key
        default: break
        }
        i += 1
      }
      return nil
    }
  }
}
