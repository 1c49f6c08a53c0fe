import CZeroMQ
import Dispatch
import Foundation
import Synchronization
import ToyCore
import ToyLanguage

#if canImport(Glibc)
  import Glibc
#endif

/// The ports and key a Jupyter front end hands a kernel in its connection file.
public struct ConnectionInfo: Decodable, Sendable {
  public var transport: String
  public var ip: String
  public var shellPort: Int
  public var iopubPort: Int
  public var stdinPort: Int
  public var controlPort: Int
  public var hbPort: Int
  public var key: String
  public var signatureScheme: String

  enum CodingKeys: String, CodingKey {
    case transport, ip, key
    case shellPort = "shell_port"
    case iopubPort = "iopub_port"
    case stdinPort = "stdin_port"
    case controlPort = "control_port"
    case hbPort = "hb_port"
    case signatureScheme = "signature_scheme"
  }

  public static func read(_ path: String) throws(KernelError) -> ConnectionInfo {
    guard let data = FileManager.default.contents(atPath: path) else {
      throw .connectionFile("\(path) cannot be read")
    }
    let info: ConnectionInfo
    do {
      info = try JSONDecoder().decode(ConnectionInfo.self, from: data)
    } catch {
      throw .connectionFile("\(path) is not a Jupyter connection file (\(error))")
    }
    guard info.signatureScheme == "hmac-sha256" || info.key.isEmpty else {
      throw .connectionFile("signature scheme \(info.signatureScheme) is not supported (hmac-sha256 is)")
    }
    return info
  }

  func endpoint(_ port: Int) -> String {
    transport == "ipc" ? "ipc://\(ip)-\(port)" : "tcp://\(ip):\(port)"
  }
}

/// A toy kernel: the Jupyter messaging protocol (5.3) over ZeroMQ, running cells in one
/// toy session.
///
/// One I/O thread owns every socket (libzmq sockets are not thread-safe): it answers the
/// heartbeat, reads shell and control requests, and sends whatever the execution thread has
/// queued. Cells run on their own thread, one at a time, so the heartbeat and interrupts are
/// answered while a model trains. Every request is framed by `status: busy` and `idle` on
/// IOPub; a message whose signature does not check is dropped unanswered.
public final class Kernel: @unchecked Sendable {
  let connection: ConnectionInfo
  let signer: Signer
  let session: Session
  let kernelSession = UUID().uuidString.lowercased()
  let executor = DispatchQueue(label: "toy.kernel.execute")

  enum Channel { case shell, iopub }
  /// Messages the execution thread has produced, for the I/O thread to send.
  let outbox = Mutex<[(Channel, Message)]>([])
  let executing = Atomic<Bool>(false)
  let stopping = Atomic<Bool>(false)
  /// Set by the execution thread when a cell failed with `stop_on_error`, as it posts the
  /// error (under the outbox's lock): the I/O thread then aborts the execute requests it
  /// has read before the error leaves (ipykernel's `stop_on_error`), and judges later ones
  /// by `stopOnError`.
  let failurePending = Atomic<Bool>(false)
  /// Which requests read after a failure's error left are aborted too (the I/O thread's alone).
  var stopOnError = StopOnError()
  /// The process that started the kernel: when it is gone, so is the kernel.
  let parent = ParentWatch()
  /// Shell requests that arrived while a cell ran (the I/O thread's alone).
  var waiting: [Message] = []
  /// Cells run so far (the execution thread's alone, read when idle).
  var executionCount = 0
  /// The cells run (count, code, the text of their result if any), for history requests.
  /// Written by the execution thread, read by the I/O thread only while no cell runs.
  var history: [(count: Int, code: String, result: String?)] = []
  /// The SVG theme `%config theme=` chose (auto: on white).
  var svgTheme = "auto"

  public init(connection: ConnectionInfo) {
    self.connection = connection
    self.signer = Signer(key: connection.key)
    self.session = Session()
    session.textWidth = 100
  }

