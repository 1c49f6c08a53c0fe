import CToyKernels
import Synchronization

#if canImport(Glibc)
  import Glibc
#endif

/// How a training thread waits for others: a step of a small model takes tens of
/// microseconds, so a wait that put the thread to sleep through the kernel every time would
/// cost as much as the step. A waiter spins first; after `spinning` it yields its core at
/// each look (the machine may be shared, and the thread it waits for may need the core);
/// after `yielding` it sleeps on a condition variable, so that a team idle between training
/// calls, or waiting for a descheduled thread, burns no core.
final class SpinWait: @unchecked Sendable {
  private let sleepers = Atomic<Int>(0)
  private let mutex: UnsafeMutablePointer<pthread_mutex_t>
  private let condition: UnsafeMutablePointer<pthread_cond_t>

  /// How long (in nanoseconds) a waiter spins, then yields, before it sleeps.
  static let spinning = 50_000
  static let yielding = 2_000_000

  init() {
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

  /// Returns once `done` is true. `done` must read what it waits for with sequentially
  /// consistent loads, and whoever makes it true must store with sequentially consistent
  /// stores and then call `wake`: a sleeper counts itself before it looks, and the waker
  /// stores before it looks at the count, so one of the two always sees the other.
  func wait(until done: () -> Bool) {
    var looks = 0
    var began: Int?
    while !done() {
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
        pthread_mutex_lock(mutex)
        sleepers.add(1, ordering: .sequentiallyConsistent)
        while !done() { pthread_cond_wait(condition, mutex) }
        sleepers.subtract(1, ordering: .sequentiallyConsistent)
        pthread_mutex_unlock(mutex)
        return
      }
    }
  }

  /// Wakes the sleepers, after the waker made their condition true.
  func wake() {
    guard sleepers.load(ordering: .sequentiallyConsistent) > 0 else { return }
    pthread_mutex_lock(mutex)
    pthread_cond_broadcast(condition)
    pthread_mutex_unlock(mutex)
  }

  private static func nanoseconds() -> Int {
    var now = timespec()
    clock_gettime(CLOCK_MONOTONIC, &now)
    return now.tv_sec * 1_000_000_000 + now.tv_nsec
  }
}

/// A meeting point for a fixed number of threads: each waits (`SpinWait`) until all have
/// arrived, and the last to arrive runs the meeting's `completion` alone before anyone leaves.
final class SpinBarrier: @unchecked Sendable {
  /// Threads per meeting; changed only before the first meeting has begun.
  var parties: Int
  private let arrived = Atomic<Int>(0)
  private let generation = Atomic<Int>(0)
  private let waiting = SpinWait()

  init(parties: Int) {
    self.parties = parties
  }

  /// Waits until all `parties` threads have called `wait`; the last to arrive runs
  /// `completion` first. What each thread wrote before the meeting is visible to all after it.
  func wait(completion: () -> Void = {}) {
    let meeting = generation.load(ordering: .sequentiallyConsistent)
    if arrived.add(1, ordering: .acquiringAndReleasing).newValue == parties {
      arrived.store(0, ordering: .relaxed)
      completion()
      generation.store(meeting &+ 1, ordering: .sequentiallyConsistent)
      waiting.wake()
      return
    }
    waiting.wait { generation.load(ordering: .sequentiallyConsistent) != meeting }
  }
}
