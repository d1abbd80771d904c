// Training kernels for TF.js's WASM backend, in WebAssembly SIMD128, run on
// the backend's own heap (this module imports its memory: every pointer is a
// byte offset of a tensor TF.js allocated). Built by scripts/build-simd.sh
// into src/model/simd/binary.ts; loaded by src/model/simd.ts.
//
// - Batch norm in training mode (moments, apply, gradient): the per-channel
//   sums accumulate 16 channels in four f32x4 registers over blocks of rows,
//   and each block's sums into float64, so a 131,072-row sum keeps float64's
//   accuracy where it matters; apply and the input gradient are one
//   x·a + b pass.
// - The convolution kernel gradient straight from NHWC x and dy: no
//   transposes and no packing, which TF.js's Conv2D (XNNPACK) does for a
//   convolution whose "filter" is dy, on every call.
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

// dw[i, j, c0 + cc, o0 .. o0 + 7] += Σ over ow in [ow0, ow1) of
// x[xrow + (ow·s - padLeft + j)·C + c0 + cc] · dy[dyrow + ow·O + o0 ..], for
// cc < cb (cb <= 4). Eight accumulators in registers, one pass over the row.
static inline void taps8(const float *xr, const float *dr, float *w, int cb, int ow0, int ow1, int s, int xoff, int C, int O) {
  v128_t a0 = ld(w), a1 = ld(w + 4);
  v128_t b0 = cb > 1 ? ld(w + O) : a0, b1 = cb > 1 ? ld(w + O + 4) : a0;
  v128_t c0 = cb > 2 ? ld(w + 2 * O) : a0, c1 = cb > 2 ? ld(w + 2 * O + 4) : a0;
  v128_t d0 = cb > 3 ? ld(w + 3 * O) : a0, d1 = cb > 3 ? ld(w + 3 * O + 4) : a0;
  const float *xp = xr + (long)(ow0 * s + xoff) * C;
  const float *dp = dr + (long)ow0 * O;
  if (cb == 4) {
    for (int ow = ow0; ow < ow1; ow++, xp += s * C, dp += O) {
      v128_t g0 = ld(dp), g1 = ld(dp + 4);
      v128_t x0 = wasm_v128_load32_splat(xp), x1 = wasm_v128_load32_splat(xp + 1);
      v128_t x2 = wasm_v128_load32_splat(xp + 2), x3 = wasm_v128_load32_splat(xp + 3);
      a0 = wasm_f32x4_add(a0, wasm_f32x4_mul(x0, g0)); a1 = wasm_f32x4_add(a1, wasm_f32x4_mul(x0, g1));
      b0 = wasm_f32x4_add(b0, wasm_f32x4_mul(x1, g0)); b1 = wasm_f32x4_add(b1, wasm_f32x4_mul(x1, g1));
      c0 = wasm_f32x4_add(c0, wasm_f32x4_mul(x2, g0)); c1 = wasm_f32x4_add(c1, wasm_f32x4_mul(x2, g1));
      d0 = wasm_f32x4_add(d0, wasm_f32x4_mul(x3, g0)); d1 = wasm_f32x4_add(d1, wasm_f32x4_mul(x3, g1));
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
  st(w, a0); st(w + 4, a1);
  if (cb > 1) { st(w + O, b0); st(w + O + 4, b1); }
  if (cb > 2) { st(w + 2 * O, c0); st(w + 2 * O + 4, c1); }
  if (cb > 3) { st(w + 3 * O, d0); st(w + 3 * O + 4, d1); }
}

// The same for output channels o0 .. o0 + 3, one at a time for cc.
static inline void taps4(const float *xr, const float *dr, float *w, int cb, int ow0, int ow1, int s, int xoff, int C, int O) {
  for (int cc = 0; cc < cb; cc++) {
    v128_t a = ld(w + cc * O);
    const float *xp = xr + (long)(ow0 * s + xoff) * C + cc;
    const float *dp = dr + (long)ow0 * O;
    for (int ow = ow0; ow < ow1; ow++, xp += s * C, dp += O) a = wasm_f32x4_add(a, wasm_f32x4_mul(wasm_v128_load32_splat(xp), ld(dp)));
    st(w + cc * O, a);
  }
}

// And one output channel at a time, for O not a multiple of 4.
static inline void taps1(const float *xr, const float *dr, float *w, int cb, int ow0, int ow1, int s, int xoff, int C, int O) {
  for (int cc = 0; cc < cb; cc++) {
    float a = w[cc * O];
    const float *xp = xr + (long)(ow0 * s + xoff) * C + cc;
    const float *dp = dr + (long)ow0 * O;
    for (int ow = ow0; ow < ow1; ow++, xp += s * C, dp += O) a += *xp * *dp;
    w[cc * O] = a;
  }
}

// dLoss/dKernel of a convolution, NHWC: x [B, H, W, C], dy [B, OH, OW, O],
// stride s, zero padding padTop/padLeft (the rest implied by OH, OW) ->
// dw [KH, KW, C, O] (overwritten). Images from b0 to b1 only, so that
// callers can split the batch.
EXPORT(conv2d_kernel_grad) void conv2d_kernel_grad(const float *x, const float *dy, float *dw, int b0, int b1, int H, int W, int C, int OH, int OW, int O, int KH, int KW, int s, int padTop, int padLeft) {
  for (long k = 0; k < (long)KH * KW * C * O; k++) dw[k] = 0;
  for (int b = b0; b < b1; b++)
    for (int oh = 0; oh < OH; oh++) {
      const float *dr = dy + ((long)b * OH + oh) * OW * O;
      for (int i = 0; i < KH; i++) {
        int y = oh * s - padTop + i;
        if (y < 0 || y >= H) continue;
        const float *xrow = x + ((long)b * H + y) * W * C;
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
            for (; o0 + 8 <= O; o0 += 8) taps8(xrow + c0, dr + o0, wt + (long)c0 * O + o0, cb, ow0, ow1, s, xoff, C, O);
            for (; o0 + 4 <= O; o0 += 4) taps4(xrow + c0, dr + o0, wt + (long)c0 * O + o0, cb, ow0, ow1, s, xoff, C, O);
            for (; o0 < O; o0++) taps1(xrow + c0, dr + o0, wt + (long)c0 * O + o0, cb, ow0, ow1, s, xoff, C, O);
          }
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
