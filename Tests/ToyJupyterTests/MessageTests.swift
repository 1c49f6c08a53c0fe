import Crypto
import Foundation
import XCTest

@testable import ToyJupyter

/// The wire format of the Jupyter messaging protocol: framing and HMAC-SHA256 signatures.
final class MessageTests: XCTestCase {
  let signer = Signer(key: "a0436f6c-1916-498b-8eb9-e81ab9368e84")

  func frames(_ parts: [String], signature: String? = nil, identities: [String] = ["client-1"]) -> [Data] {
    let data = parts.map { Data($0.utf8) }
    let sig = signature ?? signer.signature(data)
    return identities.map { Data($0.utf8) } + [Data("<IDS|MSG>".utf8), Data(sig.utf8)] + data
  }

  let parts = [
    #"{"msg_id":"1","msg_type":"kernel_info_request","session":"s","username":"u","version":"5.3","date":""}"#,
    "{}", "{}", "{}",
  ]

  func testTheSignatureIsHMACSHA256OfTheFourJSONFramesInHex() {
    // An independent computation: HMAC over the concatenated frames, as the protocol defines.
    let key = SymmetricKey(data: Data("a0436f6c-1916-498b-8eb9-e81ab9368e84".utf8))
    let expected = HMAC<SHA256>.authenticationCode(for: Data(parts.joined().utf8), using: key)
      .map { String(format: "%02x", $0) }.joined()
    XCTAssertEqual(signer.signature(parts.map { Data($0.utf8) }), expected)
    XCTAssertEqual(expected.count, 64)
  }

  func testAWellSignedMessageDecodesWithItsRoutingIdentities() throws {
    let message = try Message.decode(frames(parts, identities: ["a", "b"]), signer: signer)
    XCTAssertEqual(message.type, "kernel_info_request")
    XCTAssertEqual(message.identities, [Data("a".utf8), Data("b".utf8)])
  }

  func testUnsignedOrBadlySignedMessagesAreRefused() {
    XCTAssertThrowsError(try Message.decode(frames(parts, signature: ""), signer: signer)) {
      XCTAssertEqual($0 as? WireError, .badSignature)
    }
    let wrong = String(signer.signature(parts.map { Data($0.utf8) }).reversed())
    XCTAssertThrowsError(try Message.decode(frames(parts, signature: wrong), signer: signer))
    // A signature over re-serialised JSON is not one over the bytes sent.
    var tampered = frames(parts)
    tampered[tampered.count - 1] = Data("{ }".utf8)
    XCTAssertThrowsError(try Message.decode(tampered, signer: signer))
    XCTAssertThrowsError(try Message.decode([Data("x".utf8)], signer: signer)) {
      XCTAssertEqual($0 as? WireError, .noDelimiter)
    }
  }

  func testAnEmptyKeyMeansNoAuthentication() throws {
    let open = Signer(key: "")
    XCTAssertEqual(open.signature([Data("{}".utf8)]), "")
    let message = try Message.decode(frames(parts, signature: ""), signer: open)
    XCTAssertEqual(message.type, "kernel_info_request")
  }

  func testEncodedRepliesVerifyAndKeepTheParent() throws {
    let request = try Message.decode(frames(parts), signer: signer)
    var reply = Message(type: "kernel_info_reply", session: "k", content: ["status": "ok"], parent: request.header)
    reply.identities = request.identities
    let decoded = try Message.decode(reply.encode(signer: signer), signer: signer)
    XCTAssertEqual(decoded.type, "kernel_info_reply")
    XCTAssertEqual(decoded.parent["msg_id"] as? String, "1")
    XCTAssertEqual(decoded.header["version"] as? String, "5.3")
  }

  /// A reply writes what a request carried as it was read: booleans stay booleans, whole
  /// numbers stay exact, `/` stays unescaped; keys sorted, so the same message is the same bytes.
  func testRepliesWriteEveryJSONValueAsItWasRead() throws {
    let content =
      #"{"big":9007199254740993,"code":"show wtw\n","f":false,"l":[1,true,"x",0.5],"n":null,"o":{},"one":1,"#
      + #""path":"a/b","t":true,"zero":0}"#
    let request = try Message.decode(frames([parts[0], "{}", "{}", content]), signer: signer)
    let reply = Message(type: "echo", session: "k", content: request.content, parent: request.header)
    let written = reply.encode(signer: signer).suffix(3).map { String(decoding: $0, as: UTF8.self) }
    XCTAssertEqual(
      written[0],
      #"{"date":"","msg_id":"1","msg_type":"kernel_info_request","session":"s","username":"u","version":"5.3"}"#)
    XCTAssertEqual(written[1], "{}")
    XCTAssertEqual(written[2], content)
  }

  func testTheCursorWordForCompletionCountsUnicodeScalars() {
    let (line, word, start) = Kernel.word(in: "print 1\nmodel ‖n=5 kind=hid", cursor: 27)
    XCTAssertEqual(line, "model ‖n=5 kind=hid")
    XCTAssertEqual(word, "hid")
    XCTAssertEqual(start, 24)
  }
}
