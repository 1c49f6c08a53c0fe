// The sparse autoencoder's kernels: a toy model's hidden states for a chunk of inputs, and
// one autoencoder instance's forward and backward pass over a chunk of hidden states.
//
// Shapes: N = n features, H = m hidden dimensions, D = d latents, L = lanes (samples, a
// multiple of 8) in rows of `stride` floats, mp = m rounded up to 8. Rows are feature-major
// as in toy_kernels.c: row k of h holds hidden dimension k of consecutive samples, row j of z
// latent j. Sample-major copies (one row of mp floats per sample) serve the sparse products.
//
// Per sample, with D the decoder's rows at unit length (the caller normalises them):
//   pre = (h − b_dec)·W_enc + b_enc        dense: m·d multiply-adds
//   z   = ReLU(pre), or its k largest      (ties: the lowest latent)
//   ĥ   = z·D + b_dec                      over the active latents
//   e   = s·(ĥ − h)                        s = 2/(B·m), the loss's gradient
//   ∂z  = e·Dᵀ + λ/B, kept where z > 0     dense: m·d multiply-adds (over the active latents
//                                          where they are few)
//   ∂D += zᵀe,  ∂W_encᵀ += ∂zᵀ(h − b_dec)  over the active latents
// Why it is fast: the two dense products are register-blocked tiles along the samples
// (combine_blocked), six latents by 16 lanes, so every loaded vector feeds several
// multiply-adds. When few latents are active, as in a trained autoencoder, each latent's
// active lanes are listed once and everything but the encoder runs over those lanes only
// (toy_lanes.h); the choice depends on the chunk's data alone, never on threads.
// The naive reference it is tested against is AutoencoderReference.swift.
#include "toy_kernels.h"

#include "toy_lanes.h"
#include "toy_passes.h"

// Below this fraction of active (latent, sample) pairs a chunk takes the listed products;
// above it the dense ones. On Zen 3 with m = 20, d = 100 the two cost the same at about 0.32
// (listed: 107 ns a sample at 0.01, 240 at 0.23; dense: 290 throughout).
#define SAE_SPARSE_BELOW 0.3
// With fewer latents than this the products stay dense: listing costs more than it saves.
#define SAE_LISTS_FROM 16
// Hidden states of inputs with at least this many features and under this density are
// computed over the non-zero inputs (as in the wide kernel).
#define HIDDEN_SPARSE_FROM 32
#define HIDDEN_SPARSE_BELOW 0.3
// TopK up to this k keeps a sorted list per lane; larger k bisects on the value's bits.
#define TOPK_NETWORK 16

// ---- Work space ----

// The parts of a chunk's work space, each rounded up to 32 bytes.
enum { SAE_HC, SAE_Z, SAE_DZ, SAE_E, SAE_HCT, SAE_ET, SAE_LISTS, SAE_COUNTS, SAE_BDEC, SAE_PARTS };

typedef struct {
  float *hc;          // H × stride: h − b_dec
  float *z;           // D × stride: pre-activations, then z
  float *dz;          // D × stride: ∂loss/∂pre
  float *e;           // H × stride: ĥ, then e
  float *hct, *et;    // stride × mp: sample-major hc and e (and ĥ while decoding)
  uint16_t *lists;    // per latent, its active lanes
  int *counts;        // and how many
  float *bdec;        // mp: b_dec, zero-padded
  int cap;            // list capacity per latent
} sae_work;

static long sae_offsets(int m, int d, int width, long offset[SAE_PARTS]) {
  const long mp = (m + 7) / 8 * 8, cap = width + 8;
  const long bytes[SAE_PARTS] = {
      4L * m * width, 4L * d * width, 4L * d * width, 4L * m * width, 4 * width * mp, 4 * width * mp,
      2 * d * cap, 4L * d, 4 * mp};
  long at = 0;
  for (int i = 0; i < SAE_PARTS; i++) {
    offset[i] = at;
    at += (bytes[i] + 31) / 32 * 32;
  }
  return at;
}

static sae_work sae_layout(int m, int d, int width, void *base) {
  long offset[SAE_PARTS];
  sae_offsets(m, d, width, offset);
  char *p = base;
  return (sae_work){
      .hc = (float *)(p + offset[SAE_HC]), .z = (float *)(p + offset[SAE_Z]), .dz = (float *)(p + offset[SAE_DZ]),
      .e = (float *)(p + offset[SAE_E]), .hct = (float *)(p + offset[SAE_HCT]), .et = (float *)(p + offset[SAE_ET]),
      .lists = (uint16_t *)(p + offset[SAE_LISTS]), .counts = (int *)(p + offset[SAE_COUNTS]),
      .bdec = (float *)(p + offset[SAE_BDEC]), .cap = width + 8};
}

