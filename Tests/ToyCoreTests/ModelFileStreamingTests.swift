import Foundation
import XCTest

@testable import ToyCore

/// The streamed save: the same bytes as encoding the file with `JSONEncoder`, in bounded
/// chunks, with every float written as the shortest decimal that reads back to its bits.
final class ModelFileStreamingTests: XCTestCase {
  /// The bytes a save wrote before streaming: the encoder's, plus a final newline.
  func encoded(_ model: ToyModel) throws -> [UInt8] {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
    return Array(try encoder.encode(model.file)) + [UInt8(ascii: "\n")]
  }

  func streamed(_ model: ToyModel, chunkSize: Int = 1 << 20) -> (bytes: [UInt8], largestChunk: Int) {
    var bytes: [UInt8] = []
    var largest = 0
    model.writeFile(chunkSize: chunkSize) { chunk in
      bytes += chunk
      largest = max(largest, chunk.count)
    }
    return (bytes, largest)
  }

  /// Models that reach every branch of the layout: each kind, trained and untrained, feature
  /// sets, a setting count, an empty and a long loss history, floats of every magnitude.
  func models() throws -> [ToyModel] {
    var result: [ToyModel] = []
    for kind in ModelKind.allCases {
      let importance: [[Float]] = (0..<3).map { i in (0..<4).map { f in Float(1 + i) * 0.7 / Float(1 + f) } }
      let density: [[Float]] = [[1, 1, 1, 1], [0.3, 0.3, 0.3, 0.3], [0.05, 0.05, 0.05, 0.05]]
      let model = try ToyModel(kind: kind, n: 4, m: 3, importance: importance, density: density, seed: 5)
      result.append(model)
      var trained = model
      var options = TrainingOptions(steps: 3)
      options.batchSize = 8
      try trained.train(options)
      result.append(trained)
    }
    let sets = [FeatureSet(.correlated, features: 0..<2), FeatureSet(.anticorrelated, features: 2..<4)]
    var swept = try ToyModel(
      kind: .relu, n: 4, m: 2, importance: Array(repeating: [1, 1, 1, 1], count: 4),
      density: Array(repeating: [0.5, 0.5, 0.25, 0.25], count: 4), featureSets: sets, seed: 9, settingCount: 2)
    var options = TrainingOptions(steps: 1100)
    options.batchSize = 2
    try swept.train(options)
    result.append(swept)
    // Fixed sets write `dataset_size` per instance, and unit norm `normalize`.
    for normalize in [false, true] {
      var sets = try ToyModel(
        kind: .relu, n: 4, m: 2, importance: Array(repeating: [1, 1, 1, 1], count: 2),
        density: Array(repeating: [0.5, 0.5, 0.5, 0.5], count: 2), seed: 4)
      try sets.useTrainingSets(sizes: normalize ? [3, 12] : [3, 0], normalize: normalize)
      options.steps = 2
      options.batchSize = 12
      try sets.train(options)
      result.append(sets)
    }
    var odd = try ToyModel(kind: .abs, n: 3, m: 2, importance: [[1, 2, 3]], density: [[1, 1, 1]], seed: 1)
    let special: [Float] = [
      0, -0, 1, -1, 100, 1e20, -3e38, .leastNonzeroMagnitude, .leastNormalMagnitude, .greatestFiniteMagnitude,
      Float(bitPattern: ExactFloats.doubleRoundingTrap), -Float(bitPattern: ExactFloats.doubleRoundingTrap), 0.1,
      1.17507945e-07, 123456.79,
    ]
    for index in odd.parameters.indices { odd.parameters[index] = special[index % special.count] }
    odd.importance = [0, .leastNonzeroMagnitude, Float(bitPattern: ExactFloats.doubleRoundingTrap)]
    result.append(odd)
    return result
  }

