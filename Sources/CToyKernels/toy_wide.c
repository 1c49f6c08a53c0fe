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
#include "toy_passes.h"

// ---- Lists of non-zero lanes ----

// Positions of the set bits of every byte: lane masks to index lists.
static uint8_t bit_positions[256][8];

__attribute__((constructor)) static void make_bit_tables(void) {
  for (int b = 0; b < 256; b++) {
    int count = 0;
    for (int i = 0; i < 8; i++)
      if (b >> i & 1) bit_positions[b][count++] = (uint8_t)i;
  }
}

typedef uint8_t vb8 __attribute__((vector_size(8), aligned(1)));
typedef uint16_t vh8 __attribute__((vector_size(16), aligned(2)));
typedef _Bool vbool8 __attribute__((ext_vector_type(8)));

// Writes the indices of row's non-zero lanes to out, in order, and returns how many there
// are. Branch-free: each group of 8 lanes writes 8 indices and keeps as many as it has, so
// out needs room for lanes + 8. The running count is the loop's only dependency, so it
// is a population count (one cycle), not a table lookup (a load's latency per group).
ALWAYS_INLINE int nonzero_lanes(const float *row, int lanes, uint16_t *out) {
  int count = 0;
  for (int j = 0; j < lanes; j += 8) {
    // The lanes' comparison as eight bits (one movemask on AVX).
    const vbool8 nonzero = __builtin_convertvector(load8(row + j) != splat8(0), vbool8);
    const int mask = __builtin_bit_cast(uint8_t, nonzero);
    vb8 positions;
    __builtin_memcpy(&positions, bit_positions[mask], sizeof positions);
    vh8 index = __builtin_convertvector(positions, vh8) + (uint16_t)j;
    __builtin_memcpy(out + count, &index, sizeof index);
    count += __builtin_popcount((unsigned)mask);
  }
  return count;
}

// ---- Products over the listed lanes ----

// out[j][0 ..< 8·nv] += src[j]·w[0 ..< 8·nv] for the listed lanes j (w and out rows of mp
// floats, zero past m). nv (1…4) is a constant after inlining.
ALWAYS_INLINE void scatter_block(
    int nv, const float *w, const float *src, const uint16_t *list, int count, float *out, int mp) {
  const v8 w0 = load8(w);
  const v8 w1 = nv > 1 ? load8(w + 8) : splat8(0);
  const v8 w2 = nv > 2 ? load8(w + 16) : splat8(0);
  const v8 w3 = nv > 3 ? load8(w + 24) : splat8(0);
  for (int t = 0; t < count; t++) {
    const int j = list[t];
    const v8 s = splat8(src[j]);
    float *o = out + (long)j * mp;
    store8(o, load8(o) + s * w0);
    if (nv > 1) store8(o + 8, load8(o + 8) + s * w1);
    if (nv > 2) store8(o + 16, load8(o + 16) + s * w2);
    if (nv > 3) store8(o + 24, load8(o + 24) + s * w3);
  }
}

// out[j] += src[j]·w for every listed lane j; w (padded) and out rows of mp floats.
ALWAYS_INLINE void scatter_row(int mp, const float *w, const float *src, const uint16_t *list, int count, float *out) {
  for (int c = 0; c < mp; c += 32) {
    switch ((mp - c) / 8) {
      case 1: scatter_block(1, w + c, src, list, count, out + c, mp); break;
      case 2: scatter_block(2, w + c, src, list, count, out + c, mp); break;
      case 3: scatter_block(3, w + c, src, list, count, out + c, mp); break;
      default: scatter_block(4, w + c, src, list, count, out + c, mp); break;
    }
  }
}

