import ToyCore
import XCTest

/// Per-neuron weights (§3.10, §3.11): columns of the stored matrices, the display rescaling
/// and the ordering by the importance of each neuron's dominant feature.
final class AnalysisNeuronTests: XCTestCase {
  func testHiddenReLUNeuronsAreColumnsOfW() throws {
    var model = try ToyModel(kind: .hiddenReLU, n: 3, m: 2, importance: [[1, 0.75, 0.5]], density: [[1, 1, 1]])
    model.setParameters(instance: 0, weights: [[1, 0], [0.5, -2], [0, 3]], bias: [0, 0, 0])
    let neurons = model.neuronWeights(instance: 0)
    XCTAssertEqual(neurons.map(\.neuron), [0, 1])
    XCTAssertEqual(neurons[0].input, [1, 0.5, 0])
    XCTAssertEqual(neurons[1].input, [0, -2, 3])
    XCTAssertEqual(neurons[1].output, neurons[1].input, "tied: the same weights read and write")
    XCTAssertEqual(neurons.map(\.dominantFeature), [0, 2])
  }

  func testAbsNeuronsCarryTheirOutputWeights() throws {
    var model = try ToyModel(kind: .abs, n: 2, m: 3, importance: [[1, 0.8]], density: [[1, 1]])
    model.setParameters(
      instance: 0, weights: [[2, 0, -1], [-0.5, 4, 0]], outputWeights: [[0.5, 0, -3], [2, 0.25, 0]], bias: [0, 0])
    let neurons = model.neuronWeights(instance: 0)
    XCTAssertEqual(neurons.map(\.input), [[2, -0.5], [0, 4], [-1, 0]])
    XCTAssertEqual(neurons.map(\.output), [[0.5, 2], [0, 0.25], [-3, 0]])
  }

  /// ReLU(αz)/α = ReLU(z) for α > 0, so the rescaled neuron adds the same vector to the output.
  func testNormalizedNeuronComputesTheSameFunction() {
    let neuron = NeuronWeights(neuron: 0, input: [2, -0.5, 1], output: [0.5, 2, -1])
    let scaled = neuron.normalized
    XCTAssertEqual(scaled.input.map { Swift.abs($0) }.max(), 1)
    XCTAssertEqual(scaled.input, [1, -0.25, 0.5])
    let stream = RandomStream(key: 5)
    for sample in 0..<20 {
      let x = (0..<3).map { 2 * RandomStream.unitDouble(stream.word(UInt64(sample * 3 + $0))) - 1 }
      func contribution(_ n: NeuronWeights) -> [Double] {
        let h = max(0, zip(n.input, x).reduce(0.0) { $0 + $1.0 * $1.1 })
        return n.output.map { $0 * h }
      }
      let difference = zip(contribution(neuron), contribution(scaled)).map { Swift.abs($0 - $1) }.max()!
      XCTAssert(difference < 1e-12, "sample \(sample): max difference \(difference), tolerance 1e-12")
    }
    let dead = NeuronWeights(neuron: 3, input: [0, 0], output: [1, 1])
    XCTAssertNil(dead.dominantFeature)
    XCTAssertEqual(dead.normalized, dead)
  }

  func testNeuronsOrderByTheirDominantFeaturesImportance() throws {
    // Importance is not monotone in the index, so ordering by index would differ.
    var model = try ToyModel(
      kind: .hiddenReLU, n: 4, m: 5, importance: [[0.2, 1, 0.6, 0.4]], density: [[1, 1, 1, 1]])
    model.setParameters(
      instance: 0,
      weights: [
        [3, 0, 0, 0, 0],  // feature 0 (importance 0.2) dominates neuron 0
        [0.1, 0, 0, 0.5, 0],  // feature 1 (importance 1) dominates neuron 3
        [0, -2, 0, 0.2, 0],  // feature 2 (0.6) dominates neuron 1
        [0, 0, 0.9, 0, 0],  // feature 3 (0.4) dominates neuron 2; neuron 4 is dead
      ], bias: [0, 0, 0, 0])
    XCTAssertEqual(model.neuronOrder(instance: 0), [3, 1, 2, 0, 4])

    // Two neurons led by the same feature: the larger |weight| comes first.
    let neurons = [
      NeuronWeights(neuron: 0, input: [0, 0.5, 0], output: [0, 0, 0]),
      NeuronWeights(neuron: 1, input: [0.1, -2, 0], output: [0, 0, 0]),
      NeuronWeights(neuron: 2, input: [0, 0, 0], output: [0, 0, 0]),
      NeuronWeights(neuron: 3, input: [0.9, 0, 0], output: [0, 0, 0]),
    ]
    XCTAssertEqual(NeuronWeights.orderedByImportance(neurons, importance: [0.5, 0.7, 1]), [1, 0, 3, 2])
  }
}

/// Best of k seeds (§3.4, §3.10).
final class AnalysisSeedSelectionTests: XCTestCase {
  /// Three hand-built solutions of n = 2, m = 1 with known ordered losses (per instance, p = 0.3,
  /// importances 1 and 0.5): the dense-optimal W = [1, 0], b = (0, p/2) costs 0.5(p/3 − p²/4)/2;
  /// W = 0, b = p/2 costs 1.5(p/3 − p²/4)/2; W = 0, b = 0 costs 1.5·(p/3)/2.
  func testBestOfPicksTheInstanceMadeBest() throws {
    let p: Float = 0.3
    let (settings, seeds) = (2, 3)
    var model = try ToyModel(
      kind: .relu, n: 2, m: 1, importance: [[Float]](repeating: [1, 0.5], count: settings * seeds),
      density: [[Float]](repeating: [p, p], count: settings * seeds))
    let good = (weights: [[Float(1)], [0]], bias: [Float(0), p / 2])
    let mean = (weights: [[Float(0)], [0]], bias: [p / 2, p / 2])
    let zero = (weights: [[Float(0)], [0]], bias: [Float(0), 0])
    // Setting 0: the best is its last seed; setting 1: its middle seed.
    for (instance, candidate) in [zero, mean, good, mean, good, zero].enumerated() {
      model.setParameters(instance: instance, weights: candidate.weights, bias: candidate.bias)
    }
    XCTAssertEqual(model.bestOf(seeds: seeds, samples: 4_096), [2, 4])
  }

  func testBestTreatsNaNAsWorstAndBreaksTiesByIndex() {
    XCTAssertEqual(SeedSelection.best(losses: [.nan, 3, 1, 1, .nan, .nan, 0.5, 7, .nan], seeds: 3), [2, 3, 6])
    XCTAssertEqual(SeedSelection.best(losses: [.nan, .nan], seeds: 2), [0])
  }
}
