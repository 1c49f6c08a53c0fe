import Foundation

/// Which execute requests a failed cell aborts (the protocol's `stop_on_error`).
///
/// Requests queued behind the failing cell (they arrived before it failed) are all aborted,
/// as ipykernel does. The hard case is a request that reaches the kernel *after* the failure: "Run All" sends every
/// cell at once, but on a loaded machine the ones after the failing cell can arrive well
/// after it failed. Such a request is aborted when its client sent it before it could have
/// seen the failure; one the client sent after seeing the error (a person running the next
/// cell, or a client that runs cells one by one) runs.
///
/// When was the request sent? Its header's date, on the client's clock. When did the
/// failure happen on that clock? No message arrives before it was sent, so for every
/// request from a client, (arrival on our clock − header date) is at least the amount by
/// which the client's clock is behind ours. The least of those over the client's recent
/// requests (its `lag`) is that amount plus the fastest delivery seen, a few milliseconds
/// on one machine. A late request is aborted when its date is before the failure's time
/// less that lag: the client's clock may be set anywhere, and the rule still never aborts
/// a request sent after the error reached it (the error left after the failure's time).
struct StopOnError {
  /// How long after a failure late requests are still judged: far longer than a busy
  /// machine delays a message, short enough that a client's clock set back after the
  /// failure cannot have its cells aborted for long.
  static let window: TimeInterval = 10
  /// Requests per client whose delays are kept: recent enough to follow a clock that was
  /// set, enough to include one delivered fast.
  static let samples = 16
  /// Clients whose delays are kept; more are forgotten all at once.
  static let clients = 64

  /// Per client session, the (arrival − header date) of its last requests, in seconds.
  private var delays: [String: [TimeInterval]] = [:]
  /// The last failure that stops execution, on our clock.
  private var failure: Date?

  /// A shell request arrived at `time` (our clock).
  mutating func arrived(_ request: Message, at time: Date) {
    guard let session = request.header["session"] as? String,
      let sent = Self.date(request.header["date"] as? String)
    else { return }
    if delays[session] == nil, delays.count >= Self.clients { delays.removeAll() }
    delays[session, default: []].append(time.timeIntervalSince(sent))
    if delays[session]!.count > Self.samples { delays[session]!.removeFirst() }
  }

  /// A cell failed with `stop_on_error` at `time` (our clock, before its error was sent).
  mutating func failed(at time: Date) {
    failure = time
  }

  /// Whether `request`, which arrived at `time` and has not run, is to be aborted: an
  /// execute request that arrived before the last failure (it was queued behind the failing
  /// cell), or after it but sent before it by the rule above.
  func aborts(_ request: Message, arrivingAt time: Date) -> Bool {
    guard request.type == "execute_request", let failure else { return false }
    if time < failure { return true }
    guard time.timeIntervalSince(failure) < Self.window, let session = request.header["session"] as? String,
      let lag = delays[session]?.min(),
      let sent = Self.date(request.header["date"] as? String)
    else { return false }
    return sent < failure.addingTimeInterval(-lag)
  }

  /// A message header's ISO 8601 date, with any number of fractional digits (JupyterLab
  /// sends milliseconds, jupyter_client microseconds) and Z or an offset; nil if it is not one.
  static func date(_ text: String?) -> Date? {
    guard let text,
      let match = text.wholeMatch(of: /(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(\.\d+)?(Z|[+-]\d\d:?\d\d)?/),
      let whole = ISO8601DateFormatter().date(from: String(match.1) + String(match.3 ?? "Z"))
    else { return nil }
    return whole.addingTimeInterval(match.2.flatMap { Double("0" + $0) } ?? 0)
  }
}
