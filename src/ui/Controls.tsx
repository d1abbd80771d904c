// The configuration panel: architecture, data and training knobs. Edits
// change the config in the store (and so the URL); a run keeps the config it
// started with. Lesson mode (hide= in the URL) hides chosen controls.
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

const DEPTH_OPTIONS = PRESET_IDS.map((id) => ({ value: String(PRESETS[id].blocksPerStage), label: `${cifarDepth(PRESETS[id].blocksPerStage)} layers (n = ${PRESETS[id].blocksPerStage})` }));

const FAMILIES: { value: ArchFamily; label: string }[] = [
  { value: 'cifar-resnet', label: 'CIFAR ResNet (He et al. 2015 §4.2)' },
  { value: 'resnet', label: 'ImageNet ResNet, ResNeXt, Wide, SE, -D, hybrid' },
  { value: 'vgg', label: 'VGG' },
  { value: 'alexnet', label: 'AlexNet' },
  { value: 'densenet', label: 'DenseNet' },
  { value: 'efficientnet', label: 'EfficientNet' },
];

/** The first preset of a family: what choosing the family loads. */
function firstPreset(family: ArchFamily): ModelPresetId {
  return MODEL_PRESET_IDS.find((id) => MODEL_PRESETS[id].family === family) ?? 'resnet20';
}

function reads(model: ModelConfig, key: keyof ModelConfig): boolean {
  return (FAMILY_FIELDS[model.family] as readonly string[]).includes(key);
}

export function Controls() {
  const { config, model, train, data } = useSection();
  const m = config.model;
  const cifar = m.family === 'cifar-resnet';
  const preset = presetOf(m);
  const presetOptions = [...MODEL_PRESET_IDS.filter((id) => MODEL_PRESETS[id].family === m.family).map((id) => ({ value: id, label: id })), ...MODEL_PRESET_IDS.filter((id) => MODEL_PRESETS[id].family !== m.family).map((id) => ({ value: id, label: `${id} (${MODEL_PRESETS[id].family})` })), ...(preset ? [] : [{ value: 'custom' as const, label: 'custom' }])];
  const isPreset = DEPTH_OPTIONS.some((o) => o.value === String(m.blocksPerStage));
  const depthOptions = isPreset ? DEPTH_OPTIONS : [...DEPTH_OPTIONS, { value: String(m.blocksPerStage), label: `${cifarDepth(m.blocksPerStage)} layers (n = ${m.blocksPerStage})` }];
  return (
    <form className="controls" onSubmit={(e) => e.preventDefault()}>
      <fieldset>
        <legend>Architecture</legend>
        <SelectField<ArchFamily> label="Family" help="The kind of net; choosing one loads its first preset." testId="controls.family" path="model.family" value={m.family} options={FAMILIES} onChange={(v) => v !== m.family && model(modelFromPreset(firstPreset(v)))} />
        <SelectField<ModelPresetId | 'custom'> label="Model" help="A preset from the papers (torchvision / timm names); every knob below can then be changed." testId="controls.preset" path="model.family" value={preset ?? 'custom'} options={presetOptions} onChange={(v) => v !== 'custom' && model(modelFromPreset(v))} />
        <p className="section-note" data-testid="controls.familyNote">
          {cifar
            ? `${m.skip ? 'ResNet' : 'Plain net'}-${cifarDepth(m.blocksPerStage)}: the CIFAR ResNet of He et al. 2015 (§4.2), 3 stages of n blocks at ${m.baseWidth}/${m.baseWidth * 2}/${m.baseWidth * 4} channels.`
            : `${preset ?? 'A custom'} ${m.family === 'resnet' ? 'ResNet' : m.family}: the knobs below are the ones this family reads.`}
        </p>
        {cifar && (
          <>
            <SelectField label="Depth" help="6n + 2 weighted layers: the paper's ResNet-20 to ResNet-110." testId="controls.depth" path="model.blocksPerStage" value={String(m.blocksPerStage)} options={depthOptions} onChange={(v) => model({ blocksPerStage: Number(v) })} />
            <NumberField label="Blocks per stage (n)" help="Any n from 1; depth is 6n + 2 (n = 200 gives ResNet-1202)." testId="controls.blocksPerStage" field="model.blocksPerStage" value={m.blocksPerStage} step={1} onChange={(v) => model({ blocksPerStage: v })} />
          </>
        )}
        {reads(m, 'skip') && <ToggleField label="Skip connections" help="Off builds the plain twin: the same layers without the shortcut additions." testId="controls.skip" path="model.skip" value={m.skip} onChange={(v) => model({ skip: v })} />}
        <ToggleField label="Batch norm" help="Normalizes each convolution's output over the batch (Ioffe & Szegedy 2015); off gives the convolutions a bias instead." testId="controls.batchNorm" path="model.batchNorm" value={m.batchNorm} onChange={(v) => model({ batchNorm: v })} />
        <SelectField label="Initializer" help="He normal (fan-in). Zero-γ also starts each residual branch's last BN at 0, so blocks begin as identities (Goyal et al. 2017)." testId="controls.init" path="model.init" value={m.init} options={[{ value: 'he-normal', label: 'He normal' }, { value: 'he-normal-zero-gamma', label: 'He normal + zero-init last BN γ' }]} onChange={(v) => model({ init: v })} />
        <ModelKnobs model={m} set={model} />
      </fieldset>
      <fieldset>
        <legend>Data</legend>
        {/* The data set itself is chosen in the data panel (DataPanel.tsx). */}
        <NumberField label="Training subset" help="Train on this many images (a fixed seeded sample); 0 uses all." testId="controls.trainSubset" field="data.trainSubset" value={config.data.trainSubset} step={1} onChange={(v) => data({ trainSubset: v })} />
        <NumberField label="Test subset" help="Evaluate on the first this many test images after each epoch; 0 uses all." testId="controls.testSubset" field="data.testSubset" value={config.data.testSubset} step={1} onChange={(v) => data({ testSubset: v })} />
      </fieldset>
      <fieldset>
        <legend>Training</legend>
        <TrainControls config={config} train={train} />
      </fieldset>
    </form>
  );
}
