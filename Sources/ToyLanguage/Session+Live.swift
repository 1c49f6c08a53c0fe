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
      throw Diagnostic(
        "live=geometry draws 2-D models; this one has m=\(entry.model.m)", at: parameter.value.span, in: source,
        hint: "try live=wtw")
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
          "wtw", entry, settings, canonical: true, statement.span, source, named: false),
        let (norms, normsData) = try? drawing(
          "norms", entry, settings, canonical: true, statement.span, source, named: false)
      else { return nil }
      // Side by side when each gets room for its settings, so WᵀW keeps a cell per feature
      // instead of being squeezed into the half height left above the norms.
      let width = liveSize?()?.width ?? textWidth
      plot = PanelGrid([wtw, norms], columns: Self.liveSideBySide(settings: settings.count, width: width) ? 2 : 1)
      data = .object([("wtw", wtwData), ("norms", normsData)])
    } else {
      guard let drawn = try? drawing(view, entry, settings, canonical: true, statement.span, source, named: false)
      else {
        return nil
      }
      (plot, data) = drawn
    }
    let finite = progress.losses.filter(\.isFinite).map(Double.init)
    let loss =
      finite.isEmpty ? "" : "  loss \(formatNumber(finite.reduce(0, +) / Double(finite.count), significant: 4))"
    let rate = seconds > 0 ? "  \(formatNumber(Double(progress.step) / seconds, significant: 3)) steps/s" : ""
    let header =
      "\(entry.name): step \(entry.model.steps)\(final ? "" : " (\(progress.step)/\(progress.totalSteps))")"
      + loss + rate
    let framed = PanelGrid([plot], columns: 1, title: header)
    let (width, liveHeight) = liveSize?() ?? (textWidth, liveHeight)
    var options = TextOptions(width: width, ascii: ascii || defaultCanvas == .ascii, canvas: defaultCanvas)
    let stacked = view == "wtw+norms" && !Self.liveSideBySide(settings: settings.count, width: width)
    // Side by side, the norm bars take the screen's height beside WᵀW (which keeps its own).
    if view == "wtw+norms" && !stacked { options.height = liveHeight }
    var text = framed.plainText(options)
    // Shrink until the frame fits the terminal: a frame taller than the screen cannot be
    // redrawn in place.
    let panelRows = max(1, (settings.count + 2) / 3) * (stacked ? 2 : 1)
    var height = max(4, liveHeight / panelRows)
    while text.split(separator: "\n", omittingEmptySubsequences: false).count > liveHeight {
      options.height = height
      text = framed.plainText(options)
      if height == 4 { break }
      height = max(4, height * 3 / 4)
    }
    let payload = JSON.Node.object(
      [("model", .string(entry.name)), ("target", .string(view)), ("steps", .number(Double(entry.model.steps)))]
        + Self.orientation(of: view, canonical: true) + [("data", data)])
    let display = Display(
      span: statement.span, plain: text, svg: final || liveSVG ? framed.svgDocument(svgStyle) : nil,
      json: JSON.write(payload),
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
    return try? drawing(
      view, entry, [0], canonical: true, statement.span, Source(name: "explore", text: ""), named: false
    ).0
  }
}
