// The training kernel: forward and backward over a chunk of samples of one instance.
//
// Shapes: F = n features, H = m hidden, L = lanes (samples, a multiple of 8).
// Activations are feature-major, so every product is a broadcast-multiply-add or a dot
// product along the samples, in blocks of 8 lanes held in registers, several rows or sums
// at a time so that the multiply-adds never wait on each other. That is why it is
// fast: the toy models are tiny in F and H but wide in the batch. The body is written
// once and compiled twice: for the x86-64 baseline and for AVX2+FMA, chosen at run time.
// The naive reference it is tested against is ReferenceKernel.swift.
#include "toy_kernels.h"

#include "toy_lanes.h"
#include "toy_passes.h"

ALWAYS_INLINE double kernel_body(
    int flags, int n, int m, int lanes, int stride, const float *win, const float *wout,
    const float *bias, const float *importance, float scale, const float *x, float *h, float *z,
    float *g, const float *valid, float *grad_in, float *grad_out, float *grad_bias) {
  const int hidden_relu = flags & TOY_HIDDEN_RELU;

  // h[k] = Σ_f Win[f,k]·x[f]  (then ReLU)
  combine_blocked(m, n, lanes, stride, win, 1, m, x, h, 0);
  if (hidden_relu) relu_rows(m, lanes, stride, h);

  // z[f] = b_f + Σ_k Wout[f,k]·h[k]; then error, loss, δ = ∂/∂z (stored over z) and ∂b
  combine_blocked(n, m, lanes, stride, wout, m, 1, h, z, bias);
  double total = error_pass(flags, n, lanes, stride, importance, scale, x, z, valid, grad_in ? grad_bias : 0);
  if (!grad_in) return total;

  // g[k] = Σ_f Wout[f,k]·δ[f]  (masked by the hidden ReLU)
  combine_blocked(m, n, lanes, stride, wout, 1, m, z, g, 0);
  if (hidden_relu) keep_where_positive(m, lanes, stride, h, g);

  // ∂Wout[f,k] += δ[f]·h[k];  ∂Win[f,k] += x[f]·g[k]  (∂b_f += Σ δ[f] was in the error pass)
  gradient_dots(n, m, z, h, lanes, stride, grad_out, m);
  gradient_dots(n, m, x, g, lanes, stride, grad_in, m);
  return total;
}

