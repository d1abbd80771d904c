// Kernel fixes for TF.js 4.22's WASM backend, registered on import (the
// module that starts 'wasm' imports this one):
// - MaxPoolGrad: the shipped C++ kernel routes gradients to the wrong inputs
//   for some shapes (2×2 stride 2 drops the last window's gradient; 3×3
//   stride 1 pad 1 moves some to other positions); checked against the CPU
//   backend in src/model/wasm.test.ts. Replaced by the CPU backend's rule in
//   a plain loop over the WASM heap: each output's gradient goes to the first
//   maximum of its window in row-major order.
// Missing convolution gradients are not kernels here: conv.ts and
// convgrad.ts write them as forward convolutions.
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';

interface MaxPoolGradAttrs {
  filterSize: [number, number] | number;
  strides: [number, number] | number;
  pad: 'valid' | 'same' | number;
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
}

function maxPoolGrad({ inputs, backend, attrs }: { inputs: tf.NamedTensorInfoMap; backend: tf.KernelBackend; attrs: tf.NamedAttrMap }): tf.TensorInfo {
  const { dy, input } = inputs as { dy: tf.TensorInfo; input: tf.TensorInfo };
  const { filterSize, strides, pad, dimRoundingMode } = attrs as unknown as MaxPoolGradAttrs;
  const wasm = backend as BackendWasm;
  const info = tf.backend_util.computePool2DInfo(input.shape as [number, number, number, number], filterSize, strides, 1, pad, dimRoundingMode);
  // Allocate first: growing the heap would detach views taken before.
  const out = wasm.makeOutput(input.shape, 'float32');
  const x = wasm.typedArrayFromHeap(input) as Float32Array;
  const g = wasm.typedArrayFromHeap(dy) as Float32Array;
  const dx = wasm.typedArrayFromHeap(out) as Float32Array;
  dx.fill(0);
  const { batchSize: b, inHeight: h, inWidth: w, inChannels: c, outHeight: oh, outWidth: ow, strideHeight: sh, strideWidth: sw, filterHeight: kh, filterWidth: kw } = info;
  const { top, left } = info.padInfo;
  for (let n = 0; n < b; n++)
    for (let oy = 0; oy < oh; oy++)
      for (let ox = 0; ox < ow; ox++)
        for (let ch = 0; ch < c; ch++) {
          let best = -Infinity;
          let at = -1;
          for (let i = 0; i < kh; i++) {
            const y = oy * sh - top + i;
            if (y < 0 || y >= h) continue;
            for (let j = 0; j < kw; j++) {
              const xx = ox * sw - left + j;
              if (xx < 0 || xx >= w) continue;
              const k = ((n * h + y) * w + xx) * c + ch;
              const v = x[k] as number;
              if (v > best || at < 0) {
                best = v;
                at = k;
              }
            }
          }
          if (at >= 0) dx[at] = (dx[at] as number) + (g[((n * oh + oy) * ow + ox) * c + ch] as number);
        }
  return out;
}

let registered = false;

/** Replaces the WASM kernels above; idempotent. */
export function registerWasmKernelFixes(): void {
  if (registered) return;
  registered = true;
  if (tf.getKernel('MaxPoolGrad', 'wasm')) tf.unregisterKernel('MaxPoolGrad', 'wasm');
  tf.registerKernel({ kernelName: 'MaxPoolGrad', backendName: 'wasm', kernelFunc: maxPoolGrad as unknown as tf.KernelFunc });
}

registerWasmKernelFixes();
