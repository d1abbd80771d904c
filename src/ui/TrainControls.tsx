// The training knobs: batch, optimizer, learning rate and its schedule (with
// a preview), weight decay, label smoothing, epochs, steps, seed, backend.
import { useTranslation } from 'react-i18next';
import type { BackendChoice, Config, OptimizerName, ScheduleName, TrainConfig } from '../config/types';
import { NumberField, SelectField } from './fields';
import { SchedulePreview } from './SchedulePreview';
import { Recipes } from './weights/Recipes';

/** In the menu's order; each one's label and help are controls:optimizer.options.NAME and .help.NAME. */
const OPTIMIZERS: readonly OptimizerName[] = ['sgd', 'momentum', 'nesterov', 'adam', 'adamw'];

/** In the menu's order; each one's label and help are controls:schedule.options.NAME and .help.NAME. */
const SCHEDULES: readonly ScheduleName[] = ['constant', 'step', 'multistep', 'cosine', 'onecycle', 'warmup'];

/** In the menu's order; labels are controls:backend.options.NAME. */
const BACKENDS: readonly BackendChoice[] = ['auto', 'webgpu', 'webgl', 'wasm', 'cpu'];

export function TrainControls({ config, train }: { config: Config; train(patch: Partial<TrainConfig>): void }) {
  const { t } = useTranslation('controls');
  const c = config.train;
  return (
    <>
      <Recipes kind="training" />
      <NumberField label={t('batchSize.label')} help={t('batchSize.help')} testId="controls.batchSize" field="train.batchSize" value={c.batchSize} step={1} onChange={(v) => train({ batchSize: v })} />
      <SelectField<OptimizerName> label={t('optimizer.label')} help={t(`optimizer.help.${c.optimizer}`)} testId="controls.optimizer" path="train.optimizer" value={c.optimizer} options={OPTIMIZERS.map((value) => ({ value, label: t(`optimizer.options.${value}`) }))} onChange={(v) => train({ optimizer: v })} />
      {(c.optimizer === 'momentum' || c.optimizer === 'nesterov') && <NumberField label={t('momentum.label')} help={t('momentum.help')} testId="controls.momentum" field="train.momentum" value={c.momentum} onChange={(v) => train({ momentum: v })} />}
      <NumberField label={t('learningRate.label')} help={t('learningRate.help')} testId="controls.learningRate" field="train.learningRate" value={c.learningRate} onChange={(v) => train({ learningRate: v })} />
      <SelectField<ScheduleName> label={t('schedule.label')} help={t(`schedule.help.${c.schedule}`)} testId="controls.schedule" path="train.schedule" value={c.schedule} options={SCHEDULES.map((value) => ({ value, label: t(`schedule.options.${value}`) }))} onChange={(v) => train({ schedule: v })} />
      {(c.schedule === 'warmup' || c.schedule === 'cosine') && <NumberField label={t('warmupEpochs.label')} help={t('warmupEpochs.help')} testId="controls.warmupEpochs" field="train.warmupEpochs" value={c.warmupEpochs} onChange={(v) => train({ warmupEpochs: v })} />}
      {c.schedule === 'step' && <NumberField label={t('decayEvery.label')} help={t('decayEvery.help')} testId="controls.decayEvery" field="train.decayEvery" value={c.decayEvery} step={1} onChange={(v) => train({ decayEvery: v })} />}
      {(c.schedule === 'step' || c.schedule === 'multistep') && (
        <>
          <NumberField label={t('decayFactor.label')} help={t('decayFactor.help')} testId="controls.decayFactor" field="train.decayFactor" value={c.decayFactor} onChange={(v) => train({ decayFactor: v })} />
        </>
      )}
      <SchedulePreview config={config} />
      <NumberField label={t('weightDecay.label')} help={t(c.optimizer === 'adamw' ? 'weightDecay.helpDecoupled' : 'weightDecay.help')} testId="controls.weightDecay" field="train.weightDecay" value={c.weightDecay} onChange={(v) => train({ weightDecay: v })} />
      <NumberField label={t('labelSmoothing.label')} help={t('labelSmoothing.help')} testId="controls.labelSmoothing" field="train.labelSmoothing" value={c.labelSmoothing} onChange={(v) => train({ labelSmoothing: v })} />
      <NumberField label={t('epochs.label')} help={t('epochs.help')} testId="controls.epochs" field="train.epochs" value={c.epochs} step={1} onChange={(v) => train({ epochs: v })} />
      <NumberField label={t('maxSteps.label')} help={t('maxSteps.help')} testId="controls.maxSteps" field="train.maxSteps" value={c.maxSteps} step={1} onChange={(v) => train({ maxSteps: v })} />
      <NumberField label={t('seed.label')} help={t('seed.help')} testId="controls.seed" field="train.seed" value={c.seed} step={1} onChange={(v) => train({ seed: v })} />
      <SelectField<BackendChoice> label={t('backend.label')} help={t('backend.help')} testId="controls.backend" path="train.backend" value={c.backend} options={BACKENDS.map((value) => ({ value, label: t(`backend.options.${value}`) }))} onChange={(v) => train({ backend: v })} />
    </>
  );
}
