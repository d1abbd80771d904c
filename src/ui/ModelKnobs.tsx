// The variant knobs of the chosen family: exactly the ModelConfig fields that
// FAMILY_FIELDS says the family reads, each with a label and a line of help.
// Depth (CIFAR), skip, batch norm and the initializer are drawn by Controls.
import { useEffect, useState } from 'react';
import type { ModelConfig } from '../config/types';
import { FAMILY_FIELDS } from '../config/types';
import type { NumericField } from '../config/validate';
import type { ConfigPath } from '../share/url';
import { ListField, NumberField, SelectField, ToggleField } from './fields';

type Key = Exclude<keyof ModelConfig, 'family'>;

type Knob =
  | { kind: 'number'; label: string; help: string; step?: number }
  | { kind: 'list'; label: string; help: string }
  | { kind: 'toggle'; label: string; help: string }
  | { kind: 'select'; label: string; help: string; options: readonly { value: string; label: string }[] };

/** Drawn elsewhere in the panel. */
const ELSEWHERE: readonly Key[] = ['blocksPerStage', 'skip', 'batchNorm', 'init'];

const KNOBS: Record<Exclude<Key, 'blocksPerStage' | 'skip' | 'batchNorm' | 'init'>, Knob> = {
  stageBlocks: { kind: 'list', label: 'Blocks per stage', help: "Per stage, joined by '-': residual blocks (ResNet-50: 3-4-6-3), convolutions (VGG-16: 2-2-3-3-3) or dense layers (DenseNet-121: 6-12-24-16)." },
  baseWidth: { kind: 'number', step: 1, label: 'Base width', help: 'Channels of the first stage; each later stage doubles it (CIFAR ResNets: 16, ImageNet ResNets: 64).' },
  blockType: { kind: 'select', label: 'Block type', help: 'Basic: two 3×3 convolutions. Bottleneck: 1×1 → 3×3 → 1×1 with 4× expansion (He et al. 2015 §4.1).', options: [{ value: 'basic', label: 'basic (3×3, 3×3)' }, { value: 'bottleneck', label: 'bottleneck (1×1, 3×3, 1×1)' }] },
  stem: { kind: 'select', label: 'Stem', help: 'The layers before stage 1. CIFAR: one 3×3 conv. ImageNet: 7×7 stride 2 + max-pool. Deep: three 3×3 convs (ResNet-C/D, "Bag of Tricks" §4.2).', options: [{ value: 'cifar', label: 'CIFAR 3×3' }, { value: 'imagenet', label: 'ImageNet 7×7 + pool' }, { value: 'deep', label: 'deep 3×(3×3) + pool' }] },
  inputSize: { kind: 'number', step: 1, label: 'Input resolution', help: "Resize the images to this square size (bilinear) before the first layer, e.g. 224 for a net's ImageNet shape; 0 keeps the data set's size." },
  cardinality: { kind: 'number', step: 1, label: 'Cardinality (groups)', help: "Groups of the bottleneck's 3×3 convolution (ResNeXt, Xie et al. 2017: 32)." },
  groupWidth: { kind: 'number', step: 1, label: 'Width per group', help: 'Channels per group at base width 64 (torchvision width_per_group): 64 for ResNet-50, 4 for ResNeXt-50 32×4d.' },
  widthFactor: { kind: 'number', label: 'Width factor', help: "Wide ResNet's k (Zagoruyko & Komodakis 2016), or EfficientNet's width multiplier (Tan & Le 2019)." },
  se: { kind: 'number', step: 1, label: 'Squeeze-excitation ratio', help: 'Reduction r of an SE module after each residual branch (Hu et al. 2018: 16); 0 for none.' },
  preact: { kind: 'toggle', label: 'Pre-activation', help: 'BN-ReLU before each convolution, a clean identity path (He et al. 2016, "Identity Mappings").' },
  dropout: { kind: 'number', label: 'Dropout', help: 'Rate before the classifier (and between VGG/AlexNet hidden layers); 0 for none.' },
  dropPath: { kind: 'number', label: 'Stochastic depth', help: 'Largest rate at which a residual branch is dropped per sample, rising over depth (Huang et al. 2016); 0 for none.' },
  shortcut: { kind: 'select', label: 'Shortcut where the shape changes', help: "A: strided identity, zero-padded channels, no parameters (the paper's CIFAR choice). B: 1×1 projection. avgDown: average pool, then 1×1 (ResNet-D).", options: [{ value: 'A', label: 'A: zero-pad identity' }, { value: 'B', label: 'B: 1×1 projection' }, { value: 'avgDown', label: 'avgDown: pool + 1×1 (ResNet-D)' }] },
  growthRate: { kind: 'number', step: 1, label: 'Growth rate', help: 'Channels each dense layer adds (Huang et al. 2017: 32).' },
  depthFactor: { kind: 'number', label: 'Depth factor', help: "EfficientNet's depth multiplier: layers per stage = ceil(layers × factor) (Tan & Le 2019)." },
  hiddenUnits: { kind: 'number', step: 1, label: 'Hidden units', help: 'Width of the two hidden classifier layers (4096 in VGG and AlexNet).' },
  transformerLayers: { kind: 'number', step: 1, label: 'Transformer layers', help: 'Pre-LN encoder layers after the last stage, on its positions as tokens (ViT-hybrid, Dosovitskiy et al. 2021 §3.1); 0 for none.' },
  transformerWidth: { kind: 'number', step: 1, label: 'Token width', help: 'D of the encoder; a multiple of the heads.' },
  heads: { kind: 'number', step: 1, label: 'Attention heads', help: 'Each attends over D / heads channels.' },
  mlpRatio: { kind: 'number', step: 1, label: 'MLP ratio', help: "The encoder MLP's hidden width per token width (4 in ViT)." },
};

