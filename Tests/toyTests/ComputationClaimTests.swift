import Foundation
import XCTest

/// The claims of examples/11-computation.toy, read from the input weights of its full run.
final class ComputationClaimTests: XCTestCase {
  /// One setting's input weights, W₁ as features × neurons, and what each neuron carries.
  struct Neurons {
    let weights: [[Double]]
    var neuronCount: Int { weights.first?.count ?? 0 }

    /// The features whose weight into neuron j is at least a quarter of its largest (the
    /// example's definition); empty for a dead neuron (every weight under 0.05).
    func carried(by j: Int) -> [Int] {
      let largest = weights.map { abs($0[j]) }.max() ?? 0
      guard largest >= 0.05 else { return [] }
      return weights.indices.filter { abs(weights[$0][j]) >= 0.25 * largest }
    }

    var alive: [Int] { (0..<neuronCount).filter { !carried(by: $0).isEmpty } }
    var monosemantic: [Int] { alive.filter { carried(by: $0).count == 1 } }
  }

  func neurons(_ run: ToyRun, _ statement: String) throws -> [Neurons] {
    let panels: [[[Double]]] = try run.data(statement)
    return panels.map(Neurons.init)
  }

  /// "each feature gets two neurons of its own, one with a positive and one with a negative
  /// input weight: ReLU(x) + ReLU(−x) = |x|, and the loss is zero".
  func testComputationSmallCaseUsesTwoNeuronsPerFeature() throws {
    try checkClaim("11-computation") { run in
      let small = try XCTUnwrap(try neurons(run, "show neurons").first)
      XCTAssertEqual(small.monosemantic.count, 6, "six neurons, each carrying one feature")
      for f in 0..<3 {
        let own = small.alive.filter { small.carried(by: $0) == [f] }
        XCTAssertEqual(own.count, 2, "feature \(f) has two neurons")
        XCTAssertEqual(Set(own.map { small.weights[f][$0] > 0 }), [true, false], "of opposite signs")
      }
      let loss = try XCTUnwrap(try run.printedNumbers("print loss").first)
      XCTAssertLessThan(loss, 1e-5, "|x| computed exactly")
    }
  }

  /// "dense (1): every neuron is monosemantic, and each computed feature has neurons of both
  /// signs …; the training found about ten features, most on more than two neurons".
  func testComputationDenseNeuronsAreMonosemanticWithBothSigns() throws {
    try checkClaim("11-computation") { run in
      let dense = try neurons(run, "show neurons instance=[0, 2, 3, 6]")[0]
      XCTAssertEqual(dense.monosemantic.count, dense.neuronCount, "every neuron monosemantic")
      var neuronsPerFeature: [Int: [Int]] = [:]
      for j in dense.alive { neuronsPerFeature[dense.carried(by: j)[0], default: []].append(j) }
      XCTAssert((6...16).contains(neuronsPerFeature.count), "about ten features: \(neuronsPerFeature.count)")
      for (f, own) in neuronsPerFeature {
        XCTAssertEqual(Set(own.map { dense.weights[f][$0] > 0 }), [true, false], "feature \(f): both signs")
      }
      let moreThanTwo = neuronsPerFeature.values.filter { $0.count > 2 }.count
      XCTAssertGreaterThan(2 * moreThanTwo, neuronsPerFeature.count, "most on more than two neurons")
    }
  }

  /// The features computed by monosemantic neurons, with how many neurons each.
  static func computed(_ setting: Neurons) -> [Int: Int] {
    var count: [Int: Int] = [:]
    for j in setting.monosemantic { count[setting.carried(by: j)[0], default: 0] += 1 }
    return count
  }

  /// "0.1: most neurons are still monosemantic, and half again as many features are
  /// computed, most of them now on exactly two neurons". (Most, not all: in eight other
  /// draws of this setting 29 to 39 of the 40 neurons were.)
  func testComputationAtOneTenthMoreFeaturesOnTwoNeuronsEach() throws {
    try checkClaim("11-computation") { run in
      let settings = try neurons(run, "show neurons instance=[0, 2, 3, 6]")
      let (dense, tenth) = (settings[0], settings[1])
      XCTAssertGreaterThan(2 * tenth.monosemantic.count, tenth.neuronCount, "most neurons monosemantic")
      let (before, after) = (Self.computed(dense), Self.computed(tenth))
      XCTAssertGreaterThanOrEqual(Double(after.count), 1.4 * Double(before.count), "\(before.count) → \(after.count)")
      XCTAssertGreaterThan(2 * after.values.filter { $0 == 2 }.count, after.count, "most on two neurons: \(after)")
    }
  }

  /// "from 0.03 on: more and more neurons are polysemantic, carrying low-importance
  /// features; at 0.001 all of them are".
  func testComputationSparseNeuronsArePolysemantic() throws {
    try checkClaim("11-computation") { run in
      let settings = try neurons(run, "show neurons instance=[0, 2, 3, 6]")
      let (tenth, sparse, sparsest) = (settings[1], settings[2], settings[3])
      XCTAssertLessThan(sparse.monosemantic.count, tenth.monosemantic.count, "more polysemantic at 0.03 than 0.1")
      XCTAssertEqual(sparsest.monosemantic.count, 0, "at 0.001 every neuron is polysemantic")
      let dense = Set(Self.computed(settings[0]).keys)
      for setting in [sparse, sparsest] {
        let carried = Set(setting.alive.flatMap(setting.carried(by:)))
        XCTAssertGreaterThanOrEqual(
          carried.subtracting(dense).count, 5, "features the dense model left out: \(carried)")
        let extra = carried.subtracting(dense).map(Double.init)
        XCTAssertGreaterThan(Vectors.mean(extra), Vectors.mean(dense.map(Double.init)), "less important ones")
      }
    }
  }
}
