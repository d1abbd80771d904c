// Training kernels for TF.js's WASM backend, in WebAssembly SIMD128, run on
// the backend's own heap (this module imports its memory: every pointer is a
// byte offset of a tensor TF.js allocated). Built by scripts/build/build-simd.sh
// into src/kernels/wasm/binary.ts; loaded by src/kernels/wasm/simd.ts.
//
// - Batch norm in training mode (moments, apply, gradient): the per-channel
//   sums accumulate 16 channels in four f32x4 registers over blocks of rows,
//   and each block's sums into float64, so a 131,072-row sum keeps float64's
//   accuracy where it matters; apply and the input gradient are one
//   x·a + b pass.
// - The convolution kernel gradient straight from NHWC x and dy: no
//   transposes and no packing, which TF.js's Conv2D (XNNPACK) does for a
//   convolution whose "filter" is dy, on every call.
// - Direct convolutions (forward, input gradient) for every stride and
//   kernel size; stride-1 3×3 convolutions, most of a ResNet's work, by
//   Winograd F(4×4, 3×3) in all three directions (4× fewer multiply-adds).
// - ReLU's gradient and He et al.'s option-A shortcut, one pass each.
//
// No stack, no static data, no libc: the module must not write anywhere
// but the pointers it is given (its memory is TF.js's). Every loop that
// needs scratch space gets it as an argument.
#include <stdint.h>
#include <wasm_simd128.h>

#define EXPORT(name) __attribute__((export_name(#name)))

// Rows per float32 block before its sums move into float64.
#define BLOCK_ROWS 256

static inline v128_t ld(const float *p) { return wasm_v128_load(p); }
static inline void st(float *p, v128_t v) { wasm_v128_store(p, v); }

// The 4 × 8 rank-1 update every convolution loop is made of, on the
// caller's accumulators a0 .. d1 (named variables, so they stay in
// registers: an array would go to the shadow stack, one address in TF.js's
// heap for every thread): row k's two vectors += *xk · g[0 .. 7].
#define RANK1_4X8(x0p, x1p, x2p, x3p, g)                                                                 \
  do {                                                                                                    \
    v128_t g0 = ld(g), g1 = ld((g) + 4);                                                                  \
    v128_t x0 = wasm_v128_load32_splat(x0p), x1 = wasm_v128_load32_splat(x1p);                            \
    v128_t x2 = wasm_v128_load32_splat(x2p), x3 = wasm_v128_load32_splat(x3p);                            \
    a0 = wasm_f32x4_add(a0, wasm_f32x4_mul(x0, g0)); a1 = wasm_f32x4_add(a1, wasm_f32x4_mul(x0, g1));     \
    b0 = wasm_f32x4_add(b0, wasm_f32x4_mul(x1, g0)); b1 = wasm_f32x4_add(b1, wasm_f32x4_mul(x1, g1));     \
    c0 = wasm_f32x4_add(c0, wasm_f32x4_mul(x2, g0)); c1 = wasm_f32x4_add(c1, wasm_f32x4_mul(x2, g1));     \
    d0 = wasm_f32x4_add(d0, wasm_f32x4_mul(x3, g0)); d1 = wasm_f32x4_add(d1, wasm_f32x4_mul(x3, g1));     \
  } while (0)

// Adds the four f32 lanes of v to f64 sums s[0..3].
static inline void flush(double *s, v128_t v) {
  v128_t lo = wasm_f64x2_promote_low_f32x4(v);
  v128_t hi = wasm_f64x2_promote_low_f32x4(wasm_i32x4_shuffle(v, v, 2, 3, 0, 1));
  wasm_v128_store(s, wasm_f64x2_add(wasm_v128_load(s), lo));
  wasm_v128_store(s + 2, wasm_f64x2_add(wasm_v128_load(s + 2), hi));
}

// Per channel k of x [n, c] (c a multiple of 4): s1[k] += Σ (x - m[k]) and,
// when s2 is not null, s2[k] += Σ (x - m[k])·(y - m2[k]) over the rows,
// where y is x itself when y is null. s1, s2: float64 [c], zeroed by the caller.
// Groups of 16 channels (one 64-byte row of a 16-channel tensor), then 4.
static void channel_sums(const float *x, const float *y, int n, int c, const float *m, const float *m2, double *s1, double *s2) {
  int k = 0;
  for (; k + 16 <= c; k += 16) {
    v128_t m0 = ld(m + k), m1 = ld(m + k + 4), mm2 = ld(m + k + 8), m3 = ld(m + k + 12);
    v128_t q0 = m2 ? ld(m2 + k) : m0, q1 = m2 ? ld(m2 + k + 4) : m1, q2 = m2 ? ld(m2 + k + 8) : mm2, q3 = m2 ? ld(m2 + k + 12) : m3;
    for (int r0 = 0; r0 < n; r0 += BLOCK_ROWS) {
      int r1 = r0 + BLOCK_ROWS < n ? r0 + BLOCK_ROWS : n;
      v128_t a0 = wasm_f32x4_splat(0), a1 = a0, a2 = a0, a3 = a0;
      v128_t b0 = a0, b1 = a0, b2 = a0, b3 = a0;
      for (int r = r0; r < r1; r++) {
        const float *p = x + (long)r * c + k;
        v128_t d0 = wasm_f32x4_sub(ld(p), m0), d1 = wasm_f32x4_sub(ld(p + 4), m1);
        v128_t d2 = wasm_f32x4_sub(ld(p + 8), mm2), d3 = wasm_f32x4_sub(ld(p + 12), m3);
        a0 = wasm_f32x4_add(a0, d0); a1 = wasm_f32x4_add(a1, d1);
        a2 = wasm_f32x4_add(a2, d2); a3 = wasm_f32x4_add(a3, d3);
        if (s2) {
          const float *q = y ? y + (long)r * c + k : p;
          v128_t e0 = y ? wasm_f32x4_sub(ld(q), q0) : d0, e1 = y ? wasm_f32x4_sub(ld(q + 4), q1) : d1;
          v128_t e2 = y ? wasm_f32x4_sub(ld(q + 8), q2) : d2, e3 = y ? wasm_f32x4_sub(ld(q + 12), q3) : d3;
          b0 = wasm_f32x4_add(b0, wasm_f32x4_mul(d0, e0)); b1 = wasm_f32x4_add(b1, wasm_f32x4_mul(d1, e1));
          b2 = wasm_f32x4_add(b2, wasm_f32x4_mul(d2, e2)); b3 = wasm_f32x4_add(b3, wasm_f32x4_mul(d3, e3));
        }
      }
      flush(s1 + k, a0); flush(s1 + k + 4, a1); flush(s1 + k + 8, a2); flush(s1 + k + 12, a3);
      if (s2) { flush(s2 + k, b0); flush(s2 + k + 4, b1); flush(s2 + k + 8, b2); flush(s2 + k + 12, b3); }
    }
  }
  for (; k < c; k += 4) {
    v128_t m0 = ld(m + k), q0 = m2 ? ld(m2 + k) : m0;
    for (int r0 = 0; r0 < n; r0 += BLOCK_ROWS) {
      int r1 = r0 + BLOCK_ROWS < n ? r0 + BLOCK_ROWS : n;
      v128_t a0 = wasm_f32x4_splat(0), b0 = a0;
      for (int r = r0; r < r1; r++) {
        v128_t d0 = wasm_f32x4_sub(ld(x + (long)r * c + k), m0);
        a0 = wasm_f32x4_add(a0, d0);
        if (s2) b0 = wasm_f32x4_add(b0, wasm_f32x4_mul(d0, y ? wasm_f32x4_sub(ld(y + (long)r * c + k), q0) : d0));
      }
      flush(s1 + k, a0);
      if (s2) flush(s2 + k, b0);
    }
  }
}