// The same pass for the tiniest models (n ≤ 4, m ≤ 2: the phase diagrams' n=2, m=1 and
// n=3, m=2), N and M constants: one block of 8 lanes at a time through every product, all in
// registers. kernel_body's sums along the lanes (the loss, ∂b, the weights' gradient) each
// depend on the previous block, and with so few rows each pass over a chunk is one or two
// such chains long (four cycles a block for each multiply-add), so the passes wait on their
// own sums; here every sum of the pass advances once per block, side by side. Every sum sees
// the same operations in the same order as in kernel_body, so the two give the same bits.
ALWAYS_INLINE double tiny_body(
    int N, int M, int flags, int lanes, int stride, const float *win, const float *wout, const float *bias,
    const float *importance, float scale, const float *x, const float *valid, float *grad_in, float *grad_out,
    float *grad_bias) {
  const int hidden_relu = flags & TOY_HIDDEN_RELU, output_relu = (flags & TOY_OUTPUT_RELU) != 0;
  const int abs_target = (flags & TOY_ABS_TARGET) != 0;
  v8 floss[4], dsum[4], dh[4][2], xg[4][2];
  for (int f = 0; f < N; f++) {
    floss[f] = dsum[f] = splat8(0);
    for (int k = 0; k < M; k++) dh[f][k] = xg[f][k] = splat8(0);
  }
  for (int j = 0; j < lanes; j += 8) {
    v8 xs[4], h[2], delta[4];
    for (int f = 0; f < N; f++) xs[f] = load8(x + (long)f * stride + j);
    // h[k] = Σ_f Win[f,k]·x[f]  (then ReLU), as combine_tile sums it
    for (int k = 0; k < M; k++) {
      v8 acc = splat8(0);
      for (int f = 0; f < N; f++) {
        const v8 w = splat8(win[f * M + k]);
        acc += w * xs[f];
      }
      h[k] = hidden_relu ? relu8(acc) : acc;
    }
    // z[f] = b_f + Σ_k Wout[f,k]·h[k], then the error and δ
    for (int f = 0; f < N; f++) {
      v8 pre = splat8(bias[f]);
      for (int k = 0; k < M; k++) {
        const v8 w = splat8(wout[f * M + k]);
        pre += w * h[k];
      }
      const v8 dscale = splat8(2 * scale * importance[f]);
      delta[f] = error_block(output_relu, abs_target, pre, xs[f], valid ? valid + j : 0, dscale, &floss[f], &dsum[f]);
    }
    if (!grad_in) continue;
    // g[k] = Σ_f Wout[f,k]·δ[f] (masked by the hidden ReLU); the weights' gradient sums
    for (int k = 0; k < M; k++) {
      v8 acc = splat8(0);
      for (int f = 0; f < N; f++) {
        const v8 w = splat8(wout[f * M + k]);
        acc += w * delta[f];
      }
      const v8 g = hidden_relu ? keep8(h[k] > splat8(0), acc) : acc;
      for (int f = 0; f < N; f++) {
        dh[f][k] += delta[f] * h[k];
        xg[f][k] += xs[f] * g;
      }
    }
  }
  // What kernel_body adds after each sum's last lane.
  v8 loss = splat8(0);
  for (int f = 0; f < N; f++) {
    loss += splat8(importance[f]) * floss[f];
    if (grad_in && grad_bias) grad_bias[f] += sum8(dsum[f]);
  }
  if (grad_in) {
    for (int f = 0; f < N; f++)
      for (int k = 0; k < M; k++) grad_out[f * M + k] += sum8(dh[f][k]);
    for (int f = 0; f < N; f++)
      for (int k = 0; k < M; k++) grad_in[f * M + k] += sum8(xg[f][k]);
  }
  return sum8(loss);
}

#define KERNEL_ARGS                                                                        \
  int flags, int n, int m, int lanes, int stride, const float *win, const float *wout,     \
      const float *bias, const float *importance, float scale, const float *x, float *h, \
      float *z, float *g, const float *valid, float *grad_in, float *grad_out, float *grad_bias
#define KERNEL_ARGS_PASS \
  flags, n, m, lanes, stride, win, wout, bias, importance, scale, x, h, z, g, valid, grad_in, grad_out, grad_bias
#define KERNEL_CALL kernel_body(KERNEL_ARGS_PASS)

#define TINY_CALL(N, M)                                                                                 \
  tiny_body(N, M, flags, lanes, stride, win, wout, bias, importance, scale, x, valid, grad_in, grad_out, \
            grad_bias)

// tiny_body for the shapes it takes, else kernel_body; the AVX2 path's choice. (Measured on
// 40 instances, AVX2: n=2, m=1 and n=3, m=2 train about a fifth faster, n=4 a tenth; n=5, m=2
// slower, its 30 sums spilling further past the 16 vector registers. The baseline path, with
// half as many floats to a register, keeps kernel_body: unmeasured there.)
ALWAYS_INLINE int tiny_shape(int n, int m) { return n >= 1 && n <= 4 && m >= 1 && m <= 2; }

ALWAYS_INLINE double kernel_either(KERNEL_ARGS) {
  if (!tiny_shape(n, m)) return KERNEL_CALL;
  switch (m << 4 | n) {
    case 0x11: return TINY_CALL(1, 1);
    case 0x12: return TINY_CALL(2, 1);
    case 0x13: return TINY_CALL(3, 1);
    case 0x14: return TINY_CALL(4, 1);
    case 0x21: return TINY_CALL(1, 2);
    case 0x22: return TINY_CALL(2, 2);
    case 0x23: return TINY_CALL(3, 2);
    case 0x24: return TINY_CALL(4, 2);
    default: break;
  }
  return KERNEL_CALL;
}

