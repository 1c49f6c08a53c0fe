#ifndef TOY_KERNELS_H
#define TOY_KERNELS_H

#include <stdint.h>

/// Model switches for toy_chunk_kernel.
enum {
  TOY_HIDDEN_RELU = 1,   ///< h = ReLU(W₁x)
  TOY_OUTPUT_RELU = 2,   ///< x' = ReLU(W₂h + b)
  TOY_UNTIED = 4,        ///< W₂ is its own parameter (else W₂ = W₁ᵀ, tied)
  TOY_ABS_TARGET = 8,    ///< the target is |x| (inputs may be negative)
};

/// The code paths of the kernel; results agree within rounding (FMA vs separate multiply-add).
typedef enum {
  TOY_KERNEL_BASELINE = 0,  ///< x86-64 baseline (SSE2) or the platform's default
  TOY_KERNEL_AVX2 = 1,      ///< AVX2, FMA and POPCNT, when the CPU has them
} toy_kernel_path;

/// Whether this CPU can run the given path.
int toy_kernel_path_available(toy_kernel_path path);

/// The fastest path this CPU supports.
toy_kernel_path toy_kernel_best_path(void);

/// Forward and backward pass of one instance over one chunk of samples.
///
/// Shapes: F = n features, H = m hidden, `lanes` samples (a multiple of 8) in rows of
/// `stride` floats. Activations are feature-major: x[f·stride + j] is feature f of sample j.
/// Parameters: `win` and `wout` are F×H row-major (row f = feature f); for tied models
/// they are the same array. `valid` (nullable) multiplies each lane's error (1 or 0), to
/// mask padding. When `grad_in` is non-null the gradient of Σ scale·I_f·(x'−t)² is added
/// to grad_in, grad_out (F×H; the same array when tied) and grad_bias (F). Scratch `h`
/// and `g` have room for H rows, `z` for F rows; what they hold afterwards is unspecified.
/// Returns Σ_j Σ_f I_f·(x'−t)² over the lanes.
double toy_chunk_kernel(
    toy_kernel_path path, int flags, int n, int m, int lanes, int stride,
    const float *win, const float *wout, const float *bias, const float *importance,
    float scale, const float *x, float *h, float *z, float *g, const float *valid,
    float *grad_in, float *grad_out, float *grad_bias);

/// toy_chunk_kernel's general pass, and its pass for the tiniest models (n ≤ 4, m ≤ 2, which
/// the AVX2 path takes for them; other shapes: NaN, nothing written), for the tests that
/// compare the two: they must give the same bits.
double toy_chunk_kernel_general(
    toy_kernel_path path, int flags, int n, int m, int lanes, int stride,
    const float *win, const float *wout, const float *bias, const float *importance,
    float scale, const float *x, float *h, float *z, float *g, const float *valid,
    float *grad_in, float *grad_out, float *grad_bias);
double toy_chunk_kernel_tiny(
    toy_kernel_path path, int flags, int n, int m, int lanes, int stride,
    const float *win, const float *wout, const float *bias, const float *importance,
    float scale, const float *x, float *h, float *z, float *g, const float *valid,
    float *grad_in, float *grad_out, float *grad_bias);

/// The same pass for wide models (see toy_wide.c): register-blocked dense products, and
/// the products with x over its non-zero entries only. The arguments as for
/// toy_chunk_kernel, except that the weights' gradient (when `gradient` is non-zero; ∂b
/// still goes to grad_bias) accumulates in `work`, of toy_wide_work_bytes(n, m, stride)
/// bytes: call toy_wide_begin before a batch's chunks (with the same weights) and
/// toy_wide_end after them. `lanes` ≤ `stride` ≤ 65535.
///
/// With `acc_in` non-null the weights' gradient goes there instead (each F × mp floats, mp =
/// m rounded up to 8; the work's padded weights are still read): ∂Wout to `acc_out`, ∂Win to
/// `acc_in` and, for the half of the sparse product's sums that the work's own rows receive
/// second, to `acc_in2`. Adding a chunk's acc_in and then acc_in2 to a running sum repeats
/// what the work's rows do, bit for bit.
double toy_wide_kernel(
    toy_kernel_path path, int flags, int n, int m, int lanes, int stride,
    const float *win, const float *wout, const float *bias, const float *importance,
    float scale, const float *x, float *h, float *z, float *g, const float *valid,
    int gradient, float *grad_bias, void *work, float *acc_in, float *acc_in2, float *acc_out);

/// Prepares `work` for a batch of toy_wide_kernel calls with chunks of up to `width`
/// samples over the weights `win` (F×H): pads them, and zeroes the gradient.
void toy_wide_begin(int n, int m, int width, const float *win, void *work);

/// Adds the gradient accumulated in `work` since toy_wide_begin to grad_in and grad_out
/// (F×H; the same array when tied).
void toy_wide_end(int n, int m, int width, void *work, float *grad_in, float *grad_out);