// y[r, k] = x[r, k]·a[k] + b[k] (+ d[r, k]·e[k] when d is not null), c a multiple of 4.
static void affine(const float *x, const float *a, const float *b, const float *d, const float *e, int n, int c, float *y) {
  for (int r = 0; r < n; r++) {
    const float *xr = x + (long)r * c;
    float *yr = y + (long)r * c;
    if (d) {
      const float *dr = d + (long)r * c;
      for (int k = 0; k < c; k += 4)
        st(yr + k, wasm_f32x4_add(wasm_f32x4_add(wasm_f32x4_mul(ld(xr + k), ld(a + k)), ld(b + k)), wasm_f32x4_mul(ld(dr + k), ld(e + k))));
    } else {
      for (int k = 0; k < c; k += 4) st(yr + k, wasm_f32x4_add(wasm_f32x4_mul(ld(xr + k), ld(a + k)), ld(b + k)));
    }
  }
}

static void zero64(double *s, int c) {
  for (int k = 0; k < c; k++) s[k] = 0;
}

// x [n, c] -> mean [c], biased variance [c]; two passes (the second about
// the mean, so no cancellation). scratch: float64 [2c] + float32 [c].
EXPORT(bn_moments) void bn_moments(const float *x, int n, int c, float *mean, float *variance, double *scratch) {
  double *s1 = scratch, *s2 = scratch + c;
  float *zero = (float *)(scratch + 2 * c);
  for (int k = 0; k < c; k++) zero[k] = 0;
  zero64(s1, c);
  channel_sums(x, 0, n, c, zero, 0, s1, 0);
  for (int k = 0; k < c; k++) mean[k] = (float)(s1[k] / n);
  zero64(s1, c);
  zero64(s2, c);
  channel_sums(x, 0, n, c, mean, 0, s1, s2);
  // Σ(x - mean) is rounding error of the float32 mean: the exact two-pass correction.
  for (int k = 0; k < c; k++) variance[k] = (float)((s2[k] - s1[k] * s1[k] / n) / n);
}

// y = (x - mean)/sqrt(variance + eps)·gamma + beta as x·scale + shift.
// scratch: float32 [2c].
EXPORT(bn_apply) void bn_apply(const float *x, int n, int c, const float *mean, const float *variance, const float *gamma, const float *beta, float epsilon, float *y, float *scratch) {
  float *scale = scratch, *shift = scratch + c;
  for (int k = 0; k < c; k++) {
    double s = gamma[k] / __builtin_sqrt((double)variance[k] + epsilon);
    scale[k] = (float)s;
    shift[k] = (float)(beta[k] - mean[k] * s);
  }
  affine(x, scale, shift, 0, 0, n, c, y);
}

// The gradient of bn_apply with the batch's own statistics: with
// x̂ = (x - mean)·invStd, dβ = Σ dy, dγ = Σ dy·x̂,
// dx = γ·invStd·(dy − dβ/N − x̂·dγ/N) = a·dy + b·x + d per channel.
// scratch: float64 [2c] + float32 [4c].
EXPORT(bn_grad) void bn_grad(const float *dy, const float *x, int n, int c, const float *mean, const float *variance, const float *gamma, float epsilon, float *dx, float *dgamma, float *dbeta, double *scratch) {
  double *s1 = scratch, *s2 = scratch + c;
  float *zero = (float *)(scratch + 2 * c), *a = zero + c, *b = a + c, *d = b + c;
  for (int k = 0; k < c; k++) zero[k] = 0;
  zero64(s1, c);
  zero64(s2, c);
  channel_sums(dy, x, n, c, zero, mean, s1, s2); // s1 = Σ dy, s2 = Σ dy·(x - mean)
  for (int k = 0; k < c; k++) {
    double inv = 1 / __builtin_sqrt((double)variance[k] + epsilon);
    double dg = s2[k] * inv;
    double ak = gamma[k] * inv;
    double bk = -ak * inv * (dg / n);
    dgamma[k] = (float)dg;
    dbeta[k] = (float)s1[k];
    a[k] = (float)ak;
    b[k] = (float)bk;
    d[k] = (float)(-ak * (s1[k] / n) - bk * mean[k]);
  }
  // dx = dy·a + d + x·b.
  affine(dy, a, d, x, b, n, c, dx);
}

// Output positions per chunk: the accumulators of one (tap, channel block)
// stay in registers over a chunk, and the chunk's x and dy stay in cache
// while every tap and channel block sweeps them. A whole dw (9.4 MB at
// 512 × 512 channels) moves through memory twice per chunk, so a chunk must
// not be too small either.
#define CHUNK_POSITIONS 64

// Rows r = b·OH + oh of a chunk: the first input row of tap i, or -1 outside.
static inline int tap_row(int r, int i, int H, int OH, int s, int padTop) {
  int oh = r % OH, y = oh * s - padTop + i;
  return y < 0 || y >= H ? -1 : (r / OH) * H + y;
}

// dw[i, j, c0 + cc, o0 .. o0 + 7] += Σ over rows r in [r0, r1) and ow in
// [ow0, ow1) of x[row(r, i), ow·s + xoff, c0 + cc] · dy[r, ow, o0 ..], for
// cc < cb (cb <= 4). Eight accumulators in registers for the whole chunk.
static void taps8(const float *x, const float *dy, float *w, int cb, int r0, int r1, int i, int ow0, int ow1, int xoff,
                  int H, int W, int C, int OH, int OW, int O, int s, int padTop) {
  v128_t a0 = ld(w), a1 = ld(w + 4);
  v128_t b0 = cb > 1 ? ld(w + O) : a0, b1 = cb > 1 ? ld(w + O + 4) : a0;
  v128_t c0 = cb > 2 ? ld(w + 2 * O) : a0, c1 = cb > 2 ? ld(w + 2 * O + 4) : a0;
  v128_t d0 = cb > 3 ? ld(w + 3 * O) : a0, d1 = cb > 3 ? ld(w + 3 * O + 4) : a0;
  for (int r = r0; r < r1; r++) {
    int row = tap_row(r, i, H, OH, s, padTop);
    if (row < 0) continue;
    const float *xp = x + ((long)row * W + ow0 * s + xoff) * C;
    const float *dp = dy + ((long)r * OW + ow0) * O;
    if (cb == 4) {
      for (int ow = ow0; ow < ow1; ow++, xp += s * C, dp += O) {
        RANK1_4X8(xp, xp + 1, xp + 2, xp + 3, dp);
      }
    } else {
      for (int ow = ow0; ow < ow1; ow++, xp += s * C, dp += O) {
        v128_t g0 = ld(dp), g1 = ld(dp + 4);
        v128_t x0 = wasm_v128_load32_splat(xp);
        a0 = wasm_f32x4_add(a0, wasm_f32x4_mul(x0, g0)); a1 = wasm_f32x4_add(a1, wasm_f32x4_mul(x0, g1));
        if (cb > 1) { v128_t x1 = wasm_v128_load32_splat(xp + 1); b0 = wasm_f32x4_add(b0, wasm_f32x4_mul(x1, g0)); b1 = wasm_f32x4_add(b1, wasm_f32x4_mul(x1, g1)); }
        if (cb > 2) { v128_t x2 = wasm_v128_load32_splat(xp + 2); c0 = wasm_f32x4_add(c0, wasm_f32x4_mul(x2, g0)); c1 = wasm_f32x4_add(c1, wasm_f32x4_mul(x2, g1)); }
      }
    }
  }
  st(w, a0); st(w + 4, a1);
  if (cb > 1) { st(w + O, b0); st(w + O + 4, b1); }
  if (cb > 2) { st(w + 2 * O, c0); st(w + 2 * O + 4, c1); }
  if (cb > 3) { st(w + 3 * O, d0); st(w + 3 * O + 4, d1); }
}

