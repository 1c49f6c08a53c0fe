import CToyKernels
import RealModule

/// A counter-based random stream: word `k` of stream `key` is wyrand's output for the
/// state `key + (k + 1)·γ`: the 128-bit product of the state and the state xor a constant,
/// folded to 64 bits. Keys are derived with SplitMix64's mixer (`toy_mix64`, which the data
/// words use too). Training data uses the same key with a SIMD-friendly word scheme
/// (`BatchSampler`).
///
/// Counter-based means any word can be computed without the ones before it, so an
/// instance's data depends only on (seed, instance, sample index): not on how many
/// instances train beside it, how the work is split across threads, or whether the
/// model was saved and loaded in between. Floats come from the bits, never from
/// platform APIs whose algorithm may change.
public struct RandomStream: Sendable, Hashable {
  public let key: UInt64

  public init(key: UInt64) { self.key = key }

  /// A stream for one purpose of one instance of a model seeded with `seed`.
  public init(seed: UInt64, instance: Int, purpose: Purpose) {
    var k = toy_mix64(seed ^ purpose.rawValue)
    k = toy_mix64(k &+ UInt64(truncatingIfNeeded: instance) &* 0xD1B5_4A32_D192_ED03)
    self.key = k
  }

  /// What a stream is used for; each purpose draws from unrelated words.
  public enum Purpose: UInt64, Sendable {
    case data = 0x6461_7461
    case initialization = 0x696E_6974
    case evaluation = 0x6576_616C
    /// A sparse autoencoder's initial weights, training data and resampled latents.
    case autoencoderInitialization = 0x7361_6569
    case autoencoderData = 0x7361_6564
    case autoencoderResampling = 0x7361_6572
    /// A fixed training set's examples (`dataset=`), and which of them a minibatch reads.
    case trainingSet = 0x7473_6574
    case minibatch = 0x6D69_6E69
  }

  static let gamma: UInt64 = 0xA076_1D64_78BD_642F
  static let fold: UInt64 = 0xE703_7ED1_A0B4_28DB

  /// The 64-bit word at position `index`.
  @inline(__always)
  public func word(_ index: UInt64) -> UInt64 {
    let state = key &+ (index &+ 1) &* Self.gamma
    let product = state.multipliedFullWidth(by: state ^ Self.fold)
    return product.high ^ product.low
  }

  /// A uniform Float in [0, 1) from the word's top 24 bits.
  @inline(__always)
  public static func unitFloat(_ word: UInt64) -> Float {
    Float(Int32(truncatingIfNeeded: word >> 40)) * 0x1p-24  // Int32: a single conversion instruction
  }

  /// A uniform Float in [-1, 1) from the word's top 24 bits.
  @inline(__always)
  public static func signedUnitFloat(_ word: UInt64) -> Float {
    Float(Int32(truncatingIfNeeded: word >> 40) - (1 << 23)) * 0x1p-23
  }

  /// A uniform Double in [0, 1) from the word's top 53 bits.
  @inline(__always)
  public static func unitDouble(_ word: UInt64) -> Double {
    Double(word >> 11) * 0x1p-53
  }

  /// The threshold that the low 32 bits of a word must stay below to fire with
  /// probability `p`: `p` is resolved to 2⁻³², so a density of 0.001 is exact.
  public static func threshold(probability p: Float) -> UInt64 {
    let scaled = (Double(p) * 4_294_967_296).rounded()
    return UInt64(max(0, min(4_294_967_296, scaled)))
  }

  /// True with the probability that `threshold` encodes, from the word's low 32 bits.
  @inline(__always)
  public static func fires(_ word: UInt64, below threshold: UInt64) -> Bool {
    (word & 0xFFFF_FFFF) < threshold
  }

  /// The standard normal at position `index`: Box–Muller over the word pair
  /// `index / 2`, cosine branch for even indices and sine branch for odd ones.
  public func normal(_ index: UInt64) -> Double {
    let pair = index / 2
    let u1 = 1 - Self.unitDouble(word(2 &* pair))  // (0, 1]: log stays finite
    let u2 = Self.unitDouble(word(2 &* pair &+ 1))
    let radius = (-2 * Double.log(u1)).squareRoot()
    let angle = 2 * Double.pi * u2
    return index % 2 == 0 ? radius * Double.cos(angle) : radius * Double.sin(angle)
  }
}
