// Export to PyTorch: a run's config -> a single-file train.py (needs only
// torch and torchvision) that builds the same net under the names the
// playground's weights import and export use (akamaster's, torchvision's,
// timm's) and trains it with the same recipe, data pipeline and seeded
// batches; plus config.json. What the generator cannot write yet is refused
// by name (ExportError), never approximated. Weights come from the caller
// (weights/export.ts stateDictOf); the README from readme.ts.
// Pure TS: no TF.js, no node:* (the page can zip the same files).
import { buildArch, stageOf, summarize } from '../arch/arch';
import { DATASETS, datasetShape } from '../config/datasets';
import { presetOf } from '../config/presets';
import type { Config, ModelConfig } from '../config/types';
import { defaultNaming, NamingError, torchNames, type Naming, type TorchName } from '../weights/torch-names';
import { PY_DATA } from './python-data';
import { PY_FAMILIES } from './python-families';
import { PY_LOOP } from './python-loop';
import { PY_NET } from './python-net';
import { PY_RECIPE } from './python-recipe';
import { configSection, layersSection, pyValue, stagesSection } from './python';

export class ExportError extends Error {
  override name = 'ExportError';
}

/** The families train.py writes, in words, for refusals. */
const WRITTEN = 'it writes the ResNets (the CIFAR family and the ImageNet ResNets with ResNeXt groups, Wide widths, SE, ResNet-D, pre-activation and the Transformer hybrid), VGG, AlexNet, DenseNet and EfficientNet';

/** The families train.py builds: the ResNet builder's two, and torchvision's VGG, AlexNet, DenseNet and EfficientNet (python-families.ts). */
const FAMILIES: ReadonlySet<ModelConfig['family']> = new Set(['cifar-resnet', 'resnet', 'vgg', 'alexnet', 'densenet', 'efficientnet']);

/** Why train.py cannot express `model` yet, or null when it can. */
export function exportRefusal(model: ModelConfig): string | null {
  if (!FAMILIES.has(model.family)) return `export to PyTorch does not write ${model.family} nets yet (${WRITTEN})`;
  return null;
}

/** The naming train.py uses for `model`: the one asked for, else the usual (timm's where only timm has the layers). */
export function exportNaming(model: ModelConfig, naming?: Naming): Naming {
  const chosen = naming ?? defaultNaming(model);
  if (chosen === null) throw new ExportError(exportRefusal(model) ?? `${model.family} nets have no PyTorch names`);
  return chosen;
}

/**
 * Each kernel's playground layer name (kernelNames order: the gradient
 * norms' keys) and PyTorch parameter. Throws ExportError for a net the
 * generator or the names cannot express.
 */
export function exportLayers(config: Config, naming: Naming): Array<[string, string]> {
  const refusal = exportRefusal(config.model);
  if (refusal !== null) throw new ExportError(refusal);
  const shape = datasetShape(config.data);
  const arch = buildArch(config.model, shape.classes);
  const names = namesOf(config, naming);
  const byEngine = new Map(names.map((n) => [n.engine, n.torch]));
  return summarize(arch, shape.input).kernelNames.map((layer) => {
    const torch = byEngine.get(`${layer}.kernel`);
    if (torch === undefined) throw new ExportError(`export to PyTorch: ${layer} has no ${naming} name`);
    return [layer, torch];
  });
}

/** Every tensor's PyTorch name under `naming`; a NamingError becomes an ExportError. */
function namesOf(config: Config, naming: Naming): TorchName[] {
  try {
    return torchNames(config.model, buildArch(config.model, datasetShape(config.data).classes), naming);
  } catch (e) {
    if (e instanceof NamingError) throw new ExportError(`export to PyTorch: ${e.message}`);
    throw e;
  }
}

/**
 * The playground's stage of each PyTorch module of the stem (0) and the
 * stages (1, 2, ...), as few names as cover them: a module, or a prefix all
 * of whose modules share one stage ('layer2', 'features.denseblock1'). The
 * head and the Transformer encoder are in no stage. train.py's freeze
 * stageN reads it, so every family freezes what the engine freezes
 * (weights/freeze.ts).
 */
