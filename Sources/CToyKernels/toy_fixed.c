// The fixed-set kernel: forward and backward over a chunk of a fixed training set's examples
// through the tied ReLU-output model x' = ReLU(WᵀWx + b).
//
// Shapes: F = n features, H = m hidden, L = lanes (the chunk's examples, padded to 8).
// The set is given sparse, twice: by example (the chunk's CSR rows: h = Wx) and by feature
// (the chunk's entries grouped by feature, lanes in order: the error's targets and
// ∂W's products with x). h and g = ∂L/∂h are hidden-major rows of L floats in `work`.
//
// Why it is fast where the chunk kernels are not: at 1−S = 0.001 an example of ten thousand
// features has about ten non-zero inputs, so the dense chunk kernels spend most of a step
// writing and scanning zeros (a chunk is written dense, then its non-zero lanes listed).
// Here the set's sparse structure is built once per training call, the two products with x
// (h = Wx and ∂W += x·gᵀ) run over its entries, and the three dense products (z = Wh + b,
// g = Wᵀδ, ∂W += δ·hᵀ) are fused into one sweep over each feature's row of lanes, which
// keeps h and g in the first-level cache and never stores z or δ.
//
// A feature whose pre-activation is certainly ≤ 0 on every lane of the chunk needs no dense
// work: its output is 0, its δ is 0 and its loss is I_f·Σ x². The bound is b_f + Σ_k
// max(W_fk·min h_k, W_fk·max h_k), in double, less a margin for the float rounding of the
// pre-activation (m + 1 fused multiply-adds): when it holds, the sweep would have computed
// z ≤ 0 on every lane, so skipping it changes no δ (the loss's sum runs in another order).
// The choice depends on the weights and the chunk alone, never on the thread count.
#include <math.h>

#include "include/toy_kernels.h"
#include "toy_simd.h"

// The margin, relative to |b| + Σ_k |W_fk·h_k|: the computed z is within (m + 1)·2⁻²⁴ of that
// of the exact value (m + 1 roundings, of partial sums no larger); twice that.
#define ROUNDING_MARGIN(m) ((double)((m) + 1) * 0x1p-23)

// The fused sweep over one feature's row of lanes: z = b + Σ_k W_fk·h_k, y = ReLU(z),
// e = (y − x)·valid, loss += e², δ = 2·scale·I_f·e where z > 0; g_k += δ·W_fk, ∂W_fk += δ·h_k,
// ∂b_f += δ. M (hidden rows) and `masked` are constants after inlining.
//
// The lanes' δ is never formed: the sums over lanes take e where z > 0 and are scaled by
// 2·scale·I_f once at the end, and g takes it times (2·scale·I_f·W_fk), a broadcast formed once
// per feature; a multiply fewer per block of lanes, where the multiply-add units are the
// bound. For small M the accumulators and broadcasts live in registers (the stores to g could
// alias W as far as the compiler knows, so it would load the broadcasts again for each block);
// other M keep the accumulators in `spill` and form the broadcasts in the loop.
ALWAYS_INLINE void sweep_feature(
    int M, int masked, int lanes, const float *wf, float b, float dscale, const float *h, const float *xrow,
    const float *valid, float *g, v8 *spill, v8 *dsum, v8 *floss) {
  v8 local[4], wk[4], wd[4];
  v8 *acc = M <= 4 ? local : spill;
  for (int k = 0; k < M; k++) acc[k] = splat8(0);
  const v8 vb = splat8(b), vd = splat8(dscale);
  for (int k = 0; k < M && k < 4; k++) {
    wk[k] = splat8(wf[k]);
    wd[k] = splat8(dscale * wf[k]);
  }
  v8 ds = splat8(0), fl = splat8(0);
  for (long j = 0; j < lanes; j += 8) {
    // The M rows of h are loaded once, before the stores to g (which could alias them).
    v8 z = vb;
    for (int k = 0; k < M; k++) z += (M <= 4 ? wk[k] : splat8(wf[k])) * load8(h + k * (long)lanes + j);
    v8 e = relu8(z) - load8(xrow + j);
    if (masked) e *= load8(valid + j);
    fl += e * e;
    const v8 on = keep8(z > splat8(0), e);
    ds += on;
    for (int k = 0; k < M; k++) acc[k] += on * load8(h + k * (long)lanes + j);
    for (int k = 0; k < M; k++) {
      float *gk = g + k * (long)lanes + j;
      store8(gk, load8(gk) + on * (M <= 4 ? wd[k] : splat8(dscale * wf[k])));
    }
  }
  for (int k = 0; k < M; k++) spill[k] = vd * acc[k];
  *dsum = vd * ds;
  *floss = fl;
}