long toy_sae_work_bytes(int m, int d, int width) {
  long offset[SAE_PARTS];
  return sae_offsets(m, d, width, offset);
}

// The hidden-state kernel's parts: lists and counts per feature, sample-major h.
enum { HID_LISTS, HID_COUNTS, HID_HT, HID_PARTS };

static long hidden_offsets(int n, int m, int width, long offset[HID_PARTS]) {
  const long mp = (m + 7) / 8 * 8, cap = width + 8;
  const long bytes[HID_PARTS] = {2L * n * cap, 4L * n, 4 * width * mp};
  long at = 0;
  for (int i = 0; i < HID_PARTS; i++) {
    offset[i] = at;
    at += (bytes[i] + 31) / 32 * 32;
  }
  return at;
}

long toy_hidden_work_bytes(int n, int m, int width) {
  long offset[HID_PARTS];
  return hidden_offsets(n, m, width, offset);
}

// ---- Passes ----

ALWAYS_INLINE v8 select8(vi8 cond, v8 a, v8 b) { return (v8)(((vi8)a & cond) | ((vi8)b & ~cond)); }

// Each lane of the 8-lane block at z (rows of stride) keeps its k largest positive entries of
// the d rows (ties: the lowest row) and zeroes the rest; k < d.
ALWAYS_INLINE void top_k_block(int d, int k, float *z, long stride) {
  // t: each lane's k-th largest value of max(z, 0).
  v8 t;
  if (k <= TOPK_NETWORK) {
    // A sorted list per lane, largest first: each row is inserted by a pass of compare-swaps.
    v8 top[TOPK_NETWORK];
    for (int i = 0; i < k; i++) top[i] = splat8(0);
    for (int j = 0; j < d; j++) {
      v8 v = load8(z + j * stride);
      for (int i = 0; i < k; i++) {
        const vi8 above = top[i] > v;
        const v8 high = select8(above, top[i], v);
        v = select8(above, v, top[i]);
        top[i] = high;
      }
    }
    t = top[k - 1];
  } else {
    // Non-negative floats order as their bits: bisect for the largest bit pattern that at
    // least k values reach (every value reaches 0; none reaches +∞'s pattern).
    vi8 low = {0}, high = (vi8){0} + 0x7f800000;
    for (int round = 0; round < 31; round++) {
      const vi8 mid = low + ((high - low) >> 1);
      vi8 reached = {0};
      for (int j = 0; j < d; j++) {
        const vi8 bits = (vi8)relu8(load8(z + j * stride));
        reached -= bits >= mid;
      }
      const vi8 enough = reached >= k;
      low = (enough & mid) | (~enough & low);
      high = (enough & high) | (~enough & mid);
    }
    t = (v8)low;
  }
  // Entries above t are kept; entries equal to t fill the rest of the k, lowest row first.
  vi8 need = (vi8){0} + k;
  for (int j = 0; j < d; j++) need += load8(z + j * stride) > t;
  for (int j = 0; j < d; j++) {
    const v8 v = load8(z + j * stride);
    const vi8 take = (v == t) & (need > 0);
    need += take;
    store8(z + j * stride, keep8(((v > t) | take) & (v > splat8(0)), v));
  }
}

// The activations' pass over every latent: ReLU (TopK has zeroed its rejects already),
// padding lanes zeroed (valid nullable), each latent's active lanes added to active[j] and,
// when `listing` (a constant after inlining), listed (counts[j] of them). Returns the chunk's
// active (latent, sample) pairs; *activation gets Σ z.
ALWAYS_INLINE long activate_rows(
    int listing, int d, int lanes, long stride, float *z, const float *valid, int32_t *active, uint16_t *lists,
    int cap, int *counts, double *activation) {
  long fired = 0;
  double total = 0;
  for (int j = 0; j < d; j++) {
    float *row = z + j * stride;
    uint16_t *list = lists + (long)j * cap;
    v8 sum = splat8(0);
    int count = 0;
    for (int l = 0; l < lanes; l += 8) {
      v8 v = relu8(load8(row + l));
      if (valid) v *= load8(valid + l);
      store8(row + l, v);
      sum += v;
      const int mask = __builtin_bit_cast(uint8_t, __builtin_convertvector(v > splat8(0), vbool8));
      if (listing) {
        // As nonzero_lanes: eight indices written, as many kept as are active.
        vb8 positions;
        __builtin_memcpy(&positions, toy_bit_positions[mask], sizeof positions);
        const vh8 index = __builtin_convertvector(positions, vh8) + (uint16_t)l;
        __builtin_memcpy(list + count, &index, sizeof index);
      }
      count += __builtin_popcount((unsigned)mask);
    }
    if (listing) counts[j] = count;
    active[j] += count;
    fired += count;
    total += sum8(sum);
  }
  *activation = total;
  return fired;
}

