import Foundation
import ToyCore

extension ModelStore {
  /// The top-level `n`, `m` and the length of `instances`, from one pass over the bytes
  /// that builds nothing: a decoder first turns the whole file into values (gigabytes for a
  /// file of 20,000 instances) before a single count can be checked.
  ///
  /// Counts are kept only when the top-level `format` is toy's, so another program's file is
  /// still named as such; anything unexpected leaves a count nil for the decoding to name.
  static func shape(of data: Data) -> ModelFile.Shape {
    var shape = ModelFile.Shape(n: nil, m: nil, instances: nil)
    data.withUnsafeBytes { (bytes: UnsafeRawBufferPointer) in
      var depth = 0
      var i = 0
      /// The top-level key whose value comes next, and whether a key is expected.
      var key: [UInt8] = []
      var expectingKey = false
      /// While inside the top-level `instances` array: its elements so far.
      var counting = false
      var elements = 0
      var isModelFile = false
      defer { if !isModelFile { shape = ModelFile.Shape(n: nil, m: nil, instances: nil) } }
      while i < bytes.count {
        let byte = bytes[i]
        switch byte {
        case UInt8(ascii: "\""):
          let start = i + 1
          i += 1
          while i < bytes.count && bytes[i] != UInt8(ascii: "\"") { i += bytes[i] == UInt8(ascii: "\\") ? 2 : 1 }
          if depth == 1 && expectingKey {
            key = Array(bytes[start..<min(i, bytes.count)])
            expectingKey = false
          } else if depth == 1 && key == Array("format".utf8) {
            isModelFile = bytes[start..<min(i, bytes.count)].elementsEqual(ModelFile.formatName.utf8)
          } else if counting && depth == 2 && elements == 0 {
            elements = 1
          }
        case UInt8(ascii: "{"), UInt8(ascii: "["):
          if counting && depth == 2 && elements == 0 { elements = 1 }
          depth += 1
          if depth == 1 { expectingKey = true }
          if depth == 2 && key == Array("instances".utf8) && byte == UInt8(ascii: "[") { counting = true }
        case UInt8(ascii: "}"), UInt8(ascii: "]"):
          if counting && depth == 2 {
            shape.instances = elements
            counting = false
          }
          depth -= 1
        case UInt8(ascii: ","):
          if depth == 1 { expectingKey = true }
          if counting && depth == 2 { elements += 1 }
        case UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"):
          if counting && depth == 2 && elements == 0 { elements = 1 }
          guard depth == 1, key == [UInt8(ascii: "n")] || key == [UInt8(ascii: "m")] else { break }
          var end = i
          while end < bytes.count && !Set(",}] \n\r\t".utf8).contains(bytes[end]) { end += 1 }
          let value = Int(String(decoding: bytes[i..<end], as: UTF8.self))
          if key == [UInt8(ascii: "n")] { shape.n = value } else { shape.m = value }
          i = end - 1
        default:
          if counting && depth == 2 && elements == 0 && !Set(" \n\r\t".utf8).contains(byte) { elements = 1 }
        }
        i += 1
      }
    }
    return shape
  }
}
