import ToyCore

/// Which seeds of each setting a view shows (`seed=` on `show`, `export` and `print`): by
/// default the best one (the lowest loss on the fixed evaluation batch), or every seed, or
/// chosen seed numbers, so that every instance of a `seeds=` model can be looked at.
enum SeedChoice: Equatable {
  case best
  case all
  /// Seed numbers within each setting, from 0 to seeds − 1.
  case numbers([Int])
}

/// One setting's instance a view draws, and the seed number it is when a `seed=` chose it
/// (nil for the default, the best seed, whose panels are titled as before).
struct SeedView: Equatable {
  var setting: Int
  var instance: Int
  var seed: Int?
}

extension Session {
  /// `seed=`: best (the default), all, a seed number or a list of them.
  func seedChoice(_ parameter: Parameter?, _ entry: ModelEntry, _ source: Source) throws(Diagnostic) -> SeedChoice {
    guard let parameter else { return .best }
    switch parameter.value {
    case .name("best", _), .string("best", _): return .best
    case .name("all", _), .string("all", _): return .all
    default: break
    }
    let value = try evaluator(source).evaluate(parameter.value)
    guard let numbers = value.numbers, !numbers.isEmpty,
      numbers.allSatisfy({ $0 == $0.rounded() && $0 >= 0 && $0 < Double(entry.seeds) })
    else {
      throw Diagnostic(.seedOutOfRange(seeds: entry.seeds, got: value.literal), at: parameter.value.span, in: source)
    }
    return .numbers(numbers.map { Int($0) })
  }

  /// The instances `settings` stand for under `choice`, setting by setting.
  func seedViews(_ entry: ModelEntry, _ settings: [Int], _ choice: SeedChoice) -> [SeedView] {
    switch choice {
    case .best:
      return settings.map { SeedView(setting: $0, instance: entry.shown[$0], seed: nil) }
    case .all:
      return settings.flatMap { s in
        (0..<entry.seeds).map { SeedView(setting: s, instance: s * entry.seeds + $0, seed: $0) }
      }
    case .numbers(let seeds):
      return settings.flatMap { s in seeds.map { SeedView(setting: s, instance: s * entry.seeds + $0, seed: $0) } }
    }
  }

  /// The seed number of `instance` within its setting.
  func seedNumber(_ entry: ModelEntry, _ instance: Int) -> Int { instance % entry.seeds }
}
