// Shapes: F = features, N = neurons; weights are F × N (row i is feature i's weight into
// each neuron: Wᵀ for the hidden-layer model's W, W₁ᵀ for the abs model).

/// What each neuron of a hidden layer reads: a stack of its input weights, one block a feature.
///
/// The paper shows the privileged basis of the hidden-layer model with one column per
/// neuron, each feature's weight into it a block of height |w| coloured by feature, positive
/// weights stacked up from the axis (largest first) and negative ones down below it. A
/// monosemantic neuron is one tall block; a polysemantic one is a stack of several.
///
/// Features are coloured from the categorical palette, or on viridis by importance (the most
/// important yellow) when there are more than ten. In text, colour blocks are half blocks;
/// without colour each block is written with its feature's code: 0–9, then a–z (10–35),
/// then A–Z (36–61), `*` past that; `?` on the axis marks a neuron with NaN weights.
///
///     NeuronStackPlot(weights: wT, importance: importance, title: "1−S = 0.1")
public struct NeuronStackPlot: Plot {
  public var title: String?
  /// Features × neurons.
  public var weights: [[Double]]
  /// Each feature's importance, for colouring by importance; nil means "by index, 0 first".
  public var importance: [Double]?
  public var coloring: FeatureColoring
  /// Labels under the neurons; indices when nil or too short.
  public var neuronLabels: [String]?
  /// A line under the plot saying how neurons were arranged, if they were.
  public var caption: String?

  /// A stack plot of `weights` (features × neurons), with the neurons rearranged and scaled
  /// by `arrangement` when given (labels then keep the original neuron indices).
  public init(
    weights: [[Double]], importance: [Double]? = nil, coloring: FeatureColoring? = nil,
    arrangement: NeuronArrangement? = nil, title: String? = nil
  ) {
    let features = weights.count
    self.weights = arrangement?.apply(to: weights) ?? weights
    self.importance = importance
    self.coloring = coloring ?? (features <= Colormap.categorical.count ? .categorical : .importance)
    self.neuronLabels = arrangement.map { $0.order.map(String.init) }
    self.caption = arrangement?.caption
    self.title = title
  }

  var featureCount: Int { weights.count }
  var neuronCount: Int { weights.map(\.count).max() ?? 0 }

  func weight(_ feature: Int, _ neuron: Int) -> Double {
    neuron < weights[feature].count ? weights[feature][neuron] : .nan
  }

  /// The colour of feature `index`.
  func color(feature index: Int, theme: Theme? = nil) -> RGB {
    switch coloring {
    case .categorical:
      let color = Colormap.categorical[index % Colormap.categorical.count]
      return theme?.readable(color) ?? color
    case .importance:
      let viridis = Colormap.viridis.clipped(for: theme)
      if let importance, index < importance.count, let top = importance.filter(\.isFinite).max(), top > 0 {
        return viridis.color(at: importance[index] / top)
      }
      let last = max(1, featureCount - 1)
      return viridis.color(at: 1 - Double(index) / Double(last))
    }
  }

  func label(neuron: Int) -> String {
    if let neuronLabels, neuron < neuronLabels.count { return neuronLabels[neuron] }
    return String(neuron)
  }

  /// One feature's block in a neuron's stack, from `start` to `end` away from the axis.
  struct Block: Equatable {
    var feature: Int
    var start: Double
    var end: Double
  }

  /// A neuron's positive and negative stacks, largest block nearest the axis. NaN weights
  /// are left out (`hasNaN` says there were some).
  func stacks(neuron: Int) -> (up: [Block], down: [Block], hasNaN: Bool) {
    let column = (0..<featureCount).map { weight($0, neuron) }
    func stack(_ features: [Int]) -> [Block] {
      var blocks: [Block] = []
      var height = 0.0
      for feature in features.sorted(by: { (abs(column[$0]), $1) > (abs(column[$1]), $0) }) {
        blocks.append(Block(feature: feature, start: height, end: height + abs(column[feature])))
        height += abs(column[feature])
      }
      return blocks
    }
    let up = stack((0..<featureCount).filter { column[$0] > 0 && column[$0].isFinite })
    let down = stack((0..<featureCount).filter { column[$0] < 0 && column[$0].isFinite })
    return (up, down, column.contains { $0.isNaN })
  }