// e = s·(ĥ − h) over ĥ (masked by valid), ∂b_dec += Σ e; returns Σ (ĥ − h)².
ALWAYS_INLINE double error_rows_sae(
    int m, int lanes, long stride, const float *h, float *e, const float *valid, float scale, float *grad_bdec) {
  v8 squares = splat8(0);
  for (int k = 0; k < m; k++) {
    v8 sum = splat8(0);
    for (int l = 0; l < lanes; l += 8) {
      v8 r = load8(e + k * stride + l) - load8(h + k * stride + l);
      if (valid) r *= load8(valid + l);
      squares += r * r;
      const v8 g = splat8(scale) * r;
      store8(e + k * stride + l, g);
      sum += g;
    }
    if (grad_bdec) grad_bdec[k] += sum8(sum);
  }
  return sum8(squares);
}

// out[j] = start + row·in[j] for the listed lanes j (row and in's rows of mp floats, zero
// past m): one latent's ∂pre where it is active. Returns Σ out over them. Eight lanes at a
// time: their eight products stay in vectors, and one transpose sums all eight, where a
// horizontal sum per lane would cost more than its dot product.
ALWAYS_INLINE float listed_dots(
    int mp, const float *row, float start, const uint16_t *list, int count, const float *in, float *out) {
  v8 total = splat8(0);
  int t = 0;
  for (; t + 8 <= count; t += 8) {
    v8 acc[8];
    for (int i = 0; i < 8; i++) acc[i] = splat8(0);
    for (int c = 0; c < mp; c += 8) {
      const v8 w = load8(row + c);
      for (int i = 0; i < 8; i++) acc[i] += load8(in + (long)list[t + i] * mp + c) * w;
    }
    transpose8(acc);
    const v8 dots = splat8(start) + (((acc[0] + acc[1]) + (acc[2] + acc[3])) + ((acc[4] + acc[5]) + (acc[6] + acc[7])));
    for (int i = 0; i < 8; i++) out[list[t + i]] = dots[i];
    total += dots;
  }
  float rest = 0;
  for (; t < count; t++) {
    const int j = list[t];
    v8 acc = splat8(0);
    for (int c = 0; c < mp; c += 8) acc += load8(row + c) * load8(in + (long)j * mp + c);
    out[j] = start + sum8(acc);
    rest += out[j];
  }
  return sum8(total) + rest;
}