// The same for output channels o0 .. o0 + 3 (vec) or the one channel o0, one input channel at a time.
static void taps4(const float *x, const float *dy, float *w, int cb, int r0, int r1, int i, int ow0, int ow1, int xoff,
                  int H, int W, int C, int OH, int OW, int O, int s, int padTop, int vec) {
  for (int cc = 0; cc < cb; cc++) {
    v128_t a = vec ? ld(w + cc * O) : wasm_f32x4_make(w[cc * O], 0, 0, 0);
    for (int r = r0; r < r1; r++) {
      int row = tap_row(r, i, H, OH, s, padTop);
      if (row < 0) continue;
      const float *xp = x + ((long)row * W + ow0 * s + xoff) * C + cc;
      const float *dp = dy + ((long)r * OW + ow0) * O;
      for (int ow = ow0; ow < ow1; ow++, xp += s * C, dp += O)
        a = wasm_f32x4_add(a, wasm_f32x4_mul(wasm_v128_load32_splat(xp), vec ? ld(dp) : wasm_f32x4_make(*dp, 0, 0, 0)));
    }
    if (vec) st(w + cc * O, a);
    else w[cc * O] = wasm_f32x4_extract_lane(a, 0);
  }
}

// dLoss/dKernel of a convolution, NHWC: x [B, H, W, C], dy [B, OH, OW, O],
// stride s, zero padding padTop/padLeft (the rest implied by OH, OW) ->
// dw [KH, KW, C, O] (overwritten). Images from b0 to b1 only, so that
// callers can split the batch.
EXPORT(conv2d_kernel_grad) void conv2d_kernel_grad(const float *x, const float *dy, float *dw, int b0, int b1, int H, int W, int C, int OH, int OW, int O, int KH, int KW, int s, int padTop, int padLeft) {
  for (long k = 0; k < (long)KH * KW * C * O; k++) dw[k] = 0;
  int rows = CHUNK_POSITIONS / OW > 1 ? CHUNK_POSITIONS / OW : 1;
  for (int r0 = b0 * OH; r0 < b1 * OH; r0 += rows) {
    int r1 = r0 + rows < b1 * OH ? r0 + rows : b1 * OH;
    for (int i = 0; i < KH; i++)
      for (int j = 0; j < KW; j++) {
        // Outputs whose tap j lands inside the row: 0 <= ow·s - padLeft + j < W.
        int xoff = j - padLeft;
        if (xoff > W - 1) continue;
        int ow0 = xoff >= 0 ? 0 : (-xoff + s - 1) / s;
        int ow1 = (W - 1 - xoff) / s + 1;
        if (ow1 > OW) ow1 = OW;
        if (ow0 >= ow1) continue;
        float *wt = dw + ((long)i * KW + j) * C * O;
        for (int c0 = 0; c0 < C; c0 += 4) {
          int cb = C - c0 < 4 ? C - c0 : 4;
          int o0 = 0;
          for (; o0 + 8 <= O; o0 += 8) taps8(x + c0, dy + o0, wt + (long)c0 * O + o0, cb, r0, r1, i, ow0, ow1, xoff, H, W, C, OH, OW, O, s, padTop);
          for (; o0 + 4 <= O; o0 += 4) taps4(x + c0, dy + o0, wt + (long)c0 * O + o0, cb, r0, r1, i, ow0, ow1, xoff, H, W, C, OH, OW, O, s, padTop, 1);
          for (; o0 < O; o0++) taps4(x + c0, dy + o0, wt + (long)c0 * O + o0, cb, r0, r1, i, ow0, ow1, xoff, H, W, C, OH, OW, O, s, padTop, 0);
        }
      }
  }
}

// dst[k] += src[k] for k < n: the pool's per-thread partial sums.
EXPORT(add_f32) void add_f32(float *dst, const float *src, int n) {
  int k = 0;
  for (; k + 4 <= n; k += 4) st(dst + k, wasm_f32x4_add(ld(dst + k), ld(src + k)));
  for (; k < n; k++) dst[k] += src[k];
}


// Where tap column xx of an input row lands: the pixel, or `zeros` (C zero
// floats) in the padding, so that the inner loops have no branches.
static inline const float *col(const float *xrow, const float *zeros, int xx, int W, int C) {
  return xx >= 0 && xx < W ? xrow + (long)xx * C : zeros;
}

// The 4-pixel × 8-channel block both convolution directions share, on the
// caller's accumulators a0 .. d1 (RANK1_4X8): pixel k's accumulators +=
// pk[c] · w[c·stride .. c·stride + 7] for c < n. Then its store, pixels
// `step` floats apart.
#define MAC4X8(p0, p1, p2, p3, w, n, stride)                                                             \
  for (int c_ = 0; c_ < (n); c_++) RANK1_4X8((p0) + c_, (p1) + c_, (p2) + c_, (p3) + c_, (w) + (long)c_ * (stride));
#define STORE4X8(p, step, np)                                                                             \
  do {                                                                                                    \
    st((p), a0); st((p) + 4, a1);                                                                         \
    if ((np) > 1) { st((p) + (step), b0); st((p) + (step) + 4, b1); }                                     \
    if ((np) > 2) { st((p) + 2 * (step), c0); st((p) + 2 * (step) + 4, c1); }                             \
    if ((np) > 3) { st((p) + 3 * (step), d0); st((p) + 3 * (step) + 4, d1); }                             \
  } while (0)

// The 4-pixel × 4-channel block (vec), or 4 pixels × one channel in lane 0,
// on the caller's a0 .. d0; then its store.
#define MAC4X4(p0, p1, p2, p3, w, n, stride, vec)                                                         \
  for (int c_ = 0; c_ < (n); c_++) {                                                                      \
    const float *w_ = (w) + (long)c_ * (stride);                                                          \
    v128_t g0 = (vec) ? ld(w_) : wasm_f32x4_make(*w_, 0, 0, 0);                                           \
    a0 = wasm_f32x4_add(a0, wasm_f32x4_mul(wasm_v128_load32_splat((p0) + c_), g0));                       \
    b0 = wasm_f32x4_add(b0, wasm_f32x4_mul(wasm_v128_load32_splat((p1) + c_), g0));                       \
    c0 = wasm_f32x4_add(c0, wasm_f32x4_mul(wasm_v128_load32_splat((p2) + c_), g0));                       \
    d0 = wasm_f32x4_add(d0, wasm_f32x4_mul(wasm_v128_load32_splat((p3) + c_), g0));                       \
  }
