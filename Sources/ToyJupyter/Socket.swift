import CZeroMQ
import Foundation

/// A ZeroMQ socket. libzmq sockets are not thread-safe: each is used by one thread only
/// (the kernel's I/O thread).
final class Socket {
  let handle: UnsafeMutableRawPointer

  init(context: UnsafeMutableRawPointer, type: Int32) throws(KernelError) {
    guard let handle = zmq_socket(context, type) else { throw .zmq("zmq_socket") }
    self.handle = handle
    var linger: Int32 = 0  // closing never waits for unsent messages
    zmq_setsockopt(handle, ZMQ_LINGER, &linger, MemoryLayout<Int32>.size)
  }

  func setOption(_ option: Int32, _ value: Int32) {
    var value = value
    zmq_setsockopt(handle, option, &value, MemoryLayout<Int32>.size)
  }

  func bind(_ endpoint: String) throws(KernelError) {
    guard zmq_bind(handle, endpoint) == 0 else { throw .zmq("cannot bind \(endpoint)") }
  }

  func connect(_ endpoint: String) throws(KernelError) {
    guard zmq_connect(handle, endpoint) == 0 else { throw .zmq("cannot connect to \(endpoint)") }
  }

  /// One multipart message, or nil when none is waiting (with `wait` false) or on error.
  func receive(wait: Bool = false) -> [Data]? {
    var frames: [Data] = []
    while true {
      var message = zmq_msg_t()
      zmq_msg_init(&message)
      defer { zmq_msg_close(&message) }
      guard zmq_msg_recv(&message, handle, wait ? 0 : ZMQ_DONTWAIT) >= 0 else { return frames.isEmpty ? nil : frames }
      let size = zmq_msg_size(&message)
      frames.append(size == 0 ? Data() : Data(bytes: zmq_msg_data(&message), count: size))
      guard zmq_msg_more(&message) != 0 else { return frames }
    }
  }

  func send(_ frames: [Data]) {
    for (index, frame) in frames.enumerated() {
      let flags = index < frames.count - 1 ? ZMQ_SNDMORE : 0
      _ = frame.withUnsafeBytes { bytes in zmq_send(handle, bytes.baseAddress, bytes.count, flags) }
    }
  }

  /// Closes the socket, giving queued messages (a shutdown reply, the last idle) half a
  /// second to leave: `zmq_send` only queues.
  func close() {
    var linger: Int32 = 500
    zmq_setsockopt(handle, ZMQ_LINGER, &linger, MemoryLayout<Int32>.size)
    zmq_close(handle)
  }
}

/// Waits up to `milliseconds` for any of `sockets` to be readable; returns which are.
func poll(_ sockets: [Socket], milliseconds: Int) -> [Bool] {
  var items = sockets.map { zmq_pollitem_t(socket: $0.handle, fd: 0, events: Int16(ZMQ_POLLIN), revents: 0) }
  let count = zmq_poll(&items, Int32(items.count), milliseconds)
  guard count > 0 else { return sockets.map { _ in false } }
  return items.map { $0.revents & Int16(ZMQ_POLLIN) != 0 }
}

/// What stops a kernel.
public enum KernelError: Error, CustomStringConvertible {
  case zmq(String)
  case connectionFile(String)

  public var description: String {
    switch self {
    case .zmq(let what): return "ZeroMQ: \(what): \(String(cString: zmq_strerror(zmq_errno())))"
    case .connectionFile(let why): return "connection file: \(why)"
    }
  }
}