/// Bytes of work space the wide kernel needs for chunks of up to `width` samples.
long toy_wide_work_bytes(int n, int m, int width);

/// One chunk of a fixed training set through the tied ReLU-output model (toy_fixed.c): the
/// loss Σ_j Σ_f I_f·(x' − x)² over its `count` examples (returned) and its gradient, scaled
/// by `scale`, written (not added) to grad_w (F×H) and grad_b (F), ∂W's two halves summed
/// in that order. Shapes: F = n features, H = m hidden, `lanes` = count rounded up to 8.
/// The chunk is given sparse twice, by absolute indices into the caller's arrays: example j's
/// entries are example_features/example_values[example_starts[j] ..< example_starts[j + 1]]
/// (j < count); feature f's are entry_lanes/entry_values[feature_starts[f] ..<
/// feature_starts[f + 1]], lanes ascending. `work` holds toy_fixed_work_floats(m, lanes)
/// floats. `off_features` (nullable) receives how many features were certainly off on every
/// lane and skipped.
double toy_fixed_chunk(
    toy_kernel_path path, int n, int m, int count, int lanes, const float *w, const float *bias,
    const float *importance, float scale, const int32_t *example_starts, const int32_t *example_features,
    const float *example_values, const int32_t *feature_starts, const int32_t *entry_lanes,
    const float *entry_values, float *work, float *grad_w, float *grad_b, int *off_features);

/// Floats of work space toy_fixed_chunk needs for m hidden rows and `lanes` lanes.
long toy_fixed_work_floats(int m, int lanes);

/// Moves the samples (columns of the F×stride feature-major `x`) that have any non-zero
/// feature to the front, in order; returns how many there are. When three quarters or more
/// of them have one, moves nothing and returns `count` (the all-zero samples then go
/// through the model like the others). `scratch` holds `count` ints.
int toy_compact_samples(toy_kernel_path path, int n, int count, int stride, float *x, int32_t *scratch);

/// A hint inside a spin-wait loop (x86 PAUSE): the core waits a little without hammering the
/// line it polls, and a sibling hyper-thread gets the execution units.
static inline void toy_spin_pause(void) {
#if defined(__x86_64__)
  __builtin_ia32_pause();
#endif
}

/// Runs `iterations` rounds of ten independent 8-wide multiply-adds (160 FLOPs a round) on
/// `path`, to measure the FP32 peak; returns a value that depends on all of them.
double toy_fma_loop(toy_kernel_path path, long iterations);

/// The analytic attack's losses for the kinds without a hidden ReLU: for each moved sample
/// s = moved[i] (i < moved_count) and each direction d, adds Σ_f I_f·(y − t)², y = z[s,f] +
/// scales[i]·shifts[f,d] (ReLU'd when `output_relu`), to totals[d]. `clean` (z) and `target`
/// (t) are B×F, `shifts` F×D, all row-major doubles. Every path gives the same bits as the
/// scalar loop (sum over f in order, no fused multiply-add).
void toy_attack_losses(
    toy_kernel_path path, int output_relu, int n, int directions, const int32_t *moved, int moved_count,
    const double *scales, const double *clean, const double *target, const double *importance,
    const double *shifts, double *totals);

/// SplitMix64's output function.
uint64_t toy_mix64(uint64_t z);

/// The two 32-bit data words of sample `sample`, feature `f` of the stream `key` (see
/// toy_data.c for the scheme): the mask word and the value word.
void toy_data_words(uint64_t key, uint64_t sample, int n, int f, uint32_t *mask_word, uint32_t *value_word);

/// In the grouped and one-word schemes, features whose activity threshold is below this
/// (density under 1/16) decide their mask in groups of sixteen samples (see toy_data.c).
#define TOY_GROUP_BELOW (1ull << 28)

/// How a data stream turns its words into samples, numbered as the model-file versions that
/// use them (see toy_data.c): every sample draws its own words (1); sparse features draw their
/// masks in groups (2); and, besides, a feature of density from 1/16 up to but not including
/// 1 takes its value from its mask word (3; for the data a model draws every step, while
/// what it draws once keeps scheme 2: see DataScheme.forDataDrawnOnce).
typedef enum { TOY_SCHEME_PER_SAMPLE = 1, TOY_SCHEME_GROUPED = 2, TOY_SCHEME_ONE_WORD = 3 } toy_data_scheme;

/// The group table of a feature with activity threshold `threshold`: cdf[i] = 2³²·(1 − (1 −
/// p)^(i+1)) with p = threshold/2³², rounded (see toy_data.c).
void toy_group_cdf(uint64_t threshold, uint32_t cdf[16]);

/// The scheme's definition, one sample at a time: feature f of sample `sample` (0 when
/// inactive). `cdf` is the feature's toy_group_cdf table, read when the scheme groups and
/// threshold < TOY_GROUP_BELOW (it may be null otherwise).
float toy_data_value(
    toy_data_scheme scheme, uint64_t key, uint64_t sample, int n, int f, uint64_t threshold, const uint32_t *cdf,
    int signed_values);