ALWAYS_INLINE toy_sae_sums sae_body(
    const toy_sae_args *a, int lanes, int stride, const float *h, const float *valid, void *work) {
  const int m = a->m, d = a->d, mp = (m + 7) / 8 * 8;
  const sae_work w = sae_layout(m, d, stride, work);
  toy_sae_sums sums = {0, 0};

  // hc = h − b_dec;  pre = b_enc + hc·W_enc
  for (int k = 0; k < m; k++)
    for (int l = 0; l < lanes; l += 8) {
      const long i = (long)k * stride + l;
      store8(w.hc + i, load8(h + i) - splat8(a->b_dec[k]));
    }
  combine_blocked(d, m, lanes, stride, a->w_enc, 1, d, w.hc, w.z, a->b_enc);

  // z = ReLU(pre) or its top k; Σ z, each latent's active lanes, and their lists when the
  // listed products may pay
  if (a->k > 0 && a->k < d)
    for (int l = 0; l < lanes; l += 8) top_k_block(d, a->k, w.z + l, stride);
  const int listing = d >= SAE_LISTS_FROM;
  const long fired =
      listing ? activate_rows(1, d, lanes, stride, w.z, valid, a->active, w.lists, w.cap, w.counts, &sums.activation)
              : activate_rows(0, d, lanes, stride, w.z, valid, a->active, w.lists, w.cap, w.counts, &sums.activation);
  const int sparse = listing && (double)fired < SAE_SPARSE_BELOW * (double)d * lanes;

  // ĥ = z·D + b_dec, over the lists of active lanes (into sample-major rows) or dense
  if (sparse) {
    for (int k = 0; k < mp; k++) w.bdec[k] = k < m ? a->b_dec[k] : 0;
    for (int l = 0; l < lanes; l++)
      for (int k = 0; k < mp; k += 8) store8(w.et + (long)l * mp + k, load8(w.bdec + k));
    for (int j = 0; j < d; j++)
      scatter_row(mp, a->dec_padded + (long)j * mp, w.z + (long)j * stride, w.lists + (long)j * w.cap, w.counts[j], w.et);
    to_feature_major(m, lanes, mp, w.et, stride, w.e);
  } else {
    combine_blocked(m, d, lanes, stride, a->dec, 1, m, w.z, w.e, a->b_dec);
  }
  const int gradient = a->g_enc_t != 0;
  sums.squared_error = error_rows_sae(m, lanes, stride, h, w.e, valid, a->error_scale, gradient ? a->g_bdec : 0);
  if (!gradient) return sums;

  // Few active latents: ∂pre only where z > 0, then ∂D += zᵀe and ∂W_encᵀ += ∂preᵀ·hc, all
  // over each latent's listed lanes, with e and hc in sample-major rows.
  if (sparse) {
    to_sample_major(m, lanes, stride, w.e, mp, w.et);
    to_sample_major(m, lanes, stride, w.hc, mp, w.hct);
    for (int j = 0; j < d; j++) {
      const uint16_t *list = w.lists + (long)j * w.cap;
      float *dz = w.dz + (long)j * stride;
      a->g_benc[j] += listed_dots(mp, a->dec_padded + (long)j * mp, a->l1_row[j], list, w.counts[j], w.et, dz);
      float *g_dec = a->g_dec + (long)j * mp, *g_enc = a->g_enc_t + (long)j * mp;
      gather_row(mp, w.z + (long)j * stride, list, w.counts[j], w.et, g_dec, g_dec);
      gather_row(mp, dz, list, w.counts[j], w.hct, g_enc, g_enc);
    }
    return sums;
  }

  // ∂pre = (e·Dᵀ + λ/B) where z > 0;  ∂b_enc += Σ ∂pre
  combine_blocked(d, m, lanes, stride, a->dec, m, 1, w.e, w.dz, a->l1_row);
  for (int j = 0; j < d; j++) {
    v8 sum = splat8(0);
    for (int l = 0; l < lanes; l += 8) {
      const long i = (long)j * stride + l;
      const v8 g = keep8(load8(w.z + i) > splat8(0), load8(w.dz + i));
      store8(w.dz + i, g);
      sum += g;
    }
    a->g_benc[j] += sum8(sum);
  }

  // ∂D += zᵀe;  ∂W_encᵀ += ∂preᵀ·hc: as outer products into the padded rows where a chunk's
  // lanes are few next to the padding's waste, else as dot products along the lanes (whose
  // horizontal sums cost 8·d·m a chunk).
  if ((long)lanes * (mp - m) < 64L * m) {
    to_sample_major(m, lanes, stride, w.e, mp, w.et);
    to_sample_major(m, lanes, stride, w.hc, mp, w.hct);
    outer_blocked(d, mp, lanes, w.z, stride, w.et, a->g_dec);
    outer_blocked(d, mp, lanes, w.dz, stride, w.hct, a->g_enc_t);
  } else {
    gradient_dots(d, m, w.z, w.e, lanes, stride, a->g_dec, mp);
    gradient_dots(d, m, w.dz, w.hc, lanes, stride, a->g_enc_t, mp);
  }
  return sums;
}

ALWAYS_INLINE void hidden_body(
    int hidden_relu, int n, int m, int lanes, int stride, const float *w, const float *w_padded, const float *x,
    float *h, void *work) {
  if (w_padded && n >= HIDDEN_SPARSE_FROM) {
    long offset[HID_PARTS];
    hidden_offsets(n, m, stride, offset);
    char *p = work;
    uint16_t *lists = (uint16_t *)(p + offset[HID_LISTS]);
    int *counts = (int *)(p + offset[HID_COUNTS]);
    float *ht = (float *)(p + offset[HID_HT]);
    const int mp = (m + 7) / 8 * 8, cap = stride + 8;
    long nonzero = 0;
    for (int f = 0; f < n; f++) {
      counts[f] = nonzero_lanes(x + (long)f * stride, lanes, lists + (long)f * cap);
      nonzero += counts[f];
    }
    if ((double)nonzero < HIDDEN_SPARSE_BELOW * (double)n * lanes) {
      for (long i = 0; i < (long)lanes * mp; i++) ht[i] = 0;
      for (int f = 0; f < n; f++)
        scatter_row(mp, w_padded + (long)f * mp, x + (long)f * stride, lists + (long)f * cap, counts[f], ht);
      if (hidden_relu) relu_rows(1, (long)lanes * mp, 0, ht);
      to_feature_major(m, lanes, mp, ht, stride, h);
      return;
    }
  }
  combine_blocked(m, n, lanes, stride, w, 1, m, x, h, 0);
  if (hidden_relu) relu_rows(m, lanes, stride, h);
}

