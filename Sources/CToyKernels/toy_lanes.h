// Lists of a row's non-zero lanes, products over the listed lanes, register-blocked products
// into sample-major rows, and 8×8 transposes between feature-major rows and sample-major
// ones: shared by the wide kernel (toy_wide.c) and the sparse autoencoder's (toy_sae.c).
// Private to CToyKernels, always inlined.
#ifndef TOY_LANES_H
#define TOY_LANES_H

#include "toy_simd.h"

// ---- Lists of non-zero lanes ----

// Positions of the set bits of every byte: lane masks to index lists (toy_lanes.c).
extern uint8_t toy_bit_positions[256][8] __attribute__((visibility("hidden")));

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
    __builtin_memcpy(&positions, toy_bit_positions[mask], sizeof positions);
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


// ---- Register-blocked products into sample-major rows (combine_blocked is in toy_passes.h) ----

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

// ---- Transposes ----

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

#endif