// dst[0 ..< 8·nv] += Σ_t src[j]·in[j][0 ..< 8·nv] over the listed lanes j (in and dst rows
// of mp floats). Two sets of accumulators, alternating, keep enough products in flight; the
// first set's sum goes to dst and then the second's to dst2, which is dst itself or a row
// of its own (a chunk's gradient kept apart keeps the two halves apart too, so that adding
// them up later repeats this order).
ALWAYS_INLINE void gather_block(
    int nv, const float *src, const uint16_t *list, int count, const float *in, int mp, float *dst, float *dst2) {
  v8 a[4] = {splat8(0), splat8(0), splat8(0), splat8(0)};
  v8 b[4] = {splat8(0), splat8(0), splat8(0), splat8(0)};
  int t = 0;
  for (; t + 1 < count; t += 2) {
    const int j0 = list[t], j1 = list[t + 1];
    const v8 s0 = splat8(src[j0]), s1 = splat8(src[j1]);
    const float *r0 = in + (long)j0 * mp, *r1 = in + (long)j1 * mp;
    for (int i = 0; i < nv; i++) {
      a[i] += s0 * load8(r0 + 8 * i);
      b[i] += s1 * load8(r1 + 8 * i);
    }
  }
  if (t < count) {
    const int j = list[t];
    const v8 s = splat8(src[j]);
    for (int i = 0; i < nv; i++) a[i] += s * load8(in + (long)j * mp + 8 * i);
  }
  for (int i = 0; i < nv; i++) store8(dst + 8 * i, load8(dst + 8 * i) + a[i]);
  for (int i = 0; i < nv; i++) store8(dst2 + 8 * i, load8(dst2 + 8 * i) + b[i]);
}

// dst[0 ..< mp] (then dst2) += Σ_t src[j]·in[j] over the listed lanes j, 32 columns at a time.
ALWAYS_INLINE void gather_row(
    int mp, const float *src, const uint16_t *list, int count, const float *in, float *dst, float *dst2) {
  for (int c = 0; c < mp; c += 32) {
    switch ((mp - c) / 8) {
      case 1: gather_block(1, src, list, count, in + c, mp, dst + c, dst2 + c); break;
      case 2: gather_block(2, src, list, count, in + c, mp, dst + c, dst2 + c); break;
      case 3: gather_block(3, src, list, count, in + c, mp, dst + c, dst2 + c); break;
      default: gather_block(4, src, list, count, in + c, mp, dst + c, dst2 + c); break;
    }
  }
}

// ---- Register-blocked dense products (combine_blocked is in toy_passes.h) ----

// dst rows r < R, columns 0 ..< 8·V: dst[r] += Σ_j src[r][j]·in[j]  over lanes j (src rows
// of `stride`; in and dst rows of mp). R·V ≤ 10 accumulators (V ≤ 4); R and V are
// constants after inlining.
ALWAYS_INLINE void outer_tile(int R, int V, int lanes, const float *src, int stride, const float *in, int mp, float *dst) {
  v8 acc[10];
  for (int i = 0; i < R * V; i++) acc[i] = splat8(0);
  for (int j = 0; j < lanes; j++) {
    const float *row = in + (long)j * mp;
    v8 x[4];
    for (int v = 0; v < V; v++) x[v] = load8(row + 8 * v);
    for (int r = 0; r < R; r++) {
      const v8 s = splat8(src[(long)r * stride + j]);
      for (int v = 0; v < V; v++) acc[r * V + v] += s * x[v];
    }
  }
  for (int r = 0; r < R; r++)
    for (int v = 0; v < V; v++) store8(dst + (long)r * mp + 8 * v, load8(dst + (long)r * mp + 8 * v) + acc[r * V + v]);
}

// Tiles of R rows by V vectors: at least eight accumulators to cover the multiply-add
// latency, and with the V operands and the broadcast at most 14 of the 16 vector
// registers, so that no accumulator is spilled (a spill puts a store and a load on the
// critical path of every step).
ALWAYS_INLINE void outer_rows(int V, int rows, int lanes, const float *src, int stride, const float *in, int mp, float *dst) {
  const int R = V == 1 ? 10 : V == 2 ? 5 : V == 3 ? 3 : 2;
  int r = 0;
  for (; r + R <= rows; r += R)
    outer_tile(R, V, lanes, src + (long)r * stride, stride, in, mp, dst + (long)r * mp);
  for (; r + 2 <= rows; r += 2)  // the last rows in pairs, not one by one
    outer_tile(2, V, lanes, src + (long)r * stride, stride, in, mp, dst + (long)r * mp);
  if (r < rows) outer_tile(1, V, lanes, src + (long)r * stride, stride, in, mp, dst + (long)r * mp);
}

