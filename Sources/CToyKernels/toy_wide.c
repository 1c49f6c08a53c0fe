// The wide kernel: forward and backward over a chunk of samples of one instance of a model
// with many features.
//
// Layout as in toy_kernels.c (x, z, h, g feature-major, SIMD along the samples), plus
// sample-major hidden rows ht and gt: one row of mp = m rounded up to 8 floats per sample.
// Two things make it fast where n is large:
// - The dense products are register-blocked: a tile of six rows by 16 lanes (or of a few
//   rows by up to 32 hidden columns) stays in eight to twelve accumulators, so every loaded
//   vector feeds several multiply-adds, and each tile's inputs stay in the first-level cache.
// - Most inputs are zero. Each feature row's non-zero lanes are listed once, and the two
//   products with x (h = Winᵀx and ∂Win = x·gᵀ) run over those lanes only. The error δ is
//   not sparse in practice (a feature the model does not represent outputs a constant
//   positive bias), so its products stay dense.
// Like the dense kernel, the body is compiled for the baseline and for AVX2+FMA (+POPCNT).
#include "toy_lanes.h"
#include "toy_passes.h"

// ---- The kernel ----

// Below these input densities (of the chunk) the products with x run over the listed lanes,
// above them dense: the sparse forward product is bound by its stores (a row update per
// input), the sparse gradient product by its loads, the dense ones by arithmetic. The
// crossings were measured on Zen 3. The choice depends on the data alone, so results do not
// depend on the thread count.
#define SPARSE_FORWARD_BELOW 0.3
#define SPARSE_GRADIENT_BELOW 0.6

typedef struct {
  int mp, cap;        // hidden row width; list capacity per feature
  float *ht, *gt;     // lanes × mp, sample-major
  float *wp;          // n × mp: Win's rows, zero-padded to mp (set by toy_wide_begin)
  float *gin, *gout;  // n × mp: the batch's ∂Win and ∂Wout so far (added up by toy_wide_end)
  uint16_t *lists;    // per feature, its non-zero lanes
  int *counts;        // and how many
} wide_work;

// The work space's parts in order, each rounded up to 32 bytes: their byte offsets, and
// (the return value) the total. One walk for both the layout and the size, so they agree.
enum { PART_HT, PART_GT, PART_WP, PART_GIN, PART_GOUT, PART_LISTS, PART_COUNTS, PARTS };

static long wide_offsets(int n, int m, int width, long offset[PARTS]) {
  const long mp = (m + 7) / 8 * 8, cap = width + 8, rows = (long)width * mp * 4, padded = (long)n * mp * 4;
  const long bytes[PARTS] = {rows, rows, padded, padded, padded, (long)n * cap * 2, (long)n * 4};
  long at = 0;
  for (int i = 0; i < PARTS; i++) {
    offset[i] = at;
    at += (bytes[i] + 31) / 32 * 32;
  }
  return at;
}

static wide_work wide_layout(int n, int m, int width, void *base) {
  long offset[PARTS];
  wide_offsets(n, m, width, offset);
  char *p = base;
  wide_work w;
  w.mp = (m + 7) / 8 * 8;
  w.cap = width + 8;
  w.ht = (float *)(p + offset[PART_HT]);
  w.gt = (float *)(p + offset[PART_GT]);
  w.wp = (float *)(p + offset[PART_WP]);
  w.gin = (float *)(p + offset[PART_GIN]);
  w.gout = (float *)(p + offset[PART_GOUT]);
  w.lists = (uint16_t *)(p + offset[PART_LISTS]);
  w.counts = (int *)(p + offset[PART_COUNTS]);
  return w;
}

long toy_wide_work_bytes(int n, int m, int width) {
  long offset[PARTS];
  return wide_offsets(n, m, width, offset);
}

// The gradient products accumulate in padded rows across the batch's chunks, so that a
// chunk's tiles end in whole-vector stores rather than m scalar additions per row, and the
// padding and adding up (n·m each, the size of a chunk's product for one lane) happen once
// per batch instead of once per chunk.
void toy_wide_begin(int n, int m, int width, const float *win, void *work) {
  const wide_work w = wide_layout(n, m, width, work);
  for (int f = 0; f < n; f++)
    for (int k = 0; k < w.mp; k++) {
      w.wp[(long)f * w.mp + k] = k < m ? win[(long)f * m + k] : 0;
      w.gin[(long)f * w.mp + k] = 0;
      w.gout[(long)f * w.mp + k] = 0;
    }
}

void toy_wide_end(int n, int m, int width, void *work, float *grad_in, float *grad_out) {
  const wide_work w = wide_layout(n, m, width, work);
  for (int f = 0; f < n; f++)
    for (int k = 0; k < m; k++) {
      grad_in[(long)f * m + k] += w.gin[(long)f * w.mp + k];
      grad_out[(long)f * m + k] += w.gout[(long)f * w.mp + k];
    }
}


