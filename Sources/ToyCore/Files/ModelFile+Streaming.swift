/// A model written as its file's JSON a buffer at a time, straight from the model's flat
/// arrays: the bytes are those of encoding `model.file` with a `JSONEncoder` (sorted keys,
/// pretty-printed, slashes unescaped) plus a final newline, but no copy of the model is made,
/// so saving takes the same small memory for any size of model.
///
/// Numbers are written as the encoder writes them (ModelFile+Encoding.swift): a Float32 as
/// Swift's shortest decimal that reads back to its bits (`description`, without a trailing
/// `.0`), the one double-rounding trap with a Float64's digits, `loss` as a Float64.
///
/// Shapes: I = instances, F = n features, H = m hidden dimensions.
extension ToyModel {
  /// Hands the file's bytes to `sink` in chunks of about `chunkSize` bytes, in order.
  /// Throws what `sink` throws; the caller has checked the model first (`checkSavable`).
  public func writeFile<Failure: Error>(
    chunkSize: Int = 1 << 20, to sink: (UnsafeRawBufferPointer) throws(Failure) -> Void
  ) throws(Failure) {
    try withoutActuallyEscaping(sink) { (sink) throws(Failure) in
      var out = JSONStream(chunkSize: chunkSize, sink: sink)
      try writeFile(to: &out)
    }
  }

  private func writeFile<Failure: Error>(to out: inout JSONStream<Failure>) throws(Failure) {
    try out.open("{")
    try out.key("feature_sets")
    try out.array(featureSets) { (out, set) throws(Failure) in
      try out.open("{")
      try out.key("features")
      try out.array(set.features) { (out, f) throws(Failure) in try out.raw(String(f)) }
      try out.key("relation")
      try out.string(set.relation.rawValue)
      try out.close("}")
    }
    try out.key("format")
    try out.string(ModelFile.formatName)
    try out.key("init")
    try out.string(initialization.rawValue)
    try out.key("instances")
    try out.array(0..<instanceCount) { (out, i) throws(Failure) in try writeInstance(i, to: &out) }
    try out.key("kind")
    try out.string(kind.rawValue)
    try out.key("loss_history")
    try out.open("{")
    try out.key("losses")
    try out.array(history.losses) { (out, row) throws(Failure) in try out.floats(row[...]) }
    try out.key("steps")
    try out.array(history.steps) { (out, step) throws(Failure) in try out.raw(String(step)) }
    try out.key("stride")
    try out.raw(String(history.stride))
    try out.close("}")
    try out.key("m")
    try out.raw(String(m))
    try out.key("n")
    try out.raw(String(n))
    if normalizesExamples {
      try out.key("normalize")
      try out.string(ModelFile.unitNorm)
    }
    try out.key("samples_drawn")
    try out.raw(String(samplesDrawn))
    try out.key("seed")
    try out.raw(String(seed))
    if settingCount != instanceCount {
      try out.key("settings")
      try out.raw(String(settingCount))
    }
    try out.key("steps")
    try out.raw(String(steps))
    try out.key("toy_version")
    try out.string(toyVersion)
    try out.key("version")
    try out.raw(String(dataScheme.rawValue))
    try out.close("}")
    try out.raw("\n")
    try out.flush()
  }

  private func writeInstance<Failure: Error>(_ i: Int, to out: inout JSONStream<Failure>) throws(Failure) {
    let block = i * parameterCount
    // Sorted keys: W, W2, adam_m, adam_v, b, then the rest.
    try out.open("{")
    try writeWeights(parameters, block: block, to: &out)
    for (name, moment) in [("adam_m", firstMoment), ("adam_v", secondMoment)] {
      try out.key(name)
      try out.open("{")
      try writeWeights(moment, block: block, to: &out)
      try writeBias(moment, block: block, to: &out)
      try out.close("}")
    }
    try writeBias(parameters, block: block, to: &out)
    if trainingSetSize(instance: i) > 0 {
      try out.key("dataset_size")
      try out.raw(String(trainingSetSize(instance: i)))
    }
    try out.key("feature_probability")
    try out.floats(density[i * n..<(i + 1) * n])
    try out.key("importance")
    try out.floats(importance[i * n..<(i + 1) * n])
    try out.key("loss")
    if let loss = recentLoss(instance: i) { try out.raw(JSONStream<Failure>.number(loss)) } else { try out.raw("null") }
    try out.key("recent_losses")
    try out.floats(recentLosses[i][...])
    try out.close("}")
  }

  /// The keys `W` and `W2` (abs only) of one instance's block of `values`.
  private func writeWeights<Failure: Error>(
    _ values: [Float], block: Int, to out: inout JSONStream<Failure>
  ) throws(Failure) {
    func rows(at offset: Int, to out: inout JSONStream<Failure>) throws(Failure) {
      try out.array(0..<n) { (out, f) throws(Failure) in
        let start = block + offset + f * m
        try out.floats(values[start..<start + m])
      }
    }
    try out.key("W")
    try rows(at: weightsOffset, to: &out)
    if kind.untied {
      try out.key("W2")
      try rows(at: outputWeightsOffset, to: &out)
    }
  }

  /// The key `b` of one instance's block of `values`.
  private func writeBias<Failure: Error>(
    _ values: [Float], block: Int, to out: inout JSONStream<Failure>
  ) throws(Failure) {
    try out.key("b")
    try out.floats(values[block + biasOffset..<block + biasOffset + n])
  }
}

extension ToyModel {
  /// Throws what `file.validate()` would throw (a number JSON cannot hold, by key path), but
  /// looks at the flat arrays first and builds the file's copy only to name a bad number.
  public func checkSavable() throws(ModelFileError) {
    let finite = { (values: [Float]) in values.allSatisfy(\.isFinite) }
    let plausible =
      finite(parameters) && finite(firstMoment) && secondMoment.allSatisfy { $0.isFinite && $0 >= 0 }
      && importance.allSatisfy { $0.isFinite && $0 >= 0 } && density.allSatisfy { $0 > 0 && $0 <= 1 }
      && recentLosses.allSatisfy(finite) && history.losses.allSatisfy(finite)
    if !plausible { try file.validate() }
  }
}