// dst[f] += Σ_j src[f][j]·in[j] for rows f < rows (in and dst rows of mp floats): the dense
// form of the gradient products, up to 32 hidden columns at a time (m = 20 is one tile of
// three vectors, not two tiles).
ALWAYS_INLINE void outer_blocked(int rows, int mp, int lanes, const float *src, int stride, const float *in, float *dst) {
  for (int c = 0; c < mp; c += 32) {
    switch ((mp - c) / 8) {
      case 1: outer_rows(1, rows, lanes, src, stride, in + c, mp, dst + c); break;
      case 2: outer_rows(2, rows, lanes, src, stride, in + c, mp, dst + c); break;
      case 3: outer_rows(3, rows, lanes, src, stride, in + c, mp, dst + c); break;
      default: outer_rows(4, rows, lanes, src, stride, in + c, mp, dst + c); break;
    }
  }
}

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

// The 8×8 block of r (rows r[0..7]) transposed in place: r[i][j] becomes r[j][i]. Twenty-four
// shuffles (unpack, shuffle, lane swap on AVX) instead of 64 scalar moves with a strided side.
ALWAYS_INLINE void transpose8(v8 r[8]) {
  v8 t[8], u[8];
  for (int i = 0; i < 8; i += 2) {
    t[i] = __builtin_shufflevector(r[i], r[i + 1], 0, 8, 1, 9, 4, 12, 5, 13);
    t[i + 1] = __builtin_shufflevector(r[i], r[i + 1], 2, 10, 3, 11, 6, 14, 7, 15);
  }
  for (int i = 0; i < 8; i += 4)
    for (int k = 0; k < 2; k++) {
      u[i + 2 * k] = __builtin_shufflevector(t[i + k], t[i + k + 2], 0, 1, 8, 9, 4, 5, 12, 13);
      u[i + 2 * k + 1] = __builtin_shufflevector(t[i + k], t[i + k + 2], 2, 3, 10, 11, 6, 7, 14, 15);
    }
  for (int i = 0; i < 4; i++) {
    r[i] = __builtin_shufflevector(u[i], u[i + 4], 0, 1, 2, 3, 8, 9, 10, 11);
    r[i + 4] = __builtin_shufflevector(u[i], u[i + 4], 4, 5, 6, 7, 12, 13, 14, 15);
  }
}

// rows × lanes (feature-major, rows of stride) to lanes × mp (sample-major, zeros past rows),
// in 8×8 blocks; lanes is a multiple of 8.
ALWAYS_INLINE void to_sample_major(int rows, int lanes, int stride, const float *in, int mp, float *out) {
  for (int k = 0; k < mp; k += 8)
    for (int j = 0; j < lanes; j += 8) {
      v8 r[8];
      for (int i = 0; i < 8; i++) r[i] = k + i < rows ? load8(in + (long)(k + i) * stride + j) : splat8(0);
      transpose8(r);
      for (int i = 0; i < 8; i++) store8(out + (long)(j + i) * mp + k, r[i]);
    }
}

// And back: the first `rows` columns of lanes × mp to rows × lanes.
ALWAYS_INLINE void to_feature_major(int rows, int lanes, int mp, const float *in, int stride, float *out) {
  for (int k = 0; k < rows; k += 8)
    for (int j = 0; j < lanes; j += 8) {
      v8 r[8];
      for (int i = 0; i < 8; i++) r[i] = load8(in + (long)(j + i) * mp + k);
      transpose8(r);
      for (int i = 0; i < 8 && k + i < rows; i++) store8(out + (long)(k + i) * stride + j, r[i]);
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
