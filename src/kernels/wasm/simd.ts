// Our SIMD128 training kernels (src/kernels/wasm/kernels.c, built into
// binary.ts) instantiated on the WASM backend's own memory, so that they
// read and write TF.js's tensors in place. One instance per backend module
// (a new backend brings a new memory). Where WebAssembly SIMD is missing or
// the memory cannot be reached, `simdKernels` returns null and the callers
// use their JavaScript loops.
import * as tf from '@tensorflow/tfjs';
import { getThreadsCount, type BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { kernelOptions } from '../options';
import { CONTROL, startPool, type Pool } from './pool';
import { PLAIN_WASM_BASE64, SHARED_WASM_BASE64 } from './binary';

/** The exports of kernels.c; every pointer is a byte offset into the backend's heap. */
interface Exports {
  bn_moments(x: number, n: number, c: number, mean: number, variance: number, scratch: number): void;
  bn_apply(x: number, n: number, c: number, mean: number, variance: number, gamma: number, beta: number, epsilon: number, y: number, scratch: number): void;
  bn_grad(dy: number, x: number, n: number, c: number, mean: number, variance: number, gamma: number, epsilon: number, dx: number, dGamma: number, dBeta: number, scratch: number): void;
  conv2d_kernel_grad(x: number, dy: number, dw: number, b0: number, b1: number, h: number, w: number, c: number, oh: number, ow: number, o: number, kh: number, kw: number, stride: number, padTop: number, padLeft: number): void;
  add_f32(dst: number, src: number, n: number): void;
  kernel_transpose(w: number, out: number, kh: number, kw: number, c: number, o: number, flip: number): void;
  conv2d_input_grad(dy: number, wt: number, dx: number, zeros: number, r0: number, r1: number, h: number, wd: number, c: number, oh: number, ow: number, o: number, kh: number, kw: number, stride: number, padTop: number, padLeft: number): void;
  conv2d_forward(x: number, w: number, y: number, zeros: number, r0: number, r1: number, h: number, wd: number, c: number, oh: number, ow: number, o: number, kh: number, kw: number, stride: number, padTop: number, padLeft: number): void;
  winograd_kernel(w: number, u: number, c: number, o: number): void;
  winograd_scratch_bytes(c: number, o: number): number;
  winograd_tiles(b: number, oh: number, ow: number): number;
  winograd_kernel_floats(c: number, o: number): number;
  winograd_forward(x: number, u: number, y: number, zeros: number, scratch: number, t0: number, t1: number, h: number, wd: number, c: number, oh: number, ow: number, o: number, padTop: number, padLeft: number): void;
  winograd_kernel_grad(x: number, dy: number, du: number, zeros: number, scratch: number, t0: number, t1: number, h: number, wd: number, c: number, oh: number, ow: number, o: number, padTop: number, padLeft: number): void;
  winograd_kernel_grad_finish(du: number, dw: number, c: number, o: number): void;
  relu_grad(dy: number, y: number, dx: number, n: number): void;
  shortcut_forward(x: number, y: number, b: number, h: number, w: number, c: number, stride: number, before: number, filters: number): void;
  shortcut_grad(dy: number, dx: number, b: number, h: number, w: number, c: number, stride: number, before: number, filters: number): void;
}

/** What we use of the Emscripten module behind BackendWasm. */
interface EmscriptenHeap {
  _malloc(bytes: number): number;
  _free(ptr: number): void;
  wasmMemory?: WebAssembly.Memory;
  asm?: { memory?: WebAssembly.Memory };
}

export interface SimdKernels {
  readonly exports: Exports;
  /** The backend's memory (take views of it after any allocation: growing replaces the buffer). */
  memory(): WebAssembly.Memory;
  /** The byte offset of a tensor's data in the heap. */
  ptr(t: tf.TensorInfo): number;
  /** Runs f with `bytes` of scratch heap, freed afterwards. */
  withScratch<T>(bytes: number, f: (scratch: number) => T): T;
  /** Helper threads ready to share a job (pool.ts); null: this thread alone. */
  pool(): Pool | null;
  /** Whether helper threads were started (ready or not yet). */
  poolStarted(): boolean;
}

const instances = new WeakMap<object, SimdKernels | null>();
/** Why the last instantiation gave null, for the backend's note. */
let unavailable = '';

function decode(base64: string): Uint8Array<ArrayBuffer> {
  const text = atob(base64);
  const bytes = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) bytes[i] = text.charCodeAt(i);
  return bytes;
}

