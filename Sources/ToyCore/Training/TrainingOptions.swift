import RealModule

/// How one training call runs. Defaults are the official notebook's.
public struct TrainingOptions: Sendable, Equatable {
  /// Steps in this call (a schedule spans exactly these).
  public var steps: Int
  public var batchSize: Int = 1024
  public var learningRate: Double = 1e-3
  public var schedule: Schedule = .constant
  public var optimizer: Optimizer = .adamW
  /// Decoupled weight decay, applied to every parameter by AdamW (biases included).
  public var weightDecay: Double = 0.01
  /// Steps of linear warm-up at the start of this call, before `schedule` runs over the
  /// rest (Henighan et al. 2023: 2,500 of 50,000, then cosine decay). 0: none.
  public var warmupSteps: Int = 0
  public var beta1: Double = 0.9
  public var beta2: Double = 0.999
  public var epsilon: Double = 1e-8
  /// Worker threads; nil means one per core. Results never depend on it.
  public var threads: Int?
  /// Call the observer every this many steps (and after the last); 0 means only at the end.
  public var observeEvery: Int = 0

  public init(steps: Int) { self.steps = steps }

  func validate() throws(ModelError) {
    guard steps >= 0 else { throw .stepsNegative(steps) }
    guard batchSize >= 1 else { throw .batchNotPositive(batchSize) }
    guard learningRate.isFinite, learningRate > 0 else { throw .learningRateInvalid(learningRate) }
    guard observeEvery >= 0 else { throw .stepsNegative(observeEvery) }
    guard warmupSteps >= 0, warmupSteps <= steps else { throw .warmupTooLong(warmup: warmupSteps, steps: steps) }
    guard weightDecay.isFinite, weightDecay >= 0 else { throw .weightDecayInvalid(weightDecay) }
  }

  /// The learning-rate multiplier at `step` (0-based) of this call: (step+1)/w through a
  /// warm-up of w steps, then the schedule over the remaining steps.
  public func rateScale(step: Int) -> Double {
    if step < warmupSteps { return Double(step + 1) / Double(warmupSteps) }
    return schedule.scale(step: step - warmupSteps, of: steps - warmupSteps)
  }
}

/// The learning-rate multiplier over one training call, as the notebook defines it.
public enum Schedule: String, Sendable, CaseIterable, Codable {
  case constant
  /// 1 − step/steps
  case linear
  /// cos(½π·step/(steps−1)); a one-step call uses 1.
  case cosine

  /// The multiplier at `step` (0-based) of `steps`.
  public func scale(step: Int, of steps: Int) -> Double {
    switch self {
    case .constant: return 1
    case .linear: return 1 - Double(step) / Double(steps)
    case .cosine:
      guard steps > 1 else { return 1 }
      return Double.cos(0.5 * Double.pi * Double(step) / Double(steps - 1))
    }
  }
}

/// AdamW (decoupled weight decay) or plain Adam (no decay), with PyTorch's arithmetic.
public enum Optimizer: String, Sendable, CaseIterable, Codable {
  case adamW = "adamw"
  case adam
}
