// Time per epoch under each freeze policy, measured by the training worker
// on this machine's backend (steps of the real net at the run's batch size):
// seconds per epoch, a linear probe's one-time feature pass, and the total
// for the configured epochs. No figure is shown that the worker did not time.
import type { Config, FreezePolicy } from '../../config/types';
import type { PolicyEstimate } from '../../protocol/messages';
import { isActive, useStore } from '../../state/store';
import { startEstimate, useWeights } from '../../state/weights';

/** Seconds for people: '40 ms', '4.2 s', '3.5 min', '1.2 h'. */
export function formatSeconds(s: number): string {
  if (!Number.isFinite(s)) return '–';
  if (s < 1) return s < 0.001 ? '< 1 ms' : `${Math.round(s * 1000)} ms`;
  if (s < 60) return `${s.toFixed(1)} s`;
  if (s < 3600) return `${(s / 60).toFixed(1)} min`;
  return `${(s / 3600).toFixed(1)} h`;
}

function policyName(p: FreezePolicy): string {
  if (p === 'none') return 'full fine-tuning';
  if (p === 'head') return 'linear probe';
  const n = Number(p.slice(5));
  return n === 1 ? 'stem + stage 1 frozen' : `stem + stages 1–${n} frozen`;
}

const total = (row: PolicyEstimate, epochs: number) => row.onceSeconds + epochs * row.epochSeconds;

function Table({ rows, config }: { rows: PolicyEstimate[]; config: Config }) {
  const { epochs } = config.train;
  return (
    <table className="estimate-table" data-testid="weights.estimate.table" data-rows={rows.length}>
      <caption>Measured with batch {config.train.batchSize} on {config.model.inputSize || 'the data set\'s'}{config.model.inputSize ? `×${config.model.inputSize}` : ''} images</caption>
      <thead>
        <tr>
          <th scope="col">policy</th>
          <th scope="col">per epoch</th>
          <th scope="col">one-time</th>
          <th scope="col">{epochs} epoch{epochs === 1 ? '' : 's'}</th>
        </tr>
      </thead>
      <tbody>
        {rows.map((r) => (
          <tr key={r.freeze} data-testid={`weights.estimate.${r.freeze}`} title={`${r.msPerStep.toFixed(0)} ms a step × ${r.stepsPerEpoch} steps, and the evaluation`}>
            <th scope="row">{policyName(r.freeze)}</th>
            <td>{formatSeconds(r.epochSeconds)}</td>
            <td>{r.onceSeconds > 0 ? formatSeconds(r.onceSeconds) : '–'}</td>
            <td>{formatSeconds(total(r, epochs))}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

export function EstimateTable() {
  const config = useStore((s) => s.config);
  const training = useStore((s) => s.run.runId !== null && isActive(s.run.status));
  const est = useWeights((s) => s.estimate);
  const stale = est.config !== null && est.config !== config;
  return (
    <div className="estimate" data-testid="weights.estimate.box" data-state={est.status}>
      <button type="button" data-testid="weights.estimate" disabled={training || est.status === 'running'} title={training ? 'Timing uses the training worker: wait for the run to end, or stop it' : 'Times a few steps of this config under each policy'} onClick={() => startEstimate(config)}>
        Estimate time per epoch
      </button>
      {est.status === 'running' && <small className="field-help"> Timing: {est.detail || 'starting'}…</small>}
      {est.status === 'error' && <p className="data-error" role="alert" data-testid="weights.estimate.error">The estimate failed: {est.error}</p>}
      {est.status === 'done' && est.config && (
        <>
          <Table rows={est.rows} config={est.config} />
          {stale && <small className="field-help">Measured for the config before your last edit; estimate again for this one.</small>}
        </>
      )}
    </div>
  );
}
