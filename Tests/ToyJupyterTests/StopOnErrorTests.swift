import Foundation
import XCTest

@testable import ToyJupyter

/// Which requests that arrive after a failed cell are aborted: those the client sent before
/// it could have seen the failure, judged on the client's own clock, whatever its setting.
final class StopOnErrorTests: XCTestCase {
  let failure = Date(timeIntervalSince1970: 1_800_000_000)

  /// A request from `session` that the client stamped at `sent` (our clock) + `skew`.
  func request(
    _ type: String = "execute_request", session: String = "client", sent: TimeInterval, skew: TimeInterval
  ) -> Message {
    var message = Message(type: type, session: session, content: ["code": "print 1"])
    let stamp = failure.addingTimeInterval(sent + skew)
    message.header["date"] = stamp.formatted(.iso8601.year().month().day().time(includingFractionalSeconds: true))
    return message
  }

  /// A stop-on-error that has seen the client's earlier requests: one delivered in 1 ms and
  /// one in 40 ms (times before the failure, on our clock), then the failure.
  func primed(skew: TimeInterval, session: String = "client") -> StopOnError {
    var stop = StopOnError()
    stop.arrived(request("kernel_info_request", session: session, sent: -5, skew: skew), at: failure - 4.999)
    stop.arrived(request(session: session, sent: -0.1, skew: skew), at: failure - 0.06)
    stop.failed(at: failure)
    return stop
  }

  func testTheHeaderDateReadsEveryPrecisionAndOffset() {
    let base = failure.timeIntervalSince1970
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
      // Sent 20 ms before the failure (a "Run All" cell), arriving 10 ms to 9 s after it.
      for late in [0.01, 0.3, 1, 9] {
        let sent = request(sent: -0.02, skew: skew)
        XCTAssertTrue(stop.aborts(sent, arrivingAt: failure + late), "skew \(skew) s, \(late) s late")
      }
    }
  }

  func testARequestSentAfterTheErrorCouldBeSeenRunsWhateverTheClientsClock() {
    for skew in [0.0, -30, 30, -3600, -0.5] {
      let stop = primed(skew: skew)
      // Sent 1 ms after the failure, arriving 1 ms later.
      XCTAssertFalse(stop.aborts(request(sent: 0.001, skew: skew), arrivingAt: failure + 0.002), "skew \(skew) s")
    }
  }

  func testTheLagIsTheLeastDelaySeenSoASlowFirstDeliveryDoesNotDecide() {
    var stop = StopOnError()
    // Only a slowly delivered request seen (delay 2 s): a cell sent 1 s before the failure
    // cannot be told from one sent after (the clock might be 2 s behind), so it runs...
    stop.arrived(request(sent: -10, skew: 0), at: failure - 8)
    stop.failed(at: failure)
    XCTAssertFalse(stop.aborts(request(sent: -1, skew: 0), arrivingAt: failure + 1))
    XCTAssertTrue(stop.aborts(request(sent: -2.5, skew: 0), arrivingAt: failure + 1))
    // ...until one delivered fast shows the clocks agree.
    stop.arrived(request(sent: -0.5, skew: 0), at: failure - 0.499)
    XCTAssertTrue(stop.aborts(request(sent: -0.01, skew: 0), arrivingAt: failure + 1))
  }

  func testEachClientIsJudgedByItsOwnClock() {
    var stop = primed(skew: -30, session: "behind")
    stop.arrived(request(session: "ahead", sent: -1, skew: 30), at: failure - 0.999)
    // The client 30 s behind sends a cell 1 ms after the failure: its stamp is long before
    // the failure on our clock, but after it on its own.
    XCTAssertFalse(stop.aborts(request(session: "behind", sent: 0.001, skew: -30), arrivingAt: failure + 0.002))
    XCTAssertTrue(stop.aborts(request(session: "ahead", sent: -0.01, skew: 30), arrivingAt: failure + 0.5))
    // A client never seen before cannot be judged: its cell runs.
    XCTAssertFalse(stop.aborts(request(session: "new", sent: -0.01, skew: 0), arrivingAt: failure + 0.5))
  }

  func testOnlyExecuteRequestsQueuedOrLateWithADateInsideTheWindowAreAborted() {
    let stop = primed(skew: 0)
    XCTAssertFalse(stop.aborts(request(sent: -0.02, skew: 0), arrivingAt: failure + StopOnError.window + 0.1))
    XCTAssertFalse(stop.aborts(request("kernel_info_request", sent: -0.02, skew: 0), arrivingAt: failure + 0.1))
    var undated = request(sent: -0.02, skew: 0)
    undated.header["date"] = ""
    XCTAssertFalse(stop.aborts(undated, arrivingAt: failure + 0.1))
    // One that arrived before the failure was queued behind the failing cell: aborted,
    // whatever its date says.
    XCTAssertTrue(stop.aborts(undated, arrivingAt: failure - 0.001))
    XCTAssertTrue(stop.aborts(request(sent: 10, skew: 0), arrivingAt: failure - 0.001))
    XCTAssertFalse(stop.aborts(request("kernel_info_request", sent: -0.02, skew: 0), arrivingAt: failure - 0.001))
    // Without a failure nothing is aborted.
    var calm = StopOnError()
    calm.arrived(request(sent: -5, skew: 0), at: failure - 4.999)
    XCTAssertFalse(calm.aborts(request(sent: -0.02, skew: 0), arrivingAt: failure + 0.1))
  }

  func testAClockSetBackIsFollowedOnceItsOldDelaysAreForgotten() {
    var stop = StopOnError()
    stop.arrived(request(sent: -100, skew: 0), at: failure - 99.999)
    // The client's clock is then set back 60 s: its later stamps would all look 60 s early.
    for i in 0..<StopOnError.samples {
      stop.arrived(request(sent: -50 + Double(i), skew: -60), at: failure - 49.999 + Double(i))
    }
    stop.failed(at: failure)
    XCTAssertFalse(stop.aborts(request(sent: 0.001, skew: -60), arrivingAt: failure + 0.002))
    XCTAssertTrue(stop.aborts(request(sent: -0.01, skew: -60), arrivingAt: failure + 0.5))
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
    // A cell ran while these arrived; it failed, and the execution thread cleared
    // `executing`, all before the I/O thread asked for the next request. (An earlier
    // request showed the client's clock agrees with ours.)
    kernel.stopOnError.arrived(request("kernel_info_request", sent: -0.001), at: Date())
    let queued = request(code: "print 3", sent: -0.001)
    kernel.arrived(queued)
    let info = request("kernel_info_request")
    kernel.arrived(info)
    kernel.failedAt.withLock { $0 = Date() }
    // One "Run All" sent with them, still in the socket.
    let unread = request(code: "print 4", sent: -0.001)
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

  func testNothingStartsWhileACellRuns() {
    kernel.arrived(request(code: "print 1"))
    kernel.executing.store(true, ordering: .releasing)
    XCTAssertNil(kernel.nextRequest { nil })
    kernel.executing.store(false, ordering: .releasing)
    XCTAssertNotNil(kernel.nextRequest { nil })
  }
}