/**
 * Knobs most runs leave at their plain value: they sit behind "More
 * options", closed while all are at it (a preset or link that sets one,
 * ResNeXt's cardinality, opens it), so a newcomer meets the few that matter
 * first.
 */
const PLAIN: Partial<Record<keyof typeof KNOBS, unknown>> = { cardinality: 1, groupWidth: 64, widthFactor: 1, se: 0, preact: false, dropout: 0, dropPath: 0 };

export function ModelKnobs({ model, set }: { model: ModelConfig; set(patch: Partial<ModelConfig>): void }) {
  const keys = (FAMILY_FIELDS[model.family] as readonly Key[]).filter((k) => !ELSEWHERE.includes(k)) as (keyof typeof KNOBS)[];
  // The encoder's shape matters only with encoder layers.
  const shown = keys.filter((k) => model.transformerLayers > 0 || !['transformerWidth', 'heads', 'mlpRatio'].includes(k));
  const more = shown.filter((key) => key in PLAIN);
  // Open while any of them is set (a ResNeXt preset's cardinality, a link's dropout); once open, it stays so.
  const anySet = more.some((key) => model[key] !== PLAIN[key]);
  const [open, setOpen] = useState(anySet);
  useEffect(() => {
    if (anySet) setOpen(true);
  }, [anySet]);
  return (
    <>
      {shown.filter((key) => !(key in PLAIN)).map(knobOf)}
      {more.length > 0 && (
        <details className="more-options" data-testid="controls.more" open={open} onToggle={(e) => setOpen(e.currentTarget.open)}>
          <summary>More options ({more.length})</summary>
          {more.map(knobOf)}
        </details>
      )}
    </>
  );

  function knobOf(key: keyof typeof KNOBS) {
    const knob = KNOBS[key];
    const path = `model.${key}` as ConfigPath;
    const testId = `controls.${key}`;
    switch (knob.kind) {
      case 'number':
        return <NumberField key={key} label={knob.label} help={knob.help} testId={testId} field={path as NumericField} value={model[key] as number} {...(knob.step !== undefined ? { step: knob.step } : {})} onChange={(v) => set({ [key]: v })} />;
      case 'list':
        return <ListField key={key} label={knob.label} help={knob.help} testId={testId} field="model.stageBlocks" value={model.stageBlocks} onChange={(v) => set({ stageBlocks: v })} />;
      case 'toggle':
        return <ToggleField key={key} label={knob.label} help={knob.help} testId={testId} path={path} value={model[key] as boolean} onChange={(v) => set({ [key]: v })} />;
      case 'select':
        return <SelectField key={key} label={knob.label} help={knob.help} testId={testId} path={path} value={model[key] as string} options={knob.options} onChange={(v) => set({ [key]: v })} />;
    }
  }
}
