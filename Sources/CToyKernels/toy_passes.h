// Passes shared by the dense and the wide kernel (private to CToyKernels), always inlined.
#ifndef TOY_PASSES_H
#define TOY_PASSES_H

#include "toy_kernels.h"
#include "toy_simd.h"

// Rows 0 ..< R of out (R ≤ 6), lanes 0 ..< 8·V (V ≤ 2): out[r] = start[r] + Σ_c coef[c·cs +
// r·rs]·in[c] over c < cols, where start is init[r] (or 0).
// R and V are constants after inlining.
ALWAYS_INLINE void combine_tile(
    int R, int V, int cols, const float *coef, int rs, int cs, const float *in, int stride, float *out,
    const float *init) {
  v8 acc[6][2];
  for (int r = 0; r < R; r++)
    for (int v = 0; v < V; v++)
      acc[r][v] = init ? splat8(init[r]) : splat8(0);
  for (int c = 0; c < cols; c++) {
    const float *row = in + (long)c * stride;
    const v8 x0 = load8(row), x1 = V > 1 ? load8(row + 8) : splat8(0);
    for (int r = 0; r < R; r++) {
      const v8 w = splat8(coef[c * cs + r * rs]);
      acc[r][0] += w * x0;
      if (V > 1) acc[r][1] += w * x1;
    }
  }
  for (int r = 0; r < R; r++)
    for (int v = 0; v < V; v++) store8(out + (long)r * stride + 8 * v, acc[r][v]);
}

// Every row of out over lanes j ..< j + 8·V, in tiles of six or five rows (then one tile of the
// rest). The inputs' lanes (cols × 8·V floats) stay in the first-level cache while each
// tile of rows passes over them.
ALWAYS_INLINE void combine_lanes(
    int V, int rows, int cols, int stride, const float *coef, int rs, int cs, const float *in, float *out,
    const float *init) {
  int r = 0;
  // Tiles of five rows where six would leave a remainder of one to three (20 hidden rows:
  // four tiles of five, not three of six and a slow one of two).
  const int five = rows % 6 != 0 && rows % 6 < 4 && (rows % 5 == 0 || rows % 5 >= 4);
  if (five)
    for (; r + 5 <= rows; r += 5)
      combine_tile(5, V, cols, coef + r * rs, rs, cs, in, stride, out + (long)r * stride, init ? init + r : 0);
  else
    for (; r + 6 <= rows; r += 6)
      combine_tile(6, V, cols, coef + r * rs, rs, cs, in, stride, out + (long)r * stride, init ? init + r : 0);
  // The last rows as one tile of as many, not one by one (a single row keeps one or two
  // accumulators, too few to cover the multiply-add latency).
  const float *w = coef + r * rs, *start = init ? init + r : 0;
  float *o = out + (long)r * stride;
  switch (rows - r) {
    case 1: combine_tile(1, V, cols, w, rs, cs, in, stride, o, start); break;
    case 2: combine_tile(2, V, cols, w, rs, cs, in, stride, o, start); break;
    case 3: combine_tile(3, V, cols, w, rs, cs, in, stride, o, start); break;
    case 4: combine_tile(4, V, cols, w, rs, cs, in, stride, o, start); break;
    case 5: combine_tile(5, V, cols, w, rs, cs, in, stride, o, start); break;
    default: break;
  }
}

