// The typed run configuration: what a user can set, and nothing derived.
// Pure TS: imports no tfjs and no React, so the page, the worker, the CLI
// and the URL codec all share it.

/** Backends the engine can run on. 'auto' tries them in order of speed. */
export type BackendName = 'webgpu' | 'webgl' | 'cpu';
export type BackendChoice = 'auto' | BackendName;

export type DatasetId = 'mnist';

/** Architecture family. One builder reads every family (src/model/arch.ts). */
export type ArchFamily = 'cifar-resnet';

/**
 * Shortcut where a block changes shape (He et al. 2015, §4.1 and §4.2):
 * 'A' = strided identity with zero-padded channels, no parameters (the
 * paper's choice for CIFAR); 'B' = 1×1 projection (+ batch norm).
 */
export type ShortcutType = 'A' | 'B';

/**
 * 'he-normal': He et al. 2015 ("Delving Deep into Rectifiers") fan-in normal.
 * 'he-normal-zero-gamma': also zero the last BN gamma of each residual branch,
 * so every block starts as the identity (Goyal et al. 2017, §5.1).
 */
export type InitName = 'he-normal' | 'he-normal-zero-gamma';

export interface ModelConfig {
  family: ArchFamily;
  /** n in the paper's 6n+2 layers: residual blocks in each of the 3 stages. */
  blocksPerStage: number;
  /** Channels of the first stage; stages 2 and 3 double it (16/32/64 in the paper). */
  baseWidth: number;
  /** Residual additions on; off builds the plain twin with the same layers. */
  skip: boolean;
  batchNorm: boolean;
  shortcut: ShortcutType;
  init: InitName;
}

export type OptimizerName = 'sgd' | 'momentum' | 'adam';

export interface TrainConfig {
  batchSize: number;
  optimizer: OptimizerName;
  learningRate: number;
  /** Used by 'momentum'. */
  momentum: number;
  /** L2 penalty added to the loss, on kernels only (not BN or biases). */
  weightDecay: number;
  epochs: number;
  /** Stop after this many steps even mid-epoch; 0 means run all epochs. */
  maxSteps: number;
  seed: number;
  backend: BackendChoice;
}

export interface DataConfig {
  dataset: DatasetId;
  /** Train on the first N shuffled training images; 0 means all. */
  trainSubset: number;
  /** Evaluate on the first N test images; 0 means all. */
  testSubset: number;
}

export interface Config {
  model: ModelConfig;
  train: TrainConfig;
  data: DataConfig;
}

/** Depth as the paper counts it: 6n+2 weighted layers. */
export function cifarDepth(blocksPerStage: number): number {
  return 6 * blocksPerStage + 2;
}