  /// Binds the sockets and serves until a shutdown request.
  public func run() throws(KernelError) {
    guard let context = zmq_ctx_new() else { throw .zmq("zmq_ctx_new") }
    defer { zmq_ctx_term(context) }
    let shell = try Socket(context: context, type: ZMQ_ROUTER)
    let control = try Socket(context: context, type: ZMQ_ROUTER)
    let stdin = try Socket(context: context, type: ZMQ_ROUTER)
    // XPUB rather than PUB: it hears each subscriber arrive (see `welcome`).
    let iopub = try Socket(context: context, type: ZMQ_XPUB)
    iopub.setOption(ZMQ_XPUB_VERBOSE, 1)  // every subscription, not only a topic's first
    let heartbeat = try Socket(context: context, type: ZMQ_REP)
    let sockets = [shell, control, stdin, iopub, heartbeat]
    defer { for socket in sockets { socket.close() } }
    try shell.bind(connection.endpoint(connection.shellPort))
    try control.bind(connection.endpoint(connection.controlPort))
    try stdin.bind(connection.endpoint(connection.stdinPort))
    try iopub.bind(connection.endpoint(connection.iopubPort))
    try heartbeat.bind(connection.endpoint(connection.hbPort))
    Self.installInterruptHandler(session.cancellation)

    func send(_ channel: Channel, _ message: Message) {
      switch channel {
      case .shell: shell.send(message.encode(signer: signer))
      case .iopub:
        var published = message
        published.identities = [Data("kernel.\(kernelSession).\(message.type)".utf8)]
        iopub.send(published.encode(signer: signer))
      }
    }
    func flush() {
      let queued = outbox.withLock { queue in
        defer { queue.removeAll() }
        return queue
      }
      // If these include a failure's error, the failure is taken up before it leaves (the
      // aborts it makes go out after it, in the next flush).
      stopIfFailed { shell.receive() }
      for (channel, message) in queued { send(channel, message) }
    }
    send(.iopub, Message(type: "status", session: kernelSession, content: ["execution_state": "starting"]))
    var lastParentCheck = ContinuousClock.now

    while !stopping.load(ordering: .acquiring) {
      if ContinuousClock.now - lastParentCheck > .seconds(1) {
        lastParentCheck = .now
        if let gone = parent.gone() {
          FileHandle.standardError.write(Data("toy kernel: \(gone); exiting\n".utf8))
          session.cancellation.cancel()
          stopping.store(true, ordering: .releasing)
          break
        }
      }
      let ready = poll([shell, control, stdin, heartbeat, iopub], milliseconds: 10)
      if ready[3], let ping = heartbeat.receive() { heartbeat.send(ping) }
      if ready[4] {
        // A subscription is one frame: byte 1 and the topic (byte 0: an unsubscription).
        while let frames = iopub.receive() {
          guard let event = frames.first, event.first == 1 else { continue }
          for message in welcome(subscription: event.dropFirst()) { send(.iopub, message) }
        }
      }
      if ready[1], let frames = control.receive(), let request = decode(frames) {
        handleControl(request) {
          send($0, $1)
        } reply: {
          control.send($0.encode(signer: self.signer))
        }
      }
      if ready[2] { _ = stdin.receive() }  // toy never asks for input
      if ready[0], let frames = shell.receive(), let request = decode(frames) { arrived(request) }
      flush()
      while let request = nextRequest(draining: { shell.receive() }) {
        // The finished cell's reply and idle go out before the next request's busy.
        flush()
        handleShell(request) { send($0, $1) }
        flush()
      }
    }
    // Let the last replies out before the sockets close.
    executor.sync {}
    flush()
  }

  /// The queued request to handle next, nil while a cell runs or none waits. A failure
  /// the execution thread reported is dealt with first, so that no request queued behind
  /// a failed cell starts, however soon the cell failed.
  func nextRequest(draining socket: () -> [Data]?) -> Message? {
    guard !executing.load(ordering: .acquiring), !stopping.load(ordering: .acquiring) else { return nil }
    stopIfFailed(draining: socket)
    return waiting.isEmpty ? nil : waiting.removeFirst()
  }

