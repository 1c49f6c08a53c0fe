/// JSON written as `JSONEncoder` pretty-prints it (two-space indent, `"key" : value`, one
/// element per line, an empty container over an empty line) into a buffer that goes to `sink`
/// whenever it holds a chunk: the memory is the chunk's, whatever is written.
///
/// The caller writes keys in sorted order itself; `ToyModel.writeFile` is the one user.
struct JSONStream<Failure: Error> {
  private var buffer: [UInt8] = []
  private let chunkSize: Int
  private let sink: (UnsafeRawBufferPointer) throws(Failure) -> Void
  /// Per open container: whether it holds an element yet.
  private var filled: [Bool] = []

  init(chunkSize: Int, sink: @escaping (UnsafeRawBufferPointer) throws(Failure) -> Void) {
    self.chunkSize = max(1, chunkSize)
    self.sink = sink
    buffer.reserveCapacity(self.chunkSize + 64)
  }

  /// `{` or `[`.
  mutating func open(_ bracket: Unicode.Scalar) throws(Failure) {
    buffer.append(UInt8(ascii: bracket))
    filled.append(false)
  }

  /// `}` or `]`, on its own line after the last element.
  mutating func close(_ bracket: Unicode.Scalar) throws(Failure) {
    // An empty container still gets its two line breaks: `[`, an empty line, `]`.
    if !filled.removeLast() { buffer.append(UInt8(ascii: "\n")) }
    buffer.append(UInt8(ascii: "\n"))
    indent()
    buffer.append(UInt8(ascii: bracket))
    if buffer.count >= chunkSize { try flush() }
  }

  /// Starts an object's member: the separator, the indent and `"name" : `.
  mutating func key(_ name: String) throws(Failure) {
    element()
    try string(name)
    buffer.append(contentsOf: [UInt8(ascii: " "), UInt8(ascii: ":"), UInt8(ascii: " ")])
  }

  /// An array of `items`, each written by `body`.
  mutating func array<Items: Sequence>(
    _ items: Items, _ body: (inout Self, Items.Element) throws(Failure) -> Void
  ) throws(Failure) {
    try open("[")
    for item in items {
      element()
      try body(&self, item)
    }
    try close("]")
  }

  /// An array of Float32s, each as `number(_:)` writes it; the hot loop of a save.
  mutating func floats(_ values: ArraySlice<Float>) throws(Failure) {
    try open("[")
    for value in values {
      element()
      if value.magnitude.bitPattern == ExactFloats.doubleRoundingTrap {
        buffer.append(contentsOf: Self.number(Double(value)).utf8)
      } else {
        // A Float32's description is at most 15 bytes, a small string: no allocation.
        var text = value.description
        text.withUTF8 { buffer.append(contentsOf: $0) }
        dropPointZero()
      }
      if buffer.count >= chunkSize { try flush() }
    }
    try close("]")
  }

  /// Text written as it is: a number or `null`.
  mutating func raw(_ text: String) throws(Failure) {
    buffer.append(contentsOf: text.utf8)
  }

  /// A string, quoted, with `"`, `\` and control characters escaped (slashes are not).
  mutating func string(_ text: String) throws(Failure) {
    buffer.append(UInt8(ascii: "\""))
    for byte in text.utf8 {
      switch byte {
      case UInt8(ascii: "\""), UInt8(ascii: "\\"): buffer += [UInt8(ascii: "\\"), byte]
      case 0x08: buffer += Array(#"\b"#.utf8)
      case 0x0C: buffer += Array(#"\f"#.utf8)
      case 0x0A: buffer += Array(#"\n"#.utf8)
      case 0x0D: buffer += Array(#"\r"#.utf8)
      case 0x09: buffer += Array(#"\t"#.utf8)
      case ..<0x20:
        let hex = String(byte, radix: 16)
        buffer += Array((#"\u"# + String(repeating: "0", count: 4 - hex.count) + hex).utf8)
      default: buffer.append(byte)
      }
    }
    buffer.append(UInt8(ascii: "\""))
  }

  /// Hands what is buffered to the sink.
  mutating func flush() throws(Failure) {
    guard !buffer.isEmpty else { return }
    // `withUnsafeBytes` rethrows untyped errors, so the sink's is carried out by hand.
    var failure: Failure?
    buffer.withUnsafeBytes { bytes in
      do throws(Failure) { try sink(bytes) } catch { failure = error }
    }
    if let failure { throw failure }
    buffer.removeAll(keepingCapacity: true)
  }

  /// A number as `JSONEncoder` writes it: Swift's shortest round-trip decimal (its
  /// `description`) without a trailing `.0`.
  static func number(_ value: Double) -> String {
    let text = value.description
    return text.hasSuffix(".0") ? String(text.dropLast(2)) : text
  }

  static func number(_ value: Float) -> String {
    if value.magnitude.bitPattern == ExactFloats.doubleRoundingTrap { return number(Double(value)) }
    let text = value.description
    return text.hasSuffix(".0") ? String(text.dropLast(2)) : text
  }

  /// The separator before an element of the innermost container, and its indent.
  private mutating func element() {
    if filled[filled.count - 1] { buffer.append(UInt8(ascii: ",")) }
    filled[filled.count - 1] = true
    buffer.append(UInt8(ascii: "\n"))
    indent()
  }

  private mutating func indent() {
    buffer.append(contentsOf: repeatElement(UInt8(ascii: " "), count: 2 * filled.count))
  }

  /// `1.0` → `1`, `-0.0` → `-0`, as the encoder writes whole floats.
  private mutating func dropPointZero() {
    let count = buffer.count
    if count >= 2 && buffer[count - 1] == UInt8(ascii: "0") && buffer[count - 2] == UInt8(ascii: ".") {
      buffer.removeLast(2)
    }
  }
}
