/// `show TARGET …`: draws a plot of the current model as a display.
extension Session {
  func show(_ target: String, _ targetSpan: Span, _ parameters: [Parameter], _ statement: Statement, _ source: Source)
    throws(Diagnostic)
  {
    throw Diagnostic("show is not available yet", at: statement.span, in: source)
  }
}
