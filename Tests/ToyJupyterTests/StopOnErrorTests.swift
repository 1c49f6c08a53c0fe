import Foundation
import XCTest

@testable import ToyJupyter

/// Which requests read after a failed cell's error left are aborted: those the client sent
/// before it, judged on the client's own clock, whatever its setting.
final class StopOnErrorTests: XCTestCase {
  /// When the failure's error left (our clocks).
  let failure = StopOnError.Moment(date: Date(timeIntervalSince1970: 1_800_000_000), instant: .now)

  /// A request from `session` that the client stamped at `sent` seconds from the failure on
  /// our clock, its own clock being `skew` seconds ahead of ours.
  func request(
    _ type: String = "execute_request", session: String = "client", sent: TimeInterval, skew: TimeInterval
  ) -> Message {
    var message = Message(type: type, session: session, content: ["code": "print 1"])
    let stamp = failure.date.addingTimeInterval(sent + skew)
    message.header["date"] = stamp.formatted(.iso8601.year().month().day().time(includingFractionalSeconds: true))
    return message
  }

  /// A stop-on-error that has read two of the client's requests, one delivered in 1 ms and
  /// one in 40 ms, then seen the failure.
  func primed(skew: TimeInterval, session: String = "client") -> StopOnError {
    var stop = StopOnError()
    _ = stop.arrived(request("kernel_info_request", session: session, sent: -5, skew: skew), at: failure.adding(-4.999))
    _ = stop.arrived(request(session: session, sent: -0.1, skew: skew), at: failure.adding(-0.06))
    stop.failed(at: failure)
    return stop
  }

  /// Whether `request`, read `late` seconds after the failure, is aborted (on a copy).
  func aborts(_ stop: StopOnError, _ request: Message, late: TimeInterval) -> Bool {
    var stop = stop
    return stop.arrived(request, at: failure.adding(late))
  }

  func testTheHeaderDateReadsEveryPrecisionAndOffset() {
    let base = failure.date.timeIntervalSince1970
    XCTAssertEqual(StopOnError.date("2027-01-15T08:00:00Z")?.timeIntervalSince1970, base)
    XCTAssertEqual(StopOnError.date("2027-01-15T08:00:00.25Z")?.timeIntervalSince1970, base + 0.25)
    XCTAssertEqual(
      StopOnError.date("2027-01-15T09:00:00.123456+01:00")!.timeIntervalSince1970, base + 0.123456, accuracy: 1e-6)
    XCTAssertEqual(StopOnError.date("2027-01-15T08:00:00")?.timeIntervalSince1970, base)
    XCTAssertNil(StopOnError.date(""))
    XCTAssertNil(StopOnError.date("yesterday"))
  }

  func testARequestSentBeforeTheFailureIsAbortedHoweverLateItArrivesInTheWindow() {
    for skew in [0.0, -30, 30, -3600, 0.5] {
      let stop = primed(skew: skew)
      // Sent 20 ms before the error left (a "Run All" cell), read 10 ms to 9 s after.
      for late in [0.01, 0.3, 1, 9] {
        XCTAssertTrue(aborts(stop, request(sent: -0.02, skew: skew), late: late), "skew \(skew) s, \(late) s late")
      }
    }
  }

  func testARequestSentAfterTheErrorCouldBeSeenRunsWhateverTheClientsClock() {
    for skew in [0.0, -30, 30, -3600, -0.5] {
      let stop = primed(skew: skew)
      // Sent 1 ms after the error left, read 1 ms later.
      XCTAssertFalse(aborts(stop, request(sent: 0.001, skew: skew), late: 0.002), "skew \(skew) s")
    }
  }

  func testTheLagIsTheLeastDelaySeenSoASlowFirstDeliveryDoesNotDecide() {
    var stop = StopOnError()
    // Only a slowly delivered request seen (delay 2 s): a cell sent 1 s before the failure
    // cannot be told from one sent after (the clock might be 2 s behind), so it runs...
    _ = stop.arrived(request(sent: -10, skew: 0), at: failure.adding(-8))
    stop.failed(at: failure)
    XCTAssertFalse(aborts(stop, request(sent: -1, skew: 0), late: 1))
    XCTAssertTrue(aborts(stop, request(sent: -2.5, skew: 0), late: 1))
    // ...until one delivered fast shows the clocks agree.
    _ = stop.arrived(request(sent: 0.5, skew: 0), at: failure.adding(0.501))
    XCTAssertTrue(aborts(stop, request(sent: -0.01, skew: 0), late: 1))
  }

  func testEachClientIsJudgedByItsOwnClock() {
    var stop = primed(skew: -30, session: "behind")
    _ = stop.arrived(request(session: "ahead", sent: -1, skew: 30), at: failure.adding(-0.999))
    // The client 30 s behind sends a cell 1 ms after the error left: its stamp is long
    // before the failure on our clock, but after it on its own.
    XCTAssertFalse(aborts(stop, request(session: "behind", sent: 0.001, skew: -30), late: 0.002))
    XCTAssertTrue(aborts(stop, request(session: "ahead", sent: -0.01, skew: 30), late: 0.5))
    // A client never seen before cannot be judged: its cell runs.
    XCTAssertFalse(aborts(stop, request(session: "new", sent: -0.01, skew: 0), late: 0.5))
  }

