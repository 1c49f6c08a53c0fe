// The data generator's hot loop: uniform values behind a Bernoulli mask, one feature row
// at a time, SIMD across samples; feature sets (toy_fill_set) the same way, a set at a time.
//
// Shapes: n = features, f = a feature, s = a sample's global index, block = 128 samples
// (lane = s mod 128), x feature-major (row f holds feature f of consecutive samples), S = a
// set's size, L = its lead (first) member.
//
// Word scheme (the same on every code path, all integer arithmetic, so both paths give the
// same bits): samples are grouped in blocks of 128 by their global index s. Feature f of
// block q gets a 64-bit row seed R = mix64(key + (q·n + f + 1)·γ) (SplitMix64); sample s
// then takes u = h(R_lo ^ lane) for its mask and v = h(R_hi ^ lane) for its value, where
// lane = s mod 128 and h is a 32-bit avalanche hash (xorshift-multiply, two rounds).
// The feature is active iff u < threshold (density resolved to 2⁻³²); its value is
// (v >> 8)·2⁻²⁴ on [0, 1), or ((v >> 8) − 2²³)·2⁻²³ on [−1, 1).
//
// The grouped scheme (model files of version 2; version 1 has every sample draw its own mask
// word) differs in one thing. Sparse features (threshold below TOY_GROUP_BELOW, density
// under 1/16) decide their mask in groups of sixteen lanes (16·g ..< 16·g + 16 of a block),
// in two stages. The group word w = h(R_lo ^ (128 + g)) gives the group's first active lane
// k = #{i < 16 : w ≥ c_i}, where c_i = 2³²·(1 − (1 − p)^(i+1)) (toy_group_cdf), so that
// P(k = j) = (1 − p)^j·p and k = 16 (no active lane) has probability (1 − p)^16. Lane k is
// active, the lanes before it are not, and the lanes after it fire on their mask words as
// above. That is the law of sixteen independent draws at density p, but an empty group, the
// common case, costs one hash instead of sixteen.
//
// The one-word scheme (version 3) is the grouped scheme, except that a feature outside the
// sets of density from 1/16 up to but not including 1 (threshold t in [TOY_GROUP_BELOW,
// 2³²)), drawing its mask sample by sample, takes its value from its mask word u as well:
// given u < t, u is uniform on [0, t), so k = u >> 8 is uniform on the grid 0 ..< T with
// T = (t >> 8) + 1 (all but the last point, whose cell of u may be short), and the value is
// k·(1/T) on [0, 1), at most the largest float below 1, or twice that minus 1 on [−1, 1):
// steps of 2⁻²⁰ or finer. The operands are exact floats (k and T are at most 2²⁴, 1/T is
// the float division), the product one rounding and the bound a comparison, so every path
// gives the same bits. One hash per sample where the other schemes compute two.
//
// Only the data drawn every step uses it: what a model draws once (its fixed training sets,
// the evaluation batch) keeps the grouped scheme (DataScheme in the Swift sources).
#include "toy_kernels.h"

#pragma clang diagnostic ignored "-Wpsabi"

typedef uint32_t vu8 __attribute__((vector_size(32), aligned(4)));
typedef int32_t vs8 __attribute__((vector_size(32), aligned(4)));
typedef float vf8 __attribute__((vector_size(32), aligned(4)));
typedef _Bool vbool8 __attribute__((ext_vector_type(8)));

#define ALWAYS_INLINE static inline __attribute__((always_inline))

