// The run's vital signs: backend and why, speed, step, epoch, loss and accuracy.
import { useTranslation } from 'react-i18next';
import { formatDuration } from '../config/format';
import { timeLeftMs } from '../state/eta';
import { recentMedian } from '../state/series';
import { isActive, useStore } from '../state/store';

function fmt(v: number | undefined, digits: number): string {
  return v === undefined || !Number.isFinite(v) ? '–' : v.toFixed(digits);
}

export function RunStats() {
  const { t } = useTranslation('run');
  const run = useStore((s) => s.run);
  const steps = useStore((s) => s.metrics.steps);
  const epochs = useStore((s) => s.metrics.epochs);
  const last = steps[steps.length - 1];
  const lastEpoch = epochs[epochs.length - 1];
  const ms = recentMedian(steps.slice(-10).map((s) => s.ms), 10);
  const batch = run.config?.train.batchSize ?? 0;
  const evalMs = useStore((s) => s.metrics.evalMs);
  const left = isActive(run.status) ? timeLeftMs(steps, epochs.length, run.model, evalMs) : null;
  const stat = (label: string, value: string, testId: string) => (
    <div className="stat">
      <dt>{label}</dt>
      <dd data-testid={testId}>{value}</dd>
    </div>
  );
  return (
    <section className="stats" aria-label={t('stats.label')}>
      <dl>
        {stat(t('stats.backend'), run.backend?.backend ?? '–', 'stats.backend')}
        {stat(t('stats.step'), last ? String(last.step) : '–', 'stats.step')}
        {stat(t('stats.epoch'), last ? String(last.epoch) : '–', 'stats.epoch')}
        {stat(t('stats.timeLeft'), left === null ? '–' : t('stats.about', { duration: formatDuration(left) }), 'stats.timeLeft')}
        {stat(t('stats.msPerStep'), fmt(ms, 0), 'stats.msPerStep')}
        {stat(t('stats.imagesPerSecond'), Number.isFinite(ms) && ms > 0 ? (batch * 1000 / ms).toFixed(1) : '–', 'stats.imagesPerSecond')}
        {stat(t('stats.trainLoss'), fmt(last?.loss, 4), 'stats.loss')}
        {stat(t('stats.trainAcc'), fmt(last?.acc, 3), 'stats.acc')}
        {stat(t('stats.testLoss'), fmt(lastEpoch?.testLoss, 4), 'stats.testLoss')}
        {stat(t('stats.testAcc'), fmt(lastEpoch?.testAcc, 4), 'stats.testAcc')}
        {stat(t('stats.parameters'), run.model ? run.model.params.toLocaleString('en-US') : '–', 'stats.params')}
        {stat(t('stats.tensors'), last ? String(last.numTensors) : '–', 'stats.tensors')}
      </dl>
      {run.backend && (
        <p className="backend-reason" data-testid="stats.backendReason">
          <strong>{run.backend.backend}</strong>: {run.backend.reason}
        </p>
      )}
    </section>
  );
}
