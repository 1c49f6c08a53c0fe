#if canImport(Glibc)
  import Glibc
#endif

/// Threads that run rounds of work together: the calling thread is member 0, the others
/// wait at a `SpinBarrier` between rounds, so a round costs two meetings rather than starting
/// threads or a dispatch. A team lives for one training call; `close` ends its threads (the
/// threads hold the team, so it must be closed).
///
/// The helpers are threads of their own rather than Dispatch's workers: the members of a
/// round wait for each other, and Dispatch may run more iterations than it has threads one
/// after another, which would never meet.
final class WorkerTeam: @unchecked Sendable {
  /// Members, the caller included (fewer than asked if the system refused a thread).
  private(set) var size: Int
  private let start: SpinBarrier
  private let end: SpinBarrier
  /// The current round's work; nil tells the helpers to end.
  private var job: ((Int) -> Void)?
  private var threads: [pthread_t] = []
  private var closed = false

  init(size: Int) {
    self.size = max(1, size)
    start = SpinBarrier(parties: self.size)
    end = SpinBarrier(parties: self.size)
    for member in 1..<self.size {
      let launch = Unmanaged.passRetained(Launch(team: self, member: member)).toOpaque()
      var thread = pthread_t()
      let started = pthread_create(
        &thread, nil,
        { raw in
          let launch = Unmanaged<Launch>.fromOpaque(raw!).takeRetainedValue()
          launch.team.serve(member: launch.member)
          return nil
        }, launch)
      guard started == 0 else {
        Unmanaged<Launch>.fromOpaque(launch).release()
        // No meeting has begun (this thread has not arrived), so the parties may shrink.
        self.size = member
        start.parties = member
        end.parties = member
        break
      }
      threads.append(thread)
    }
  }

  /// Runs `body(member)` on every member at once and returns when all have finished.
  func run(_ body: (Int) -> Void) {
    withoutActuallyEscaping(body) { body in
      job = body
      start.wait()
      body(0)
      end.wait()
      job = nil
    }
  }

  /// Ends the helper threads and waits for them.
  func close() {
    guard !closed else { return }
    closed = true
    job = nil
    start.wait()
    for thread in threads { pthread_join(thread, nil) }
  }

  private func serve(member: Int) {
    while true {
      start.wait()
      guard perform(member: member) else { return }
      end.wait()
    }
  }

  /// Runs the round's job; false when told to end. The job is let go before the round's
  /// end, so that `run` gets it back unescaped.
  private func perform(member: Int) -> Bool {
    guard let job else { return false }
    job(member)
    return true
  }

  private final class Launch {
    let team: WorkerTeam
    let member: Int
    init(team: WorkerTeam, member: Int) {
      self.team = team
      self.member = member
    }
  }
}