  func testOnlyExecuteRequestsWithADateReadInsideTheWindowAreAborted() {
    let stop = primed(skew: 0)
    let window = Double(StopOnError.window.components.seconds)
    XCTAssertFalse(aborts(stop, request(sent: -0.02, skew: 0), late: window + 0.1))
    XCTAssertFalse(aborts(stop, request("kernel_info_request", sent: -0.02, skew: 0), late: 0.1))
    var undated = request(sent: -0.02, skew: 0)
    undated.header["date"] = ""
    XCTAssertFalse(aborts(stop, undated, late: 0.1))
    // Without a failure nothing is aborted.
    var calm = StopOnError()
    _ = calm.arrived(request(sent: -5, skew: 0), at: failure.adding(-4.999))
    XCTAssertFalse(aborts(calm, request(sent: -0.02, skew: 0), late: 0.1))
  }

  func testAClockSetBackIsFollowedOnceItsOldDelaysAreForgotten() {
    // The old delay is forgotten after enough requests, or after a minute.
    for (old, count) in [(-50.0, StopOnError.samples), (-100, 1)] {
      var stop = StopOnError()
      _ = stop.arrived(request(sent: old, skew: 0), at: failure.adding(old + 0.001))
      // The client's clock is then set back 60 s: its later stamps would all look 60 s
      // early against the old delay.
      for i in 0..<count {
        let sent = -30 + Double(i)
        _ = stop.arrived(request(sent: sent, skew: -60), at: failure.adding(sent + 0.001))
      }
      stop.failed(at: failure)
      XCTAssertFalse(aborts(stop, request(sent: 0.001, skew: -60), late: 0.002), "old delay at \(old) s")
      XCTAssertTrue(aborts(stop, request(sent: -0.01, skew: -60), late: 0.5), "old delay at \(old) s")
    }
  }
}

/// The kernel's queue after a failure: no request queued behind a failed cell starts.
final class KernelQueueTests: XCTestCase {
  let kernel = Kernel(
    connection: ConnectionInfo(
      transport: "tcp", ip: "127.0.0.1", shellPort: 0, iopubPort: 0, stdinPort: 0, controlPort: 0, hbPort: 0,
      key: "", signatureScheme: "hmac-sha256"))

  /// A request from one client, stamped `sent` seconds from now with milliseconds.
  func request(_ type: String = "execute_request", code: String = "", sent: TimeInterval = 0) -> Message {
    var message = Message(type: type, session: "client", content: ["code": code])
    message.header["date"] = Date(timeIntervalSinceNow: sent).formatted(
      .iso8601.year().month().day().time(includingFractionalSeconds: true))
    return message
  }

  func shellReplies() -> [(parent: String, status: String)] {
    kernel.outbox.withLock { $0 }.compactMap { channel, message in
      guard channel == .shell else { return nil }
      return (message.parent["msg_id"] as? String ?? "", message.content["status"] as? String ?? "")
    }
  }

  func testACellThatFailedBeforeTheQueueWasLookedAtStillStopsTheCellsBehindIt() throws {
    // A cell ran while these were read; it failed, and the execution thread cleared
    // `executing`, all before the I/O thread asked for the next request.
    let queued = request(code: "print 3")
    kernel.arrived(queued)
    let info = request("kernel_info_request")
    kernel.arrived(info)
    kernel.failurePending.store(true, ordering: .releasing)
    // One "Run All" cell sent after the others and still in the socket.
    let unread = request(code: "print 4", sent: 0.0005)
    var socket = [unread.encode(signer: kernel.signer)]

    let first = try XCTUnwrap(kernel.nextRequest { socket.popLast() })
    XCTAssertEqual(first.type, "kernel_info_request")
    XCTAssertEqual(first.header["msg_id"] as? String, info.header["msg_id"] as? String)
    XCTAssertNil(kernel.nextRequest { nil })
    XCTAssertEqual(shellReplies().map(\.parent), [queued, unread].map { $0.header["msg_id"] as? String ?? "" })
    XCTAssertEqual(shellReplies().map(\.status), ["aborted", "aborted"])

    // A cell sent after the failure runs.
    let next = request(code: "print 5", sent: 0.001)
    kernel.arrived(next)
    XCTAssertEqual(kernel.nextRequest { nil }?.header["msg_id"] as? String, next.header["msg_id"] as? String)
  }

  func testASilentFailureStopsNothing() {
    kernel.executing.store(true, ordering: .releasing)
    kernel.execute(Message(type: "execute_request", session: "client", content: ["code": "show wtx", "silent": true]))
    XCTAssertFalse(kernel.failurePending.load(ordering: .acquiring))
    kernel.execute(Message(type: "execute_request", session: "client", content: ["code": "show wtx"]))
    XCTAssertTrue(kernel.failurePending.load(ordering: .acquiring))
  }

  func testACellThatFailsAbortsTheCellsQueuedBehindItAfterItsReply() {
    let queued = request(code: "print 2")
    kernel.arrived(queued)
    let failing = request(code: "show wtx")
    kernel.execute(failing)
    XCTAssertNil(kernel.nextRequest { nil })
    XCTAssertEqual(shellReplies().map(\.status), ["error", "aborted"])
    XCTAssertEqual(shellReplies().map(\.parent), [failing, queued].map { $0.header["msg_id"] as? String ?? "" })
  }

  func testNothingStartsWhileACellRuns() {
    kernel.arrived(request(code: "print 1"))
    kernel.executing.store(true, ordering: .releasing)
    XCTAssertNil(kernel.nextRequest { nil })
    kernel.executing.store(false, ordering: .releasing)
    XCTAssertNotNil(kernel.nextRequest { nil })
  }
}