// The two dense products alone, `iterations` times over a chunk of `width` samples of
// synthetic data: the encoder (pre = b_enc + hc·W_enc) and the reconstruction's gradient
// (∂z = λ/B + e·Dᵀ), 4·m·d·width FLOPs an iteration, to measure their rate against the FMA
// peak. Returns a value that depends on all of them.
ALWAYS_INLINE double dense_loop_body(int m, int d, int width, long iterations, float *buffer) {
  float *w_enc = buffer, *dec = w_enc + (long)m * d, *bias = dec + (long)d * m, *hc = bias + d, *e = hc + (long)m * width;
  float *z = e + (long)m * width, *dz = z + (long)d * width;
  for (long i = 0; i < (long)m * d; i++) w_enc[i] = dec[i] = 0.01f * (float)(i % 13) - 0.06f;
  for (int j = 0; j < d; j++) bias[j] = 0.001f * (float)j;
  for (long i = 0; i < (long)m * width; i++) hc[i] = e[i] = 0.02f * (float)(i % 11) - 0.1f;
  double total = 0;
  for (long r = 0; r < iterations; r++) {
    combine_blocked(d, m, width, width, w_enc, 1, d, hc, z, bias);
    combine_blocked(d, m, width, width, dec, m, 1, e, dz, bias);
    total += z[r % ((long)d * width)] + dz[r % ((long)d * width)];
  }
  return total;
}

static double dense_loop_baseline(int m, int d, int width, long iterations, float *buffer) {
  return dense_loop_body(m, d, width, iterations, buffer);
}

#if defined(__x86_64__)
__attribute__((target("avx2,fma"))) static double dense_loop_avx2(
    int m, int d, int width, long iterations, float *buffer) {
  return dense_loop_body(m, d, width, iterations, buffer);
}
#endif

double toy_sae_dense_loop(toy_kernel_path path, int m, int d, int width, long iterations, float *buffer) {
#if defined(__x86_64__)
  if (path == TOY_KERNEL_AVX2) return dense_loop_avx2(m, d, width, iterations, buffer);
#endif
  (void)path;
  return dense_loop_baseline(m, d, width, iterations, buffer);
}

// ---- Entry points: the bodies compiled for the baseline and for AVX2+FMA ----

static toy_sae_sums sae_baseline(const toy_sae_args *a, int lanes, int stride, const float *h, const float *valid,
                                 void *work) {
  return sae_body(a, lanes, stride, h, valid, work);
}

static void hidden_baseline(int hidden_relu, int n, int m, int lanes, int stride, const float *w,
                            const float *w_padded, const float *x, float *h, void *work) {
  hidden_body(hidden_relu, n, m, lanes, stride, w, w_padded, x, h, work);
}

#if defined(__x86_64__)
__attribute__((target("avx2,fma,popcnt"))) static toy_sae_sums sae_avx2(
    const toy_sae_args *a, int lanes, int stride, const float *h, const float *valid, void *work) {
  return sae_body(a, lanes, stride, h, valid, work);
}

__attribute__((target("avx2,fma,popcnt"))) static void hidden_avx2(
    int hidden_relu, int n, int m, int lanes, int stride, const float *w, const float *w_padded, const float *x,
    float *h, void *work) {
  hidden_body(hidden_relu, n, m, lanes, stride, w, w_padded, x, h, work);
}
#endif

toy_sae_sums toy_sae_chunk(
    toy_kernel_path path, const toy_sae_args *args, int lanes, int stride, const float *h, const float *valid,
    void *work) {
#if defined(__x86_64__)
  if (path == TOY_KERNEL_AVX2) return sae_avx2(args, lanes, stride, h, valid, work);
#endif
  (void)path;
  return sae_baseline(args, lanes, stride, h, valid, work);
}

void toy_hidden_chunk(
    toy_kernel_path path, int hidden_relu, int n, int m, int lanes, int stride, const float *w,
    const float *w_padded, const float *x, float *h, void *work) {
#if defined(__x86_64__)
  if (path == TOY_KERNEL_AVX2) {
    hidden_avx2(hidden_relu, n, m, lanes, stride, w, w_padded, x, h, work);
    return;
  }
#endif
  (void)path;
  hidden_baseline(hidden_relu, n, m, lanes, stride, w, w_padded, x, h, work);
}