ALWAYS_INLINE double fixed_body(
    int M, int masked, int n, int count, int lanes, const float *w, const float *bias, const float *importance,
    float scale, const int32_t *example_starts, const int32_t *example_features, const float *example_values,
    const int32_t *feature_starts, const int32_t *entry_lanes, const float *entry_values, float *work,
    float *grad_w, float *grad_b, int *off_features) {
  float *h = work, *g = work + (long)M * lanes, *xrow = g + (long)M * lanes, *valid = xrow + lanes;
  v8 *acc = (v8 *)(valid + lanes);

  // h = Wx over the examples' entries; padded lanes stay 0.
  for (long i = 0; i < 2L * M * lanes + lanes; i++) h[i] = 0;
  for (int j = 0; j < lanes; j++) valid[j] = j < count ? 1 : 0;
  for (int j = 0; j < count; j++)
    for (int e = example_starts[j]; e < example_starts[j + 1]; e++) {
      const float *wf = w + (long)example_features[e] * M;
      const float x = example_values[e];
      for (int k = 0; k < M; k++) h[(long)k * lanes + j] += wf[k] * x;
    }

  // The range of each hidden row over the chunk (padded lanes' zeros included: a wider range).
  double low[64], high[64];
  const int bounded = M <= 64;
  for (int k = 0; bounded && k < M; k++) {
    float lo = h[(long)k * lanes], hi = lo;
    for (int j = 1; j < lanes; j++) {
      const float v = h[(long)k * lanes + j];
      lo = v < lo ? v : lo;
      hi = v > hi ? v : hi;
    }
    low[k] = lo;
    high[k] = hi;
  }

  double total = 0;
  int off = 0;
  for (int f = 0; f < n; f++) {
    const float *wf = w + (long)f * M;
    const float b = bias[f], weight = importance[f];
    const int first = feature_starts[f], last = feature_starts[f + 1];
    if (bounded) {
      double top = b, size = fabs((double)b);
      for (int k = 0; k < M; k++) {
        const double a = (double)wf[k] * low[k], c = (double)wf[k] * high[k];
        top += a > c ? a : c;
        size += fmax(fabs(a), fabs(c));
      }
      if (top + size * ROUNDING_MARGIN(M) <= 0) {
        float squares = 0;
        for (int e = first; e < last; e++) squares += entry_values[e] * entry_values[e];
        total += (double)weight * squares;
        for (int k = 0; k < M; k++) grad_w[(long)f * M + k] = 0;
        grad_b[f] = 0;
        off++;
        continue;
      }
    }
    for (int e = first; e < last; e++) xrow[entry_lanes[e]] = entry_values[e];
    v8 dsum, floss;
    sweep_feature(M, masked, lanes, wf, b, 2 * scale * weight, h, xrow, valid, g, acc, &dsum, &floss);
    for (int e = first; e < last; e++) xrow[entry_lanes[e]] = 0;
    for (int k = 0; k < M; k++) grad_w[(long)f * M + k] = sum8(acc[k]);
    grad_b[f] = sum8(dsum);
    total += (double)weight * sum8(floss);
  }

  // ∂W_f += Σ_j x_fj·g_j over the entries (g is whole now that every feature swept).
  for (int f = 0; f < n; f++)
    for (int e = feature_starts[f]; e < feature_starts[f + 1]; e++) {
      const float x = entry_values[e];
      const int j = entry_lanes[e];
      for (int k = 0; k < M; k++) grad_w[(long)f * M + k] += x * g[(long)k * lanes + j];
    }
  if (off_features) *off_features = off;
  return total;
}

#define FIXED_ARGS                                                                                             \
  int m, int masked, int n, int count, int lanes, const float *w, const float *bias, const float *importance,  \
      float scale, const int32_t *example_starts, const int32_t *example_features, const float *example_values, \
      const int32_t *feature_starts, const int32_t *entry_lanes, const float *entry_values, float *work,        \
      float *grad_w, float *grad_b, int *off_features
#define FIXED_CALL(M, MASKED)                                                                                   \
  fixed_body(M, MASKED, n, count, lanes, w, bias, importance, scale, example_starts, example_features,          \
             example_values, feature_starts, entry_lanes, entry_values, work, grad_w, grad_b, off_features)

// One copy per small m (its accumulators in registers) and masking; any other m runs the
// generic copy.
#define FIXED_DISPATCH                                    \
  switch (m * 2 + masked) {                               \
    case 2: return FIXED_CALL(1, 0);                      \
    case 3: return FIXED_CALL(1, 1);                      \
    case 4: return FIXED_CALL(2, 0);                      \
    case 5: return FIXED_CALL(2, 1);                      \
    case 6: return FIXED_CALL(3, 0);                      \
    case 7: return FIXED_CALL(3, 1);                      \
    case 8: return FIXED_CALL(4, 0);                      \
    case 9: return FIXED_CALL(4, 1);                      \
    default: return masked ? FIXED_CALL(m, 1) : FIXED_CALL(m, 0); \
  }

static double fixed_baseline(FIXED_ARGS) { FIXED_DISPATCH }

#if defined(__x86_64__)
__attribute__((target("avx2,fma"))) static double fixed_avx2(FIXED_ARGS) { FIXED_DISPATCH }
#endif

long toy_fixed_work_floats(int m, int lanes) { return (2L * m + 2) * lanes + 8L * m; }

double toy_fixed_chunk(
    toy_kernel_path path, int n, int m, int count, int lanes, const float *w, const float *bias,
    const float *importance, float scale, const int32_t *example_starts, const int32_t *example_features,
    const float *example_values, const int32_t *feature_starts, const int32_t *entry_lanes,
    const float *entry_values, float *work, float *grad_w, float *grad_b, int *off_features) {
  const int masked = count < lanes;
#if defined(__x86_64__)
  if (path == TOY_KERNEL_AVX2)
    return fixed_avx2(
        m, masked, n, count, lanes, w, bias, importance, scale, example_starts, example_features, example_values,
        feature_starts, entry_lanes, entry_values, work, grad_w, grad_b, off_features);
#endif
  (void)path;
  return fixed_baseline(
      m, masked, n, count, lanes, w, bias, importance, scale, example_starts, example_features, example_values,
      feature_starts, entry_lanes, entry_values, work, grad_w, grad_b, off_features);
}
