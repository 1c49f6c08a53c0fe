import ToyCore

/// One instance of a model as views and metrics read it: the model that holds it (the whole,
/// or in a check a window of it) and its index there.
struct ModelInstance {
  let model: ToyModel
  let index: Int

  /// W's rows, feature f's direction in row f.
  var rows: [[Double]] { model.weights(instance: index).map { $0.map(Double.init) } }
  var bias: [Double] { model.bias(instance: index).map(Double.init) }
  var importance: [Float] { model.importance(instance: index) }
  var geometry: FeatureGeometry { model.geometry(instance: index) }
  /// Its loss at each step of the model's history (`model.history.steps`).
  var lossHistory: [Float] { model.history.losses[index] }
  var smoothedLosses: [Double] { model.history.smoothedLosses(instance: index) }
  var vulnerability: Double? { model.vulnerability(instance: index) }
  /// Its loss on its whole training set; nil without one.
  var trainLoss: Double? { model.trainingSetLoss(instance: index) }
  /// D_t of its training examples' hidden vectors (empty without a set).
  var dataDimensionality: [Double] { model.dataDimensionality(instance: index) }

  /// Its loss on `samples` of the fixed evaluation batch (fresh data, never trained on).
  func testLoss(samples: Int) -> Double {
    model.loss(instance: index, samples: samples)
  }

  func hiddenStates(count: Int) -> [[Double]] { model.hiddenStates(instance: index, count: count) }
}

/// Reads a model's instances one at a time for a view or a metric: from the model itself in
/// a run; in a check, from windows of a sketched model (see `ModelSketch`) built as the reads
/// reach them and held one at a time, so that reading every setting of a huge sweep never
/// holds the whole.
final class InstanceReader {
  private enum Source {
    /// The model itself, in a run or for a model a check holds whole.
    case whole(ToyModel)
    /// A sketched model: the windows the planned reads fall in (disjoint, ascending, each at
    /// most a window long), and how to build one.
    case windows([Range<Int>], build: (Range<Int>) -> ToyModel)
  }

  private let source: Source
  private var held: (range: Range<Int>, model: ToyModel)?

  /// A reader of `model`'s instances.
  init(whole model: ToyModel) { source = .whole(model) }

  /// A reader that expects to read `instances` (in any order) of a sketched model, which
  /// `build` makes windows of, of at most `windowSize` instances.
  init(reading instances: [Int], windowSize: Int, build: @escaping (Range<Int>) -> ToyModel) {
    // Each window starts at the first instance not yet covered and reaches the last one
    // within `windowSize` of it: consecutive reads share a window, scattered ones (three
    // panels of a 2000-setting sweep) take one instance each.
    let wanted = Array(Set(instances)).sorted()
    var windows: [Range<Int>] = []
    var next = 0
    while next < wanted.count {
      let start = wanted[next]
      while next < wanted.count && wanted[next] < start + windowSize { next += 1 }
      windows.append(start..<wanted[next - 1] + 1)
    }
    source = .windows(windows, build: build)
  }

  subscript(instance: Int) -> ModelInstance {
    switch source {
    case .whole(let model):
      return ModelInstance(model: model, index: instance)
    case .windows(let windows, let build):
      if let held, held.range.contains(instance) {
        return ModelInstance(model: held.model, index: instance - held.range.lowerBound)
      }
      let range = Self.window(containing: instance, in: windows)
      let window = build(range)
      held = (range, window)
      return ModelInstance(model: window, index: instance - range.lowerBound)
    }
  }

  /// The window of `windows` holding `instance` (found by bisection), or the instance alone.
  private static func window(containing instance: Int, in windows: [Range<Int>]) -> Range<Int> {
    var (low, high) = (0, windows.count)
    while low < high {
      let middle = (low + high) / 2
      if windows[middle].upperBound <= instance { low = middle + 1 } else { high = middle }
    }
    return low < windows.count && windows[low].contains(instance) ? windows[low] : instance..<instance + 1
  }
}
