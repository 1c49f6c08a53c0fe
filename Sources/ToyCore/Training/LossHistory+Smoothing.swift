import RealModule

/// The loss over training smoothed, for plots: one step's loss is one batch's, and sparse
/// batches differ a lot, so late in training the loss varies several-fold from step to step
/// and the raw history drawn on a log axis is a solid band.
extension LossHistory {
  /// The smoothing's time constant as a fraction of the step: at step t the average forgets
  /// with time constant t/10 steps.
  public static let smoothingFraction = 0.1

  /// Instance `instance`'s recorded losses smoothed by `exponentialMovingAverage`.
  public func smoothedLosses(instance: Int) -> [Double] {
    Self.exponentialMovingAverage(
      steps: steps, values: losses[instance].map(Double.init), fraction: Self.smoothingFraction)
  }

  /// An exponential moving average of `values` recorded at increasing `steps`, whose time
  /// constant grows with the step: τ = fraction·t at step t, so the average at step 1000
  /// weighs about the last 100 steps (fraction 0.1) and at step 100 about the last 10.
  ///
  /// Why a growing window: the dynamics are drawn against a log step axis, where a fixed
  /// window would blur the early, fast part and barely smooth the late part (the history
  /// keeps every `stride`-th step, so late points are far apart). A window proportional to
  /// the step is the same width everywhere on a log axis.
  ///
  /// The average starts at the first value; each later value enters with weight 1 − e^(−Δ/τ)
  /// for the Δ steps since the one before, which handles the history's uneven spacing:
  ///
  ///     a₀ = v₀,   aₖ = e^(−Δₖ/τₖ)·aₖ₋₁ + (1 − e^(−Δₖ/τₖ))·vₖ,   Δₖ = tₖ − tₖ₋₁,  τₖ = fraction·tₖ
  public static func exponentialMovingAverage(steps: [Int], values: [Double], fraction: Double) -> [Double] {
    var averages: [Double] = []
    averages.reserveCapacity(min(steps.count, values.count))
    for k in 0..<min(steps.count, values.count) {
      guard let previous = averages.last else {
        averages.append(values[k])
        continue
      }
      let tau = fraction * Double(steps[k])
      let keep = tau > 0 ? Double.exp(-Double(steps[k] - steps[k - 1]) / tau) : 0
      averages.append(keep * previous + (1 - keep) * values[k])
    }
    return averages
  }
}
