import CToyKernels
import Synchronization

/// Full-batch training on fixed training sets whose sparse structure is built once per
/// training call, for the kernel in `CToyKernels/toy_fixed.c`.
///
/// Shapes: I = instances, F = n features, H = m hidden, T = an instance's examples, C = its
/// chunks of up to `lanes` examples, P = an instance's parameter floats (F·H + F).
///
/// The fresh-data trainer writes every chunk of samples dense and then finds its non-zero
/// inputs again; a fixed set is the same every step, so here each instance's set is kept
/// twice, sparse: by example (to form h = Wx) and, per chunk, by feature (the targets of the
/// error and the products with x). Each (instance, chunk) is a unit of work that writes its
/// own partial gradient; the partials are added in chunk order, so the numbers do not depend
/// on the thread count. Chunks depend on T alone.
///
/// It runs for the paper's ReLU model (tied, output ReLU) when every instance trains its set
/// in full batch and the model has at least `minimumFeatures` features: narrower models keep
/// the chunk kernels, whose dense chunks are cheap there (and whose numbers the memorisation
/// example's goldens record).
final class FixedSetTrainer: @unchecked Sendable {
  /// The fewest features for which the fixed-set kernel trains a model.
  static let minimumFeatures = 1024

  /// Whether the fixed-set kernel trains `model` at steps of `batch` samples.
  static func applies(to model: ToyModel, batch: Int) -> Bool {
    guard model.kind == .relu, model.n >= minimumFeatures, model.hasTrainingSets else { return false }
    return (0..<model.instanceCount).allSatisfy {
      let size = model.trainingSetSize(instance: $0)
      return size > 0 && batch >= size
    }
  }

  /// Examples per chunk for a set of `size`: at least 512 (a feature's sweep over fewer lanes
  /// would cost more in its fixed overhead than in its products), else a sixteenth of the set,
  /// so that a large set gives the threads at most sixteen units and as many partials.
  static func chunkLanes(size: Int) -> Int {
    max(512, ((size + 15) / 16 + 7) / 8 * 8)
  }

  /// One unit of work: a chunk of an instance's examples.
  struct Chunk {
    let instance: Int
    /// The chunk's first example and how many it holds.
    let first: Int
    let count: Int
  }

  let n: Int
  let m: Int
  let instances: Int
  let parameterCount: Int
  let path: toy_kernel_path
  /// Each instance's examples, T + 1 starts into its features and values (CSR).
  private let exampleStarts: [UnsafeMutableBufferPointer<Int32>]
  private let exampleFeatures: [UnsafeMutableBufferPointer<Int32>]
  private let exampleValues: [UnsafeMutableBufferPointer<Float>]
  /// Each instance's entries again, chunk by chunk, grouped by feature: the lane within
  /// the chunk and the value.
  private let entryLanes: [UnsafeMutableBufferPointer<Int32>]
  private let entryValues: [UnsafeMutableBufferPointer<Float>]
  /// Per chunk (c), F + 1 starts into its instance's entries, from c·(F + 1).
  private let featureStarts: UnsafeMutableBufferPointer<Int32>
  let chunks: [Chunk]
  /// Each instance's first chunk, and I + 1 of them.
  private let firstChunks: [Int]
  /// Per chunk, its partial gradient (P floats) and loss.
  private let partials: UnsafeMutablePointer<Float>
  private let losses: UnsafeMutablePointer<Double>
  /// Per instance, the summed gradient.
  private let gradients: UnsafeMutablePointer<Float>
  /// Features skipped as certainly off, per chunk (for tests and the benchmark).
  let offFeatures: UnsafeMutablePointer<Int32>
  private let team: WorkerTeam?
  private let works: [UnsafeMutablePointer<Float>]
  private let next = Atomic<Int>(0)