#define STORE4X4(p, step, np, vec)                                                                        \
  do {                                                                                                    \
    if (vec) {                                                                                            \
      st((p), a0);                                                                                        \
      if ((np) > 1) st((p) + (step), b0);                                                                 \
      if ((np) > 2) st((p) + 2 * (step), c0);                                                             \
      if ((np) > 3) st((p) + 3 * (step), d0);                                                             \
    } else {                                                                                              \
      (p)[0] = wasm_f32x4_extract_lane(a0, 0);                                                            \
      if ((np) > 1) (p)[(step)] = wasm_f32x4_extract_lane(b0, 0);                                         \
      if ((np) > 2) (p)[2 * (step)] = wasm_f32x4_extract_lane(c0, 0);                                     \
      if ((np) > 3) (p)[3 * (step)] = wasm_f32x4_extract_lane(d0, 0);                                     \
    }                                                                                                     \
  } while (0)

// Output pixels ow0 .. ow0 + np - 1 (np <= 4) of row (b, oh), channels
// o0 .. o0 + 7: Σ over taps (i, j) and input channels c of x · w, eight
// accumulators (4 pixels × 2 vectors) in registers.
static void conv_px8(const float *x, const float *w, const float *zeros, int b, int oh, int ow0, int np, int o0, float *yr,
                     int H, int W, int C, int O, int KH, int KW, int s, int padTop, int padLeft) {
  v128_t a0 = wasm_f32x4_splat(0), a1 = a0, b0 = a0, b1 = a0, c0 = a0, c1 = a0, d0 = a0, d1 = a0;
  for (int i = 0; i < KH; i++) {
    int yy = oh * s - padTop + i;
    if (yy < 0 || yy >= H) continue;
    const float *xrow = x + ((long)b * H + yy) * W * C;
    // Inside the row, a pixel's taps j = 0 .. KW - 1 are KW·C contiguous floats, as are w's: one loop.
    int left = ow0 * s - padLeft, inside = np == 4 && left >= 0 && left + 3 * s + KW <= W;
    for (int j = 0; j < (inside ? 1 : KW); j++) {
      int xx = left + j, n = inside ? KW * C : C;
      const float *p0 = col(xrow, zeros, xx, W, C);
      const float *p1 = np > 1 ? col(xrow, zeros, xx + s, W, C) : zeros;
      const float *p2 = np > 2 ? col(xrow, zeros, xx + 2 * s, W, C) : zeros;
      const float *p3 = np > 3 ? col(xrow, zeros, xx + 3 * s, W, C) : zeros;
      MAC4X8(p0, p1, p2, p3, w + ((long)(i * KW + j) * C) * O + o0, n, O)
    }
  }
  STORE4X8(yr + (long)ow0 * O + o0, O, np);
}

// The same for 4 output channels (one vector per pixel), or (vec = 0) the
// one channel o0 in lane 0, for O not a multiple of 4.
static void conv_px4(const float *x, const float *w, const float *zeros, int b, int oh, int ow0, int np, int o0, float *yr,
                     int H, int W, int C, int O, int KH, int KW, int s, int padTop, int padLeft, int vec) {
  v128_t a0 = wasm_f32x4_splat(0), b0 = a0, c0 = a0, d0 = a0;
  for (int i = 0; i < KH; i++) {
    int yy = oh * s - padTop + i;
    if (yy < 0 || yy >= H) continue;
    const float *xrow = x + ((long)b * H + yy) * W * C;
    for (int j = 0; j < KW; j++) {
      int xx = ow0 * s - padLeft + j;
      const float *p0 = col(xrow, zeros, xx, W, C);
      const float *p1 = np > 1 ? col(xrow, zeros, xx + s, W, C) : zeros;
      const float *p2 = np > 2 ? col(xrow, zeros, xx + 2 * s, W, C) : zeros;
      const float *p3 = np > 3 ? col(xrow, zeros, xx + 3 * s, W, C) : zeros;
      MAC4X4(p0, p1, p2, p3, w + ((long)(i * KW + j) * C) * O + o0, C, O, vec)
    }
  }
  float *yp = yr + (long)ow0 * O + o0;
  STORE4X4(yp, O, np, vec);
}

// A convolution, NHWC: x [B, H, W, C], w [KH, KW, C, O], stride s, zero
// padding padTop/padLeft (the rest implied by OH, OW) -> y [B, OH, OW, O],
// output rows r = b·OH + oh from r0 to r1 only, so that callers can split
// the rows among threads. zeros: C zero floats (the padding's pixel).
EXPORT(conv2d_forward) void conv2d_forward(const float *x, const float *w, float *y, const float *zeros, int r0, int r1, int H, int W, int C, int OH, int OW, int O, int KH, int KW, int s, int padTop, int padLeft) {
  // Rows in chunks, each output-channel block over a whole chunk: the block's
  // slice of w (KH·KW·C × 8 floats) stays in cache across the chunk's pixels.
  int rows = CHUNK_POSITIONS / OW > 1 ? CHUNK_POSITIONS / OW : 1;
  for (int c0 = r0; c0 < r1; c0 += rows) {
    int c1 = c0 + rows < r1 ? c0 + rows : r1;
    int o0 = 0;
    for (; o0 + 8 <= O; o0 += 8)
      for (int r = c0; r < c1; r++)
        for (int ow0 = 0; ow0 < OW; ow0 += 4)
          conv_px8(x, w, zeros, r / OH, r % OH, ow0, OW - ow0 < 4 ? OW - ow0 : 4, o0, y + (long)r * OW * O, H, W, C, O, KH, KW, s, padTop, padLeft);
    for (; o0 + 4 <= O; o0 += 4)
      for (int r = c0; r < c1; r++)
        for (int ow0 = 0; ow0 < OW; ow0 += 4)
          conv_px4(x, w, zeros, r / OH, r % OH, ow0, OW - ow0 < 4 ? OW - ow0 : 4, o0, y + (long)r * OW * O, H, W, C, O, KH, KW, s, padTop, padLeft, 1);
    for (; o0 < O; o0++)
      for (int r = c0; r < c1; r++)
        for (int ow0 = 0; ow0 < OW; ow0 += 4)
          conv_px4(x, w, zeros, r / OH, r % OH, ow0, OW - ow0 < 4 ? OW - ow0 : 4, o0, y + (long)r * OW * O, H, W, C, O, KH, KW, s, padTop, padLeft, 0);
  }
}

// The dy row that tap row i of dx row (b, y) reads, or null where
// y + padTop - i is no multiple of s or falls outside dy.
static inline const float *dy_row(const float *dy, int b, int y, int i, int s, int padTop, int OH, int OW, int O) {
  int t = y + padTop - i;
  return t < 0 || t % s || t / s >= OH ? 0 : dy + ((long)b * OH + t / s) * OW * O;
}

// The dy column that tap column j of dx column x0 reads (col() gives zeros
// outside dy), or NO_COLUMN where x0 + padLeft - j is no multiple of s.
#define NO_COLUMN (-2147483647 - 1)
static inline int dy_col(int x0, int j, int s, int padLeft) {
  int u = x0 + padLeft - j;
  if (((u % s) + s) % s) return NO_COLUMN;
  return u >= 0 ? u / s : -((-u + s - 1) / s);
}