static double kernel_baseline(KERNEL_ARGS) { return KERNEL_CALL; }
static double tiny_baseline(KERNEL_ARGS) { return kernel_either(KERNEL_ARGS_PASS); }  // for the tests

#if defined(__x86_64__)
__attribute__((target("avx2,fma"))) static double kernel_avx2(KERNEL_ARGS) { return kernel_either(KERNEL_ARGS_PASS); }
__attribute__((target("avx2,fma"))) static double general_avx2(KERNEL_ARGS) { return KERNEL_CALL; }
#endif

int toy_kernel_path_available(toy_kernel_path path) {
  switch (path) {
    case TOY_KERNEL_BASELINE: return 1;
    case TOY_KERNEL_AVX2:
#if defined(__x86_64__)
      __builtin_cpu_init();
      return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma") && __builtin_cpu_supports("popcnt");
#else
      return 0;
#endif
  }
  return 0;
}

toy_kernel_path toy_kernel_best_path(void) {
  return toy_kernel_path_available(TOY_KERNEL_AVX2) ? TOY_KERNEL_AVX2 : TOY_KERNEL_BASELINE;
}

double toy_chunk_kernel(toy_kernel_path path, KERNEL_ARGS) {
#if defined(__x86_64__)
  if (path == TOY_KERNEL_AVX2) return kernel_avx2(KERNEL_ARGS_PASS);
#endif
  (void)path;
  return kernel_baseline(KERNEL_ARGS_PASS);
}

double toy_chunk_kernel_general(toy_kernel_path path, KERNEL_ARGS) {
#if defined(__x86_64__)
  if (path == TOY_KERNEL_AVX2) return general_avx2(KERNEL_ARGS_PASS);
#endif
  (void)path;
  return KERNEL_CALL;
}

double toy_chunk_kernel_tiny(toy_kernel_path path, KERNEL_ARGS) {
  if (!tiny_shape(n, m)) return __builtin_nan("");
#if defined(__x86_64__)
  if (path == TOY_KERNEL_AVX2) return kernel_avx2(KERNEL_ARGS_PASS);  // kernel_either: tiny_body for these shapes
#endif
  (void)path;
  return tiny_baseline(KERNEL_ARGS_PASS);
}

// Stable in-place compaction of the samples (columns) that have any non-zero feature.
// Shapes: F = n rows of `stride` floats, `count` samples. Returns the number kept; the
// kept samples occupy columns [0, kept) in their original order. When three quarters or
// more of the samples would be kept, nothing moves and the result is `count`.
//
// Why this is fast: the test is a branch-free OR down the rows, 32 lanes at a time in
// registers, kept as one byte per 8 lanes; the count is their population counts, and the
// list of kept columns is written 8 indices at a time from the table of toy_lanes.h, a
// population count the only dependency from one group to the next (a loop per sample
// carries its count from each sample to the next, and cost the narrowest models, n = 2,
// about as much as drawing their data).
ALWAYS_INLINE int compact_body(int n, int count, int stride, float *x, int32_t *scratch) {
  if (count <= 0) return 0;
  uint8_t masks[(count + 7) / 8];
  int j0 = 0;
  for (; j0 + 32 <= count; j0 += 32) {
    vi8 any[4] = {0};
    for (int f = 0; f < n; f++) {
      const float *row = x + (long)f * stride + j0;
      for (int v = 0; v < 4; v++) any[v] |= load8(row + 8 * v) != splat8(0);
    }
    for (int v = 0; v < 4; v++) masks[j0 / 8 + v] = __builtin_bit_cast(uint8_t, __builtin_convertvector(any[v], vbool8));
  }
  for (int j = j0; j < count; j++) {
    int any = 0;
    for (int f = 0; f < n; f++) any |= x[(long)f * stride + j] != 0.0f;
    if (j % 8 == 0) masks[j / 8] = 0;
    masks[j / 8] |= (uint8_t)(any << (j % 8));
  }
  int kept = 0;
  for (int g = 0; g < (count + 7) / 8; g++) kept += __builtin_popcount(masks[g]);
  // Moving costs a pass over every row; below a quarter of all-zero samples it costs more
  // than passing them through the model saves.
  if (4 * kept > 3 * count) return count;
  kept = 0;
  int g = 0;
  for (; 8 * g + 8 <= count; g++) {  // kept ≤ 8·g, so the eight indices fit below count
    vb8 positions;
    __builtin_memcpy(&positions, toy_bit_positions[masks[g]], sizeof positions);
    const vi8 index = __builtin_convertvector(positions, vi8) + 8 * g;
    __builtin_memcpy(scratch + kept, &index, sizeof index);
    kept += __builtin_popcount(masks[g]);
  }
  for (int j = 8 * g; j < count; j++)
    if (masks[g] >> (j % 8) & 1) scratch[kept++] = j;
  // scratch[0..<kept] lists the kept columns (each index ≥ its destination).
  for (int f = 0; f < n; f++) {
    float *row = x + (long)f * stride;
    for (int i = 0; i < kept; i++) row[i] = row[scratch[i]];
  }
  return kept;
}