  /// If a cell failed with `stop_on_error` since the last look, and so before its error
  /// leaves: reads what the shell socket holds (`socket` gives its messages), aborts
  /// every execute request read so far, and has `stopOnError` judge later ones.
  func stopIfFailed(draining socket: () -> [Data]?) {
    guard failurePending.exchange(false, ordering: .acquiringAndReleasing) else { return }
    while let frames = socket() { if let request = decode(frames) { arrived(request) } }
    stopOnError.failed(at: .now)
    for request in waiting where request.type == "execute_request" { abort(request) }
    waiting.removeAll { $0.type == "execute_request" }
  }

  /// A shell request is queued, or answered `aborted` if it comes late to a failure.
  func arrived(_ request: Message) {
    if stopOnError.arrived(request, at: .now) {
      abort(request)
    } else {
      waiting.append(request)
    }
  }

  func decode(_ frames: [Data]) -> Message? {
    try? Message.decode(frames, signer: signer)
  }

  func reply(to request: Message, type: String, content: [String: Any]) -> Message {
    var message = Message(type: type, session: kernelSession, content: content, parent: request.header)
    message.identities = request.identities
    return message
  }

  /// What a new iopub subscriber is told: `iopub_welcome` (JEP 65), then the kernel's
  /// state as a status with no parent.
  ///
  /// Why the status: after a kernel dies and Jupyter Server restarts it, JupyterLab resets
  /// its indicator and waits for a status whose parent is not one it ignores (its
  /// `untracked_message_types` include `kernel_info_request`, all it sends then). The
  /// `starting` a kernel publishes as it begins reaches no one (nobody has subscribed yet),
  /// so without this the indicator stays on "unknown" until a cell runs. The server's
  /// connection check consumes the first message a new subscriber gets: the welcome.
  func welcome(subscription topic: Data) -> [Message] {
    [
      Message(
        type: "iopub_welcome", session: kernelSession,
        content: ["subscription": String(decoding: topic, as: UTF8.self)]),
      Message(
        type: "status", session: kernelSession,
        content: ["execution_state": executing.load(ordering: .acquiring) ? "busy" : "idle"]),
    ]
  }

  func status(_ state: String, for request: Message) -> Message {
    Message(type: "status", session: kernelSession, content: ["execution_state": state], parent: request.header)
  }

  // MARK: Requests

  func handleControl(
    _ request: Message, publish: (Channel, Message) -> Void, reply send: (Message) -> Void
  ) {
    publish(.iopub, status("busy", for: request))
    if request.type == "interrupt_request" {
      session.cancellation.cancel()
      send(reply(to: request, type: "interrupt_reply", content: ["status": "ok"]))
    } else if let answer = answerOnEitherChannel(request) {
      send(answer)
    }
    publish(.iopub, status("idle", for: request))
  }

  /// The reply to a request that may come on the shell or the control channel (kernel info,
  /// shutdown), nil for any other.
  func answerOnEitherChannel(_ request: Message) -> Message? {
    switch request.type {
    case "kernel_info_request":
      return reply(to: request, type: "kernel_info_reply", content: kernelInfo)
    case "shutdown_request":
      session.cancellation.cancel()
      stopping.store(true, ordering: .releasing)
      let restart = request.content["restart"] as? Bool ?? false
      return reply(to: request, type: "shutdown_reply", content: ["status": "ok", "restart": restart])
    default:
      return nil
    }
  }

  func handleShell(_ request: Message, publish: @escaping (Channel, Message) -> Void) {
    publish(.iopub, status("busy", for: request))
    let content = request.content
    switch request.type {
    case "execute_request":
      executing.store(true, ordering: .releasing)
      executor.async { [self] in
        execute(request)
        executing.store(false, ordering: .releasing)
      }
      return  // the execution thread reports idle
    case "complete_request":
      publish(.shell, reply(to: request, type: "complete_reply", content: complete(content)))
    case "inspect_request":
      publish(.shell, reply(to: request, type: "inspect_reply", content: inspect(content)))
    case "is_complete_request":
      publish(.shell, reply(to: request, type: "is_complete_reply", content: isComplete(content)))
    case "comm_info_request":
      publish(.shell, reply(to: request, type: "comm_info_reply", content: ["status": "ok", "comms": [:]]))
    case "history_request":
      let entries = historyEntries(content)
      publish(.shell, reply(to: request, type: "history_reply", content: ["status": "ok", "history": entries]))
    default:
      if let answer = answerOnEitherChannel(request) { publish(.shell, answer) }
    }
    publish(.iopub, status("idle", for: request))
  }

