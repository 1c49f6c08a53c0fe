// The data generator's hot loop: uniform values behind a Bernoulli mask, one feature row
// at a time, SIMD across samples.
//
// Word scheme (the same on every code path, all integer arithmetic, so both paths give the
// same bits): samples are grouped in blocks of 128 by their global index s. Feature f of
// block q gets a 64-bit row seed R = mix64(key + (q·n + f + 1)·γ) (SplitMix64); sample s
// then takes u = h(R_lo ^ lane) for its mask and v = h(R_hi ^ lane) for its value, where
// lane = s mod 128 and h is a 32-bit avalanche hash (xorshift-multiply, two rounds).
// The feature is active iff u < threshold (density resolved to 2⁻³²); its value is
// (v >> 8)·2⁻²⁴ on [0, 1), or ((v >> 8) − 2²³)·2⁻²³ on [−1, 1).
#include "toy_kernels.h"

#pragma clang diagnostic ignored "-Wpsabi"

typedef uint32_t vu8 __attribute__((vector_size(32), aligned(4)));
typedef int32_t vs8 __attribute__((vector_size(32), aligned(4)));
typedef float vf8 __attribute__((vector_size(32), aligned(4)));

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

// value_of for eight value words at once.
ALWAYS_INLINE vf8 values_of8(vu8 v, int signed_values) {
  const vs8 top = (vs8)(v >> 8);
  return signed_values ? __builtin_convertvector(top - (1 << 23), vf8) * 0x1p-23f
                       : __builtin_convertvector(top, vf8) * 0x1p-24f;
}

ALWAYS_INLINE void fill_body(
    uint64_t key, uint64_t first, int count, int n, int f, uint64_t threshold, int signed_values,
    float *row) {
  int j = 0;
  while (j < count) {
    uint64_t s = first + (uint64_t)j;
    uint64_t seed = row_seed(key, s, (uint64_t)n, (uint64_t)f);
    uint32_t lo = (uint32_t)seed, hi = (uint32_t)(seed >> 32);
    uint32_t lane = (uint32_t)(s & 127);
    int run = 128 - (int)lane;  // samples left in this block
    if (run > count - j) run = count - j;
    int end = j + run;
    if (threshold >= 0x100000000ull) {
      for (; j + 8 <= end; j += 8, lane += 8) {
        vu8 lanes = (vu8){0, 1, 2, 3, 4, 5, 6, 7} + lane;
        vf8 value = values_of8(hash32x8(lanes ^ hi), signed_values);
        __builtin_memcpy(row + j, &value, sizeof value);
      }
    } else {
      uint32_t t = (uint32_t)threshold;
      // Very sparse features leave most groups of sixteen empty: skip their value hashes.
      // Denser ones compute them always: a branch taken at random costs more than a hash.
      const int skip_empty = threshold < (1ull << 25);  // density below 1/128
      vu8 lanes = (vu8){0, 1, 2, 3, 4, 5, 6, 7} + lane;
      if (skip_empty) {
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
      for (; j + 8 <= end; j += 8, lane += 8, lanes += 8) {
        vu8 u = hash32x8(lanes ^ lo);
        vs8 on = (vs8)(u < t);
        vf8 value = values_of8(hash32x8(lanes ^ hi), signed_values);
        vf8 kept = (vf8)((vs8)value & on);
        __builtin_memcpy(row + j, &kept, sizeof kept);
      }
    }
    for (; j < end; j++, lane++) {
      uint32_t u = hash32(lo ^ lane), v = hash32(hi ^ lane);
      row[j] = (uint64_t)u < threshold ? value_of(v, signed_values) : 0.0f;
    }
  }
}

// The body with `signed_values` a constant, so that no test of it is left in the loops.
ALWAYS_INLINE void fill_either(
    uint64_t key, uint64_t first, int count, int n, int f, uint64_t threshold, int signed_values, float *row) {
  if (signed_values)
    fill_body(key, first, count, n, f, threshold, 1, row);
  else
    fill_body(key, first, count, n, f, threshold, 0, row);
}

static void fill_baseline(uint64_t key, uint64_t first, int count, int n, int f, uint64_t threshold,
                          int signed_values, float *row) {
  fill_either(key, first, count, n, f, threshold, signed_values, row);
}

#if defined(__x86_64__)
__attribute__((target("avx2"))) static void fill_avx2(
    uint64_t key, uint64_t first, int count, int n, int f, uint64_t threshold, int signed_values,
    float *row) {
  fill_either(key, first, count, n, f, threshold, signed_values, row);
}
#endif

void toy_fill_feature(
    toy_kernel_path path, uint64_t key, uint64_t first, int count, int n, int f, uint64_t threshold,
    int signed_values, float *row) {
#if defined(__x86_64__)
  if (path == TOY_KERNEL_AVX2) {
    fill_avx2(key, first, count, n, f, threshold, signed_values, row);
    return;
  }
#endif
  (void)path;
  fill_baseline(key, first, count, n, f, threshold, signed_values, row);
}
