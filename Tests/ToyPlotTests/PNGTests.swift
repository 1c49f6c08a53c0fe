import XCTest

@testable import ToyPlot

/// The PNG encoder against published check values, and a round trip through a reader
/// written here from the PNG and zlib specifications.
final class PNGTests: XCTestCase {
  func testChecksumsAndBase64MatchPublishedValues() {
    XCTAssertEqual(PNG.crc32(Array("123456789".utf8)), 0xCBF4_3926)
    XCTAssertEqual(PNG.crc32(Array("IEND".utf8)), 0xAE42_6082)
    XCTAssertEqual(PNG.adler32(Array("Wikipedia".utf8)), 0x11E6_0398)
    for (text, expected) in [("", ""), ("f", "Zg=="), ("fo", "Zm8="), ("foo", "Zm9v"), ("foobar", "Zm9vYmFy")] {
      XCTAssertEqual(PNG.base64(Array(text.utf8)), expected)
    }
  }

  func testPixelsReadBackFromStoredBlocksIncludingALongImage() throws {
    // 160×150 RGB is 72,150 bytes of scanlines: two stored blocks.
    for (width, height) in [(1, 1), (3, 2), (160, 150)] {
      let pixels: [[RGB]] = (0..<height).map { (r: Int) -> [RGB] in
        (0..<width).map { (c: Int) -> RGB in RGB(UInt8(r % 256), UInt8(c % 256), UInt8((r + c) % 256)) }
      }
      let file = PNG.encode(pixels)
      XCTAssertEqual(Array(file.prefix(8)), [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A])
      XCTAssertEqual(try Self.decode(file), pixels, "\(width)×\(height)")
    }
  }

  /// Reads an 8-bit RGB PNG whose IDAT holds stored deflate blocks, checking every CRC and
  /// the Adler-32.
  static func decode(_ file: [UInt8]) throws -> [[RGB]] {
    func word(_ at: Int) -> Int { file[at..<at + 4].reduce(0) { $0 << 8 | Int($1) } }
    var at = 8
    var width = 0
    var height = 0
    var zlib: [UInt8] = []
    while at < file.count {
      let length = word(at)
      let type = String(decoding: file[at + 4..<at + 8], as: UTF8.self)
      let body = Array(file[at + 8..<at + 8 + length])
      XCTAssertEqual(UInt32(word(at + 8 + length)), PNG.crc32(Array(file[at + 4..<at + 8]) + body), type)
      if type == "IHDR" {
        width = body[0..<4].reduce(0) { $0 << 8 | Int($1) }
        height = body[4..<8].reduce(0) { $0 << 8 | Int($1) }
        XCTAssertEqual(Array(body[8...]), [8, 2, 0, 0, 0])
      }
      if type == "IDAT" { zlib += body }
      at += 12 + length
    }
    var raw: [UInt8] = []
    var p = 2
    while true {
      let last = zlib[p] & 1
      XCTAssertEqual(zlib[p] >> 1, 0, "stored block")
      let length = Int(zlib[p + 1]) | Int(zlib[p + 2]) << 8
      XCTAssertEqual(length ^ 0xFFFF, Int(zlib[p + 3]) | Int(zlib[p + 4]) << 8)
      raw += zlib[p + 5..<p + 5 + length]
      p += 5 + length
      if last == 1 { break }
    }
    XCTAssertEqual(UInt32(zlib[p..<p + 4].reduce(0) { $0 << 8 | Int($1) }), PNG.adler32(raw))
    let stride = 1 + 3 * width
    return (0..<height).map { r in
      (0..<width).map { c in
        let i = r * stride + 1 + 3 * c
        return RGB(raw[i], raw[i + 1], raw[i + 2])
      }
    }
  }
}