  var kernelInfo: [String: Any] {
    [
      "status": "ok", "protocol_version": Message.protocolVersion, "implementation": "toy",
      "implementation_version": toyVersion,
      "language_info": Notebook.languageInfo,
      "banner": "toy \(toyVersion): Toy Models of Superposition, trained and drawn. Try: help",
      "help_links": [
        ["text": "The .toy language", "url": "https://github.com/toy-models/toy/blob/main/docs/language.md"]
      ],
    ]
  }

  // MARK: Completion, inspection, completeness

  /// The word that ends at `cursor` (in Unicode scalars, as the protocol counts) and where it starts.
  static func word(in code: String, cursor: Int) -> (line: String, word: String, start: Int) {
    let scalars = Array(code.unicodeScalars.prefix(max(0, cursor)))
    var start = scalars.count
    while start > 0 {
      let c = scalars[start - 1]
      guard CharacterSet.alphanumerics.contains(c) || "_%./-".unicodeScalars.contains(c) else { break }
      start -= 1
    }
    var lineStart = scalars.count
    while lineStart > 0 && scalars[lineStart - 1] != "\n" { lineStart -= 1 }
    func text(_ range: Range<Int>) -> String {
      var s = String.UnicodeScalarView()
      s.append(contentsOf: scalars[range])
      return String(s)
    }
    return (text(lineStart..<scalars.count), text(start..<scalars.count), start)
  }

  func complete(_ content: [String: Any]) -> [String: Any] {
    let code = content["code"] as? String ?? ""
    // A cursor past the end (or before the start) is clamped to the code.
    let cursor = min(max(0, content["cursor_pos"] as? Int ?? code.unicodeScalars.count), code.unicodeScalars.count)
    let (line, word, start) = Self.word(in: code, cursor: cursor)
    let magics = Magic.all.filter(\.inNotebooks).map(\.name)
    let matches = Completion(session: session, magics: magics).candidates(line: line, word: word)
    return ["status": "ok", "matches": matches, "cursor_start": start, "cursor_end": cursor, "metadata": [:]]
  }

  func inspect(_ content: [String: Any]) -> [String: Any] {
    let code = content["code"] as? String ?? ""
    let cursor = content["cursor_pos"] as? Int ?? code.unicodeScalars.count
    // The whole word under the cursor: what precedes it and what follows.
    let scalars = Array(code.unicodeScalars)
    var end = min(max(0, cursor), scalars.count)
    while end < scalars.count, CharacterSet.alphanumerics.contains(scalars[end]) || scalars[end] == "_" { end += 1 }
    var word = Self.word(in: code, cursor: end).word
    if let equals = word.firstIndex(of: "=") { word = String(word[..<equals]) }
    guard !word.isEmpty, let text = session.help(on: word) else {
      return ["status": "ok", "found": false, "data": [:], "metadata": [:]]
    }
    return ["status": "ok", "found": true, "data": ["text/plain": text], "metadata": [:]]
  }

  func isComplete(_ content: [String: Any]) -> [String: Any] {
    let code = content["code"] as? String ?? ""
    let (_, diagnostics, incomplete) = Parser.parse(Source(name: "cell", text: code))
    if incomplete { return ["status": "incomplete", "indent": ""] }
    return ["status": diagnostics.isEmpty ? "complete" : "invalid"]
  }

  // MARK: Signals

  /// SIGINT (a front end's interrupt in signal mode) stops training at the next step.
  static func installInterruptHandler(_ cancellation: Cancellation) {
    interruptTarget = cancellation
    signal(SIGINT) { _ in interruptTarget?.cancel() }
  }
}

nonisolated(unsafe) private var interruptTarget: Cancellation?
