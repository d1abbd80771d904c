// The run's vital signs: backend and why, speed, step, epoch, loss and accuracy.
import { formatDuration } from '../config/format';
import { timeLeftMs } from '../state/eta';
import { recentMedian } from '../state/series';
import { isActive, useStore } from '../state/store';

function fmt(v: number | undefined, digits: number): string {
  return v === undefined || !Number.isFinite(v) ? '–' : v.toFixed(digits);
}

export function RunStats() {
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
    <section className="stats" aria-label="Run statistics">
      <dl>
        {stat('Backend', run.backend?.backend ?? '–', 'stats.backend')}
        {stat('Step', last ? String(last.step) : '–', 'stats.step')}
        {stat('Epoch', last ? String(last.epoch) : '–', 'stats.epoch')}
        {stat('Time left', left === null ? '–' : `about ${formatDuration(left)}`, 'stats.timeLeft')}
        {stat('ms / step', fmt(ms, 0), 'stats.msPerStep')}
        {stat('images / s', Number.isFinite(ms) && ms > 0 ? (batch * 1000 / ms).toFixed(1) : '–', 'stats.imagesPerSecond')}
        {stat('Train loss', fmt(last?.loss, 4), 'stats.loss')}
        {stat('Train acc', fmt(last?.acc, 3), 'stats.acc')}
        {stat('Test loss', fmt(lastEpoch?.testLoss, 4), 'stats.testLoss')}
        {stat('Test acc', fmt(lastEpoch?.testAcc, 4), 'stats.testAcc')}
        {stat('Parameters', run.model ? run.model.params.toLocaleString('en-US') : '–', 'stats.params')}
        {stat('Tensors', last ? String(last.numTensors) : '–', 'stats.tensors')}
      </dl>
      {run.backend && (
        <p className="backend-reason" data-testid="stats.backendReason">
          <strong>{run.backend.backend}</strong>: {run.backend.reason}
        </p>
      )}
    </section>
  );
}
