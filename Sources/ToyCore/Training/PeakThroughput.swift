import CToyKernels
import Dispatch

/// The machine's FP32 peak, measured with a loop of independent fused multiply-adds on the
/// kernel's fastest path: what the benchmark compares its GFLOP/s with.
public enum PeakThroughput {
  /// GFLOP/s over `threads` threads, best of three runs of about 0.1 s each.
  public static func measure(threads: Int) -> Double {
    let iterations = 4_000_000
    let path = ChunkKernel.defaultPath
    return bestRate(threads: threads, flopsPerThread: Double(iterations) * 160) {
      let sink = toy_fma_loop(path, iterations)
      precondition(sink.isFinite)
    }
  }

  /// GFLOP/s of `run` (`flopsPerThread` FLOPs) on `threads` threads at once, best of three
  /// runs: the first may pay for thread start-up and page faults.
  static func bestRate(threads: Int, flopsPerThread: Double, _ run: @Sendable () -> Void) -> Double {
    var best = 0.0
    for _ in 0..<3 {
      let clock = ContinuousClock()
      let start = clock.now
      DispatchQueue.concurrentPerform(iterations: max(1, threads)) { _ in run() }
      let seconds = (clock.now - start).seconds
      best = max(best, flopsPerThread * Double(max(1, threads)) / seconds / 1e9)
    }
    return best
  }

  /// Cores the trainer uses by default.
  public static var cores: Int { ToyModel.coreCount }
}

extension Duration {
  /// The duration in seconds, as a Double (for rates and reports).
  public var seconds: Double {
    Double(components.seconds) + Double(components.attoseconds) * 1e-18
  }
}
