// The SIMD128 peak loop of bench/kernels/simd-peak.mjs: 12 independent chains, each a multiply then an add (8 flops an iteration).
#include <wasm_simd128.h>
__attribute__((export_name("peak"))) float peak(int n, float s) {
  v128_t m = wasm_f32x4_splat(s), k = wasm_f32x4_splat(1e-7f);
  v128_t a0 = m, a1 = m, a2 = m, a3 = m, a4 = m, a5 = m, a6 = m, a7 = m, a8 = m, a9 = m, a10 = m, a11 = m;
  for (int i = 0; i < n; i++) {
#define U(a) a = wasm_f32x4_add(wasm_f32x4_mul(a, m), k);
    U(a0) U(a1) U(a2) U(a3) U(a4) U(a5) U(a6) U(a7) U(a8) U(a9) U(a10) U(a11)
  }
  v128_t t = wasm_f32x4_add(wasm_f32x4_add(wasm_f32x4_add(a0, a1), wasm_f32x4_add(a2, a3)), wasm_f32x4_add(wasm_f32x4_add(a4, a5), wasm_f32x4_add(a6, a7)));
  t = wasm_f32x4_add(t, wasm_f32x4_add(wasm_f32x4_add(a8, a9), wasm_f32x4_add(a10, a11)));
  return wasm_f32x4_extract_lane(t, 0);
}
