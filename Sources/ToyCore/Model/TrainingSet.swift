/// An instance's fixed training set (Henighan et al. 2023): T examples drawn once from the
/// instance's own stream, with the law of the fresh data, and trained on over and over.
///
/// Shapes: F = n features, T = examples. The set is kept sparse, as lists of (feature,
/// value) per example: at 1−S = 0.001 an example of ten thousand features holds about ten
/// non-zero values, so the set costs O(T·n·p) numbers, not T·n, and a chunk is written by
/// zeroing it and scattering its examples' values, without hashing a word per feature.
///
/// Examples come from the stream of purpose `.trainingSet`, positions 0 ..< T: a model
/// without a set draws nothing from it, so no other stream moves. Which examples a step
/// reads: full batch (batch = T) reads all of them in order; a smaller batch draws each
/// of its samples' example, with replacement, from the `.minibatch` stream at the sample's
/// position.
struct TrainingSet: Sendable {
  let n: Int
  let count: Int
  /// CSR rows: example t's values are `values[starts[t] ..< starts[t + 1]]`, at `features`.
  let starts: [Int]
  let features: [Int32]
  let values: [Float]

  /// Draws the `count` examples of an instance.
  init(model: ToyModel, instance: Int, count: Int) {
    n = model.n
    self.count = count
    let stream = RandomStream(seed: model.seed, instance: model.firstInstance + instance, purpose: .trainingSet)
    let sampler = BatchSampler(model: model, instance: instance, stream: stream, drawnOnce: true)
    let width = 256
    let buffer = UnsafeMutablePointer<Float>.allocate(capacity: model.n * width)
    defer { buffer.deallocate() }
    var starts = [0]
    var features: [Int32] = []
    var values: [Float] = []
    starts.reserveCapacity(count + 1)
    var first = 0
    while first < count {
      let chunk = min(width, count - first)
      sampler.fill(first: UInt64(first), count: chunk, width: width, into: buffer)
      for j in 0..<chunk {
        for f in 0..<model.n where buffer[f * width + j] != 0 {
          features.append(Int32(f))
          values.append(buffer[f * width + j])
        }
        starts.append(features.count)
      }
      first += chunk
    }
    self.starts = starts
    self.features = features
    self.values = values
  }

  /// Example t as a dense row of n values.
  func example(_ t: Int) -> [Float] {
    var row = [Float](repeating: 0, count: n)
    for k in starts[t]..<starts[t + 1] { row[Int(features[k])] = values[k] }
    return row
  }

  /// Writes examples `examples` feature-major into `x` (as `BatchSampler.fill` lays out
  /// samples), zeros elsewhere up to `width`.
  func fill(examples: [Int], width: Int, into x: UnsafeMutablePointer<Float>) {
    x.initialize(repeating: 0, count: n * width)
    starts.withUnsafeBufferPointer { starts in
      features.withUnsafeBufferPointer { features in
        values.withUnsafeBufferPointer { values in
          for (j, t) in examples.enumerated() {
            for k in starts[t]..<starts[t + 1] { x[Int(features[k]) * width + j] = values[k] }
          }
        }
      }
    }
  }

  /// The example that sample position `position` of a step reads: position mod T in full
  /// batch, else a uniform draw from `minibatch` (T < 2³² keeps the multiply-shift exact enough).
  static func example(at position: UInt64, of count: Int, fullBatch: Bool, minibatch: RandomStream) -> Int {
    if fullBatch { return Int(position % UInt64(count)) }
    return Int((minibatch.word(position) >> 32) &* UInt64(count) >> 32)
  }
}
