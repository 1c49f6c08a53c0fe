import Dispatch

extension ToyModel {
  /// Splits the instances among `threads` workers with similar expected work: for two
  /// workers and up to 12 instances the split whose busier worker has the least (every
  /// split tried), otherwise longest first, each to the least loaded. The split never
  /// changes any instance's numbers.
  func workGroups(threads: Int) -> [[Int]] {
    let cost = workCosts()
    if threads == 2 && (2...12).contains(cost.count) { return Self.bestSplitInTwo(cost) }
    var groups = [[Int]](repeating: [], count: threads)
    var load = [Double](repeating: 0, count: threads)
    for i in (0..<instanceCount).sorted(by: { cost[$0] > cost[$1] }) {
      let t = load.indices.min(by: { load[$0] < load[$1] })!
      groups[t].append(i)
      load[t] += cost[i]
    }
    return groups
  }

  /// Each instance's expected work per step, in multiply-add equivalents (weights measured
  /// on Zen 3). A sample costs its data draws (and the scans over them) plus a pass through
  /// the model. In the wide kernel: three dense products and two whose cost follows the input
  /// density. In the dense kernel: five products, unless a quarter or more of the samples
  /// are all zero; then those are moved aside and the rest pooled, at a higher cost per
  /// sample kept. Masked data draws cost a little more than dense ones.
  ///
  /// With training sets, each instance's cost is per step, a sample's cost times T (full
  /// batch, the usual way a sweep over T trains).
  func workCosts() -> [Double] {
    let perSample = sampleCosts()
    guard hasTrainingSets else { return perSample }
    return perSample.enumerated().map { $1 * Double(max(1, trainingSetSize(instance: $0))) }
  }

  private func sampleCosts() -> [Double] {
    let wide = ChunkKernel.usesWide(n: n)
    return (0..<instanceCount).map { i -> Double in
      let pass = 2 * Double(n * m)
      let densities = density(instance: i)
      if wide {
        let p = densities.reduce(0.0) { $0 + Double($1) } / Double(n)
        let forward = p < 0.3 ? 2.7 * p : 1, gradient = p < 0.6 ? 1.7 * p : 1
        return Double(n) * 50 + pass * (3 + forward + gradient)
      }
      let allZero = densities.reduce(1.0) { $0 * (1 - Double($1)) }
      if allZero < 0.25 {
        return Double(n) * 25 + 5 * pass * (densities.allSatisfy { $0 >= 1 } ? 1 : 1.05)
      }
      return Double(n) * 20 + 9 * pass * (1 - allZero)
    }
  }

  /// The split of `cost`'s indices into two groups whose larger total is the least (the
  /// first such in subset order); the last index always goes to the second group.
  static func bestSplitInTwo(_ cost: [Double]) -> [[Int]] {
    let total = cost.reduce(0, +)
    var best = (subset: 0, load: Double.infinity)
    for subset in 0..<(1 << (cost.count - 1)) {
      var load = 0.0
      for i in cost.indices where subset >> i & 1 == 1 { load += cost[i] }
      let larger = max(load, total - load)
      if larger < best.load { best = (subset, larger) }
    }
    return [
      cost.indices.filter { best.subset >> $0 & 1 == 1 }, cost.indices.filter { best.subset >> $0 & 1 == 0 },
    ]
  }

  /// Runs up to `length` steps with the instances split among `threads` workers (see
  /// `runSegment(options:callStep:length:groups:cancellation:train:)`). Each worker owns a
  /// group of instances: no sharing, no locks, no meeting until the segment's end.
  mutating func runSegment(
    options: TrainingOptions, callStep: Int, length: Int, threads: Int, cancellation: Cancellation?
  ) -> (taken: Int, losses: [[Float]], divergence: Divergence?) {
    runSegment(
      options: options, callStep: callStep, length: length, groups: workGroups(threads: threads),
      cancellation: cancellation
    ) { context, workers in
      DispatchQueue.concurrentPerform(iterations: workers.count) { t in
        context.load(workers[t])
        context.run(workers[t], to: length, cancellation: cancellation)
      }
    }
  }
}
