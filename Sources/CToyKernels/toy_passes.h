// Passes shared by the dense and the wide kernel (private to CToyKernels), always inlined.
#ifndef TOY_PASSES_H
#define TOY_PASSES_H

#include "toy_kernels.h"
#include "toy_simd.h"

// out[r] = init[r] + Σ_c coef[c·cs + r·rs] · in[c]  for rows r < rows, rows of L lanes.
// A block of 32 lanes (four independent accumulators, enough to hide the FMA latency)
// stays in registers while the sum runs over c.
ALWAYS_INLINE void combine(
    int rows, int cols, int lanes, int stride, const float *coef, int rs, int cs,
    const float *in, float *out, const float *init) {
  for (int r = 0; r < rows; r++) {
    float *o = out + (long)r * stride;
    const v8 start = init ? splat8(init[r]) : splat8(0);
    int j = 0;
    for (; j + 32 <= lanes; j += 32) {
      v8 a0 = start, a1 = start, a2 = start, a3 = start;
      for (int c = 0; c < cols; c++) {
        v8 w = splat8(coef[c * cs + r * rs]);
        const float *row = in + (long)c * stride + j;
        a0 += w * load8(row);
        a1 += w * load8(row + 8);
        a2 += w * load8(row + 16);
        a3 += w * load8(row + 24);
      }
      store8(o + j, a0);
      store8(o + j + 8, a1);
      store8(o + j + 16, a2);
      store8(o + j + 24, a3);
    }
    for (; j < lanes; j += 8) {
      v8 a0 = start;
      for (int c = 0; c < cols; c++) a0 += splat8(coef[c * cs + r * rs]) * load8(in + (long)c * stride + j);
      store8(o + j, a0);
    }
  }
}

// rows[r][j] = ReLU(rows[r][j]) for r < count, j < lanes (rows of `stride` floats): the
// hidden ReLU. A contiguous block is one row of all its floats.
ALWAYS_INLINE void relu_rows(int count, long lanes, long stride, float *rows) {
  for (int r = 0; r < count; r++)
    for (long j = 0; j < lanes; j += 8) store8(rows + r * stride + j, relu8(load8(rows + r * stride + j)));
}

// g[r][j] = 0 where h[r][j] ≤ 0: the gradient through the hidden ReLU.
ALWAYS_INLINE void keep_where_positive(int count, long lanes, long stride, const float *h, float *g) {
  for (int r = 0; r < count; r++)
    for (long j = 0; j < lanes; j += 8) {
      const long i = r * stride + j;
      store8(g + i, keep8(load8(h + i) > splat8(0), load8(g + i)));
    }
}

// Replaces the pre-activations z (F rows) by δ = ∂loss/∂z and returns Σ_j Σ_f I_f·(x'−t)²
// over the lanes. `valid` (nullable) multiplies each lane's error, to mask padding.
ALWAYS_INLINE double error_pass(
    int flags, int n, int lanes, int stride, const float *importance, float scale, const float *x,
    float *z, const float *valid) {
  const int output_relu = flags & TOY_OUTPUT_RELU, abs_target = flags & TOY_ABS_TARGET;
  v8 loss = splat8(0);
  for (int f = 0; f < n; f++) {
    const float weight = importance[f];
    const v8 dscale = splat8(2 * scale * weight);
    v8 floss = splat8(0);
    float *zf = z + (long)f * stride;
    const float *xf = x + (long)f * stride;
    for (int j = 0; j < lanes; j += 8) {
      v8 pre = load8(zf + j);
      v8 zero = splat8(0);
      v8 y = output_relu ? relu8(pre) : pre;
      v8 t = load8(xf + j);
      if (abs_target) t = (v8)((vi8)t & (vi8)splat8(__builtin_bit_cast(float, 0x7fffffff)));
      v8 d = y - t;
      if (valid) d *= load8(valid + j);
      floss += d * d;
      v8 delta = dscale * d;
      if (output_relu) delta = keep8(pre > zero, delta);
      store8(zf + j, delta);
    }
    loss += splat8(weight) * floss;
  }
  return sum8(loss);
}

#endif
