import Crypto
import Foundation
import ToyLanguage

/// A Jupyter message as it travels (messaging protocol 5.3): routing identities, the
/// delimiter `<IDS|MSG>`, an HMAC-SHA256 signature of the next four frames, then header,
/// parent header, metadata and content as JSON, and optional buffers.
public struct Message: @unchecked Sendable {  // JSON values only, handed between threads whole
  public var identities: [Data] = []
  public var header: [String: Any]
  public var parent: [String: Any] = [:]
  public var metadata: [String: Any] = [:]
  public var content: [String: Any]

  public var type: String { header["msg_type"] as? String ?? "" }

  static let delimiter = Data("<IDS|MSG>".utf8)
  public static let protocolVersion = "5.3"

  public init(type: String, session: String, content: [String: Any], parent: [String: Any] = [:]) {
    header = [
      "msg_id": UUID().uuidString.lowercased(), "session": session, "username": "toy", "msg_type": type,
      "version": Self.protocolVersion, "date": ISO8601DateFormatter().string(from: Date()),
    ]
    self.parent = parent
    self.content = content
  }
}

/// Signs and checks messages with the connection's key. With an empty key nothing is signed
/// (the protocol's "no authentication"); otherwise a message whose signature is missing or
/// wrong is refused. The check runs in constant time.
public struct Signer: Sendable {
  let secret: Data

  public init(key: String) {
    secret = Data(key.utf8)
  }

  var key: SymmetricKey? { secret.isEmpty ? nil : SymmetricKey(data: secret) }

  public func signature(_ parts: [Data]) -> String {
    guard let key else { return "" }
    var hmac = HMAC<SHA256>(key: key)
    for part in parts { hmac.update(data: part) }
    return Data(hmac.finalize()).map { String(format: "%02x", $0) }.joined()
  }

  public func isValid(_ signature: Data, _ parts: [Data]) -> Bool {
    guard let key else { return true }
    guard let code = Self.bytes(hex: signature) else { return false }
    var joined = Data()
    for part in parts { joined.append(part) }
    return HMAC<SHA256>.isValidAuthenticationCode(code, authenticating: joined, using: key)
  }

  static func bytes(hex: Data) -> Data? {
    guard hex.count % 2 == 0 else { return nil }
    var out = Data(capacity: hex.count / 2)
    var high: UInt8?
    for c in hex {
      let v: UInt8
      switch c {
      case 48...57: v = c - 48
      case 97...102: v = c - 87
      case 65...70: v = c - 55
      default: return nil
      }
      if let h = high {
        out.append(h << 4 | v)
        high = nil
      } else {
        high = v
      }
    }
    return out
  }
}

/// Why an incoming message was refused.
public enum WireError: Error, Equatable {
  case noDelimiter
  case tooFewFrames
  case badSignature
  case badJSON
}

extension Message {
  /// Parses received frames, checking the signature over the exact bytes received.
  public static func decode(_ frames: [Data], signer: Signer) throws(WireError) -> Message {
    guard let split = frames.firstIndex(of: delimiter) else { throw .noDelimiter }
    guard frames.count >= split + 6 else { throw .tooFewFrames }
    let parts = Array(frames[split + 2..<split + 6])
    guard signer.isValid(frames[split + 1], parts) else { throw .badSignature }
    func object(_ data: Data) throws(WireError) -> [String: Any] {
      guard let value = try? JSONSerialization.jsonObject(with: data), let dictionary = value as? [String: Any] else {
        throw .badJSON
      }
      return dictionary
    }
    var message = Message(
      type: "", session: "", content: try object(parts[3]), parent: try object(parts[1]))
    message.identities = Array(frames[..<split])
    message.header = try object(parts[0])
    message.metadata = try object(parts[2])
    return message
  }

  /// The frames to send, signed.
  public func encode(signer: Signer) -> [Data] {
    let parts = [header, parent, metadata, content].map { Self.json($0) }
    return identities + [Self.delimiter, Data(signer.signature(parts).utf8)] + parts
  }

  static func json(_ object: [String: Any]) -> Data { Data(JSON.write(JSON.Node(object)).utf8) }
}