/** Whether this engine runs WebAssembly SIMD128 (the smallest module with one v128 instruction). */
function hasSimd(): boolean {
  // (func (result v128) (v128.const i32x4 0 0 0 0))
  const probe = [0, 97, 115, 109, 1, 0, 0, 0, 1, 5, 1, 96, 0, 1, 123, 3, 2, 1, 0, 10, 22, 1, 20, 0, 253, 12, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 11];
  return WebAssembly.validate(new Uint8Array(probe));
}

function instantiate(wasm: BackendWasm): SimdKernels | null {
  const heap = wasm.wasm as unknown as EmscriptenHeap;
  const memory = heap.wasmMemory ?? heap.asm?.memory;
  if (!memory || !hasSimd()) {
    unavailable = memory ? 'this engine has no WebAssembly SIMD' : 'the WASM backend does not expose its memory';
    return null;
  }
  const shared = typeof SharedArrayBuffer !== 'undefined' && memory.buffer instanceof SharedArrayBuffer;
  // Synchronous compile: about 10 KB, in a worker or Node (the page never loads tfjs).
  const module = new WebAssembly.Module(decode(shared ? SHARED_WASM_BASE64 : PLAIN_WASM_BASE64));
  const exports = new WebAssembly.Instance(module, { env: { memory } }).exports as unknown as Exports;
  // Threads where the memory is shared: one per core (as XNNPACK asks for), the engine thread one of them.
  let pool: Pool | null = null;
  if (shared) {
    try {
      pool = startPool(module, memory, heap._malloc(4 * CONTROL.ints), Math.max(getThreadsCount(), globalThis.navigator?.hardwareConcurrency ?? 1) - 1);
    } catch {
      pool = null; // no nested workers here: one thread
    }
  }
  const dataIds = (wasm as unknown as { dataIdMap: { get(id: object): { memoryOffset: number } | undefined } }).dataIdMap;
  return {
    exports,
    memory: () => memory,
    ptr(t) {
      const data = dataIds.get(t.dataId);
      if (!data) throw new Error('simd: a tensor with no data on the WASM backend');
      // Emscripten's pointers are signed: past 2 GiB of heap they read
      // negative, and a typed-array view of one would throw.
      return data.memoryOffset >>> 0;
    },
    withScratch(bytes, f) {
      const scratch = heap._malloc(Math.max(16, bytes)) >>> 0;
      try {
        return f(scratch);
      } finally {
        heap._free(scratch);
      }
    },
    pool: () => (pool && kernelOptions().simdThreads && pool.ready() ? pool : null),
    poolStarted: () => pool !== null,
  };
}

/** Our kernels on this WASM backend, or null where they cannot run. */
export function simdKernels(wasm: BackendWasm): SimdKernels | null {
  if (!kernelOptions().simd) return null;
  const key = wasm.wasm as object;
  if (!instances.has(key)) {
    let kernels: SimdKernels | null = null;
    try {
      kernels = instantiate(wasm);
    } catch (e) {
      // e.g. a shared memory whose limits the module's import does not accept: the JS loops run instead
      unavailable = `our SIMD kernels failed to start: ${e instanceof Error ? e.message : String(e)}`;
      kernels = null;
    }
    instances.set(key, kernels);
  }
  return instances.get(key) ?? null;
}

/**
 * Instantiates the kernels on this backend and waits, up to timeoutMs, until
 * their helper threads run: a worker's nested workers start only while it
 * returns to its event loop, which a training step (all microtasks on WASM)
 * never does; so call this before training. -> a note for the backend's
 * reason: how many threads the kernels run on, or why none.
 */
export async function startSimdKernels(wasm: BackendWasm, timeoutMs = 5000): Promise<string> {
  const kernels = simdKernels(wasm);
  if (!kernels) return `batch norm in JavaScript and convolution gradients on XNNPACK (${unavailable || 'our SIMD kernels are off'})`;
  const deadline = performance.now() + timeoutMs;
  const pool = () => kernels.pool();
  while (!pool() && kernels.poolStarted() && performance.now() < deadline) await new Promise((r) => setTimeout(r, 10));
  const threads = 1 + (pool()?.helpers ?? 0);
  const late = kernels.poolStarted() && !pool() ? ` (its helper threads did not start within ${timeoutMs / 1000} s)` : '';
  return `our SIMD kernels on ${threads} thread${threads > 1 ? 's' : ''}${late}`;
}