ALWAYS_INLINE double wide_body(
    int flags, int n, int m, int lanes, int stride, const float *win, const float *wout,
    const float *bias, const float *importance, float scale, const float *x, float *h, float *z,
    float *g, const float *valid, int gradient, float *grad_bias, void *work, float *acc_in, float *acc_in2,
    float *acc_out) {
  const int hidden_relu = flags & TOY_HIDDEN_RELU;
  const wide_work w = wide_layout(n, m, stride, work);
  const int mp = w.mp;
  float *gin = acc_in ? acc_in : w.gin, *gin2 = acc_in ? acc_in2 : w.gin, *gout = acc_in ? acc_out : w.gout;

  long nonzero = 0;
  for (int f = 0; f < n; f++) {
    w.counts[f] = nonzero_lanes(x + (long)f * stride, lanes, w.lists + (long)f * w.cap);
    nonzero += w.counts[f];
  }
  const double density = (double)nonzero / ((double)n * lanes);

  // h[k] = Σ_f Win[f,k]·x[f]  (then ReLU), in both layouts
  if (density < SPARSE_FORWARD_BELOW) {
    for (long i = 0; i < (long)lanes * mp; i++) w.ht[i] = 0;
    for (int f = 0; f < n; f++)
      scatter_row(mp, w.wp + (long)f * mp, x + (long)f * stride, w.lists + (long)f * w.cap, w.counts[f], w.ht);
    if (hidden_relu) relu_rows(1, (long)lanes * mp, 0, w.ht);
    to_feature_major(m, lanes, mp, w.ht, stride, h);
  } else {
    combine_blocked(m, n, lanes, stride, win, 1, m, x, h, 0);
    if (hidden_relu) relu_rows(m, lanes, stride, h);
    to_sample_major(m, lanes, stride, h, mp, w.ht);
  }

  // z[f] = b_f + Σ_k Wout[f,k]·h[k]; then error, loss, δ = ∂/∂z (stored over z) and ∂b
  combine_blocked(n, m, lanes, stride, wout, m, 1, h, z, bias);
  double total = error_pass(flags, n, lanes, stride, importance, scale, x, z, valid, gradient ? grad_bias : 0);
  if (!gradient) return total;

  // g[k] = Σ_f Wout[f,k]·δ[f]  (masked by the hidden ReLU), then gt = gᵀ
  combine_blocked(m, n, lanes, stride, wout, 1, m, z, g, 0);
  if (hidden_relu) keep_where_positive(m, lanes, stride, h, g);
  to_sample_major(m, lanes, stride, g, mp, w.gt);

  // ∂Wout[f] += Σ_j δ[f,j]·ht[j];  ∂Win[f] += Σ_j x[f,j]·gt[j]  (∂b_f was in the error pass)
  outer_blocked(n, mp, lanes, z, stride, w.ht, gout);
  if (density < SPARSE_GRADIENT_BELOW)
    for (int f = 0; f < n; f++)
      gather_row(
          mp, x + (long)f * stride, w.lists + (long)f * w.cap, w.counts[f], w.gt, gin + (long)f * mp,
          gin2 + (long)f * mp);
  else
    outer_blocked(n, mp, lanes, x, stride, w.gt, gin);
  return total;
}

#define WIDE_ARGS                                                                          \
  int flags, int n, int m, int lanes, int stride, const float *win, const float *wout,     \
      const float *bias, const float *importance, float scale, const float *x, float *h, \
      float *z, float *g, const float *valid, int gradient, float *grad_bias, void *work, float *acc_in, \
      float *acc_in2, float *acc_out
#define WIDE_CALL                                                                           \
  wide_body(flags, n, m, lanes, stride, win, wout, bias, importance, scale, x, h, z, g, valid, \
            gradient, grad_bias, work, acc_in, acc_in2, acc_out)

static double wide_baseline(WIDE_ARGS) { return WIDE_CALL; }

#if defined(__x86_64__)
__attribute__((target("avx2,fma,popcnt"))) static double wide_avx2(WIDE_ARGS) { return WIDE_CALL; }
#endif

double toy_wide_kernel(toy_kernel_path path, WIDE_ARGS) {
#if defined(__x86_64__)
  if (path == TOY_KERNEL_AVX2) return wide_avx2(flags, n, m, lanes, stride, win, wout, bias, importance, scale, x,
                                                h, z, g, valid, gradient, grad_bias, work, acc_in, acc_in2, acc_out);
#endif
  (void)path;
  return WIDE_CALL;
}
