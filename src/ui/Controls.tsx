// The configuration panel: architecture, data and training knobs. Edits
// change the config in the store (and so the URL); a run keeps the config it
// started with. Lesson mode (hide= in the URL) hides chosen controls.
import type { TFunction } from 'i18next';
import { useTranslation } from 'react-i18next';
import { MODEL_PRESET_IDS, MODEL_PRESETS, PRESETS, PRESET_IDS, modelFromPreset, presetOf, type ModelPresetId } from '../config/presets';
import { cifarDepth, FAMILY_FIELDS, type ArchFamily, type Config, type DataConfig, type ModelConfig, type TrainConfig } from '../config/types';
import { useStore } from '../state/store';
import { NumberField, SelectField, ToggleField } from './fields';
import { ModelKnobs } from './ModelKnobs';
import { TrainControls } from './TrainControls';

function useSection() {
  const config = useStore((s) => s.config);
  const setConfig = useStore((s) => s.setConfig);
  const model = (patch: Partial<ModelConfig>) => setConfig((c: Config) => ({ ...c, model: { ...c.model, ...patch } }));
  const train = (patch: Partial<TrainConfig>) => setConfig((c: Config) => ({ ...c, train: { ...c.train, ...patch } }));
  const data = (patch: Partial<DataConfig>) => setConfig((c: Config) => ({ ...c, data: { ...c.data, ...patch } }));
  return { config, model, train, data };
}

/** A depth choice, '20 layers (n = 3)'. */
const depthOption = (t: TFunction, n: number) => ({ value: String(n), label: t('depth.option', { depth: cifarDepth(n), n }) });

const PRESET_DEPTHS: readonly number[] = PRESET_IDS.map((id) => PRESETS[id].blocksPerStage);

/** In the menu's order; each one's label is controls:family.options.FAMILY. */
const FAMILIES: readonly ArchFamily[] = ['cifar-resnet', 'resnet', 'vgg', 'alexnet', 'densenet', 'efficientnet'];

/** Initializers in the menu's order; labels are controls:init.options.INIT. */
const INITS = ['he-normal', 'he-normal-zero-gamma'] as const;

/** The first preset of a family: what choosing the family loads. */
function firstPreset(family: ArchFamily): ModelPresetId {
  return MODEL_PRESET_IDS.find((id) => MODEL_PRESETS[id].family === family) ?? 'resnet20';
}

function reads(model: ModelConfig, key: keyof ModelConfig): boolean {
  return (FAMILY_FIELDS[model.family] as readonly string[]).includes(key);
}

export function Controls() {
  const { t } = useTranslation('controls');
  const { config, model, train, data } = useSection();
  const m = config.model;
  const cifar = m.family === 'cifar-resnet';
  const preset = presetOf(m);
  const presetOptions = [...MODEL_PRESET_IDS.filter((id) => MODEL_PRESETS[id].family === m.family).map((id) => ({ value: id, label: id })), ...MODEL_PRESET_IDS.filter((id) => MODEL_PRESETS[id].family !== m.family).map((id) => ({ value: id, label: `${id} (${MODEL_PRESETS[id].family})` })), ...(preset ? [] : [{ value: 'custom' as const, label: t('preset.custom') }])];
  const depths = PRESET_DEPTHS.includes(m.blocksPerStage) ? PRESET_DEPTHS : [...PRESET_DEPTHS, m.blocksPerStage];
  const depthOptions = depths.map((n) => depthOption(t, n));
  const familyOptions = FAMILIES.map((value) => ({ value, label: t(`family.options.${value}`) }));
  return (
    <form className="controls" onSubmit={(e) => e.preventDefault()}>
      <fieldset>
        <legend>{t('legend.architecture')}</legend>
        <SelectField<ArchFamily> label={t('family.label')} help={t('family.help')} testId="controls.family" path="model.family" value={m.family} options={familyOptions} onChange={(v) => v !== m.family && model(modelFromPreset(firstPreset(v)))} />
        <SelectField<ModelPresetId | 'custom'> label={t('preset.label')} help={t('preset.help')} testId="controls.preset" path="model.family" value={preset ?? 'custom'} options={presetOptions} onChange={(v) => v !== 'custom' && model(modelFromPreset(v))} />
        <p className="section-note" data-testid="controls.familyNote">
          {cifar
            ? t('familyNote.cifar', { net: m.skip ? 'ResNet' : t('familyNote.plainNet'), depth: cifarDepth(m.blocksPerStage), w1: m.baseWidth, w2: m.baseWidth * 2, w3: m.baseWidth * 4 })
            : t(preset ? 'familyNote.preset' : 'familyNote.custom', { preset, family: m.family === 'resnet' ? 'ResNet' : m.family })}
        </p>
        {cifar && (
          <>
            <SelectField label={t('depth.label')} help={t('depth.help')} testId="controls.depth" path="model.blocksPerStage" value={String(m.blocksPerStage)} options={depthOptions} onChange={(v) => model({ blocksPerStage: Number(v) })} />
            <NumberField label={t('blocksPerStage.label')} help={t('blocksPerStage.help')} testId="controls.blocksPerStage" field="model.blocksPerStage" value={m.blocksPerStage} step={1} onChange={(v) => model({ blocksPerStage: v })} />
          </>
        )}
        {reads(m, 'skip') && <ToggleField label={t('skip.label')} help={t('skip.help')} testId="controls.skip" path="model.skip" value={m.skip} onChange={(v) => model({ skip: v })} />}
        <ToggleField label={t('batchNorm.label')} help={t('batchNorm.help')} testId="controls.batchNorm" path="model.batchNorm" value={m.batchNorm} onChange={(v) => model({ batchNorm: v })} />
        <SelectField label={t('init.label')} help={t('init.help')} testId="controls.init" path="model.init" value={m.init} options={INITS.map((value) => ({ value, label: t(`init.options.${value}`) }))} onChange={(v) => model({ init: v })} />
        <ModelKnobs model={m} set={model} />
      </fieldset>
      <fieldset>
        <legend>{t('legend.data')}</legend>
        {/* The data set itself is chosen in the data panel (DataPanel.tsx). */}
        <NumberField label={t('trainSubset.label')} help={t('trainSubset.help')} testId="controls.trainSubset" field="data.trainSubset" value={config.data.trainSubset} step={1} onChange={(v) => data({ trainSubset: v })} />
        <NumberField label={t('testSubset.label')} help={t('testSubset.help')} testId="controls.testSubset" field="data.testSubset" value={config.data.testSubset} step={1} onChange={(v) => data({ testSubset: v })} />
      </fieldset>
      <fieldset>
        <legend>{t('legend.training')}</legend>
        <TrainControls config={config} train={train} />
      </fieldset>
    </form>
  );
}