// The input gradient of a convolution, NHWC, without dilating dy:
// dx[b, y, x, c] = Σ over taps (i, j) with y + padTop - i = oh·s and
// x + padLeft - j = ow·s (oh, ow inside dy) and over o of
// dy[b, oh, ow, o] · w[i, j, c, o]. wt is w transposed to [KH, KW, O, C]
// (c contiguous, the vector axis here). Pixels go in blocks of 4 of the
// same phase (x, x + s, x + 2s, x + 3s): they take the same taps, and their
// dy pixels are neighbours (ow, ow + 1, ...). Channels ch0 .. ch0 + width - 1
// (width 8, 4, or 1: lane 0 of a vector).
static void dx_px(const float *dy, const float *wt, const float *zeros, int b, int y, int x0, int np, int ch0, int width, float *dxr,
                  int C, int OH, int OW, int O, int KH, int KW, int s, int padTop, int padLeft) {
  v128_t a0 = wasm_f32x4_splat(0), a1 = a0, b0 = a0, b1 = a0, c0 = a0, c1 = a0, d0 = a0, d1 = a0;
  for (int i = 0; i < KH; i++) {
    const float *dyrow = dy_row(dy, b, y, i, s, padTop, OH, OW, O);
    if (!dyrow) continue;
    for (int j = 0; j < KW; j++) {
      int ow = dy_col(x0, j, s, padLeft);
      if (ow == NO_COLUMN) continue;
      const float *p0 = col(dyrow, zeros, ow, OW, O), *p1 = np > 1 ? col(dyrow, zeros, ow + 1, OW, O) : zeros;
      const float *p2 = np > 2 ? col(dyrow, zeros, ow + 2, OW, O) : zeros, *p3 = np > 3 ? col(dyrow, zeros, ow + 3, OW, O) : zeros;
      const float *wp = wt + ((long)(i * KW + j) * O) * C + ch0;
      if (width == 8) {
        MAC4X8(p0, p1, p2, p3, wp, O, C)
      } else {
        MAC4X4(p0, p1, p2, p3, wp, O, C, width == 4)
      }
    }
  }
  float *p = dxr + (long)x0 * C + ch0;
  if (width == 8) STORE4X8(p, (long)s * C, np);
  else STORE4X4(p, (long)s * C, np, width == 4);
}

// dLoss/dx of a convolution (see dx_px): dy [B, OH, OW, O], wt
// [KH, KW, O, C] -> dx [B, H, W, C], rows r = b·H + y from r0 to r1 only.
// zeros: O zero floats.
EXPORT(conv2d_input_grad) void conv2d_input_grad(const float *dy, const float *wt, float *dx, const float *zeros, int r0, int r1, int H, int W, int C, int OH, int OW, int O, int KH, int KW, int s, int padTop, int padLeft) {
  // Rows in chunks, each channel block over a whole chunk (as conv2d_forward).
  int rows = CHUNK_POSITIONS / W > 1 ? CHUNK_POSITIONS / W : 1;
  for (int k0 = r0; k0 < r1; k0 += rows) {
    int k1 = k0 + rows < r1 ? k0 + rows : r1;
    for (int c0 = 0; c0 < C;) {
      int width = C - c0 >= 8 ? 8 : C - c0 >= 4 ? 4 : 1;
      for (int r = k0; r < k1; r++) {
        int b = r / H, y = r % H;
        float *dxr = dx + (long)r * W * C;
        for (int q = 0; q < s && q < W; q++) {
          int n = (W - q + s - 1) / s; // pixels of phase q: q, q + s, ...
          for (int k = 0; k < n; k += 4) {
            int np = n - k < 4 ? n - k : 4, x0 = q + k * s;
            dx_px(dy, wt, zeros, b, y, x0, np, c0, width, dxr, C, OH, OW, O, KH, KW, s, padTop, padLeft);
          }
        }
      }
      c0 += width;
    }
  }
}

// w [KH, KW, C, O] -> out [KH, KW, O, C], the taps reversed when flip
// (out[KH-1-i, KW-1-j] = w[i, j]ᵀ): the kernel an input gradient needs, as a
// stride-1 forward convolution of dy (flip) or for conv2d_input_grad.
// Blocks of 8 × 8 so that reads and writes both stay in cache lines.
EXPORT(kernel_transpose) void kernel_transpose(const float *w, float *out, int KH, int KW, int C, int O, int flip) {
  for (int i = 0; i < KH; i++)
    for (int j = 0; j < KW; j++) {
      const float *src = w + ((long)i * KW + j) * C * O;
      float *dst = out + ((long)(flip ? KH - 1 - i : i) * KW + (flip ? KW - 1 - j : j)) * O * C;
      for (int c0 = 0; c0 < C; c0 += 8)
        for (int o0 = 0; o0 < O; o0 += 8) {
          int c1 = c0 + 8 < C ? c0 + 8 : C, o1 = o0 + 8 < O ? o0 + 8 : O;
          for (int c = c0; c < c1; c++)
            for (int o = o0; o < o1; o++) dst[(long)o * C + c] = src[(long)c * O + o];
        }
    }
}

// ---- Winograd F(4×4, 3×3) for stride-1 3×3 convolutions ----
// Lavin & Gray, "Fast Algorithms for Convolutional Neural Networks" (CVPR
// 2016): each 4×4 block of outputs (a tile) is Aᵀ[(G g Gᵀ) ⊙ (Bᵀ d B)]A
// over the tile's 6×6 input patch d: 36 products per input/output channel
// pair instead of 144, 4× fewer multiply-adds; the elementwise products
// over channels become 36 matrix products, one per position ξ of the 6×6
// transformed tile. (F(2×2, 3×3) has 2.25× fewer products than direct, and
// its transforms cost about as much per output as these: F(4×4) wins;
// bench/LOG.md.) The transforms' coefficients (up to 8 and 1/24) cost
// accuracy: about 2e-6 relative in float32 at 64 channels, against the
// direct loops' 1e-7 (section 5 of the paper). The kernel gradient is the
// same algebra backwards: dU[ξ] = Σ over tiles of V[ξ]ᵀ·(A dY Aᵀ)[ξ], then
// dW = Gᵀ dU G. Channels go in vectors of 4 (callers take this path only
// where C and O are multiples of 4).
//
// Tiles t = (b·TY + ty)·TX + tx, TY = ⌈OH/4⌉, TX = ⌈OW/4⌉, in chunks
// of WG_TILES: a chunk's transformed inputs and outputs (scratch) stay in
// cache between the transforms and the 36 matrix products.
#define WG_PLANES 36

// Tiles per chunk. The kernel gradient's dU [36, C, O] goes through memory
// once a chunk, so larger chunks pass it fewer times; the forward loops run
// alike at 4, 8 or 16 (bench/README.md).
#define WG_TILES 16

