// 8-wide float helpers shared by the kernels (private to CToyKernels). They are always
// inlined, so a body that uses them compiles for whatever target its caller has.
#ifndef TOY_SIMD_H
#define TOY_SIMD_H

#include <stdint.h>

// The helpers are always inlined, so their vector arguments never cross an ABI.
#pragma clang diagnostic ignored "-Wpsabi"

typedef float v8 __attribute__((vector_size(32), aligned(4)));
typedef int32_t vi8 __attribute__((vector_size(32), aligned(4)));

#define ALWAYS_INLINE static inline __attribute__((always_inline))

ALWAYS_INLINE v8 load8(const float *p) { v8 v; __builtin_memcpy(&v, p, sizeof v); return v; }
ALWAYS_INLINE void store8(float *p, v8 v) { __builtin_memcpy(p, &v, sizeof v); }
ALWAYS_INLINE v8 splat8(float a) { return (v8){a, a, a, a, a, a, a, a}; }
ALWAYS_INLINE float sum8(v8 v) {
  // A fixed pairwise order, so both paths sum the same way.
  float a = (v[0] + v[4]) + (v[2] + v[6]);
  float b = (v[1] + v[5]) + (v[3] + v[7]);
  return a + b;
}
// value where cond's lane is true (all ones), else 0.
ALWAYS_INLINE v8 keep8(vi8 cond, v8 value) { return (v8)((vi8)value & cond); }
ALWAYS_INLINE v8 relu8(v8 v) { return keep8(v > splat8(0), v); }

#endif
