// An estimate of a training run's memory, from the architecture summary
// alone, and the check that refuses a run too big for the backend before
// anything is allocated. Pure TS: no tfjs, no React (the page shows it too).
import { formatBytes } from '../config/format';
import type { OptimizerName } from '../config/types';
import type { ArchSummary } from './arch';

const FLOAT = 4;

/**
 * Backprop keeps every layer's output, and each conv/BN output is followed by
 * a ReLU output of the same size that is kept too: about 1.5× the summed
 * listed outputs, plus as much again for the gradients flowing back through
 * the largest layers at any one time (a rough 0.5×).
 */
const KEPT_PER_LISTED_OUTPUT = 1.5;
const BACKWARD_WORKSPACE = 0.5;

/** Optimizer slots per parameter: momentum keeps a velocity, Adam two moments. */
const SLOTS: Record<OptimizerName, number> = { sgd: 0, momentum: 1, nesterov: 1, adam: 2, adamw: 2 };

export interface MemoryEstimate {
  /** Weights, BN statistics, gradients and optimizer slots. */
  parameterBytes: number;
  /** Activations kept for backprop and the backward workspace, at this batch size. */
  activationBytes: number;
  totalBytes: number;
  /** The largest single tensor: one layer's output for the whole batch. */
  largestTensorBytes: number;
}

export function trainingMemory(summary: ArchSummary, batchSize: number, optimizer: OptimizerName): MemoryEstimate {
  const parameterBytes = FLOAT * (summary.params * (2 + SLOTS[optimizer]) + summary.stateSize);
  const activationBytes = FLOAT * batchSize * summary.activations * (KEPT_PER_LISTED_OUTPUT + BACKWARD_WORKSPACE);
  const largest = summary.layers.reduce((m, l) => Math.max(m, l.outShape.reduce((a, b) => a * b, 1)), 0);
  return { parameterBytes, activationBytes, totalBytes: parameterBytes + activationBytes, largestTensorBytes: FLOAT * batchSize * largest };
}

/** What a backend can hold: all tensors together, and one tensor (a GPU buffer or texture). */
export interface BackendLimits {
  backend: string;
  totalBytes: number;
  tensorBytes: number;
  /** Where the numbers come from, e.g. 'WebGPU maxStorageBufferBindingSize'. */
  source: string;
}

/** Limits used before a backend has started (the page's own check). */
export const DEFAULT_LIMITS: BackendLimits = { backend: 'any', totalBytes: 4 * 2 ** 30, tensorBytes: 2 ** 30, source: 'a 4 GiB budget and 1 GiB per tensor' };

export const CPU_LIMITS: BackendLimits = { ...DEFAULT_LIMITS, backend: 'cpu', tensorBytes: 2 ** 31, source: 'a 4 GiB budget and 2 GiB per typed array' };

/** WASM heap at its peak over trainingMemory's estimate (about 2 for the CIFAR ResNets at batch 128; bench/LOG.md, 2026-11-28), with a 10% margin. */
const WASM_HEAP_PER_ESTIMATE = 2.2;

/**
 * A 32-bit WASM heap holds at most 4 GiB, and it peaks at about twice the
 * estimate (tensors TF.js saves for the backward pass share their data:
 * src/kernels/wasm/kernels.ts's Identity). The budget is the heap over that
 * factor plus a margin, so a run that would exhaust the heap is refused
 * before anything is allocated (the page's worker and the CLI alike).
 */
export const WASM_LIMITS: BackendLimits = { backend: 'wasm', totalBytes: Math.floor(2 ** 32 / WASM_HEAP_PER_ESTIMATE), tensorBytes: 2 ** 31, source: `the 4 GiB WASM heap, which peaks at about ${WASM_HEAP_PER_ESTIMATE}× the estimate` };

/** Null when it fits; otherwise a message with the numbers and what to change. */
export function checkFits(estimate: MemoryEstimate, limits: BackendLimits, batchSize: number): string | null {
  const problems: string[] = [];
  if (estimate.totalBytes > limits.totalBytes) problems.push(`needs about ${formatBytes(estimate.totalBytes)} in all, over the ${formatBytes(limits.totalBytes)} available`);
  if (estimate.largestTensorBytes > limits.tensorBytes) problems.push(`its largest tensor is ${formatBytes(estimate.largestTensorBytes)}, over the ${formatBytes(limits.tensorBytes)} one tensor may take`);
  if (problems.length === 0) return null;
  const perImage = estimate.activationBytes / batchSize;
  const fitBatch = Math.max(0, Math.floor(Math.min((limits.totalBytes - estimate.parameterBytes) / perImage, (limits.tensorBytes / estimate.largestTensorBytes) * batchSize)));
  const hint = fitBatch >= 1 ? `a batch of ${fitBatch} or fewer would fit` : 'even one image does not fit: choose a smaller model or input';
  return `too big for ${limits.backend} (${limits.source}): at batch ${batchSize} this model ${problems.join(', and ')}. Nothing was allocated; ${hint}.`;
}