// The 1-D transforms, on named vectors (no arrays: they would go to the
// shadow stack). Bᵀ: 6 -> 6; Aᵀ: 6 -> 4; A: 4 -> 6; G: 3 -> 6; Gᵀ: 6 -> 3.
#define ADD wasm_f32x4_add
#define SUB wasm_f32x4_sub
#define MUL(k, v) wasm_f32x4_mul(wasm_f32x4_splat(k), v)
#define BT(d0, d1, d2, d3, d4, d5, r0, r1, r2, r3, r4, r5)                            \
  v128_t r0 = ADD(SUB(MUL(4.f, d0), MUL(5.f, d2)), d4), r5 = ADD(SUB(MUL(4.f, d1), MUL(5.f, d3)), d5); \
  v128_t r1##_a = SUB(d4, MUL(4.f, d2)), r1##_b = SUB(d3, MUL(4.f, d1));              \
  v128_t r3##_a = SUB(d4, d2), r3##_b = MUL(2.f, SUB(d3, d1));                        \
  v128_t r1 = ADD(r1##_a, r1##_b), r2 = SUB(r1##_a, r1##_b), r3 = ADD(r3##_a, r3##_b), r4 = SUB(r3##_a, r3##_b)
#define AT(m0, m1, m2, m3, m4, m5, r0, r1, r2, r3)                                    \
  v128_t r0##_s = ADD(m1, m2), r0##_d = SUB(m1, m2), r0##_S = ADD(m3, m4), r0##_D = SUB(m3, m4); \
  v128_t r0 = ADD(ADD(m0, r0##_s), r0##_S), r1 = ADD(r0##_d, MUL(2.f, r0##_D));       \
  v128_t r2 = ADD(r0##_s, MUL(4.f, r0##_S)), r3 = ADD(ADD(r0##_d, MUL(8.f, r0##_D)), m5)
#define A6(y0, y1, y2, y3, r0, r1, r2, r3, r4, r5)                                    \
  v128_t r1##_e = ADD(y0, y2), r1##_o = ADD(y1, y3);                                  \
  v128_t r3##_e = ADD(y0, MUL(4.f, y2)), r3##_o = ADD(MUL(2.f, y1), MUL(8.f, y3));    \
  v128_t r0 = y0, r1 = ADD(r1##_e, r1##_o), r2 = SUB(r1##_e, r1##_o), r3 = ADD(r3##_e, r3##_o), r4 = SUB(r3##_e, r3##_o), r5 = y3
#define G6(g0, g1, g2, r0, r1, r2, r3, r4, r5)                                        \
  v128_t r1##_p = ADD(g0, g2), r3##_q = ADD(MUL(1.f / 24, g0), MUL(1.f / 6, g2)), r3##_h = MUL(1.f / 12, g1); \
  v128_t r0 = MUL(0.25f, g0), r1 = MUL(-1.f / 6, ADD(r1##_p, g1)), r2 = MUL(-1.f / 6, SUB(r1##_p, g1)); \
  v128_t r3 = ADD(r3##_q, r3##_h), r4 = SUB(r3##_q, r3##_h), r5 = g2
#define GT(u0, u1, u2, u3, u4, u5, r0, r1, r2)                                        \
  v128_t r0##_s = ADD(u1, u2), r0##_S = ADD(u3, u4);                                  \
  v128_t r0 = ADD(SUB(MUL(0.25f, u0), MUL(1.f / 6, r0##_s)), MUL(1.f / 24, r0##_S));  \
  v128_t r1 = ADD(MUL(1.f / 6, SUB(u2, u1)), MUL(1.f / 12, SUB(u3, u4)));             \
  v128_t r2 = ADD(MUL(1.f / 6, SUB(r0##_S, r0##_s)), u5)

// U [36, C, O] = G w Gᵀ for every (c, o) of w [3, 3, C, O].
EXPORT(winograd_kernel) void winograd_kernel(const float *w, float *u, int C, int O) {
  long co = (long)C * O;
  for (long k = 0; k < co; k += 4) {
#define W(i, j) v128_t w##i##j = ld(w + (i * 3 + j) * co + k)
    W(0, 0); W(0, 1); W(0, 2); W(1, 0); W(1, 1); W(1, 2); W(2, 0); W(2, 1); W(2, 2);
#undef W
    // Columns j: t_a_j = (G g)[a][j]; then each row a: u[a][b] = (t Gᵀ)[a][b].
    G6(w00, w10, w20, t00, t10, t20, t30, t40, t50);
    G6(w01, w11, w21, t01, t11, t21, t31, t41, t51);
    G6(w02, w12, w22, t02, t12, t22, t32, t42, t52);
#define ROW(a)                                                         \
  do {                                                                 \
    G6(t##a##0, t##a##1, t##a##2, q0, q1, q2, q3, q4, q5);             \
    float *p = u + a * 6 * co + k;                                     \
    st(p, q0); st(p + co, q1); st(p + 2 * co, q2);                     \
    st(p + 3 * co, q3); st(p + 4 * co, q4); st(p + 5 * co, q5);        \
  } while (0)
    ROW(0); ROW(1); ROW(2); ROW(3); ROW(4); ROW(5);
#undef ROW
  }
}

// dW [3, 3, C, O] = Gᵀ dU G for every (c, o) of dU [36, C, O].
EXPORT(winograd_kernel_grad_finish) void winograd_kernel_grad_finish(const float *du, float *dw, int C, int O) {
  long co = (long)C * O;
  for (long k = 0; k < co; k += 4) {
    // Each column b through Gᵀ: t_i_b, i < 3; then each row i.
#define COL(b)                                                                                     \
  GT(ld(du + (0 * 6 + b) * co + k), ld(du + (1 * 6 + b) * co + k), ld(du + (2 * 6 + b) * co + k),  \
     ld(du + (3 * 6 + b) * co + k), ld(du + (4 * 6 + b) * co + k), ld(du + (5 * 6 + b) * co + k),  \
     t0##b, t1##b, t2##b)
    COL(0); COL(1); COL(2); COL(3); COL(4); COL(5);
#undef COL
#define ROW(i)                                                                 \
  do {                                                                         \
    GT(t##i##0, t##i##1, t##i##2, t##i##3, t##i##4, t##i##5, q0, q1, q2);      \
    st(dw + (i * 3 + 0) * co + k, q0);                                         \
    st(dw + (i * 3 + 1) * co + k, q1);                                         \
    st(dw + (i * 3 + 2) * co + k, q2);                                         \
  } while (0)
    ROW(0); ROW(1); ROW(2);
#undef ROW
  }
}

// The input pixel (row, xx) of image row pointer `row` (null: outside), or zeros.
static inline const float *px(const float *row, const float *zeros, int xx, int W, int C) {
  return row && xx >= 0 && xx < W ? row + (long)xx * C : zeros;
}

// Scratch per thread: a 6×6 × C patch (a tile at the edge, its padding
// zeros), then the chunk's transformed inputs, 36 planes [WG_TILES, C], then
// its products, 36 planes [WG_TILES, O]. Each plane starts one cache line
// past a power of two: planes a power of two apart share the same L1 sets,
// and the transforms touch all 36 at once (4K aliasing).
#define WG_PLANE(C) ((long)WG_TILES * (C) + 16)
#define WG_PATCH(scratch) (scratch)
#define WG_V(scratch, C) ((scratch) + 36L * (C))
#define WG_M(scratch, C) (WG_V(scratch, C) + WG_PLANES * WG_PLANE(C))

// The bytes of scratch each thread of winograd_forward or winograd_kernel_grad needs.
EXPORT(winograd_scratch_bytes) int winograd_scratch_bytes(int C, int O) { return 4 * (36 * C + WG_PLANES * (WG_PLANE(C) + WG_PLANE(O))); }
// The tiles of an output [B, OH, OW, ·], and the floats of U or dU [36, C, O].
EXPORT(winograd_tiles) int winograd_tiles(int B, int OH, int OW) { return B * ((OH + 3) / 4) * ((OW + 3) / 4); }
EXPORT(winograd_kernel_floats) int winograd_kernel_floats(int C, int O) { return WG_PLANES * C * O; }

// Tile t's 6×6 input patch of x [B, H, W, C], transformed: v[ξ·vs + c] =
// (Bᵀ d B)[ξ] for every channel c. Rows first, into the planes, then each
// column in place (6 vectors live, not 36).
static void input_tile(const float *x, const float *zeros, float *patch, int t, int TY, int TX, int H, int W, int C, int padTop, int padLeft, float *v, long vs) {
  int b = t / (TY * TX), r = t % (TY * TX);
  int top = (r / TX) * 4 - padTop, left = (r % TX) * 4 - padLeft;
  const float *base = patch;
  long rowStride = 6L * C;
  if (top >= 0 && top + 6 <= H && left >= 0 && left + 6 <= W) {
    base = x + (((long)b * H + top) * W + left) * C;
    rowStride = (long)W * C;
  } else {
    // At the edge: the patch with its zeros, then as inside.
    for (int i = 0; i < 6; i++)
      for (int j = 0; j < 6; j++) {
        int yy = top + i, xx = left + j;
        const float *src = yy >= 0 && yy < H && xx >= 0 && xx < W ? x + (((long)b * H + yy) * W + xx) * C : zeros;
        float *dst = patch + (i * 6 + j) * (long)C;
        for (int c = 0; c < C; c += 4) st(dst + c, ld(src + c));
      }
  }
  for (int i = 0; i < 6; i++) {
    const float *p = base + i * rowStride;
    float *q = v + i * 6 * vs;
    for (int c = 0; c < C; c += 4) {
      BT(ld(p + c), ld(p + C + c), ld(p + 2 * C + c), ld(p + 3 * C + c), ld(p + 4 * C + c), ld(p + 5 * C + c), e0, e1, e2, e3, e4, e5);
      st(q + c, e0); st(q + vs + c, e1); st(q + 2 * vs + c, e2); st(q + 3 * vs + c, e3); st(q + 4 * vs + c, e4); st(q + 5 * vs + c, e5);
    }
  }
  for (int s = 0; s < 6; s++) {
    float *q = v + s * vs; // planes a·6 + s, a = 0 .. 5: 6·vs apart
    long step = 6 * vs;
    for (int c = 0; c < C; c += 4) {
      BT(ld(q + c), ld(q + step + c), ld(q + 2 * step + c), ld(q + 3 * step + c), ld(q + 4 * step + c), ld(q + 5 * step + c), e0, e1, e2, e3, e4, e5);
      st(q + c, e0); st(q + step + c, e1); st(q + 2 * step + c, e2); st(q + 3 * step + c, e3); st(q + 4 * step + c, e4); st(q + 5 * step + c, e5);
    }
  }
}

// m[ξ] [n, O] = v[ξ] [n, C] · U[ξ] [C, O] for the 36 planes ξ, 4 tiles × 8 (or 4) channels at a time.
static void products(const float *v, long vs, const float *u, float *m, long ms, int n, int C, int O) {
  for (int xi = 0; xi < WG_PLANES; xi++) {
    const float *vx = v + xi * vs, *ux = u + (long)xi * C * O;
    float *mx = m + xi * ms;
    for (int k = 0; k < n; k += 4) {
      int np = n - k < 4 ? n - k : 4;
      // Rows past the chunk's end repeat the last (their sums are not stored).
      const float *p0 = vx + (long)k * C, *p1 = np > 1 ? p0 + C : p0, *p2 = np > 2 ? p0 + 2 * C : p0, *p3 = np > 3 ? p0 + 3 * C : p0;
      int o0 = 0;
      for (; o0 + 8 <= O; o0 += 8) {
        v128_t a0 = wasm_f32x4_splat(0), a1 = a0, b0 = a0, b1 = a0, c0 = a0, c1 = a0, d0 = a0, d1 = a0;
        MAC4X8(p0, p1, p2, p3, ux + o0, C, O)
        STORE4X8(mx + (long)k * O + o0, O, np);
      }
      for (; o0 < O; o0 += 4) {
        v128_t a0 = wasm_f32x4_splat(0), b0 = a0, c0 = a0, d0 = a0;
        MAC4X4(p0, p1, p2, p3, ux + o0, C, O, 1)
        STORE4X4(mx + (long)k * O + o0, O, np, 1);
      }
    }
  }
}

// Tile t's 4×4 block of y [B, OH, OW, O] = Aᵀ m A, from m[ξ·ms + o]; its
// pixels inside y only. Columns first, in place (rows 0 .. 3 of the planes),
// then each row to y.
static void output_tile(float *m, long ms, int t, int TY, int TX, int OH, int OW, int O, float *y) {
  int b = t / (TY * TX), r = t % (TY * TX), oy = (r / TX) * 4, ox = (r % TX) * 4;
  long step = 6 * ms;
  for (int s = 0; s < 6; s++) {
    float *q = m + s * ms;
    for (int o = 0; o < O; o += 4) {
      AT(ld(q + o), ld(q + step + o), ld(q + 2 * step + o), ld(q + 3 * step + o), ld(q + 4 * step + o), ld(q + 5 * step + o), e0, e1, e2, e3);
      st(q + o, e0); st(q + step + o, e1); st(q + 2 * step + o, e2); st(q + 3 * step + o, e3);
    }
  }
  int rows = OH - oy < 4 ? OH - oy : 4, cols = OW - ox < 4 ? OW - ox : 4;
  for (int i = 0; i < rows; i++) {
    const float *q = m + i * step;
    float *yr = y + (((long)b * OH + oy + i) * OW + ox) * O;
    for (int o = 0; o < O; o += 4) {
      AT(ld(q + o), ld(q + ms + o), ld(q + 2 * ms + o), ld(q + 3 * ms + o), ld(q + 4 * ms + o), ld(q + 5 * ms + o), y0, y1, y2, y3);
      st(yr + o, y0);
      if (cols > 1) st(yr + O + o, y1);
      if (cols > 2) st(yr + 2 * O + o, y2);
      if (cols > 3) st(yr + 3 * O + o, y3);
    }
  }
}

// A stride-1 3×3 convolution, NHWC: x [B, H, W, C], U = winograd_kernel(w)
// [36, C, O], zero padding padTop/padLeft -> y [B, OH, OW, O], tiles t0 to
// t1 only (callers split them among threads). zeros: C zero floats;
// scratch: winograd_scratch_bytes(C, O), this thread's own.
EXPORT(winograd_forward) void winograd_forward(const float *x, const float *u, float *y, const float *zeros, float *scratch, int t0, int t1, int H, int W, int C, int OH, int OW, int O, int padTop, int padLeft) {
  int TY = (OH + 3) / 4, TX = (OW + 3) / 4;
  float *v = WG_V(scratch, C), *m = WG_M(scratch, C);
  long vs = WG_PLANE(C), ms = WG_PLANE(O);
  for (int k0 = t0; k0 < t1; k0 += WG_TILES) {
    int n = t1 - k0 < WG_TILES ? t1 - k0 : WG_TILES;
    for (int k = 0; k < n; k++) input_tile(x, zeros, WG_PATCH(scratch), k0 + k, TY, TX, H, W, C, padTop, padLeft, v + (long)k * C, vs);
    products(v, vs, u, m, ms, n, C, O);
    for (int k = 0; k < n; k++) output_tile(m + (long)k * O, ms, k0 + k, TY, TX, OH, OW, O, y);
  }
}

// Tile t's 4×4 block of dy [B, OH, OW, O], transformed: m[ξ·ms + o] =
// (A dY Aᵀ)[ξ]; dy's pixels past its edge are zeros. Rows first, into the
// planes, then each column in place.
static void output_grad_tile(const float *dy, const float *zeros, int t, int TY, int TX, int OH, int OW, int O, float *m, long ms) {
  int b = t / (TY * TX), r = t % (TY * TX), oy = (r / TX) * 4, ox = (r % TX) * 4;
  long step = 6 * ms;
  for (int i = 0; i < 4; i++) {
    const float *row = oy + i < OH ? dy + ((long)b * OH + oy + i) * OW * O : 0;
    const float *p0 = px(row, zeros, ox, OW, O), *p1 = px(row, zeros, ox + 1, OW, O);
    const float *p2 = px(row, zeros, ox + 2, OW, O), *p3 = px(row, zeros, ox + 3, OW, O);
    float *q = m + i * step;
    for (int o = 0; o < O; o += 4) {
      A6(ld(p0 + o), ld(p1 + o), ld(p2 + o), ld(p3 + o), e0, e1, e2, e3, e4, e5);
      st(q + o, e0); st(q + ms + o, e1); st(q + 2 * ms + o, e2); st(q + 3 * ms + o, e3); st(q + 4 * ms + o, e4); st(q + 5 * ms + o, e5);
    }
  }
  for (int s = 0; s < 6; s++) {
    float *q = m + s * ms;
    for (int o = 0; o < O; o += 4) {
      A6(ld(q + o), ld(q + step + o), ld(q + 2 * step + o), ld(q + 3 * step + o), e0, e1, e2, e3, e4, e5);
      st(q + o, e0); st(q + step + o, e1); st(q + 2 * step + o, e2); st(q + 3 * step + o, e3); st(q + 4 * step + o, e4); st(q + 5 * step + o, e5);
    }
  }
}

// The kernel gradient of winograd_forward's convolution in the transformed
// domain: x [B, H, W, C], dy [B, OH, OW, O] -> dU [36, C, O] (overwritten)
// over tiles t0 to t1; winograd_kernel_grad_finish turns the sum of the
// threads' dU into dW. zeros: max(C, O) zero floats; scratch as
// winograd_forward's.
EXPORT(winograd_kernel_grad) void winograd_kernel_grad(const float *x, const float *dy, float *du, const float *zeros, float *scratch, int t0, int t1, int H, int W, int C, int OH, int OW, int O, int padTop, int padLeft) {
  int TY = (OH + 3) / 4, TX = (OW + 3) / 4;
  float *v = WG_V(scratch, C), *m = WG_M(scratch, C);
  long vs = WG_PLANE(C), ms = WG_PLANE(O);
  for (long k = 0; k < (long)WG_PLANES * C * O; k++) du[k] = 0;
  for (int k0 = t0; k0 < t1; k0 += WG_TILES) {
    int n = t1 - k0 < WG_TILES ? t1 - k0 : WG_TILES;
    for (int k = 0; k < n; k++) {
      input_tile(x, zeros, WG_PATCH(scratch), k0 + k, TY, TX, H, W, C, padTop, padLeft, v + (long)k * C, vs);
      output_grad_tile(dy, zeros, k0 + k, TY, TX, OH, OW, O, m + (long)k * O, ms);
    }
    // dU[ξ] [C, O] += v[ξ]ᵀ [C, n] · m[ξ] [n, O], 4 input × 8 (or 4) output channels at a time.
    for (int xi = 0; xi < WG_PLANES; xi++) {
      const float *vx = v + xi * vs, *mx = m + xi * ms;
      float *ux = du + (long)xi * C * O;
      for (int c = 0; c < C; c += 4) {
        int o0 = 0;
        for (; o0 + 8 <= O; o0 += 8) {
          float *w = ux + (long)c * O + o0;
          v128_t a0 = ld(w), a1 = ld(w + 4), b0 = ld(w + O), b1 = ld(w + O + 4);
          v128_t c0 = ld(w + 2 * O), c1 = ld(w + 2 * O + 4), d0 = ld(w + 3 * O), d1 = ld(w + 3 * O + 4);
          const float *xp = vx + c, *gp = mx + o0;
          for (int k = 0; k < n; k++, xp += C, gp += O) {
            RANK1_4X8(xp, xp + 1, xp + 2, xp + 3, gp);
          }
          STORE4X8(w, O, 4);
        }
        for (; o0 < O; o0 += 4) {
          float *w = ux + (long)c * O + o0;
          v128_t a0 = ld(w), b0 = ld(w + O), c0 = ld(w + 2 * O), d0 = ld(w + 3 * O);
          const float *xp = vx + c, *gp = mx + o0;
          for (int k = 0; k < n; k++, xp += C, gp += O) {
            v128_t g0 = ld(gp);
            a0 = wasm_f32x4_add(a0, wasm_f32x4_mul(wasm_v128_load32_splat(xp), g0));
            b0 = wasm_f32x4_add(b0, wasm_f32x4_mul(wasm_v128_load32_splat(xp + 1), g0));
            c0 = wasm_f32x4_add(c0, wasm_f32x4_mul(wasm_v128_load32_splat(xp + 2), g0));
            d0 = wasm_f32x4_add(d0, wasm_f32x4_mul(wasm_v128_load32_splat(xp + 3), g0));
          }
          STORE4X4(w, O, 4, 1);
        }
      }
    }
  }
}

// ---- Element-wise kernels that replace chains of TF.js kernels ----

// dx = dy where y > 0, else 0: ReLU's gradient from its output (TF.js's is
// Step, Cast and Multiply, three passes).
EXPORT(relu_grad) void relu_grad(const float *dy, const float *y, float *dx, int n) {
  int k = 0;
  v128_t zero = wasm_f32x4_splat(0);
  for (; k + 4 <= n; k += 4) st(dx + k, wasm_v128_and(ld(dy + k), wasm_f32x4_gt(ld(y + k), zero)));
  for (; k < n; k++) dx[k] = y[k] > 0 ? dy[k] : 0;
}

// He et al.'s option-A shortcut (2015, section 4.2): y [B, OH, OW, F] =
// x [B, H, W, C] subsampled by stride s (x[:, ::s, ::s, :]), with `before`
// zero channels before x's and F - C - before after. TF.js's is a 1×1
// average pool and a pad; its gradient a Slice and an AvgPoolGrad.
EXPORT(shortcut_forward) void shortcut_forward(const float *x, float *y, int B, int H, int W, int C, int s, int before, int F) {
  int OH = (H + s - 1) / s, OW = (W + s - 1) / s;
  for (long r = 0; r < (long)B * OH; r++) {
    const float *xr = x + ((r / OH) * H + (r % OH) * s) * (long)W * C;
    for (int j = 0; j < OW; j++) {
      float *yp = y + (r * OW + j) * F;
      const float *xp = xr + (long)j * s * C;
      for (int k = 0; k < before; k++) yp[k] = 0;
      for (int k = 0; k < C; k++) yp[before + k] = xp[k];
      for (int k = before + C; k < F; k++) yp[k] = 0;
    }
  }
}

// The gradient of shortcut_forward: dx [B, H, W, C] is dy's channels
// before .. before + C - 1 at the subsampled pixels, zero elsewhere.
EXPORT(shortcut_grad) void shortcut_grad(const float *dy, float *dx, int B, int H, int W, int C, int s, int before, int F) {
  int OH = (H + s - 1) / s, OW = (W + s - 1) / s;
  for (long r = 0; r < (long)B * H; r++) {
    float *dxr = dx + r * W * C;
    int y = r % H;
    if (y % s) {
      for (long k = 0; k < (long)W * C; k++) dxr[k] = 0;
      continue;
    }
    const float *dyr = dy + ((r / H) * OH + y / s) * (long)OW * F + before;
    for (int x = 0; x < W; x++) {
      float *p = dxr + (long)x * C;
      if (x % s) {
        for (int k = 0; k < C; k++) p[k] = 0;
      } else {
        const float *q = dyr + (long)(x / s) * F;
        for (int k = 0; k < C; k++) p[k] = q[k];
      }
    }
  }
}
