import Foundation

/// A piece of toy source: a file, a `-e` argument, or a cell typed at the prompt.
public struct Source: Sendable, Hashable {
  /// How diagnostics name it: a path, `-e`, or `<stdin>`.
  public let name: String
  public let text: String
  /// The text as Unicode scalars; spans index into this.
  let scalars: [Unicode.Scalar]
  /// The offset where each line starts.
  let lineStarts: [Int]
  /// The line number of this source's first line (cells at the prompt continue a session).
  public let firstLine: Int

  public init(name: String, text: String, firstLine: Int = 1) {
    self.name = name
    self.text = text
    self.firstLine = firstLine
    scalars = Array(text.unicodeScalars)
    var starts = [0]
    for (i, s) in scalars.enumerated() where s == "\n" { starts.append(i + 1) }
    lineStarts = starts
  }

  /// What the script says `--quick` cannot show: the text of each comment line that starts
  /// `# quick:`. A script whose point needs its full training declares it so that a fast
  /// preview does not pass for the result.
  public var quickModeNotes: [String] {
    text.split(separator: "\n").compactMap { line in
      guard line.hasPrefix("# quick:") else { return nil }
      return line.dropFirst("# quick:".count).trimmingCharacters(in: .whitespaces)
    }
  }

  /// 1-based line and column of an offset (columns count Unicode scalars).
  public func location(of offset: Int) -> (line: Int, column: Int) {
    var low = 0
    var high = lineStarts.count - 1
    while low < high {
      let mid = (low + high + 1) / 2
      if lineStarts[mid] <= offset { low = mid } else { high = mid - 1 }
    }
    return (low + firstLine, offset - lineStarts[low] + 1)
  }

  /// The text of the line holding `offset`, without its newline.
  public func lineText(containing offset: Int) -> String {
    let index = location(of: offset).line - firstLine
    let start = lineStarts[index]
    var end = start
    while end < scalars.count && scalars[end] != "\n" { end += 1 }
    if end > start && scalars[end - 1] == "\r" { end -= 1 }
    var s = String.UnicodeScalarView()
    s.append(contentsOf: scalars[start..<end])
    return String(s)
  }

  /// The source text of a span.
  public func text(of span: Span) -> String {
    var s = String.UnicodeScalarView()
    s.append(contentsOf: scalars[max(0, span.start)..<min(scalars.count, span.end)])
    return String(s)
  }
}

/// A range of a source, as offsets in Unicode scalars.
public struct Span: Sendable, Hashable {
  public var start: Int
  public var end: Int

  public init(_ start: Int, _ end: Int) {
    self.start = start
    self.end = max(start, end)
  }

  /// The smallest span covering both.
  public func union(_ other: Span) -> Span { Span(min(start, other.start), max(end, other.end)) }
}

extension Source {
  /// A source from a file's bytes, refused with the line and column of the first byte that
  /// is not UTF-8 (columns count characters before it, as diagnostics do).
  public init(name: String, bytes: some Collection<UInt8>) throws(SourceError) {
    if let text = String(validating: bytes, as: UTF8.self) {
      self.init(name: name, text: text)
      return
    }
    var parser = Unicode.UTF8.ForwardParser()
    var iterator = bytes.makeIterator()
    var offset = 0
    var line = 1
    var column = 1
    let all = Array(bytes)
    while true {
      switch parser.parseScalar(from: &iterator) {
      case .valid(let encoded):
        if encoded.count == 1 && encoded.first == UInt8(ascii: "\n") {
          line += 1
          column = 1
        } else {
          column += 1
        }
        offset += encoded.count
      case .error:
        throw .invalidUTF8(name: name, line: line, column: column, byte: all[offset])
      case .emptyInput:
        self.init(name: name, text: String(decoding: all, as: UTF8.self))
        return
      }
    }
  }
}

/// Why bytes are not a source.
public enum SourceError: Error, Equatable, CustomStringConvertible {
  /// The bytes are not UTF-8 from `line`:`column` on; `byte` is the first bad one.
  case invalidUTF8(name: String, line: Int, column: Int, byte: UInt8)

  public var description: String {
    switch self {
    case .invalidUTF8(let name, let line, let column, let byte):
      let hex = String(byte, radix: 16, uppercase: true)
      return "\(name):\(line):\(column): not UTF-8 text: byte 0x\(hex.count < 2 ? "0" + hex : hex) here"
        + " does not begin or continue a character"
    }
  }
}
