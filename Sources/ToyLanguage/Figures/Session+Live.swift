import ToyCore
import ToyPlot

/// `train N live`: a view of the model redrawn while it trains.
extension Session {
  /// The most panels a live frame draws; more settings are sampled evenly.
  static let livePanels = 6

  /// The view `live=` asks for (bare `live`: geometry for m=2, WᵀW beside the norm bars
  /// otherwise), nil without it.
  func liveView(_ parameter: Parameter?, _ entry: ModelEntry, _ source: Source) throws(Diagnostic) -> String? {
    guard let parameter else { return nil }
    let view = try choice(parameter, "live", default: "auto", source)
    if view == "auto" { return entry.model.m == 2 ? "geometry" : "wtw+norms" }
    if view == "geometry" && entry.model.m != 2 {
      throw Diagnostic(.liveGeometryNeedsTwoDimensions(m: entry.model.m), at: parameter.value.span, in: source)
    }
    return view
  }

  /// The narrowest a setting's WᵀW or norms panel may be for `wtw+norms` to put them side
  /// by side.
  static let liveSidePanelWidth = 40

  /// Whether `wtw+norms` draws WᵀW beside the norm bars (else above them) at `width`.
  static func liveSideBySide(settings: Int, width: Int) -> Bool {
    width >= 2 * max(1, settings) * liveSidePanelWidth + 2
  }

  /// Settings a live frame shows: all, or `livePanels` of them evenly spread.
  func liveSettings(_ entry: ModelEntry, view: String) -> [Int] {
    let count = entry.settings.count
    let panels = view == "wtw+norms" ? Self.livePanels / 2 : Self.livePanels
    guard ["geometry", "wtw", "norms", "wtw+norms"].contains(view), count > panels else { return Array(0..<count) }
    return (0..<panels).map { $0 * (count - 1) / max(1, panels - 1) }
  }

  /// One frame: the view of `entry`'s model under a header with the step, the loss and the
  /// speed, drawn to fit `liveHeight` rows. Nil if the view cannot be drawn yet.
  func liveFrame(
    _ view: String, _ entry: ModelEntry, _ progress: TrainingProgress, _ seconds: Double, _ statement: Statement,
    _ source: Source, final: Bool
  ) -> (display: Display, json: JSON.Node)? {
    let settings = liveSettings(entry, view: view)
    let plot: any Plot
    let data: JSON.Node
    if view == "wtw+norms" {
      // WᵀW and the norm bars.
      guard
        let (wtw, wtwData) = try? drawing(
          .wtw, entry, settings, canonical: true, statement.span, source, named: false),
        let (norms, normsData) = try? drawing(
          .norms, entry, settings, canonical: true, statement.span, source, named: false)
      else { return nil }
      data = .object([("wtw", wtwData), ("norms", normsData)])
      return liveFrame(
        layouts: Self.liveLayouts(
          wtw: wtw, norms: norms, settings: settings.count, width: liveSize?()?.width ?? textWidth),
        panelRows: 2, entry, progress, seconds,
        statement, source, final: final, view: view, data: data)
    } else {
      guard let target = ShowTarget(rawValue: view),
        let drawn = try? drawing(target, entry, settings, canonical: true, statement.span, source, named: false)
      else {
        return nil
      }
      (plot, data) = drawn
    }
    return liveFrame(
      layouts: [plot], panelRows: max(1, (settings.count + 2) / 3), entry, progress, seconds, statement, source,
      final: final, view: view, data: data)
  }

  /// The layouts a `wtw+norms` frame may take, the preferred first: side by side when each
  /// panel gets room for its settings (WᵀW keeps its own height, the norm bars take the
  /// screen's beside it), else WᵀW above the norm bars, WᵀW given all the height the bars
  /// can spare.
  static func liveLayouts(wtw: any Plot, norms: any Plot, settings: Int, width: Int) -> [any Plot] {
    let side = PanelGrid([wtw, norms], columns: 2)
    let stack = StackedPanels(upper: wtw, lower: norms)
    return liveSideBySide(settings: settings, width: width) ? [side, stack] : [stack, side]
  }

