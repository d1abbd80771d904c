// The variant knobs of the chosen family: exactly the ModelConfig fields that
// FAMILY_FIELDS says the family reads, each with a label and a line of help
// (controls:knob.KEY.label and .help; a menu's choices are .options.VALUE).
// Depth (CIFAR), skip, batch norm and the initializer are drawn by Controls.
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { ModelConfig } from '../config/types';
import { FAMILY_FIELDS } from '../config/types';
import type { NumericField } from '../config/validate';
import type { ConfigPath } from '../share/url';
import { ListField, NumberField, SelectField, ToggleField } from './fields';

type Key = Exclude<keyof ModelConfig, 'family'>;

type Knob = { kind: 'number'; step?: number } | { kind: 'list' } | { kind: 'toggle' } | { kind: 'select'; options: readonly string[] };

/** Drawn elsewhere in the panel. */
const ELSEWHERE: readonly Key[] = ['blocksPerStage', 'skip', 'batchNorm', 'init'];

const KNOBS: Record<Exclude<Key, 'blocksPerStage' | 'skip' | 'batchNorm' | 'init'>, Knob> = {
  stageBlocks: { kind: 'list' },
  baseWidth: { kind: 'number', step: 1 },
  blockType: { kind: 'select', options: ['basic', 'bottleneck'] },
  stem: { kind: 'select', options: ['cifar', 'imagenet', 'deep'] },
  inputSize: { kind: 'number', step: 1 },
  cardinality: { kind: 'number', step: 1 },
  groupWidth: { kind: 'number', step: 1 },
  widthFactor: { kind: 'number' },
  se: { kind: 'number', step: 1 },
  preact: { kind: 'toggle' },
  dropout: { kind: 'number' },
  dropPath: { kind: 'number' },
  shortcut: { kind: 'select', options: ['A', 'B', 'avgDown'] },
  growthRate: { kind: 'number', step: 1 },
  depthFactor: { kind: 'number' },
  hiddenUnits: { kind: 'number', step: 1 },
  transformerLayers: { kind: 'number', step: 1 },
  transformerWidth: { kind: 'number', step: 1 },
  heads: { kind: 'number', step: 1 },
  mlpRatio: { kind: 'number', step: 1 },
};

/**
 * Knobs most runs leave at their plain value: they sit behind "More
 * options", closed while all are at it (a preset or link that sets one,
 * ResNeXt's cardinality, opens it), so a newcomer meets the few that matter
 * first.
 */
const PLAIN: Partial<Record<keyof typeof KNOBS, unknown>> = { cardinality: 1, groupWidth: 64, widthFactor: 1, se: 0, preact: false, dropout: 0, dropPath: 0 };

export function ModelKnobs({ model, set }: { model: ModelConfig; set(patch: Partial<ModelConfig>): void }) {
  const { t } = useTranslation('controls');
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
          <summary>{t('more', { n: more.length })}</summary>
          {more.map(knobOf)}
        </details>
      )}
    </>
  );

  function knobOf(key: keyof typeof KNOBS) {
    const knob = KNOBS[key];
    const path = `model.${key}` as ConfigPath;
    const testId = `controls.${key}`;
    const label = t(`knob.${key}.label`);
    const help = t(`knob.${key}.help`);
    switch (knob.kind) {
      case 'number':
        return <NumberField key={key} label={label} help={help} testId={testId} field={path as NumericField} value={model[key] as number} {...(knob.step !== undefined ? { step: knob.step } : {})} onChange={(v) => set({ [key]: v })} />;
      case 'list':
        return <ListField key={key} label={label} help={help} testId={testId} field="model.stageBlocks" value={model.stageBlocks} onChange={(v) => set({ stageBlocks: v })} />;
      case 'toggle':
        return <ToggleField key={key} label={label} help={help} testId={testId} path={path} value={model[key] as boolean} onChange={(v) => set({ [key]: v })} />;
      case 'select':
        return <SelectField key={key} label={label} help={help} testId={testId} path={path} value={model[key] as string} options={knob.options.map((value) => ({ value, label: t(`knob.${key}.options.${value}`) }))} onChange={(v) => set({ [key]: v })} />;
    }
  }
}
