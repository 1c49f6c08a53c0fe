/// Draws an instance's training data: a fresh batch every step, as the notebook does.
///
/// Sample s, feature f uses word `s·F + f` of the instance's data stream: its low 32 bits
/// decide whether the feature is active (density resolved to 2⁻³²), its top 24 bits give
/// the value, uniform on [0, 1) (on [−1, 1) for the abs model). A correlated set takes its
/// on/off decision from its first member's word; an anti-correlated set takes it there too
/// and picks its one active member with the second member's low bits.
struct BatchSampler {
  let n: Int
  let signed: Bool
  let stream: RandomStream
  /// Per feature: the activity threshold (see `RandomStream.threshold`).
  let thresholds: [UInt64]
  /// Features outside every set.
  let independent: [Int]
  let sets: [FeatureSet]

  init(model: ToyModel, instance: Int, stream: RandomStream) {
    n = model.n
    signed = model.kind.signedInputs
    self.stream = stream
    thresholds = model.density(instance: instance).map { RandomStream.threshold(probability: $0) }
    sets = model.featureSets
    var inSet = [Bool](repeating: false, count: model.n)
    for set in model.featureSets { for f in set.features { inSet[f] = true } }
    independent = (0..<model.n).filter { !inSet[$0] }
  }

  @inline(__always)
  private func value(_ word: UInt64) -> Float {
    signed ? RandomStream.signedUnitFloat(word) : RandomStream.unitFloat(word)
  }

  /// Writes samples `first ..< first + count` feature-major into `x`: feature f's values
  /// at `x[f·width ..< f·width + count]`, zeros in the padding up to `width`.
  func fill(first: UInt64, count: Int, width: Int, into x: UnsafeMutablePointer<Float>) {
    let n64 = UInt64(n)
    for f in independent {
      let row = x + f * width
      let threshold = thresholds[f]
      var index = first &* n64 &+ UInt64(f)
      for j in 0..<count {
        let word = stream.word(index)
        row[j] = RandomStream.fires(word, below: threshold) ? value(word) : 0
        index &+= n64
      }
      for j in count..<width { row[j] = 0 }
    }
    for set in sets {
      let lead = set.features.lowerBound
      let threshold = thresholds[lead]
      let size = UInt64(set.features.count)
      for j in 0..<count {
        let base = (first &+ UInt64(j)) &* n64
        let on = RandomStream.fires(stream.word(base &+ UInt64(lead)), below: threshold)
        switch set.relation {
        case .correlated:
          for f in set.features {
            x[f * width + j] = on ? value(stream.word(base &+ UInt64(f))) : 0
          }
        case .anticorrelated:
          let pick = on ? Int(((stream.word(base &+ UInt64(lead + 1)) & 0xFFFF_FFFF) &* size) >> 32) : -1
          for (member, f) in set.features.enumerated() {
            x[f * width + j] = member == pick ? value(stream.word(base &+ UInt64(f))) : 0
          }
        }
      }
      for f in set.features { for j in count..<width { x[f * width + j] = 0 } }
    }
  }
}

extension ToyModel {
  /// Samples `first ..< first + count` of an instance's training data, one row per sample
  /// (the same numbers the trainer uses at those sample positions).
  public func trainingSamples(instance: Int, first: UInt64, count: Int) -> [[Float]] {
    samples(instance: instance, stream: RandomStream(seed: seed, instance: instance, purpose: .data), first: first, count: count)
  }

  /// The fixed evaluation batch for an instance: the same stream for every seed and instance,
  /// so that seeds of one setting are compared on the same inputs.
  public func evaluationSamples(instance: Int, count: Int) -> [[Float]] {
    samples(instance: instance, stream: Self.evaluationStream, first: 0, count: count)
  }

  static let evaluationStream = RandomStream(seed: 0, instance: 0, purpose: .evaluation)

  private func samples(instance: Int, stream: RandomStream, first: UInt64, count: Int) -> [[Float]] {
    guard count > 0 else { return [] }
    let sampler = BatchSampler(model: self, instance: instance, stream: stream)
    let buffer = UnsafeMutablePointer<Float>.allocate(capacity: n * count)
    defer { buffer.deallocate() }
    sampler.fill(first: first, count: count, width: count, into: buffer)
    return (0..<count).map { j in (0..<n).map { f in buffer[f * count + j] } }
  }
}