uint64_t toy_mix64(uint64_t z) {
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

ALWAYS_INLINE uint64_t row_seed(uint64_t key, uint64_t sample, uint64_t n, uint64_t f) {
  return toy_mix64(key + ((sample >> 7) * n + f + 1) * 0x9E3779B97F4A7C15ull);
}

ALWAYS_INLINE uint32_t hash32(uint32_t x) {
  x ^= x >> 16;
  x *= 0x7FEB352Du;
  x ^= x >> 15;
  x *= 0x846CA68Bu;
  x ^= x >> 16;
  return x;
}

ALWAYS_INLINE vu8 hash32x8(vu8 x) {
  x ^= x >> 16;
  x *= 0x7FEB352Du;
  x ^= x >> 15;
  x *= 0x846CA68Bu;
  x ^= x >> 16;
  return x;
}

void toy_data_words(uint64_t key, uint64_t sample, int n, int f, uint32_t *mask_word, uint32_t *value_word) {
  uint64_t seed = row_seed(key, sample, (uint64_t)n, (uint64_t)f);
  uint32_t lane = (uint32_t)(sample & 127);
  *mask_word = hash32((uint32_t)seed ^ lane);
  *value_word = hash32((uint32_t)(seed >> 32) ^ lane);
}

ALWAYS_INLINE float value_of(uint32_t v, int signed_values) {
  return signed_values ? (float)((int32_t)(v >> 8) - (1 << 23)) * 0x1p-23f : (float)(int32_t)(v >> 8) * 0x1p-24f;
}

ALWAYS_INLINE vu8 load_u8(const uint32_t *p) {
  vu8 v;
  __builtin_memcpy(&v, p, sizeof v);
  return v;
}

// The group's first active lane (16: none), from its group word.
ALWAYS_INLINE int group_first(uint32_t lo, uint32_t group, const uint32_t *cdf) {
  const uint32_t w = hash32(lo ^ (128u + group));
  int k = 0;
  for (int i = 0; i < 16; i++) k += w >= cdf[i];
  return k;
}

// One lane of a feature that draws its mask sample by sample (threshold 2³² means always).
ALWAYS_INLINE float plain_lane(uint32_t lo, uint32_t hi, uint32_t lane, uint64_t threshold, int signed_values) {
  return (uint64_t)hash32(lo ^ lane) < threshold ? value_of(hash32(hi ^ lane), signed_values) : 0.0f;
}

// Whether the scheme decides this feature's mask in groups of sixteen lanes.
ALWAYS_INLINE int grouped_feature(toy_data_scheme scheme, uint64_t threshold) {
  return scheme != TOY_SCHEME_PER_SAMPLE && threshold < TOY_GROUP_BELOW;
}

// Whether the one-word scheme draws this feature's values from its mask words.
ALWAYS_INLINE int one_word_feature(toy_data_scheme scheme, uint64_t threshold) {
  return scheme == TOY_SCHEME_ONE_WORD && threshold >= TOY_GROUP_BELOW && threshold < 0x100000000ull;
}

// The one-word scheme's grid step 1/T for threshold t (see above).
ALWAYS_INLINE float word_step(uint32_t t) { return 1.0f / (float)(int32_t)((t >> 8) + 1); }

// The largest float below 1: the bound of a one-word value. k·(1/T) stays under it for
// every threshold a density gives, but 1/T rounded up can lift (T − 1)·(1/T) to 1 for some
// thresholds of the C interface (t = 0xFFFFFEFF: T = 2²⁴ − 1).
#define WORD_VALUE_BOUND 0x1.fffffep-1f

// The value an active lane of a one-word feature takes from its mask word u.
ALWAYS_INLINE float word_value(uint32_t u, float step, int signed_values) {
  float unit = (float)(int32_t)(u >> 8) * step;
  if (unit > WORD_VALUE_BOUND) unit = WORD_VALUE_BOUND;
  return signed_values ? unit * 2.0f - 1.0f : unit;  // × 2 is exact: no rounding to fuse
}

float toy_data_word_value(uint32_t u, uint64_t threshold, int signed_values) {
  return word_value(u, word_step((uint32_t)threshold), signed_values);
}

// One lane of a one-word feature.
ALWAYS_INLINE float word_lane(uint32_t lo, uint32_t lane, uint32_t t, float step, int signed_values) {
  const uint32_t u = hash32(lo ^ lane);
  return u < t ? word_value(u, step, signed_values) : 0.0f;
}

// One lane of a grouped (sparse) feature: the scheme's definition, lane by lane.
ALWAYS_INLINE float group_lane(
    uint32_t lo, uint32_t hi, uint32_t lane, uint32_t threshold, const uint32_t *cdf, int signed_values) {
  const int k = group_first(lo, lane >> 4, cdf), at = (int)(lane & 15);
  if (at == k) return value_of(hash32(hi ^ lane), signed_values);
  return at > k ? plain_lane(lo, hi, lane, threshold, signed_values) : 0.0f;
}

void toy_group_cdf(uint64_t threshold, uint32_t cdf[16]) {
  // 1 − p is exact in a double for any threshold below 2³², and so are the products' steps
  // on every machine (no library calls), so every path reads the same table.
  const double q = 1.0 - (double)threshold * 0x1p-32;
  double survive = 1.0;
  for (int i = 0; i < 16; i++) {
    survive *= q;
    const double c = (1.0 - survive) * 0x1p32;
    cdf[i] = c >= 4294967295.0 ? 0xFFFFFFFFu : (uint32_t)(c + 0.5);
  }
}

float toy_data_value(
    toy_data_scheme scheme, uint64_t key, uint64_t sample, int n, int f, uint64_t threshold, const uint32_t *cdf,
    int signed_values) {
  const uint64_t seed = row_seed(key, sample, (uint64_t)n, (uint64_t)f);
  const uint32_t lo = (uint32_t)seed, hi = (uint32_t)(seed >> 32), lane = (uint32_t)(sample & 127);
  if (grouped_feature(scheme, threshold))
    return group_lane(lo, hi, lane, (uint32_t)threshold, cdf, signed_values);
  if (one_word_feature(scheme, threshold)) {
    const uint32_t t = (uint32_t)threshold;
    return word_lane(lo, lane, t, word_step(t), signed_values);
  }
  return plain_lane(lo, hi, lane, threshold, signed_values);
}

// value_of for eight value words at once.
ALWAYS_INLINE vf8 values_of8(vu8 v, int signed_values) {
  const vs8 top = (vs8)(v >> 8);
  return signed_values ? __builtin_convertvector(top - (1 << 23), vf8) * 0x1p-23f
                       : __builtin_convertvector(top, vf8) * 0x1p-24f;
}

// word_value for eight mask words at once.
ALWAYS_INLINE vf8 word_values8(vu8 u, float step, int signed_values) {
  const vf8 unit = __builtin_elementwise_min(
      __builtin_convertvector((vs8)(u >> 8), vf8) * step, (vf8){0, 0, 0, 0, 0, 0, 0, 0} + WORD_VALUE_BOUND);
  return signed_values ? unit * 2.0f - 1.0f : unit;
}

// The whole groups of lanes `lane ..< lane + 16·groups` of one block (lane a multiple of 16;
// row[0] is lane's sample), of a grouped feature. All eight group words of the block come
// from one vector hash; empty groups are zeroed and skipped without a branch of their own.
ALWAYS_INLINE void fill_groups(
    uint32_t lo, uint32_t hi, uint32_t lane, int groups, uint32_t threshold, const uint32_t *cdf,
    int signed_values, float *row) {
  const vu8 iota = {0, 1, 2, 3, 4, 5, 6, 7};
  const vu8 words = hash32x8((iota + 128u) ^ lo);
  uint32_t word[8];
  __builtin_memcpy(word, &words, sizeof word);
  // A group is empty iff its word is at least the last entry: one comparison for the eight.
  const unsigned nonempty = __builtin_bit_cast(uint8_t, __builtin_convertvector(words < cdf[15], vbool8));
  const vu8 low = load_u8(cdf), high = load_u8(cdf + 8);
  // A whole block's zeros as a constant size: inline stores rather than a call to memset.
  if (groups == 8)
    __builtin_memset(row, 0, 128 * sizeof(float));
  else
    __builtin_memset(row, 0, (unsigned long)groups * 16 * sizeof(float));
  unsigned pending = (nonempty >> (lane >> 4)) & ((1u << groups) - 1);
  while (pending) {
    const int g = __builtin_ctz(pending);
    pending &= pending - 1;
    const vu8 w = (vu8){0, 0, 0, 0, 0, 0, 0, 0} + word[(lane >> 4) + (uint32_t)g];
    const unsigned below = __builtin_bit_cast(uint8_t, __builtin_convertvector(w >= low, vbool8)) |
                           (unsigned)__builtin_bit_cast(uint8_t, __builtin_convertvector(w >= high, vbool8)) << 8;
    const vu8 k = (vu8){0, 0, 0, 0, 0, 0, 0, 0} + (uint32_t)__builtin_popcount(below);
    for (int half = 0; half < 2; half++) {
      const vu8 at = iota + 8u * (uint32_t)half;
      const vu8 lanes = at + lane + 16u * (uint32_t)g;
      const vs8 on = (vs8)(at == k) | ((vs8)(at > k) & (vs8)(hash32x8(lanes ^ lo) < threshold));
      const vf8 value = values_of8(hash32x8(lanes ^ hi), signed_values);
      const vf8 kept = (vf8)((vs8)value & on);
      __builtin_memcpy(row + 16 * g + 8 * half, &kept, sizeof kept);
    }
  }
}

ALWAYS_INLINE void fill_body(
    toy_data_scheme scheme, uint64_t key, uint64_t first, int count, int n, int f, uint64_t threshold,
    const uint32_t *cdf, int signed_values, float *row) {
  const int grouped = grouped_feature(scheme, threshold);
  const int one_word = one_word_feature(scheme, threshold);
  const float step = one_word ? word_step((uint32_t)threshold) : 0.0f;
  int j = 0;
  while (j < count) {
    uint64_t s = first + (uint64_t)j;
    uint64_t seed = row_seed(key, s, (uint64_t)n, (uint64_t)f);
    uint32_t lo = (uint32_t)seed, hi = (uint32_t)(seed >> 32);
    uint32_t lane = (uint32_t)(s & 127);
    int run = 128 - (int)lane;  // samples left in this block
    if (run > count - j) run = count - j;
    int end = j + run;
    if (grouped) {
      // Lanes of partial groups one at a time, whole groups together.
      const uint32_t t = (uint32_t)threshold;
      for (; j < end && (lane & 15); j++, lane++) row[j] = group_lane(lo, hi, lane, t, cdf, signed_values);
      const int groups = (end - j) / 16;
      if (groups > 0) {
        fill_groups(lo, hi, lane, groups, t, cdf, signed_values, row + j);
        j += 16 * groups;
        lane += 16u * (uint32_t)groups;
      }
      for (; j < end; j++, lane++) row[j] = group_lane(lo, hi, lane, t, cdf, signed_values);
      continue;
    }
    if (threshold >= 0x100000000ull) {
      for (; j + 8 <= end; j += 8, lane += 8) {
        vu8 lanes = (vu8){0, 1, 2, 3, 4, 5, 6, 7} + lane;
        vf8 value = values_of8(hash32x8(lanes ^ hi), signed_values);
        __builtin_memcpy(row + j, &value, sizeof value);
      }
    } else {
      uint32_t t = (uint32_t)threshold;
      vu8 lanes = (vu8){0, 1, 2, 3, 4, 5, 6, 7} + lane;
      // Very sparse features without groups (the per-sample scheme) leave most runs of
      // sixteen empty: skip their value hashes. Denser ones compute them always: a branch
      // taken at random costs more than a hash.
      if (threshold < (1ull << 25)) {  // density below 1/128
        for (; j + 16 <= end; j += 16, lane += 16, lanes += 16) {
          vu8 u0 = hash32x8(lanes ^ lo), u1 = hash32x8((lanes + 8) ^ lo);
          vs8 on0 = (vs8)(u0 < t), on1 = (vs8)(u1 < t);
          if (!__builtin_reduce_or(on0 | on1)) {
            __builtin_memset(row + j, 0, 16 * sizeof(float));
            continue;
          }
          for (int half = 0; half < 2; half++) {
            vf8 value = values_of8(hash32x8((lanes + 8 * half) ^ hi), signed_values);
            vf8 kept = (vf8)((vs8)value & (half ? on1 : on0));
            __builtin_memcpy(row + j + 8 * half, &kept, sizeof kept);
          }
        }
      }
      if (one_word) {
        for (; j + 8 <= end; j += 8, lane += 8, lanes += 8) {
          const vu8 u = hash32x8(lanes ^ lo);
          const vf8 kept = (vf8)((vs8)word_values8(u, step, signed_values) & (vs8)(u < t));
          __builtin_memcpy(row + j, &kept, sizeof kept);
        }
        for (; j < end; j++, lane++) row[j] = word_lane(lo, lane, t, step, signed_values);
        continue;
      }
      for (; j + 8 <= end; j += 8, lane += 8, lanes += 8) {
        vu8 u = hash32x8(lanes ^ lo);
        vs8 on = (vs8)(u < t);
        vf8 value = values_of8(hash32x8(lanes ^ hi), signed_values);
        vf8 kept = (vf8)((vs8)value & on);
        __builtin_memcpy(row + j, &kept, sizeof kept);
      }
    }
    for (; j < end; j++, lane++) {
      row[j] = plain_lane(lo, hi, lane, threshold, signed_values);
    }
  }
}

#define FILL_ARGS                                                                                      \
  toy_data_scheme scheme, uint64_t key, uint64_t first, int count, int n, int f, uint64_t threshold, \
      const uint32_t *cdf, int signed_values, float *row
#define FILL_ARGS_PASS scheme, key, first, count, n, f, threshold, cdf, signed_values, row

// The body with `signed_values` a constant, so that no test of it is left in the loops.
ALWAYS_INLINE void fill_either(FILL_ARGS) {
  if (signed_values)
    fill_body(scheme, key, first, count, n, f, threshold, cdf, 1, row);
  else
    fill_body(scheme, key, first, count, n, f, threshold, cdf, 0, row);
}

static void fill_baseline(FILL_ARGS) { fill_either(FILL_ARGS_PASS); }

#if defined(__x86_64__)
__attribute__((target("avx2"))) static void fill_avx2(FILL_ARGS) { fill_either(FILL_ARGS_PASS); }
#endif

void toy_fill_feature(toy_kernel_path path, FILL_ARGS) {
#if defined(__x86_64__)
  if (path == TOY_KERNEL_AVX2) {
    fill_avx2(FILL_ARGS_PASS);
    return;
  }
#endif
  (void)path;
  fill_baseline(FILL_ARGS_PASS);
}

// Feature sets (the paper's correlated and anti-correlated features). A set's on/off
// decision is the lead's mask word (u of feature L, every sample drawing its own, in every
// scheme) against the lead's threshold; a correlated set then gives every member its own
// value, an anti-correlated one gives a value to the single member floor(u'·S / 2³²) alone,
// u' the mask word of feature L + 1.

// The set's selection at one lane: the active member (0 for the whole of an active
// correlated set), or −1 when the set is off.
ALWAYS_INLINE int32_t set_selection(
    uint32_t lead_lo, uint32_t pick_lo, uint32_t lane, uint64_t threshold, int anti, uint32_t size) {
  if ((uint64_t)hash32(lead_lo ^ lane) >= threshold) return -1;
  return anti ? (int32_t)(((uint64_t)hash32(pick_lo ^ lane) * size) >> 32) : 0;
}

typedef uint64_t vu8x64 __attribute__((vector_size(64), aligned(8)));

// Why this is fast: the selection is computed once per sample for the whole set (two hashes,
// eight lanes at a time) and kept in `selection`; each member then needs one value hash per
// sample and a compare against its index, eight lanes at a time, with no branch per sample.
// Row seeds are one mix per member per block of 128 samples.
ALWAYS_INLINE void fill_set_body(
    uint64_t key, uint64_t first, int count, int n, int lead, int size, int anti, uint64_t threshold,
    int signed_values, float *x, long stride) {
  int32_t selection[128];
  const uint32_t t = threshold >= 0x100000000ull ? 0xFFFFFFFFu : (uint32_t)threshold;
  const vs8 always = (vs8){0, 0, 0, 0, 0, 0, 0, 0} - (threshold >= 0x100000000ull);
  int j = 0;
  while (j < count) {
    const uint64_t s = first + (uint64_t)j;
    const uint32_t start = (uint32_t)(s & 127);
    int run = 128 - (int)start;  // samples left in this block
    if (run > count - j) run = count - j;
    const uint32_t lead_lo = (uint32_t)row_seed(key, s, (uint64_t)n, (uint64_t)lead);
    const uint32_t pick_lo = anti ? (uint32_t)row_seed(key, s, (uint64_t)n, (uint64_t)lead + 1) : 0;
    int i = 0;
    for (; i + 8 <= run; i += 8) {
      const vu8 lanes = (vu8){0, 1, 2, 3, 4, 5, 6, 7} + (start + (uint32_t)i);
      const vs8 on = (vs8)(hash32x8(lanes ^ lead_lo) < t) | always;
      vs8 member = (vs8){0, 0, 0, 0, 0, 0, 0, 0};
      if (anti) {
        const vu8x64 wide = __builtin_convertvector(hash32x8(lanes ^ pick_lo), vu8x64) * (uint64_t)size;
        member = (vs8)__builtin_convertvector(wide >> 32, vu8);
      }
      const vs8 chosen = (member & on) | ~on;  // −1 where the set is off
      __builtin_memcpy(selection + i, &chosen, sizeof chosen);
    }
    for (; i < run; i++)
      selection[i] = set_selection(lead_lo, pick_lo, start + (uint32_t)i, threshold, anti, (uint32_t)size);
    for (int k = 0; k < size; k++) {
      const uint32_t hi = (uint32_t)(row_seed(key, s, (uint64_t)n, (uint64_t)(lead + k)) >> 32);
      const int32_t me = anti ? k : 0;
      float *row = x + (long)k * stride + j;
      i = 0;
      for (; i + 8 <= run; i += 8) {
        const vu8 lanes = (vu8){0, 1, 2, 3, 4, 5, 6, 7} + (start + (uint32_t)i);
        vs8 chosen;
        __builtin_memcpy(&chosen, selection + i, sizeof chosen);
        const vf8 value = values_of8(hash32x8(lanes ^ hi), signed_values);
        const vf8 kept = (vf8)((vs8)value & (vs8)(chosen == me));
        __builtin_memcpy(row + i, &kept, sizeof kept);
      }
      for (; i < run; i++)
        row[i] = selection[i] == me ? value_of(hash32(hi ^ (start + (uint32_t)i)), signed_values) : 0.0f;
    }
    j += run;
  }
}

// The body with `anti` and `signed_values` constants, so that no test of them is left in the loops.
ALWAYS_INLINE void fill_set_either(
    uint64_t key, uint64_t first, int count, int n, int lead, int size, int anti, uint64_t threshold,
    int signed_values, float *x, long stride) {
  if (anti) {
    if (signed_values)
      fill_set_body(key, first, count, n, lead, size, 1, threshold, 1, x, stride);
    else
      fill_set_body(key, first, count, n, lead, size, 1, threshold, 0, x, stride);
  } else {
    if (signed_values)
      fill_set_body(key, first, count, n, lead, size, 0, threshold, 1, x, stride);
    else
      fill_set_body(key, first, count, n, lead, size, 0, threshold, 0, x, stride);
  }
}

static void fill_set_baseline(
    uint64_t key, uint64_t first, int count, int n, int lead, int size, int anti, uint64_t threshold,
    int signed_values, float *x, long stride) {
  fill_set_either(key, first, count, n, lead, size, anti, threshold, signed_values, x, stride);
}

#if defined(__x86_64__)
__attribute__((target("avx2"))) static void fill_set_avx2(
    uint64_t key, uint64_t first, int count, int n, int lead, int size, int anti, uint64_t threshold,
    int signed_values, float *x, long stride) {
  fill_set_either(key, first, count, n, lead, size, anti, threshold, signed_values, x, stride);
}
#endif

void toy_fill_set(
    toy_kernel_path path, uint64_t key, uint64_t first, int count, int n, int lead, int size, int anti,
    uint64_t threshold, int signed_values, float *x, long stride) {
#if defined(__x86_64__)
  if (path == TOY_KERNEL_AVX2) {
    fill_set_avx2(key, first, count, n, lead, size, anti, threshold, signed_values, x, stride);
    return;
  }
#endif
  (void)path;
  fill_set_baseline(key, first, count, n, lead, size, anti, threshold, signed_values, x, stride);
}