  /// The sets of `model`'s instances, or nil when an instance's entries overflow 32-bit indices.
  init?(model: ToyModel, threads: Int, path: toy_kernel_path = ChunkKernel.defaultPath) {
    (n, m, instances, parameterCount, self.path) =
      (model.n, model.m, model.instanceCount, model.parameterCount, path)
    var starts: [UnsafeMutableBufferPointer<Int32>] = []
    var features: [UnsafeMutableBufferPointer<Int32>] = []
    var values: [UnsafeMutableBufferPointer<Float>] = []
    var chunks: [Chunk] = []
    var firstChunks: [Int] = []
    var largestLanes = 8
    for instance in 0..<model.instanceCount {
      let size = model.trainingSetSize(instance: instance)
      let set = TrainingSet(model: model, instance: instance, count: size)
      guard set.values.count < Int(Int32.max) else {
        (starts + features).forEach { $0.deallocate() }
        values.forEach { $0.deallocate() }
        return nil
      }
      starts.append(Self.copy(set.starts.map { Int32($0) }))
      features.append(Self.copy(set.features))
      values.append(Self.copy(set.values))
      firstChunks.append(chunks.count)
      let lanes = Self.chunkLanes(size: size)
      largestLanes = max(largestLanes, (min(lanes, size) + 7) / 8 * 8)
      for first in stride(from: 0, to: size, by: lanes) {
        chunks.append(Chunk(instance: instance, first: first, count: min(lanes, size - first)))
      }
    }
    firstChunks.append(chunks.count)
    (exampleStarts, exampleFeatures, exampleValues) = (starts, features, values)
    // Each chunk's entries grouped by feature.
    let n = model.n
    let featureStarts = UnsafeMutableBufferPointer<Int32>.allocate(capacity: chunks.count * (n + 1))
    var lanesOut: [UnsafeMutableBufferPointer<Int32>] = []
    var valuesOut: [UnsafeMutableBufferPointer<Float>] = []
    for instance in 0..<instances {
      let entries = values[instance].count
      lanesOut.append(.allocate(capacity: max(1, entries)))
      valuesOut.append(.allocate(capacity: max(1, entries)))
      for c in firstChunks[instance]..<firstChunks[instance + 1] {
        Self.groupByFeature(
          chunks[c], n: n, starts: starts[instance], features: features[instance], values: values[instance],
          featureStarts: featureStarts.baseAddress! + c * (n + 1), lanes: lanesOut[instance],
          groupedValues: valuesOut[instance])
      }
    }
    self.featureStarts = featureStarts
    (entryLanes, entryValues) = (lanesOut, valuesOut)
    self.chunks = chunks
    self.firstChunks = firstChunks
    partials = .allocate(capacity: chunks.count * parameterCount)
    losses = .allocate(capacity: chunks.count)
    gradients = .allocate(capacity: instances * parameterCount)
    offFeatures = .allocate(capacity: chunks.count)
    offFeatures.initialize(repeating: 0, count: chunks.count)
    let workFloats = toy_fixed_work_floats(Int32(m), Int32(largestLanes))
    let members = max(1, min(threads, chunks.count))
    let team = members > 1 ? WorkerTeam(size: members) : nil
    self.team = team
    works = (0..<(team?.size ?? 1)).map { _ in .allocate(capacity: workFloats) }
  }

  deinit {
    team?.close()
    (exampleStarts + exampleFeatures + entryLanes).forEach { $0.deallocate() }
    (exampleValues + entryValues).forEach { $0.deallocate() }
    featureStarts.deallocate()
    partials.deallocate()
    losses.deallocate()
    gradients.deallocate()
    offFeatures.deallocate()
    works.forEach { $0.deallocate() }
  }

  /// Writes a chunk's entries grouped by feature, lanes (examples within the chunk) in order,
  /// at the same positions its examples' entries have: a counting sort by feature.
  private static func groupByFeature(
    _ chunk: Chunk, n: Int, starts: UnsafeMutableBufferPointer<Int32>, features: UnsafeMutableBufferPointer<Int32>,
    values: UnsafeMutableBufferPointer<Float>, featureStarts row: UnsafeMutablePointer<Int32>,
    lanes: UnsafeMutableBufferPointer<Int32>, groupedValues: UnsafeMutableBufferPointer<Float>
  ) {
    row.initialize(repeating: 0, count: n + 1)
    let (from, to) = (Int(starts[chunk.first]), Int(starts[chunk.first + chunk.count]))
    for e in from..<to { row[Int(features[e]) + 1] += 1 }
    row[0] = Int32(from)
    for f in 0..<n { row[f + 1] += row[f] }
    var fill = (0..<n).map { Int(row[$0]) }
    for j in 0..<chunk.count {
      for e in Int(starts[chunk.first + j])..<Int(starts[chunk.first + j + 1]) {
        let f = Int(features[e])
        lanes[fill[f]] = Int32(j)
        groupedValues[fill[f]] = values[e]
        fill[f] += 1
      }
    }
  }

  private static func copy<T>(_ array: [T]) -> UnsafeMutableBufferPointer<T> {
    let buffer = UnsafeMutableBufferPointer<T>.allocate(capacity: max(1, array.count))
    _ = buffer.initialize(from: array)
    return buffer
  }