export function stageTable(config: Config, naming: Naming): Array<[string, number]> {
  const stageOfModule = new Map<string, number | null>();
  for (const n of namesOf(config, naming)) {
    const module = n.torch.slice(0, Math.max(0, n.torch.lastIndexOf('.')));
    const stage = stageOf(n.engine);
    stageOfModule.set(module, stage === 'stem' ? 0 : /^stage\d+$/.test(stage) ? Number(stage.slice('stage'.length)) : null);
  }
  const modules = [...stageOfModule];
  const table = new Map<string, number>();
  for (const [module, stage] of modules) {
    if (stage === null) continue;
    const parts = module.split('.');
    // The shortest prefix under which every module is in this stage.
    for (let k = 1; k <= parts.length; k++) {
      const prefix = parts.slice(0, k).join('.');
      const under = modules.filter(([m]) => m === prefix || m.startsWith(`${prefix}.`));
      if (under.every(([, s]) => s === stage)) {
        table.set(prefix, stage);
        break;
      }
    }
  }
  return [...table];
}

function isResNet(m: ModelConfig): boolean {
  return m.family === 'cifar-resnet' || m.family === 'resnet';
}

/** The other families' names, in the net's title. */
const FAMILY_TITLE: Readonly<Record<string, string>> = { vgg: 'VGG', alexnet: 'AlexNet', densenet: 'DenseNet', efficientnet: 'EfficientNet' };

/** The net in a few words: the preset, or its depth and family, and the knobs that set it apart. */
export function netTitle(config: Config): string {
  const m = config.model;
  const preset = presetOf(m);
  const depth = summarize(buildArch(m, datasetShape(config.data).classes), datasetShape(config.data).input).depth;
  const resnet = isResNet(m);
  const knobs = [
    resnet && !m.skip && 'plain twin (no skip connections)',
    !m.batchNorm && 'no batch norm',
    m.shortcut !== 'A' && m.family === 'cifar-resnet' && `option ${m.shortcut} shortcuts`,
    m.family === 'resnet' && m.shortcut !== 'B' && `${m.shortcut === 'A' ? 'option A' : 'avgDown'} shortcuts`,
    m.family === 'efficientnet' && (m.widthFactor !== 1 || m.depthFactor !== 1) && `width x${m.widthFactor}, depth x${m.depthFactor}`,
    (resnet || m.family === 'efficientnet') && m.dropPath > 0 && `stochastic depth ${m.dropPath}`,
    m.inputSize > 0 && `at ${m.inputSize}x${m.inputSize}`,
  ].filter((k): k is string => typeof k === 'string');
  const kind = FAMILY_TITLE[m.family] ?? `${m.family === 'cifar-resnet' ? 'CIFAR ' : ''}ResNet`;
  const name = preset ?? `${/^(8\d?|11|18)$/.test(String(depth)) ? 'an' : 'a'} ${depth}-layer ${kind}`;
  return `${name}${knobs.length > 0 ? ` (${knobs.join(', ')})` : ''} on ${datasetShape(config.data).name}`;
}

function dataHelp(config: Config): string {
  const d = config.data.dataset;
  if (d === 'folder') return 'your folder of images: DIR/CLASS/IMAGE (a seeded split per class, as the playground made it) or DIR/train/CLASS/IMAGE and DIR/test (or val)/CLASS/IMAGE';
  if (d === 'cifar10' || d === 'cifar100') return `${DATASETS[d].name}'s binary version: ${DATASETS[d].source.split(' ')[0]}, or the folder it extracts to`;
  return `the folder of ${DATASETS[d].name}'s four IDX files (train-images-idx3-ubyte, ..., gzipped or not)`;
}

