import react from '@vitejs/plugin-react';
import { defineConfig } from 'vitest/config';
import { mnistData } from './scripts/build/vite-plugin-mnist.ts';
import { tfjsWasmThreads } from './scripts/build/vite-plugin-tfjs-wasm-threads.ts';

/**
 * Cross-origin isolation (COOP same-origin + COEP require-corp) gives the
 * workers SharedArrayBuffer, which multi-threaded WASM needs; without it WASM
 * runs on one thread. Every asset the app loads is same-origin, so COEP
 * blocks nothing. A static host must send the same two headers (README).
 */
const ISOLATION_HEADERS = { 'Cross-Origin-Opener-Policy': 'same-origin', 'Cross-Origin-Embedder-Policy': 'require-corp' };

/**
 * The strict Content-Security-Policy the production build runs under (the
 * preview server, and so every e2e test, sends it): scripts and workers
 * from this origin only (blob: for the WASM backend's thread workers, whose
 * script it makes here: a blob URL belongs to this origin), no eval and no
 * inline script; WASM compiled
 * ('wasm-unsafe-eval', TF.js's backend and our kernels); images from this
 * origin, data: and blob: URLs (sample grids, charts); fetches from this
 * origin and, on a click, the http(s) mirrors and weights addresses the
 * user gives; the camera's stream. A static host sends the same (README).
 */
export const CSP = [
  "default-src 'self'",
  "script-src 'self' blob: 'wasm-unsafe-eval'",
  "worker-src 'self' blob:",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "media-src 'self' blob: mediastream:",
  "connect-src 'self' https: http:",
  "object-src 'none'",
  "base-uri 'self'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

export default defineConfig(({ mode }) => ({
  plugins: [react(), mnistData(), tfjsWasmThreads()],
  // The training worker imports TF.js as an ES module chunk of its own; worker
  // bundles take only the plugins listed here.
  worker: { format: 'es', plugins: () => [tfjsWasmThreads()] },
  // `--mode faults` builds the page that takes the fault tests' debug
  // commands (e2e/faults.spec.ts) into a folder of its own; the production
  // build compiles them out.
  build: { target: 'es2022', chunkSizeWarningLimit: 4000, sourcemap: false, outDir: mode === 'faults' ? 'dist-faults' : 'dist' },
  server: { host: '127.0.0.1', port: 5173, headers: ISOLATION_HEADERS },
  // Scan the workers and the bench page up front, so the dev server never
  // reloads a page mid-run after discovering TF.js late.
  optimizeDeps: { entries: ['index.html', 'bench/browser/bench.html', 'bench/browser/grouped.html', 'src/train/worker.ts', 'bench/browser/bench-worker.ts', 'src/data/data-worker.ts'] },
  preview: { host: '127.0.0.1', port: 4173, headers: { ...ISOLATION_HEADERS, 'Content-Security-Policy': CSP } },
  test: {
    include: ['src/**/*.test.ts', 'bench/**/*.test.ts', 'scripts/**/*.test.ts'],
    environment: 'node',
    // TF.js CPU training steps are slow on 2 cores; files run one at a time.
    testTimeout: 120_000,
    fileParallelism: false,
  },
}));