  /// The tallest positive and negative stacks over all neurons.
  var extent: (up: Double, down: Double) {
    let all = (0..<neuronCount).map { stacks(neuron: $0) }
    return (all.map { $0.up.last?.end ?? 0 }.max() ?? 0, all.map { $0.down.last?.end ?? 0 }.max() ?? 0)
  }
}

/// How a neuron plot colours features.
public enum FeatureColoring: String, Sendable, Hashable, CaseIterable {
  /// The ten-colour categorical palette (repeats past ten features).
  case categorical
  /// Viridis by importance: the most important feature yellow.
  case importance
}

/// Which neurons a plot shows in which order, and a factor for each.
///
/// The abs model's neurons are unordered and each can be scaled by α (its input weights)
/// and 1/α (its output weights) without changing the function, so the paper sorts them by
/// the importance of their largest feature and scales each so its largest |W₁| is 1.
public struct NeuronArrangement: Sendable, Hashable {
  /// The neurons to show, in order: indices into the weights' columns.
  public var order: [Int]
  /// A factor for each neuron (indexed by the original neuron) multiplying its weights.
  public var scales: [Double]
  /// What the arrangement did, for a caption.
  public var caption: String?

  public init(order: [Int], scales: [Double], caption: String? = nil) {
    self.order = order
    self.scales = scales
    self.caption = caption
  }

  /// Neurons sorted by the importance of their largest feature (most important first), each
  /// scaled so its largest |w| is 1. Ties keep the smaller feature, then the smaller neuron,
  /// first; neurons with no finite non-zero weight go last, unscaled.
  public static func byImportance(weights: [[Double]], importance: [Double]) -> NeuronArrangement {
    let neurons = weights.map(\.count).max() ?? 0
    var largest: [Int?] = []
    var scales: [Double] = []
    for neuron in 0..<neurons {
      let column = weights.map { neuron < $0.count ? $0[neuron] : .nan }
      let best = column.indices.filter { column[$0].isFinite && column[$0] != 0 }
        .max { (abs(column[$0]), $1) < (abs(column[$1]), $0) }
      largest.append(best)
      scales.append(best.map { 1 / abs(column[$0]) } ?? 1)
    }
    func key(_ neuron: Int) -> (Double, Int, Int) {
      guard let feature = largest[neuron] else { return (-.infinity, Int.max, neuron) }
      let value = feature < importance.count && importance[feature].isFinite ? importance[feature] : -.infinity
      return (value, feature, neuron)
    }
    let order = (0..<neurons).sorted {
      let (a, b) = (key($0), key($1))
      return a.0 != b.0 ? a.0 > b.0 : (a.1, a.2) < (b.1, b.2)
    }
    return NeuronArrangement(
      order: order, scales: scales,
      caption: "neurons sorted by importance, scaled to max |w| = 1")
  }

  /// The weights (features × neurons) with the neurons in `order`, each times its scale.
  public func apply(to weights: [[Double]]) -> [[Double]] {
    weights.map { row in
      order.map { neuron in
        let w = neuron >= 0 && neuron < row.count ? row[neuron] : .nan
        return w * (neuron >= 0 && neuron < scales.count ? scales[neuron] : 1)
      }
    }
  }
}

extension Heatmap {
  /// The features × neurons heatmap of a hidden layer's weights, arranged like the stack plot.
  public static func neuronWeights(
    _ weights: [[Double]], arrangement: NeuronArrangement? = nil, title: String? = nil
  ) -> Heatmap {
    Heatmap(
      arrangement?.apply(to: weights) ?? weights, columnLabels: arrangement.map { $0.order.map(String.init) },
      rowTitle: "feature", columnTitle: "neuron", title: title)
  }
}
