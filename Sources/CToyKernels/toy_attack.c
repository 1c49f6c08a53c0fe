// The analytic attack's inner loop (ShiftedBatchLoss.swift): every moved sample's loss under
// every direction, for the kinds without a hidden ReLU, whose attacked output pre-activation
// is the clean one plus ε‖x‖ times the direction's output shift.
//
// Shapes: B = samples, F = n features, D = directions; clean and target B×F, shifts F×D
// (feature-major, so the directions sit side by side), all in double.
//
// Why this is fast and still gives the Swift loop's bits: four directions go down the
// features together, one vector lane each. Each lane does exactly the scalar loop's
// operations in its order (sum over f from 0, (I·e)·e, no fused multiply-add), so the
// vector form changes no result; the scalar one kept one sum in flight and read a sample's
// row once per direction.
#include "toy_kernels.h"

#pragma clang diagnostic ignored "-Wpsabi"
#pragma clang fp contract(off)

typedef double vd4 __attribute__((vector_size(32), aligned(8)));
typedef int64_t vl4 __attribute__((vector_size(32), aligned(8)));

#define ALWAYS_INLINE static inline __attribute__((always_inline))

ALWAYS_INLINE vd4 load4(const double *p) { vd4 v; __builtin_memcpy(&v, p, sizeof v); return v; }
ALWAYS_INLINE vd4 splat4(double a) { return (vd4){a, a, a, a}; }

// Swift's max(y, 0), NaN kept: 0 where 0 ≥ y, else y.
ALWAYS_INLINE vd4 relu4(vd4 y) { return (vd4)((vl4)y & ~(vl4)(splat4(0) >= y)); }
ALWAYS_INLINE double relu1(double y) { return 0 >= y ? 0 : y; }

ALWAYS_INLINE void attack_body(
    int relu, int n, int directions, const int32_t *moved, int moved_count, const double *scales,
    const double *clean, const double *target, const double *importance, const double *shifts,
    double *totals) {
  for (int i = 0; i < moved_count; i++) {
    const long s = moved[i];
    const double scale = scales[i];
    const double *z = clean + s * n, *t = target + s * n;
    int d = 0;
    for (; d + 4 <= directions; d += 4) {
      vd4 sum = splat4(0);
      for (int f = 0; f < n; f++) {
        vd4 y = splat4(z[f]) + splat4(scale) * load4(shifts + (long)f * directions + d);
        if (relu) y = relu4(y);
        const vd4 e = y - splat4(t[f]);
        sum += splat4(importance[f]) * e * e;
      }
      for (int l = 0; l < 4; l++) totals[d + l] += sum[l];
    }
    for (; d < directions; d++) {
      double sum = 0;
      for (int f = 0; f < n; f++) {
        double y = z[f] + scale * shifts[(long)f * directions + d];
        if (relu) y = relu1(y);
        const double e = y - t[f];
        sum += importance[f] * e * e;
      }
      totals[d] += sum;
    }
  }
}

#define ATTACK_ARGS                                                                                 \
  int n, int directions, const int32_t *moved, int moved_count, const double *scales,             \
      const double *clean, const double *target, const double *importance, const double *shifts, \
      double *totals

// The body with `relu` a constant, so that no test of it is left in the loop.
ALWAYS_INLINE void attack_either(int relu, ATTACK_ARGS) {
  if (relu)
    attack_body(1, n, directions, moved, moved_count, scales, clean, target, importance, shifts, totals);
  else
    attack_body(0, n, directions, moved, moved_count, scales, clean, target, importance, shifts, totals);
}

static void attack_baseline(int relu, ATTACK_ARGS) {
  attack_either(relu, n, directions, moved, moved_count, scales, clean, target, importance, shifts, totals);
}

#if defined(__x86_64__)
__attribute__((target("avx2"))) static void attack_avx2(int relu, ATTACK_ARGS) {
  attack_either(relu, n, directions, moved, moved_count, scales, clean, target, importance, shifts, totals);
}
#endif

void toy_attack_losses(toy_kernel_path path, int output_relu, ATTACK_ARGS) {
#if defined(__x86_64__)
  if (path == TOY_KERNEL_AVX2) {
    attack_avx2(output_relu, n, directions, moved, moved_count, scales, clean, target, importance, shifts, totals);
    return;
  }
#endif
  (void)path;
  attack_baseline(output_relu, n, directions, moved, moved_count, scales, clean, target, importance, shifts, totals);
}