/// The value the one-word scheme gives an active sample whose mask word is u (u below
/// `threshold`, which is in [TOY_GROUP_BELOW, 2³²); see toy_data.c).
float toy_data_word_value(uint32_t u, uint64_t threshold, int signed_values);

/// Writes feature f of samples first ..< first+count to row[0 ..< count], as toy_data_value
/// defines them: active with probability threshold/2³² (2³² means always), value uniform
/// on [0, 1) (on [−1, 1) when `signed_values`). Identical bits on every path.
void toy_fill_feature(
    toy_kernel_path path, toy_data_scheme scheme, uint64_t key, uint64_t first, int count, int n, int f,
    uint64_t threshold, const uint32_t *cdf, int signed_values, float *row);

/// Writes the feature set of `size` consecutive features from `lead` for samples first ..<
/// first+count: member k's values to x[k·stride ..< k·stride + count] (x points at the lead's
/// row). The set is on where the lead's mask word is below `threshold` (see toy_data.c); then a
/// correlated set (`anti` zero) gives every member its value, an anti-correlated one only the
/// member its second word picks. Identical bits on every path.
void toy_fill_set(
    toy_kernel_path path, uint64_t key, uint64_t first, int count, int n, int lead, int size, int anti,
    uint64_t threshold, int signed_values, float *x, long stride);

/// One sparse autoencoder instance's parameters and gradient for toy_sae_chunk.
/// Shapes: H = m hidden dimensions, D = d latents, mp = m rounded up to 8.
typedef struct {
  int m, d;
  /// TopK's k (0, or k ≥ d: every positive latent is kept, the L1 variant's ReLU).
  int k;
  /// 2/(B·m) for a batch of B: the reconstruction loss's gradient factor.
  float error_scale;
  const float *w_enc;       ///< H×D
  const float *b_enc;       ///< D
  const float *dec;         ///< D×H: the decoder's rows at unit length
  const float *dec_padded;  ///< D×mp: the same, rows zero-padded
  const float *b_dec;       ///< H
  const float *l1_row;      ///< D: λ/B in every entry (zeros for TopK), the L1 term's gradient
  /// The gradient, added to (all null for the forward pass alone). ∂W_enc is stored
  /// transposed; the weight gradients have padded rows.
  float *g_enc_t;  ///< D×mp: ∂loss/∂W_encᵀ
  float *g_benc;   ///< D
  float *g_dec;    ///< D×mp: ∂loss/∂D (with respect to the unit rows)
  float *g_bdec;   ///< H: the direct part Σ e (the caller subtracts W_enc·∂b_enc)
  /// D counters: the samples on which each latent is active are added to them.
  int32_t *active;
} toy_sae_args;

/// What toy_sae_chunk sums over its samples: Σ (ĥ − h)² and Σ z.
typedef struct {
  double squared_error;
  double activation;
} toy_sae_sums;

/// Forward (and, when args->g_enc_t is non-null, backward) pass of one autoencoder instance
/// over one chunk of hidden states: `h` is H rows of `stride` floats (dimension-major), its
/// first `lanes` (a multiple of 8) samples; `valid` (nullable) is 1 or 0 per lane, to mask
/// padding. `work` holds toy_sae_work_bytes(m, d, stride) bytes (32-byte aligned).
toy_sae_sums toy_sae_chunk(
    toy_kernel_path path, const toy_sae_args *args, int lanes, int stride, const float *h, const float *valid,
    void *work);

/// Bytes of work space toy_sae_chunk needs for chunks of up to `width` samples.
long toy_sae_work_bytes(int m, int d, int width);

/// A toy model's hidden states for a chunk of inputs: h[k] = Σ_f W[f][k]·x[f], then ReLU when
/// `hidden_relu`. x is F rows of `stride` floats (feature-major), h H rows; W is F×H. With
/// `w_padded` (W's rows zero-padded to mp, nullable) a wide, sparse chunk runs over its
/// non-zero inputs only. `work` holds toy_hidden_work_bytes(n, m, stride) bytes (32-byte aligned).
void toy_hidden_chunk(
    toy_kernel_path path, int hidden_relu, int n, int m, int lanes, int stride, const float *w,
    const float *w_padded, const float *x, float *h, void *work);

/// Bytes of work space toy_hidden_chunk needs for chunks of up to `width` samples.
long toy_hidden_work_bytes(int n, int m, int width);

/// Runs the autoencoder kernel's two dense products (the encoder and the reconstruction's
/// gradient, 4·m·d·width FLOPs) `iterations` times over synthetic data in `buffer`, which
/// holds 2·m·d + d + 2·m·width + 2·d·width floats; returns a value that depends on all of
/// them. For measuring the products' rate against toy_fma_loop's peak.
double toy_sae_dense_loop(toy_kernel_path path, int m, int d, int width, long iterations, float *buffer);

#endif
