// Small convolution shapes of every zoo family, for the GPU kernels' checks
// against the CPU backend (src/kernels/webgpu/webgpu.test.ts in Node,
// e2e/kernels.spec.ts in Chromium): a grouped ResNeXt convolution runs as
// per-group convolutions; depthwise ones (EfficientNet) are TF.js's.
import { SPLIT } from '../kernels/webgpu/conv';

export interface ConvCase {
  family: string;
  x: [number, number, number, number];
  k: [number, number, number, number];
  stride: number;
  pad: number;
}

export const CONV_CASES: ConvCase[] = [
  { family: 'CIFAR ResNet 3×3', x: [4, 8, 8, 16], k: [3, 3, 16, 16], stride: 1, pad: 1 },
  { family: 'CIFAR ResNet downsampling 3×3 s2', x: [4, 8, 8, 16], k: [3, 3, 16, 32], stride: 2, pad: 1 },
  { family: 'ImageNet stem 7×7 s2', x: [2, 17, 17, 3], k: [7, 7, 3, 8], stride: 2, pad: 3 },
  { family: 'bottleneck 1×1', x: [2, 8, 8, 32], k: [1, 1, 32, 8], stride: 1, pad: 0 },
  { family: 'projection 1×1 s2', x: [2, 9, 9, 16], k: [1, 1, 16, 32], stride: 2, pad: 0 },
  { family: 'Wide ResNet 3×3 (channels not in 32s)', x: [2, 8, 8, 40], k: [3, 3, 40, 40], stride: 1, pad: 1 },
  { family: 'ResNeXt group', x: [2, 8, 8, 4], k: [3, 3, 4, 4], stride: 1, pad: 1 },
  { family: 'VGG first 3×3', x: [2, 8, 8, 3], k: [3, 3, 3, 8], stride: 1, pad: 1 },
  { family: 'AlexNet 11×11 s4', x: [2, 31, 31, 3], k: [11, 11, 3, 8], stride: 4, pad: 2 },
  { family: 'DenseNet 1×1', x: [2, 8, 8, 24], k: [1, 1, 24, 16], stride: 1, pad: 0 },
  { family: 'EfficientNet 1×1', x: [2, 8, 8, 16], k: [1, 1, 16, 24], stride: 1, pad: 0 },
  { family: 'odd sizes 3×3 s2', x: [3, 9, 9, 5], k: [3, 3, 5, 7], stride: 2, pad: 1 },
  { family: `split-K: ${8 * 32 * 32} terms, over ${SPLIT} a split`, x: [8, 32, 32, 4], k: [3, 3, 4, 8], stride: 1, pad: 1 },
];