  /// A frame in the first of `layouts` that fits the screen and keeps one cell per feature
  /// (no block averaging), else the first that fits, else the first shrunk until it fits.
  private func liveFrame(
    layouts: [any Plot], panelRows: Int, _ entry: ModelEntry, _ progress: TrainingProgress, _ seconds: Double,
    _ statement: Statement, _ source: Source, final: Bool, view: String, data: JSON.Node
  ) -> (display: Display, json: JSON.Node)? {
    let finite = progress.losses.filter(\.isFinite).map(Double.init)
    let loss =
      finite.isEmpty ? "" : "  loss \(formatNumber(finite.reduce(0, +) / Double(finite.count), significant: 4))"
    let rate = seconds > 0 ? "  \(formatNumber(Double(progress.step) / seconds, significant: 3)) steps/s" : ""
    let header =
      "\(entry.name): step \(entry.model.steps)\(final ? "" : " (\(progress.step)/\(progress.totalSteps))")"
      + loss + rate
    let (width, liveHeight) = liveSize?() ?? (textWidth, liveHeight)
    var options = TextOptions(width: width, ascii: ascii || defaultCanvas == .ascii, canvas: defaultCanvas)
    // Several layouts: each is drawn to the screen's height, less the header's row.
    options.height = layouts.count > 1 ? liveHeight - 1 : nil
    // Measured as it will be seen: in colour a heatmap takes half the lines.
    let color = liveInColor()
    func seen(_ plot: PanelGrid) -> TextGrid {
      var seen = options
      seen.color = color
      return plot.titled(seen)
    }
    let drawn = layouts.map { plot -> (framed: PanelGrid, seen: TextGrid) in
      let framed = PanelGrid([plot], columns: 1, title: header)
      return (framed, seen(framed))
    }
    let fitting = drawn.filter { $0.seen.height <= liveHeight }
    let framed =
      (fitting.first { !$0.seen.plainText.contains(" averaged in ") } ?? fitting.first ?? drawn[0]).framed
    // Shrink until the frame fits the terminal: a frame taller than the screen cannot be
    // redrawn in place.
    var height = max(4, liveHeight / max(1, panelRows))
    while seen(framed).height > liveHeight && options.height != 4 {
      options.height = height
      height = max(4, height * 3 / 4)
    }
    let text = framed.plainText(options)
    let payload = JSON.Node.object(
      [("model", .string(entry.name)), ("target", .string(view)), ("steps", .number(Double(entry.model.steps)))]
        + Self.orientation(of: ShowTarget(rawValue: view), canonical: true) + [("data", data)])
    let display = Display(
      span: statement.span, plain: text, svg: final || liveSVG ? framed.svgDocument(svgStyle) : nil,
      numbers: payload,
      plot: framed, textOptions: options)
    return (display, payload)
  }
}

extension Session {
  /// The views the explorer cycles through for a model (geometry only when m = 2).
  public static func explorerViews(m: Int) -> [String] {
    (m == 2 ? ["geometry"] : []) + ["wtw", "norms", "loss"]
  }

  /// A one-instance model drawn as `view` (for the explorer), nil when it cannot be drawn
  /// yet (the loss of an untrained model).
  public func explorerPlot(_ model: ToyModel, view: String) -> (any Plot)? {
    let entry = ModelEntry(name: "explore", model: model, settings: [[]], seeds: 1, shown: [0])
    let statement = Statement(kind: .explore, span: Span(0, 0))
    guard let target = ShowTarget(rawValue: view) else { return nil }
    return try? drawing(
      target, entry, [0], canonical: true, statement.span, Source(name: "explore", text: ""), named: false
    ).0
  }
}