/** train.py's opening: what it is, how to run it, what it holds. */
function docstring(config: Config, source: string): string {
  return `"""${netTitle(config)}: a ResNet Playground run in PyTorch.

Written by \`npx playground export pytorch\` from ${source}. Needs only torch and
torchvision:

    python train.py --data DATA --weights weights.safetensors --out run1

trains the net from the playground's initial weights (weights.safetensors, its
PyTorch names) on the batches the playground would draw from the same seed,
with the same augmentation, optimizer, schedule, weight decay and batch norm:
from the same weights and batch, the first step's loss and every layer's
gradient norm equal the playground's within 1e-3. Without --weights the net
starts from torch's draw of the same initialisation. --out DIR gets a JSON
line a step and an epoch (metrics.jsonl, the playground CLI's format),
config.json and the final weights (weights.safetensors, the same names).
Under torchrun (torchrun --nproc_per_node=8 train.py ...) it runs one process
a device with DistributedDataParallel, each on its share of the same batches.

Top to bottom: the run's config (edit it here), each layer's PyTorch name, the
playground's constants, its seeded choices and the data, the net, the recipe,
the loop and the command line.
"""`;
}

const PY_IMPORTS = `import argparse
import gzip
import json
import math
import os
import struct
import sys
import tarfile
import time
import warnings

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
import torchvision.transforms.functional as TF`;

const PY_CONSTANTS = `# ---------------------------------------------------------------- the playground's constants
BN_MOMENTUM = 0.1  # batch norm's running statistics move 0.1 of the way to each batch's (torch's default)
BN_EPS = 1e-5  # batch norm's epsilon (torch's default)
LN_EPS = 1e-6  # LayerNorm's epsilon in the hybrid's encoder, as ViT (torch's default is 1e-5)
ADAM_EPS = 1e-8  # Adam's epsilon (torch's default; betas (0.9, 0.999))
CROP_PADDING = 4  # zero pixels on each side before the random crop (He et al. 2015 §4.2)
IMAGENET_MEAN, IMAGENET_STD = (0.485, 0.456, 0.406), (0.229, 0.224, 0.225)
# One-cycle (Smith & Topin 2019), torch's OneCycleLR defaults: up from lr/25 over 30% of the run,
# down to lr/25e4, both halves cosine; momentum (or Adam's beta1) 0.95 -> 0.85 -> 0.95.
ONE_CYCLE = dict(pct_start=0.3, div_factor=25.0, final_div_factor=1e4, base_momentum=0.85, max_momentum=0.95)
MULTI_STEP_AT = (0.5, 0.75)  # 'multistep': x decayFactor at these fractions of the run (He et al. 2015 §4.2)`;

/** The whole train.py for `config` under `naming`; `source` says where the run came from (a link, a run file). */
export function trainPy(config: Config, naming: Naming, source: string): string {
  const layers = exportLayers(config, naming);
  const shape = datasetShape(config.data);
  const generated = [
    '# ---------------------------------------------------------------- the run',
    configSection(config),
    `NUM_CLASSES = ${shape.classes}`,
    `DATA_SHAPE = (${shape.input.join(', ')})  # the playground data set's images: height, width, channels`,
    `NAMING = ${pyValue(naming)}  # whose PyTorch names the state dict carries`,
    `TITLE = ${pyValue(netTitle(config))}`,
    `DATA_HELP = ${pyValue(dataHelp(config))}`,
    '# Each layer\'s weight: the playground\'s layer name (gradient norms are keyed by it) and its PyTorch name.',
    layersSection(layers),
    stagesSection(stageTable(config, naming)),
  ].join('\n');
  return ['#!/usr/bin/env python3', docstring(config, source), PY_IMPORTS, '', generated, '', PY_CONSTANTS, PY_DATA, PY_NET, PY_FAMILIES, PY_RECIPE, PY_LOOP].join('\n');
}

/** config.json: the run's Config, as a run file holds it (share/json.ts reads it back). */
export function configJson(config: Config): string {
  return JSON.stringify(config, null, 2) + '\n';
}
