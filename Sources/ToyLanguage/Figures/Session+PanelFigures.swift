import ToyCore
import ToyPlot

/// The `show` targets that draw a panel per setting (`ShowTarget.perSetting`): the weights,
/// WᵀW, the bias, the norms, the paper's overview, the 2-D views, the neurons and the
/// recovery of each feature alone.
extension Session {
  /// `show wtw`: WᵀW per setting, the bias beside it.
  func wtwFigure(_ request: FigureRequest) -> Figure {
    let (entry, views) = (request.entry, request.views)
    let read = request.instances.map { request[$0] }.map { ($0.geometry.interference, $0.bias) }
    let (wtw, biases) = (read.map(\.0), read.map(\.1))
    // One colour scale for every panel, so that panels compare by colour; the bias on a
    // scale of its own (shared too), at least ±0.1 so that rounding noise stays white.
    let limit = sharedLimit(wtw)
    let biasLimit = max(0.1, biases.joined().filter(\.isFinite).map(Swift.abs).max() ?? 0)
    let plots: [any Plot] = views.indices.map { k in
      Heatmap(wtw[k], side: biases[k], sideLimit: biasLimit, limit: limit, title: label(entry, views[k]))
    }
    return (
      panels(plots, request.named ? entry.name : nil),
      .array(views.indices.map { k in .object([("wtw", matrix(wtw[k])), ("b", JSON.numbers(biases[k]))]) })
    )
  }

  /// `show w`: the weights, features × hidden, per setting.
  func weightsFigure(_ request: FigureRequest) -> Figure {
    let entry = request.entry
    let rows = request.instances.map { request[$0].rows }
    let limit = sharedLimit(rows)
    let plots: [any Plot] = zip(request.views, rows).map { s, rows in
      Heatmap(rows, rowTitle: "feature", columnTitle: "hidden", limit: limit, title: label(entry, s))
    }
    return (panels(plots, request.named ? entry.name : nil), .array(rows.map(matrix)))
  }

  /// `show bias`: the bias per feature, per setting.
  func biasFigure(_ request: FigureRequest) -> Figure {
    let entry = request.entry
    let biases = request.instances.map { request[$0].bias }
    let plots: [any Plot] = zip(request.views, biases).map { s, bias in
      BarChart(bias, valueTitle: "b", title: label(entry, s))
    }
    return (panels(plots, request.named ? entry.name : nil), .array(biases.map(JSON.numbers)))
  }

  /// `show recovery`: each feature's output for the input e_i, per setting: near 1 for a
  /// feature the model keeps on its own, its bias through the ReLU for one it drops.
  func recoveryFigure(_ request: FigureRequest) -> Figure {
    let (entry, model) = (request.entry, request.model)
    let recovery = request.instances.map { model.recovery(instance: $0) }
    let plots: [any Plot] = zip(request.views, recovery).map { s, values in
      BarChart(
        values, marker: model.m < model.n ? model.m : nil, valueTitle: "x'_i(e_i)", title: label(entry, s))
    }
    return (panels(plots, request.named ? entry.name : nil), .array(recovery.map(JSON.numbers)))
  }

  /// `show norms`: ‖W_i‖ per feature coloured by superposition, per setting.
  func normsFigure(_ request: FigureRequest) -> Figure {
    let (entry, model) = (request.entry, request.model)
    let geometries = request.instances.map { request[$0].geometry }
    let plots: [any Plot] = zip(request.views, geometries).map { s, g in
      BarChart(
        g.norms, colors: g.superposition, marker: model.m < model.n ? model.m : nil, valueTitle: "‖W_i‖",
        title: label(entry, s))
    }
    return (
      panels(plots, request.named ? entry.name : nil),
      .array(
        geometries.map { g in
          .object([("norms", JSON.numbers(g.norms)), ("superposition", JSON.numbers(g.superposition))])
        })
    )
  }

  /// `show overview`: the paper's figure, one column per setting: WᵀW with the bias beside
  /// it (on the scales `show wtw` uses) above the norm bars coloured by superposition.
  func overviewFigure(_ request: FigureRequest) -> Figure {
    let (entry, model, views) = (request.entry, request.model, request.views)
    let read = views.map { request[$0.instance] }.map { ($0.geometry, $0.bias) }
    let (geometries, biases) = (read.map(\.0), read.map(\.1))
    let wtw = geometries.map(\.interference)
    let limit = sharedLimit(wtw)
    let biasLimit = max(0.1, biases.joined().filter(\.isFinite).map(Swift.abs).max() ?? 0)
    let heatmaps = views.indices.map { k in
      Heatmap(wtw[k], side: biases[k], sideLimit: biasLimit, limit: limit, title: label(entry, views[k]))
    }
    let bars = geometries.map { g in
      BarChart(g.norms, colors: g.superposition, marker: model.m < model.n ? model.m : nil, valueTitle: "‖W_i‖")
    }
    let title = request.named && !Self.isAutomaticName(entry.name) ? entry.name : nil
    return (
      OverviewFigure(heatmaps: heatmaps, bars: bars, title: title),
      .array(
        views.indices.map { k in
          .object([
            ("wtw", .array(wtw[k].map(JSON.numbers))), ("b", JSON.numbers(biases[k])),
            ("norms", JSON.numbers(geometries[k].norms)), ("superposition", JSON.numbers(geometries[k].superposition)),
          ])
        })
    )
  }

  /// `show geometry`: the features' directions in 2-D, per setting.
  func geometryFigure(_ request: FigureRequest) throws(Diagnostic) -> Figure {
    try vectors(request, hidden: false)
  }

  /// `show hidden`: a batch's hidden states over the feature directions, per setting.
  func hiddenFigure(_ request: FigureRequest) throws(Diagnostic) -> Figure {
    try vectors(request, hidden: true)
  }

  private func vectors(_ request: FigureRequest, hidden: Bool) throws(Diagnostic) -> Figure {
    let (entry, model) = (request.entry, request.model)
    guard model.m == 2 else {
      throw Diagnostic(
        .plotNeedsTwoDimensions(target: request.target.rawValue, m: model.m), at: request.span, in: request.source)
    }
    let plots = zip(request.views, request.instances).map { s, i in
      let instance = request[i]
      return VectorPlot(
        instance.rows, importance: instance.importance.map(Double.init),
        hidden: hidden ? instance.hiddenStates(count: 300) : [], canonical: request.canonical, title: label(entry, s))
    }
    // The rows as drawn: rotated too when the picture is (`orient` in the payload says which).
    return (panels(plots, request.named ? entry.name : nil), .array(plots.map { matrix($0.drawnVectors) }))
  }

  /// `show neurons`: each neuron's weights stacked by feature, per setting.
  func neuronsFigure(_ request: FigureRequest) throws(Diagnostic) -> Figure {
    let (entry, model) = (request.entry, request.model)
    guard model.kind == .hiddenReLU || model.kind == .abs else {
      throw Diagnostic(.neuronsNeedHiddenLayer(kind: model.kind.rawValue), at: request.span, in: request.source)
    }
    let rows = request.instances.map { request[$0].rows }
    let plots: [any Plot] = zip(request.views, rows).map { s, weights in
      let importance = entry.importance(instance: s.instance).map(Double.init)
      return NeuronStackPlot(
        weights: weights, importance: importance,
        arrangement: model.kind == .abs ? .byImportance(weights: weights, importance: importance) : nil,
        title: label(entry, s))
    }
    return (panels(plots, request.named ? entry.name : nil), .array(rows.map(matrix)))
  }
}
