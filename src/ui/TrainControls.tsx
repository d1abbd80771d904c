// The training knobs: batch, optimizer, learning rate and its schedule (with
// a preview), weight decay, label smoothing, epochs, steps, seed, backend.
import type { BackendChoice, Config, OptimizerName, ScheduleName, TrainConfig } from '../config/types';
import { NumberField, SelectField } from './fields';
import { SchedulePreview } from './SchedulePreview';
import { Recipes } from './weights/Recipes';

const OPTIMIZERS: { value: OptimizerName; label: string }[] = [
  { value: 'sgd', label: 'SGD' },
  { value: 'momentum', label: 'SGD + momentum' },
  { value: 'nesterov', label: 'SGD + Nesterov momentum' },
  { value: 'adam', label: 'Adam' },
  { value: 'adamw', label: 'AdamW (decoupled weight decay)' },
];

const SCHEDULES: { value: ScheduleName; label: string }[] = [
  { value: 'constant', label: 'constant' },
  { value: 'step', label: 'step decay' },
  { value: 'multistep', label: '÷ at 50% and 75% (He et al.)' },
  { value: 'cosine', label: 'cosine (after warm-up)' },
  { value: 'onecycle', label: 'one-cycle' },
  { value: 'warmup', label: 'linear warm-up, then constant' },
];

const SCHEDULE_HELP: Record<ScheduleName, string> = {
  constant: 'The same rate at every step.',
  step: 'Multiplied by the decay factor every few epochs (He et al. 2015 §4.2 divide by 10).',
  multistep: 'Multiplied by the decay factor at 50% of the run and again at 75% (He et al. 2015 §4.2: ÷10 at 32k and 48k of 64k iterations; torch MultiStepLR).',
  cosine: 'Half a cosine from the rate down to 0 over the run (Loshchilov & Hutter 2017), after the warm-up.',
  onecycle: 'Up from rate/25 to the rate over the first 30%, then down to rate/250,000, with momentum (or Adam\'s β1) going 0.95 → 0.85 → 0.95 the other way (Smith & Topin 2019; torch OneCycleLR).',
  warmup: 'Rises linearly to the rate over the warm-up epochs, then holds it (Goyal et al. 2017 §2.2): large batches start stably.',
};

const OPTIMIZER_HELP: Record<OptimizerName, string> = {
  sgd: 'Plain gradient steps.',
  momentum: "Carries a running sum of past gradients (the paper's choice, 0.9).",
  nesterov: 'Momentum that looks ahead along the running direction (Sutskever et al. 2013).',
  adam: 'Adapts the step per weight from running gradient moments (Kingma & Ba 2015); weight decay acts as an L2 term.',
  adamw: 'Adam with weight decay applied to the weights directly, apart from the adaptive step (Loshchilov & Hutter 2019).',
};

export function TrainControls({ config, train }: { config: Config; train(patch: Partial<TrainConfig>): void }) {
  const t = config.train;
  return (
    <>
      <Recipes kind="training" />
      <NumberField label="Batch size" help="Images per step. Batch norm needs a few per batch." testId="controls.batchSize" field="train.batchSize" value={t.batchSize} step={1} onChange={(v) => train({ batchSize: v })} />
      <SelectField<OptimizerName> label="Optimizer" help={OPTIMIZER_HELP[t.optimizer]} testId="controls.optimizer" path="train.optimizer" value={t.optimizer} options={OPTIMIZERS} onChange={(v) => train({ optimizer: v })} />
      {(t.optimizer === 'momentum' || t.optimizer === 'nesterov') && <NumberField label="Momentum" help="Fraction of the last update carried into the next (0.9 in the paper)." testId="controls.momentum" field="train.momentum" value={t.momentum} onChange={(v) => train({ momentum: v })} />}
      <NumberField label="Learning rate" help="Peak step size. Too high and the loss turns NaN; the run stops and says so." testId="controls.learningRate" field="train.learningRate" value={t.learningRate} onChange={(v) => train({ learningRate: v })} />
      <SelectField<ScheduleName> label="Schedule" help={SCHEDULE_HELP[t.schedule]} testId="controls.schedule" path="train.schedule" value={t.schedule} options={SCHEDULES} onChange={(v) => train({ schedule: v })} />
      {(t.schedule === 'warmup' || t.schedule === 'cosine') && <NumberField label="Warm-up epochs" help="Epochs of linear warm-up (fractions allowed; 0 for none)." testId="controls.warmupEpochs" field="train.warmupEpochs" value={t.warmupEpochs} onChange={(v) => train({ warmupEpochs: v })} />}
      {t.schedule === 'step' && <NumberField label="Decay every (epochs)" help="Epochs between two decays." testId="controls.decayEvery" field="train.decayEvery" value={t.decayEvery} step={1} onChange={(v) => train({ decayEvery: v })} />}
      {(t.schedule === 'step' || t.schedule === 'multistep') && (
        <>
          <NumberField label="Decay factor" help="Each decay multiplies the rate by this (0.1: divide by 10)." testId="controls.decayFactor" field="train.decayFactor" value={t.decayFactor} onChange={(v) => train({ decayFactor: v })} />
        </>
      )}
      <SchedulePreview config={config} />
      <NumberField label="Weight decay" help={t.optimizer === 'adamw' ? 'Decoupled: each step shrinks conv and dense kernels by lr × this (AdamW uses ~0.01 to 0.05).' : 'L2 penalty on conv and dense kernels, added to their gradients (1e-4 in the paper).'} testId="controls.weightDecay" field="train.weightDecay" value={t.weightDecay} onChange={(v) => train({ weightDecay: v })} />
      <NumberField label="Label smoothing" help="Train towards (1 − ε) on the right class and ε/classes elsewhere (Szegedy et al. 2016 §7); 0.1 is common, 0 for none." testId="controls.labelSmoothing" field="train.labelSmoothing" value={t.labelSmoothing} onChange={(v) => train({ labelSmoothing: v })} />
      <NumberField label="Epochs" help="Passes over the training subset; the test set is evaluated after each." testId="controls.epochs" field="train.epochs" value={t.epochs} step={1} onChange={(v) => train({ epochs: v })} />
      <NumberField label="Max steps" help="Stop after this many steps even mid-epoch; 0 means no limit. The schedule spans the steps actually run." testId="controls.maxSteps" field="train.maxSteps" value={t.maxSteps} step={1} onChange={(v) => train({ maxSteps: v })} />
      <NumberField label="Seed" help="Fixes the initial weights and the data order." testId="controls.seed" field="train.seed" value={t.seed} step={1} onChange={(v) => train({ seed: v })} />
      <SelectField<BackendChoice> label="Backend" help="Auto picks the fastest that starts: a hardware WebGPU or WebGL, else WASM, then WebGL and WebGPU in software, then the CPU." testId="controls.backend" path="train.backend" value={t.backend} options={[{ value: 'auto', label: 'Auto' }, { value: 'webgpu', label: 'WebGPU' }, { value: 'webgl', label: 'WebGL' }, { value: 'wasm', label: 'WASM' }, { value: 'cpu', label: 'CPU (JavaScript)' }]} onChange={(v) => train({ backend: v })} />
    </>
  );
}
