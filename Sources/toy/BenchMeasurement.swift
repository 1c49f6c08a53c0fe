import ToyLanguage

/// One timed run of a `toy bench` configuration, model or autoencoder alike: how it becomes
/// a table row and the timing fields of its JSON line, so that both kinds read the same.
protocol BenchMeasurement {
  /// The configuration's name and summary (`S small`).
  var label: String { get }
  /// Its sizes (`n=20 m=5 ×1`).
  var shape: String { get }
  var steps: Int { get }
  var seconds: Double { get }
  var peakKiB: Int { get }
  var gflops: Double { get }
}

extension BenchMeasurement {
  var stepsPerSecond: Double { Double(steps) / seconds }

  /// The table's row; `single` is the same configuration on one thread, when measured too.
  func row(peak: Double, single: Self?) -> [String] {
    var cells = [
      label, shape, String(steps), fixed(1000 / stepsPerSecond, 3), fixed(10_000 / stepsPerSecond, 2) + " s",
    ]
    if let single {
      cells += [
        fixed(10_000 / single.stepsPerSecond, 2) + " s", fixed(stepsPerSecond / single.stepsPerSecond, 2) + "×",
      ]
    }
    return cells + [
      fixed(gflops, 1), fixed(100 * gflops / peak, 0) + "%", fixed(Double(peakKiB) / 1024, 1) + " MiB",
    ]
  }

  /// The JSON line: `head` (the configuration), the timing, `extra` (what the kind adds),
  /// then the one-thread projection when `single` was measured.
  func jsonLine(
    _ head: [(String, JSON.Node)], peak: Double, single: Self?, extra: [(String, JSON.Node)] = []
  ) -> String {
    var line = head
    line += [
      ("steps", .integer(steps)), ("seconds", .number(seconds)), ("steps_per_second", .number(stepsPerSecond)),
      ("ms_per_step", .number(1000 / stepsPerSecond)), ("projected_10k_seconds", .number(10_000 / stepsPerSecond)),
      ("gflops", .number(gflops)), ("peak_gflops", .number(peak)), ("fraction_of_peak", .number(gflops / peak)),
      ("peak_rss_kib", .integer(peakKiB)),
    ]
    line += extra
    if let single { line.append(("projected_10k_seconds_1_thread", .number(10_000 / single.stepsPerSecond))) }
    return JSON.write(.object(line))
  }
}