  /// Each instance's loss sum Σ_t Σ_f I_f·(x' − x)² over its set and its gradient (of the
  /// notebook's mean, 1/(T·F) times that sum), in `gradients`, with the parameters `params`
  /// (I × P). Runs the units on the team.
  func lossAndGradient(params: UnsafePointer<Float>, importance: UnsafePointer<Float>) -> [Double] {
    next.store(0, ordering: .relaxed)
    let work = { (member: Int) in
      while true {
        let c = self.next.add(1, ordering: .relaxed).oldValue
        guard c < self.chunks.count else { return }
        self.run(chunk: c, params: params, importance: importance, work: self.works[member])
      }
    }
    if let team { team.run(work) } else { work(0) }
    return (0..<instances).map { sum(instance: $0) }
  }

  /// The gradient of instance `instance` after `lossAndGradient` (P floats).
  func gradient(instance: Int) -> UnsafeMutablePointer<Float> { gradients + instance * parameterCount }

  private func run(
    chunk c: Int, params: UnsafePointer<Float>, importance: UnsafePointer<Float>, work: UnsafeMutablePointer<Float>
  ) {
    let chunk = chunks[c]
    let i = chunk.instance
    let block = params + i * parameterCount
    let partial = partials + c * parameterCount
    let size = Float(exampleStarts[i].count - 1)
    var off: Int32 = 0
    losses[c] = toy_fixed_chunk(
      path, Int32(n), Int32(m), Int32(chunk.count), Int32((chunk.count + 7) / 8 * 8), block, block + n * m,
      importance + i * n, 1 / (size * Float(n)), exampleStarts[i].baseAddress! + chunk.first,
      exampleFeatures[i].baseAddress!, exampleValues[i].baseAddress!, featureStarts.baseAddress! + c * (n + 1),
      entryLanes[i].baseAddress!, entryValues[i].baseAddress!, work, partial, partial + n * m, &off)
    offFeatures[c] = off
  }

  /// Adds instance `i`'s partials in chunk order into its gradient; returns its loss sum.
  private func sum(instance i: Int) -> Double {
    let gradient = gradients + i * parameterCount
    let (first, end) = (firstChunks[i], firstChunks[i + 1])
    gradient.update(from: partials + first * parameterCount, count: parameterCount)
    var total = losses[first]
    for c in first + 1..<end {
      let partial = partials + c * parameterCount
      for e in 0..<parameterCount { gradient[e] += partial[e] }
      total += losses[c]
    }
    return total
  }
}

extension ToyModel {
  /// Runs up to `length` steps of full-batch training on the fixed sets with `trainer`;
  /// returns steps taken, the per-step losses, and the first non-finite loss or gradient
  /// (no instance updated at that step). Checks `cancellation` before every step.
  mutating func runSegment(
    options: TrainingOptions, callStep: Int, length: Int, trainer: FixedSetTrainer, cancellation: Cancellation?
  ) -> (taken: Int, losses: [[Float]], divergence: Divergence?) {
    var perStep: [[Float]] = []
    let (count, n) = (parameterCount, n)
    let sizes = (0..<instanceCount).map { Double(trainingSetSize(instance: $0) * n) }
    for s in 0..<length {
      if let cancellation, cancellation.isCancelled { break }
      let rate = options.learningRate * options.rateScale(step: callStep + s)
      let update = AdamUpdate(options: options, rate: rate, t: steps + 1)
      var divergence: Divergence?
      let losses = parameters.withUnsafeMutableBufferPointer { params in
        importance.withUnsafeBufferPointer { imp in
          trainer.lossAndGradient(params: params.baseAddress!, importance: imp.baseAddress!)
        }
      }.enumerated().map { Float($1 / sizes[$0]) }
      for (i, loss) in losses.enumerated() where divergence == nil {
        if !loss.isFinite {
          divergence = Divergence(instance: i, step: s, loss: loss)
        } else if !UnsafeBufferPointer(start: trainer.gradient(instance: i), count: count).allSatisfy(\.isFinite) {
          divergence = Divergence(instance: i, step: s, loss: nil)
        }
      }
      if let divergence { return (s, perStep, divergence) }
      parameters.withUnsafeMutableBufferPointer { params in
        firstMoment.withUnsafeMutableBufferPointer { mu in
          secondMoment.withUnsafeMutableBufferPointer { nu in
            for i in 0..<instanceCount {
              update.apply(
                to: params.baseAddress! + i * count, mu: mu.baseAddress! + i * count,
                nu: nu.baseAddress! + i * count, grad: trainer.gradient(instance: i), count: count)
            }
          }
        }
      }
      perStep.append(losses)
      steps += 1
      samplesDrawn &+= UInt64(options.batchSize)
    }
    return (perStep.count, perStep, nil)
  }
}