  func testStreamedBytesAreTheEncodersBytes() throws {
    for (index, model) in try models().enumerated() {
      let expected = try encoded(model)
      for chunkSize in [1, 7, 4096, 1 << 20] {
        let (bytes, _) = streamed(model, chunkSize: chunkSize)
        guard bytes != expected else { continue }
        let at =
          zip(bytes, expected).enumerated().first { $0.element.0 != $0.element.1 }?.offset
          ?? min(bytes.count, expected.count)
        let context = { (b: [UInt8]) in String(decoding: b[max(0, at - 60)..<min(b.count, at + 40)], as: UTF8.self) }
        XCTFail(
          "model \(index), chunk \(chunkSize): differs at byte \(at):\n\(context(bytes))\n---\n\(context(expected))")
      }
    }
  }

  /// The sink never gets more than a chunk and a line or two, whatever the model's size.
  func testChunksStayBoundedAsTheModelGrows() throws {
    for seeds in [1, 40] {
      let model = try ToyModel(
        kind: .abs, n: 50, m: 20, importance: Array(repeating: Array(repeating: 1, count: 50), count: seeds),
        density: Array(repeating: Array(repeating: 1, count: 50), count: seeds))
      let (bytes, largest) = streamed(model, chunkSize: 4096)
      XCTAssertGreaterThan(bytes.count, 4096 * seeds)
      XCTAssertLessThanOrEqual(largest, 4096 + 256, "seeds \(seeds)")
    }
  }

  // MARK: Floats: read back exactly, and no shorter decimal would

  /// Significant digits of a decimal such as `-1.17507945e-07` or `100`.
  func significantDigits(_ text: String) -> Int {
    let mantissa = text.split(whereSeparator: { $0 == "e" || $0 == "E" })[0]
    let digits = mantissa.filter(\.isNumber).drop { $0 == "0" }
    return max(1, digits.reversed().drop { $0 == "0" }.count)
  }

  /// Whether some decimal of `digits` significant digits reads back as `value`: the two
  /// such decimals nearest the value (C's correctly rounded `%.*e` and its neighbours) are
  /// the only candidates.
  func someDecimal(of digits: Int, readsBackAs value: Float) -> Bool {
    let nearest = String(format: "%.*e", digits - 1, Double(value))
    let parts = nearest.split(separator: "e")
    let mantissa = Int(parts[0].replacingOccurrences(of: ".", with: ""))!
    let exponent = Int(parts[1])! - (digits - 1)
    return [mantissa - 1, mantissa, mantissa + 1].contains { candidate in
      Float("\(candidate)e\(exponent)")?.bitPattern == value.bitPattern
    }
  }

  func testFloatsReadBackBitForBitAndAreShortest() {
    var values: [Float] = [
      0, -0, 1, -1, 0.1, .leastNonzeroMagnitude, -.leastNonzeroMagnitude, .leastNormalMagnitude,
      Float.leastNormalMagnitude.nextDown,
      .greatestFiniteMagnitude, -.greatestFiniteMagnitude, 16_777_216, Float(16_777_216).nextUp, 1e10, 8.589973e9,
      3.4e38,
      Float(bitPattern: ExactFloats.doubleRoundingTrap), Float(2).nextUp, Float(2).nextDown,
    ]
    for exponent in -126...127 { values.append(Float(sign: .plus, exponent: exponent, significand: 1)) }
    var state: UInt64 = 2024
    while values.count < 200_000 {
      state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
      let value = Float(bitPattern: UInt32(truncatingIfNeeded: state >> 29))
      if value.isFinite { values.append(value) }
    }
    var failures: [String] = []
    for value in values {
      let text = JSONStream<Never>.number(value)
      guard let direct = Float(text), direct.bitPattern == value.bitPattern,
        let wide = Double(text), Float(wide).bitPattern == value.bitPattern
      else {
        failures.append("\(value.bitPattern): \(text) does not read back")
        continue
      }
      let digits = significantDigits(text)
      if digits > 1 && someDecimal(of: digits - 1, readsBackAs: value) && text != "7.038530691851209e-26"
        && text != "-7.038530691851209e-26"
      {
        failures.append("\(value.bitPattern): \(text) has a shorter form")
      }
    }
    XCTAssertEqual(Array(failures.prefix(10)), [], "\(failures.count) of \(values.count) values")
  }
}