// out[r] = init[r] + Σ_c coef[c·cs + r·rs]·in[c]  for rows r < rows, rows of `lanes` lanes
// (`stride` floats apart; init nullable for 0): six rows at a time (per input vector
// loaded, six multiply-adds instead of one), 16 lanes at a time.
ALWAYS_INLINE void combine_blocked(
    int rows, int cols, int lanes, int stride, const float *coef, int rs, int cs, const float *in, float *out,
    const float *init) {
  int j = 0;
  for (; j + 16 <= lanes; j += 16) combine_lanes(2, rows, cols, stride, coef, rs, cs, in + j, out + j, init);
  if (j < lanes) combine_lanes(1, rows, cols, stride, coef, rs, cs, in + j, out + j, init);
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

// One block of eight lanes of a feature's error: δ = ∂loss/∂z from the pre-activations `pre` and
// the inputs `t` (the target is t, or |t|), the squared error added to `loss` and δ to `sum`.
// `valid` (nullable) multiplies the error lane by lane. The one definition of the step for
// every pass that computes it (error_rows, and the tiniest models' pass in toy_kernels.c), so
// that they give the same bits.
ALWAYS_INLINE v8 error_block(
    int output_relu, int abs_target, v8 pre, v8 t, const float *valid, v8 dscale, v8 *loss, v8 *sum) {
  v8 zero = splat8(0);
  v8 y = output_relu ? relu8(pre) : pre;
  if (abs_target) t = (v8)((vi8)t & (vi8)splat8(__builtin_bit_cast(float, 0x7fffffff)));
  v8 d = y - t;
  if (valid) d *= load8(valid);
  *loss += d * d;
  v8 delta = dscale * d;
  if (output_relu) delta = keep8(pre > zero, delta);
  *sum += delta;
  return delta;
}

// Replaces the pre-activations z (F rows) by δ = ∂loss/∂z, adds Σ_j δ[f][j] to
// grad_bias[f] (when grad_bias is non-null) and returns Σ_j Σ_f I_f·(x'−t)² over the lanes.
// `valid` (nullable) multiplies each lane's error, to mask padding. The switches are
// constants after inlining (see error_pass).
ALWAYS_INLINE double error_rows(
    int output_relu, int abs_target, int masked, int n, int lanes, int stride, const float *importance,
    float scale, const float *x, float *z, const float *valid, float *grad_bias) {
  v8 loss = splat8(0);
  for (int f = 0; f < n; f++) {
    const float weight = importance[f];
    const v8 dscale = splat8(2 * scale * weight);
    v8 floss = splat8(0), dsum = splat8(0);
    float *zf = z + (long)f * stride;
    const float *xf = x + (long)f * stride;
    for (int j = 0; j < lanes; j += 8)
      store8(zf + j, error_block(output_relu, abs_target, load8(zf + j), load8(xf + j), masked ? valid + j : 0, dscale,
                                 &floss, &dsum));
    loss += splat8(weight) * floss;
    if (grad_bias) grad_bias[f] += sum8(dsum);
  }
  return sum8(loss);
}

// error_rows with its switches taken out of the inner loop: one copy per combination.
ALWAYS_INLINE double error_pass(
    int flags, int n, int lanes, int stride, const float *importance, float scale, const float *x,
    float *z, const float *valid, float *grad_bias) {
  const int relu = (flags & TOY_OUTPUT_RELU) != 0, abs = (flags & TOY_ABS_TARGET) != 0;
#define ERROR_ROWS(R, A, M) error_rows(R, A, M, n, lanes, stride, importance, scale, x, z, valid, grad_bias)
  switch (relu * 4 + abs * 2 + (valid != 0)) {
    case 0: return ERROR_ROWS(0, 0, 0);
    case 1: return ERROR_ROWS(0, 0, 1);
    case 2: return ERROR_ROWS(0, 1, 0);
    case 3: return ERROR_ROWS(0, 1, 1);
    case 4: return ERROR_ROWS(1, 0, 0);
    case 5: return ERROR_ROWS(1, 0, 1);
    case 6: return ERROR_ROWS(1, 1, 0);
    default: return ERROR_ROWS(1, 1, 1);
  }
#undef ERROR_ROWS
}

// out[f·os + k] += Σ_j a[f][j]·b[k][j] for features f < F and hidden rows k < K (rows of
// `stride` floats, out rows of os; F·K ≤ 10, both constants after inlining): F·K independent sums, enough to
// keep the multiply-adds busy. Each loaded b row feeds F of them and the F rows of a stay in
// registers, so a block of lanes costs F + K loads for F·K multiply-adds, where one feature
// at a time (F = 1) would be bound by its loads. Every sum runs over the lanes in order,
// whatever F and K are.
ALWAYS_INLINE void dots(
    int F, int K, const float *a, const float *b, int lanes, long stride, int os, float *out) {
  v8 acc[6][5];
  for (int f = 0; f < F; f++)
    for (int k = 0; k < K; k++) acc[f][k] = splat8(0);
  for (int j = 0; j < lanes; j += 8) {
    v8 af[6];
    for (int f = 0; f < F; f++) af[f] = load8(a + f * stride + j);
    for (int k = 0; k < K; k++) {
      const v8 bk = load8(b + k * stride + j);
      for (int f = 0; f < F; f++) acc[f][k] += af[f] * bk;
    }
  }
  for (int f = 0; f < F; f++)
    for (int k = 0; k < K; k++) out[f * os + k] += sum8(acc[f][k]);
}

// dots over every feature (rows of a) for the hidden rows k0 ..< k0 + K of b: tiles of F
// features, then one tile of the rest (F ≤ 6).
ALWAYS_INLINE void dots_rows(
    int F, int K, int n, int k0, const float *a, const float *b, int lanes, long stride, int os, float *out) {
  int f = 0;
  for (; f + F <= n; f += F) dots(F, K, a + f * stride, b + k0 * stride, lanes, stride, os, out + f * os + k0);
  const float *rest = a + f * stride, *bk = b + k0 * stride;
  float *o = out + f * os + k0;
  switch (n - f) {
    case 1: dots(1, K, rest, bk, lanes, stride, os, o); break;
    case 2: dots(2, K, rest, bk, lanes, stride, os, o); break;
    case 3: dots(3, K, rest, bk, lanes, stride, os, o); break;
    case 4: dots(4, K, rest, bk, lanes, stride, os, o); break;
    case 5: dots(5, K, rest, bk, lanes, stride, os, o); break;
    default: break;
  }
}

// out[f·out_stride + k] += Σ_j a[f][j]·b[k][j] for every f < n and k < m: the weight
// gradients' products, five hidden rows at a time, with as many features per tile as fit.
ALWAYS_INLINE void gradient_dots(
    int n, int m, const float *a, const float *b, int lanes, long stride, float *out, int out_stride) {
  for (int k = 0; k < m; k += 5) {
    switch (m - k) {
      case 1: dots_rows(6, 1, n, k, a, b, lanes, stride, out_stride, out); break;
      case 2: dots_rows(4, 2, n, k, a, b, lanes, stride, out_stride, out); break;
      case 3: dots_rows(3, 3, n, k, a, b, lanes, stride, out_stride, out); break;
      case 4: dots_rows(2, 4, n, k, a, b, lanes, stride, out_stride, out); break;
      default: dots_rows(2, 5, n, k, a, b, lanes, stride, out_stride, out); break;
    }
  }
}

#endif
