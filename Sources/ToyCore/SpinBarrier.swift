import CToyKernels
import Synchronization

#if canImport(Glibc)
  import Glibc
#endif

/// A meeting point for a fixed number of threads, used several times per training step.
///
/// A small model's step takes tens of microseconds, so a wait that puts the thread to sleep
/// through the kernel at every meeting would cost as much as the step. A waiter therefore
/// spins on the meeting's count first; after `spinning` it yields its core at each look
/// (the machine may be shared, and the thread it waits for may need the core), and after
/// `yielding` it sleeps on a condition variable, so that a team idle between training
/// calls, or waiting for a descheduled member, burns no core.
///
/// The last thread to arrive runs the meeting's `completion` alone before anyone leaves:
/// work that must happen exactly once between two phases.
final class SpinBarrier: @unchecked Sendable {
  /// Threads per meeting; changed only before the first meeting has begun.
  var parties: Int
  private let arrived = Atomic<Int>(0)
  private let generation = Atomic<Int>(0)
  private let sleepers = Atomic<Int>(0)
  private let mutex: UnsafeMutablePointer<pthread_mutex_t>
  private let condition: UnsafeMutablePointer<pthread_cond_t>

  /// How long (in nanoseconds) a waiter spins, then yields, before it sleeps.
  static let spinning = 50_000
  static let yielding = 2_000_000

  init(parties: Int) {
    self.parties = parties
    mutex = .allocate(capacity: 1)
    condition = .allocate(capacity: 1)
    pthread_mutex_init(mutex, nil)
    pthread_cond_init(condition, nil)
  }

  deinit {
    pthread_cond_destroy(condition)
    pthread_mutex_destroy(mutex)
    mutex.deallocate()
    condition.deallocate()
  }

  /// Waits until all `parties` threads have called `wait`; the last to arrive runs
  /// `completion` first. What each thread wrote before the meeting is visible to all after it.
  func wait(completion: () -> Void = {}) {
    let meeting = generation.load(ordering: .acquiring)
    if arrived.add(1, ordering: .acquiringAndReleasing).newValue == parties {
      arrived.store(0, ordering: .relaxed)
      completion()
      generation.store(meeting &+ 1, ordering: .sequentiallyConsistent)
      if sleepers.load(ordering: .sequentiallyConsistent) > 0 {
        pthread_mutex_lock(mutex)
        pthread_cond_broadcast(condition)
        pthread_mutex_unlock(mutex)
      }
      return
    }
    var looks = 0
    var began: Int?
    while generation.load(ordering: .acquiring) == meeting {
      looks += 1
      guard looks & 63 == 0 else {
        toy_spin_pause()
        continue
      }
      let now = Self.nanoseconds()
      let waited = now - (began ?? now)
      if began == nil { began = now }
      if waited < Self.spinning {
        toy_spin_pause()
      } else if waited < Self.yielding {
        sched_yield()
      } else {
        sleep(until: meeting)
      }
    }
  }

  /// Sleeps until the meeting after `meeting` has begun. The sleeper counts itself before it
  /// looks at the meeting, and the last arrival moves the meeting on before it looks at the
  /// count, so one of the two always sees the other (both sequentially consistent).
  private func sleep(until meeting: Int) {
    pthread_mutex_lock(mutex)
    sleepers.add(1, ordering: .sequentiallyConsistent)
    while generation.load(ordering: .sequentiallyConsistent) == meeting {
      pthread_cond_wait(condition, mutex)
    }
    sleepers.subtract(1, ordering: .sequentiallyConsistent)
    pthread_mutex_unlock(mutex)
  }

  private static func nanoseconds() -> Int {
    var now = timespec()
    clock_gettime(CLOCK_MONOTONIC, &now)
    return now.tv_sec * 1_000_000_000 + now.tv_nsec
  }
}
