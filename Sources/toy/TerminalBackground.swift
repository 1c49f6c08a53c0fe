import ToyPlot

#if canImport(Glibc)
  import Glibc
#endif

/// The terminal's background, asked with OSC 11 when nothing in the environment says it
/// (`--theme auto` without COLORFGBG).
///
/// The question is `ESC ] 11 ; ? BEL`, followed by a device-attributes request (`ESC [ c`)
/// that every terminal answers: when that answer comes without a colour, the terminal has
/// none to give, and toy goes on at once instead of waiting out the timeout. Both replies
/// are read in raw mode, so none of their bytes reach the prompt.
enum TerminalBackground {
  /// How long to wait for a terminal that answers nothing at all.
  static let timeoutMilliseconds = 100

  /// The background of the terminal on standard input and output, asked once per run (nil
  /// when they are not a terminal, or it does not say).
  static let asked: Theme? = {
    guard isatty(STDIN_FILENO) != 0, isatty(STDOUT_FILENO) != 0 else { return nil }
    return theme(ofReply: query(input: STDIN_FILENO, output: STDOUT_FILENO, timeout: timeoutMilliseconds))
  }()

  /// Writes the question to `output` and reads the replies from `input` (a terminal), in raw
  /// mode, until the device attributes arrive or `timeout` milliseconds pass; the terminal's
  /// settings are restored. Returns the bytes read.
  static func query(input: Int32, output: Int32, timeout: Int) -> [UInt8] {
    var saved = termios()
    guard tcgetattr(input, &saved) == 0 else { return [] }
    var raw = saved
    raw.c_lflag &= ~tcflag_t(ECHO | ICANON)
    tcsetattr(input, TCSANOW, &raw)
    defer { tcsetattr(input, TCSANOW, &saved) }
    let question = Array("\u{1B}]11;?\u{07}\u{1B}[c".utf8)
    guard question.withUnsafeBufferPointer({ write(output, $0.baseAddress, $0.count) }) == question.count else {
      return []
    }
    var reply: [UInt8] = []
    var clock = timespec()
    clock_gettime(CLOCK_MONOTONIC, &clock)
    let deadline = Int(clock.tv_sec) * 1000 + Int(clock.tv_nsec) / 1_000_000 + timeout
    while !endsWithDeviceAttributes(reply) {
      clock_gettime(CLOCK_MONOTONIC, &clock)
      let left = deadline - (Int(clock.tv_sec) * 1000 + Int(clock.tv_nsec) / 1_000_000)
      var descriptor = pollfd(fd: input, events: Int16(POLLIN), revents: 0)
      guard left > 0, poll(&descriptor, 1, Int32(left)) > 0 else { break }
      // One byte at a time: a key typed after the replies stays for the prompt.
      var byte: UInt8 = 0
      guard read(input, &byte, 1) == 1 else { break }
      reply.append(byte)
    }
    return reply
  }

  /// Whether `bytes` end with a device-attributes reply, `ESC [ ? … c`.
  static func endsWithDeviceAttributes(_ bytes: [UInt8]) -> Bool {
    guard bytes.last == UInt8(ascii: "c"), let start = bytes.lastIndex(of: 0x1B) else { return false }
    let body = bytes[(start + 1)...]
    return body.starts(with: Array("[?".utf8))
      && body.dropFirst(2).dropLast().allSatisfy { $0 == UInt8(ascii: ";") || (48...57).contains($0) }
  }

  /// The theme a reply's colour calls for, nil when it holds none.
  static func theme(ofReply bytes: [UInt8]) -> Theme? {
    color(ofReply: bytes).map { luminance($0) < darkBelow ? .dark : .light }
  }

  /// The colour of an OSC 11 reply, `ESC ] 11 ; rgb:R/G/B` ended by BEL or `ESC \`, each
  /// component of 1 to 4 hex digits (`rgba:R/G/B/A` too), as red, green, blue in 0…1.
  static func color(ofReply bytes: [UInt8]) -> (red: Double, green: Double, blue: Double)? {
    let text = String(decoding: bytes, as: UTF8.self)
    guard let start = text.range(of: "\u{1B}]11;") else { return nil }
    let body = text[start.upperBound...].prefix { $0 != "\u{07}" && $0 != "\u{1B}" }
    let spec: Substring
    if body.hasPrefix("rgb:") {
      spec = body.dropFirst(4)
    } else if body.hasPrefix("rgba:") {
      spec = body.dropFirst(5)
    } else {
      return nil
    }
    let parts = spec.split(separator: "/", omittingEmptySubsequences: false)
    guard parts.count == 3 || (body.hasPrefix("rgba:") && parts.count == 4) else { return nil }
    var components: [Double] = []
    for part in parts.prefix(3) {
      guard (1...4).contains(part.count), let value = Int(part, radix: 16) else { return nil }
      // "f", "ff", "fff" and "ffff" are all full intensity.
      components.append(Double(value) / Double((1 << (4 * part.count)) - 1))
    }
    return (components[0], components[1], components[2])
  }

  /// Below this relative luminance white text contrasts more than black (the two ratios are
  /// equal where (1.05)/(L+0.05) = (L+0.05)/0.05, L = √0.0525 − 0.05 ≈ 0.179): a dark
  /// background.
  static let darkBelow = (0.0525).squareRoot() - 0.05

  /// The relative luminance of an sRGB colour (WCAG 2).
  static func luminance(_ color: (red: Double, green: Double, blue: Double)) -> Double {
    func linear(_ c: Double) -> Double { c <= 0.04045 ? c / 12.92 : pow((c + 0.055) / 1.055, 2.4) }
    return 0.2126 * linear(color.red) + 0.7152 * linear(color.green) + 0.0722 * linear(color.blue)
  }
}
