/// A minimal PNG encoder (8-bit RGB, no compression), for pictures with too many cells to
/// draw as SVG rectangles: a 100×100 heatmap is 10,000 rectangles (about 700 kB of SVG) but
/// 30 kB of pixels.
///
/// The image data is zlib with stored (uncompressed) deflate blocks: every decoder reads it,
/// and it needs no compressor. Standard library only, like the rest of ToyPlot.
public enum PNG {
  /// The PNG file of `pixels` (rows of equal length, top row first).
  public static func encode(_ pixels: [[RGB]]) -> [UInt8] {
    let height = pixels.count
    let width = pixels.first?.count ?? 0
    var raw: [UInt8] = []
    raw.reserveCapacity(height * (1 + 3 * width))
    for row in pixels {
      raw.append(0)  // filter: none
      for pixel in row { raw += [pixel.r, pixel.g, pixel.b] }
    }
    var out: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]
    chunk("IHDR", bigEndian(UInt32(width)) + bigEndian(UInt32(height)) + [8, 2, 0, 0, 0], into: &out)
    chunk("IDAT", zlibStored(raw), into: &out)
    chunk("IEND", [], into: &out)
    return out
  }

  /// `data:image/png;base64,…` for an SVG `<image>`.
  public static func dataURI(_ pixels: [[RGB]]) -> String {
    "data:image/png;base64," + base64(encode(pixels))
  }

  static func chunk(_ type: String, _ data: [UInt8], into out: inout [UInt8]) {
    let typeBytes = Array(type.utf8)
    out += bigEndian(UInt32(data.count)) + typeBytes + data + bigEndian(crc32(typeBytes + data))
  }

  /// zlib (RFC 1950) around deflate blocks of type 0 (stored), at most 65,535 bytes each.
  static func zlibStored(_ data: [UInt8]) -> [UInt8] {
    var out: [UInt8] = [0x78, 0x01]
    var start = 0
    repeat {
      let length = min(65_535, data.count - start)
      let last: UInt8 = start + length == data.count ? 1 : 0
      out += [last, UInt8(length & 0xFF), UInt8(length >> 8), UInt8(~length & 0xFF), UInt8((~length >> 8) & 0xFF)]
      out += data[start..<start + length]
      start += length
    } while start < data.count
    return out + bigEndian(adler32(data))
  }

  static func bigEndian(_ x: UInt32) -> [UInt8] {
    [UInt8(x >> 24), UInt8((x >> 16) & 0xFF), UInt8((x >> 8) & 0xFF), UInt8(x & 0xFF)]
  }

  private static let crcTable: [UInt32] = (0..<256).map { n in
    var c = UInt32(n)
    for _ in 0..<8 { c = c & 1 == 1 ? 0xEDB8_8320 ^ (c >> 1) : c >> 1 }
    return c
  }

  /// CRC-32 (ISO 3309), as PNG chunks carry it.
  static func crc32(_ bytes: [UInt8]) -> UInt32 {
    var c: UInt32 = 0xFFFF_FFFF
    for byte in bytes { c = crcTable[Int((c ^ UInt32(byte)) & 0xFF)] ^ (c >> 8) }
    return c ^ 0xFFFF_FFFF
  }

  /// Adler-32, zlib's checksum.
  static func adler32(_ bytes: [UInt8]) -> UInt32 {
    var a: UInt32 = 1
    var b: UInt32 = 0
    for byte in bytes {
      a = (a + UInt32(byte)) % 65_521
      b = (b + a) % 65_521
    }
    return b << 16 | a
  }

  static func base64(_ bytes: [UInt8]) -> String {
    let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)
    var out: [UInt8] = []
    out.reserveCapacity((bytes.count + 2) / 3 * 4)
    var i = 0
    while i < bytes.count {
      let n = min(3, bytes.count - i)
      let b0 = UInt32(bytes[i])
      let b1 = n > 1 ? UInt32(bytes[i + 1]) : 0
      let b2 = n > 2 ? UInt32(bytes[i + 2]) : 0
      let triple = b0 << 16 | b1 << 8 | b2
      for k in 0..<4 {
        out.append(k <= n ? alphabet[Int((triple >> (18 - 6 * UInt32(k))) & 63)] : UInt8(ascii: "="))
      }
      i += 3
    }
    return String(decoding: out, as: UTF8.self)
  }
}
