import Foundation

/// Which execute requests a failed cell aborts (the protocol's `stop_on_error`).
///
/// Every execute request the kernel has read by the time the failure's error leaves it is
/// aborted, as ipykernel aborts its queue: the client sent it before it could know (the
/// kernel, which owns the clock of that moment, decides this without any date). The hard
/// case is a request read *after* the error left: "Run All" sends every cell at once, but
/// on a loaded machine the ones after the failing cell can arrive well after it failed.
/// Such a request is aborted when its header's date, read on our clock, is before the
/// error left; one the client sent after seeing the error (a person running the next
/// cell, or a client that runs cells one by one) runs.
///
/// Reading the client's clock against ours: no message arrives before it was sent, so for
/// each request (arrival on our clock − header date) is at least the amount by which the
/// client's clock is behind ours. The least of those over the client's requests of the
/// last minute (its `lag`) is that amount plus the fastest delivery seen, a fraction of a
/// millisecond on one machine. A late request is aborted when its date is before the
/// error's departure less that lag. However the client's clock is set, that never aborts
/// a request sent after the error reached it (the error reached it after it left); it may
/// let run one sent less than the fastest delivery before the error left. A client whose
/// clock was set back within the minute before a failure can have cells sent after the
/// error aborted, for at most the window.
struct StopOnError {
  /// A moment on our clocks: the wall clock, to compare with header dates, and the
  /// monotonic clock, for how long ago.
  struct Moment {
    var date: Date
    var instant: ContinuousClock.Instant

    static var now: Moment { Moment(date: Date(), instant: .now) }

    func adding(_ seconds: Double) -> Moment {
      Moment(date: date.addingTimeInterval(seconds), instant: instant + .seconds(seconds))
    }
  }

  /// How long after a failure late requests are still judged: far longer than a busy
  /// machine delays a message, short enough that a clock set wrong costs little.
  static let window = Duration.seconds(10)
  /// How long a request's delay is remembered, and how many per client at most.
  static let memory = Duration.seconds(60)
  static let samples = 16
  /// Clients whose delays are kept; more are forgotten all at once.
  static let clients = 64

  /// Per client session, the (arrival − header date) of its recent requests, in seconds,
  /// and when each arrived.
  private var delays: [String: [(seconds: TimeInterval, at: ContinuousClock.Instant)]] = [:]
  /// When the error of the last failure that stops execution left the kernel.
  private var failure: Moment?

  /// The error of a failure that stops execution is about to leave the kernel, at `moment`.
  mutating func failed(at moment: Moment) {
    failure = moment
  }

  /// A shell request read at `moment`; whether it is to be aborted (an execute request
  /// its client sent before the last failure's error left, by the rule above).
  mutating func arrived(_ request: Message, at moment: Moment) -> Bool {
    guard let session = request.header["session"] as? String,
      let sent = Self.date(request.header["date"] as? String)
    else { return false }
    if delays[session] == nil, delays.count >= Self.clients { delays.removeAll() }
    var recent = delays[session, default: []].filter { moment.instant - $0.at < Self.memory }.suffix(Self.samples - 1)
    recent.append((moment.date.timeIntervalSince(sent), moment.instant))
    delays[session] = Array(recent)
    guard request.type == "execute_request", let failure, moment.instant - failure.instant < Self.window,
      let lag = recent.map(\.seconds).min()
    else { return false }
    return sent < failure.date.addingTimeInterval(-lag)
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