static int compact_baseline(int n, int count, int stride, float *x, int32_t *scratch) {
  return compact_body(n, count, stride, x, scratch);
}

#if defined(__x86_64__)
__attribute__((target("avx2,popcnt"))) static int compact_avx2(int n, int count, int stride, float *x, int32_t *scratch) {
  return compact_body(n, count, stride, x, scratch);
}
#endif

int toy_compact_samples(toy_kernel_path path, int n, int count, int stride, float *x, int32_t *scratch) {
#if defined(__x86_64__)
  if (path == TOY_KERNEL_AVX2) return compact_avx2(n, count, stride, x, scratch);
#endif
  (void)path;
  return compact_baseline(n, count, stride, x, scratch);
}

// A loop of independent fused multiply-adds (ten 8-wide chains: enough to hide the FMA
// latency on two pipes), for measuring the machine's FP32 peak. Returns a sum so the work
// cannot be optimised away. FLOPs: iterations · 10 · 8 · 2.
#if defined(__x86_64__)
// (Vector literals, not the helpers: an AVX function may not call a non-AVX one that
// returns a 256-bit vector.)
__attribute__((target("avx2,fma"))) static double fma_loop_avx2(long iterations) {
  v8 a[10];
  for (int i = 0; i < 10; i++) {
    float v = 1.0f + 1e-7f * (float)i;
    a[i] = (v8){v, v, v, v, v, v, v, v};
  }
  const v8 x = {0.999999f, 0.999999f, 0.999999f, 0.999999f, 0.999999f, 0.999999f, 0.999999f, 0.999999f};
  const v8 y = {1e-7f, 1e-7f, 1e-7f, 1e-7f, 1e-7f, 1e-7f, 1e-7f, 1e-7f};
  for (long k = 0; k < iterations; k++)
    for (int i = 0; i < 10; i++) a[i] = a[i] * x + y;
  double total = 0;
  for (int i = 0; i < 10; i++)
    for (int l = 0; l < 8; l++) total += a[i][l];
  return total;
}
#endif

static double fma_loop_baseline(long iterations) {
  float a[80];
  for (int i = 0; i < 80; i++) a[i] = 1.0f + 1e-7f * (float)(i / 8);
  for (long k = 0; k < iterations; k++)
    for (int i = 0; i < 80; i++) a[i] = a[i] * 0.999999f + 1e-7f;
  double s = 0;
  for (int i = 0; i < 80; i++) s += a[i];
  return s;
}

double toy_fma_loop(toy_kernel_path path, long iterations) {
#if defined(__x86_64__)
  if (path == TOY_KERNEL_AVX2) return fma_loop_avx2(iterations);
#endif
  (void)path;
  return fma_loop_baseline(iterations);
}
