import Foundation
import ToyCore
import ToyLanguage

/// Running cells: outputs as ipykernel sends them, training progress, live frames.
extension Kernel {
  /// The least time between two frames of `train … live` in a notebook. Each frame is a
  /// message of tens of kilobytes that the browser redraws: a few a second keep training at
  /// nearly its own speed and the connection free for an interrupt.
  static let liveFrameInterval = 0.5
  /// The least time between two updates of the progress line.
  static let progressInterval = 0.25

  /// Runs one cell on the execution thread: printed text as a `stream` on stdout, plots and
  /// tables as `display_data`, a bare expression's value as `execute_result`, training
  /// progress as one line rewritten in place (`\r`, as terminals and notebooks both show
  /// it) that ends with the final state, the frames of `train … live` as one display
  /// updated in place, a failure as `error` with the caret diagnostic as its traceback.
  func execute(_ request: Message) {
    func post(_ channel: Channel, _ message: Message) { outbox.withLock { $0.append((channel, message)) } }
    func publish(_ type: String, _ content: [String: Any]) {
      post(.iopub, Message(type: type, session: kernelSession, content: content, parent: request.header))
    }
    guard let code = request.content["code"] as? String else {
      executionFailed(request, name: "TypeError", value: "execute_request: 'code' must be a string")
      return
    }
    let silent = request.content["silent"] as? Bool ?? false
    let storeHistory = (request.content["store_history"] as? Bool ?? true) && !silent
    if storeHistory { executionCount += 1 }
    let count = executionCount
    if storeHistory { history.append((count, code, nil)) }
    if !silent { publish("execute_input", ["code": code, "execution_count": count]) }
    session.cancellation.reset()
    var progress = ProgressLine()
    func write(_ text: String) { if !silent, !text.isEmpty { publish("stream", ["name": "stdout", "text": text]) } }
    // `train … live`: one display per cell, updated in place, the final frame included.
    var live = UpdatingDisplay(prefix: "toy-live-")
    func showLive(_ display: Display, final: Bool) {
      var data = display.mimeBundle
      // A frame in passing needs no numbers: only the last one keeps them.
      if !final { data[Display.mimeType] = nil }
      post(.iopub, live.message(data: data, session: kernelSession, parent: request.header))
    }
    session.liveSVG = true
    session.liveFrameInterval = Self.liveFrameInterval
    session.onLiveFrame = { display in if !silent { showLive(display, final: false) } }
    session.onDisplay = { [self] display in
      guard !silent else { return }
      write(progress.end())
      if display.isLiveFinal && live.shown {
        showLive(display, final: true)
        // A later `train … live` in the same cell gets a display of its own.
        live = UpdatingDisplay(prefix: "toy-live-")
        return
      }
      var content = display.notebookOutput(executionCount: count)
      let type = content.removeValue(forKey: "output_type") as? String ?? "display_data"
      if type == "execute_result", storeHistory { history[history.count - 1].result = display.plain }
      if type == "display_data" { content["transient"] = [:] }
      publish(type, content)
    }
    var lastUpdate = -1.0
    session.onProgress = { progressReport, seconds in
      let finished = progressReport.step == progressReport.totalSteps
      // While a live view shows the step, the line waits for the end of training.
      guard !silent, finished || (!live.shown && seconds - lastUpdate >= Self.progressInterval) else { return }
      lastUpdate = seconds
      write(progress.update(Self.progressText(progressReport, seconds), final: finished))
    }
    let (failure, payload) = runCell(code, count: count, write: write)
    session.onProgress = nil
    write(progress.end())
    if let failure {
      executionFailed(request, name: failure.name, value: failure.value, traceback: failure.traceback)
      return
    }
    post(
      .shell,
      reply(
        to: request, type: "execute_reply",
        content: [
          "status": "ok", "execution_count": count, "user_expressions": userExpressions(request),
          "payload": payload,
        ]))
    post(.iopub, status("idle", for: request))
  }

  /// The `error` output and the error reply; with `stop_on_error` (the default), the I/O
  /// thread then aborts the requests queued behind this one, as ipykernel does.
  private func executionFailed(_ request: Message, name: String, value: String, traceback: [String]? = nil) {
    let silent = request.content["silent"] as? Bool ?? false
    let error: [String: Any] = ["ename": name, "evalue": value, "traceback": traceback ?? [value]]
    let content = error.merging(["status": "error", "execution_count": executionCount]) { $1 }
    outbox.withLock { queue in
      // With the error, so that the I/O thread that takes the one sees the other (see
      // `stopIfFailed`). A silent request (one a front end sends for itself) stops
      // nothing, as in ipykernel.
      if !silent, request.content["stop_on_error"] as? Bool ?? true {
        failurePending.store(true, ordering: .releasing)
      }
      if !silent {
        queue.append((.iopub, Message(type: "error", session: kernelSession, content: error, parent: request.header)))
      }
      queue.append((.shell, reply(to: request, type: "execute_reply", content: content)))
      queue.append((.iopub, status("idle", for: request)))
    }
  }

  /// `train: step 50/10000  loss 0.0123  0.25 s`.
  static func progressText(_ progress: TrainingProgress, _ seconds: Double) -> String {
    let finite = progress.losses.filter(\.isFinite)
    let loss = finite.isEmpty ? "" : "  loss \(formatNumber(Double(finite.reduce(0, +)) / Double(finite.count)))"
    return "train: step \(progress.step)/\(progress.totalSteps)\(loss)  \(formatNumber(seconds, significant: 3)) s"
  }

  /// Answers `aborted` to `request`, an execute request that will not run.
  func abort(_ request: Message) {
    outbox.withLock { queue in
      queue.append((.iopub, status("busy", for: request)))
      queue.append((.shell, abortReply(to: request)))
      queue.append((.iopub, status("idle", for: request)))
    }
  }

  /// The reply to an execute request that will not run because an earlier cell failed.
  func abortReply(to request: Message) -> Message {
    reply(to: request, type: "execute_reply", content: ["status": "aborted", "execution_count": NSNull()])
  }
}

/// A line of stream text rewritten in place: each version after the first starts with a
/// carriage return and is padded over the longer text before it (a terminal does not
/// clear the rest of the line; notebooks drop the text a `\r` overwrites), and the line
/// ends with a newline so that what follows starts below it.
struct ProgressLine {
  private var width = 0
  private var open = false

  /// The text that replaces the line with `text`, ending it if `final`.
  mutating func update(_ text: String, final: Bool) -> String {
    let padding = String(repeating: " ", count: max(0, width - text.count))
    let written = (open ? "\r" : "") + text + padding + (final ? "\n" : "")
    width = final ? 0 : max(width, text.count)
    open = !final
    return written
  }

  /// The newline an unfinished line needs before other output (an interrupt stops
  /// training before its last update), or nothing.
  mutating func end() -> String {
    guard open else { return "" }
    open = false
    width = 0
    return "\n"
  }
}

/// One output a cell updates in place: the first message is `display_data`, the later ones
/// `update_display_data`, all under one `transient.display_id`.
struct UpdatingDisplay {
  let id: String
  private(set) var shown = false

  init(prefix: String) { id = prefix + UUID().uuidString.lowercased() }

  mutating func message(data: [String: Any], session: String, parent: [String: Any]) -> Message {
    let type = shown ? "update_display_data" : "display_data"
    shown = true
    let content: [String: Any] = ["data": data, "metadata": [:], "transient": ["display_id": id]]
    return Message(type: type, session: session, content: content, parent: parent)
  }
}
