import Foundation
import XCTest

@testable import ToyLanguage

/// toy's one JSON writer: exact text for known values, numbers that read back as the same
/// Double, and Foundation's values (as `JSONSerialization` reads a message) written as they
/// were read.
final class JSONTests: XCTestCase {
  let node = JSON.Node.object([
    ("name", .string("wtw")), ("steps", .integer(100)), ("loss", .number(0.25)), ("ok", .bool(true)),
    ("none", .null), ("rows", .array([.array([.number(1), .number(-0.5)]), .array([])])), ("empty", .object([])),
  ])

  func testCompactTextKeepsTheOrderGiven() {
    XCTAssertEqual(
      JSON.write(node),
      #"{"name":"wtw","steps":100,"loss":0.25,"ok":true,"none":null,"rows":[[1,-0.5],[]],"empty":{}}"#)
  }

  /// Indented as Jupyter writes notebooks: one space a level, empty containers on one line.
  func testIndentedTextHasALinePerItem() {
    let expected = """
      {
       "name": "wtw",
       "steps": 100,
       "loss": 0.25,
       "ok": true,
       "none": null,
       "rows": [
        [
         1,
         -0.5
        ],
        []
       ],
       "empty": {}
      }
      """
    XCTAssertEqual(JSON.write(node, indented: true), expected)
  }

  func testStringsEscapeQuotesBackslashesAndControlCharactersOnly() {
    XCTAssertEqual(JSON.quote("a\"b\\c/d\n\r\t\u{1}é‖"), #""a\"b\\c/d\n\r\t\u0001é‖""#)
  }

  /// Every number reads back as the same Double; whole numbers without `.0`; NaN and the
  /// infinities, which JSON lacks, as null.
  func testNumbersReadBackExactly() throws {
    // Finite doubles across the whole range: bit patterns from a fixed 64-bit LCG with the
    // exponent's lowest bit cleared, so never 0x7FF (NaN or infinite).
    var state: UInt64 = 0x9E37_79B9_7F4A_7C15
    func next() -> Double {
      state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
      return Double(bitPattern: state & 0xFFEF_FFFF_FFFF_FFFF)
    }
    let samples =
      [0.1, 1e-7, -2.5e-300, 1e20, 123_456_789.123, Double.pi, 0x1p-1074, -0.0] + (0..<200).map { _ in next() }
    for x in samples {
      let text = JSON.write(.number(x))
      XCTAssertEqual(Double(text), x, text)
    }
    XCTAssertEqual(JSON.write(.number(3)), "3")
    XCTAssertEqual(JSON.write(.array([.number(.nan), .number(.infinity), .number(-.infinity)])), "[null,null,null]")
    XCTAssertEqual(JSON.write(.integer(Int.max)), "9223372036854775807")
    XCTAssertEqual(JSON.write(.whole(UInt64(7))), "7")
    XCTAssertEqual(JSON.write(.whole(UInt64.max)), "18446744073709551615", "a 64-bit seed, exactly")
  }

  /// What `JSONSerialization` reads comes back as the same text, keys sorted: `true` stays
  /// `true` and `1` stays `1`, though both arrive as an `NSNumber`.
  func testFoundationValuesAreWrittenAsTheyWereRead() throws {
    let text =
      #"{"big":9007199254740993,"f":false,"huge":18446744073709551615,"l":[1,true,"x",0.5],"n":null,"o":{},"one":1,"#
      + #""s":"a/b","t":true,"zero":0}"#
    let object = try JSONSerialization.jsonObject(with: Data(text.utf8))
    XCTAssertEqual(JSON.write(JSON.Node(object)), text)
  }

  /// Swift's own values, as the kernel builds its replies.
  func testSwiftValuesAreWrittenByTheirType() {
    let value: [String: Any] = [
      "status": "ok", "count": 1, "silent": false, "ratio": 2.5, "payload": [[String: Any]](), "none": NSNull(),
      "nested": ["b": true, "a": [1, 2]] as [String: Any], "metadata": [:], "transient": ["display_id": "d"],
    ]
    XCTAssertEqual(
      JSON.write(JSON.Node(value)),
      #"{"count":1,"metadata":{},"nested":{"a":[1,2],"b":true},"none":null,"payload":[],"ratio":2.5,"silent":false,"#
        + #""status":"ok","transient":{"display_id":"d"}}"#)
  }
}
