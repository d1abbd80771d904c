// Time per epoch under each freeze policy, measured by the training worker
// on this machine's backend (steps of the real net at the run's batch size):
// seconds per epoch, a linear probe's one-time feature pass, and the total
// for the configured epochs. No figure is shown that the worker did not time.
// Strings: locales/LANG/weights.json (the units stay as formatSeconds writes them).
import type { TFunction } from 'i18next';
import { useTranslation } from 'react-i18next';
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

function policyName(t: TFunction<'weights'>, p: FreezePolicy): string {
  if (p === 'none') return t('estimate.policy.none');
  if (p === 'head') return t('estimate.policy.head');
  const n = Number(p.slice(5));
  return n === 1 ? t('estimate.policy.stage1') : t('estimate.policy.stages', { n });
}

const total = (row: PolicyEstimate, epochs: number) => row.onceSeconds + epochs * row.epochSeconds;

function Table({ rows, config }: { rows: PolicyEstimate[]; config: Config }) {
  const { t } = useTranslation('weights');
  const { epochs } = config.train;
  const { inputSize } = config.model;
  return (
    <table className="estimate-table" data-testid="weights.estimate.table" data-rows={rows.length}>
      <caption>{inputSize ? t('estimate.caption', { batch: config.train.batchSize, size: inputSize }) : t('estimate.captionDataset', { batch: config.train.batchSize })}</caption>
      <thead>
        <tr>
          <th scope="col">{t('estimate.policyHeader')}</th>
          <th scope="col">{t('estimate.perEpoch')}</th>
          <th scope="col">{t('estimate.oneTime')}</th>
          <th scope="col">{t('estimate.epochs', { count: epochs })}</th>
        </tr>
      </thead>
      <tbody>
        {rows.map((r) => (
          <tr key={r.freeze} data-testid={`weights.estimate.${r.freeze}`} title={t('estimate.rowTitle', { ms: r.msPerStep.toFixed(0), steps: r.stepsPerEpoch })}>
            <th scope="row">{policyName(t, r.freeze)}</th>
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
  const { t } = useTranslation('weights');
  const config = useStore((s) => s.config);
  const training = useStore((s) => s.run.runId !== null && isActive(s.run.status));
  const est = useWeights((s) => s.estimate);
  const stale = est.config !== null && est.config !== config;
  return (
    <div className="estimate" data-testid="weights.estimate.box" data-state={est.status}>
      <button type="button" data-testid="weights.estimate" disabled={training || est.status === 'running'} title={training ? t('estimate.busy') : t('estimate.title')} onClick={() => startEstimate(config)}>
        {t('estimate.button')}
      </button>
      {est.status === 'running' && <small className="field-help"> {t('estimate.timing', { detail: est.detail || t('estimate.starting') })}</small>}
      {est.status === 'error' && <p className="data-error" role="alert" data-testid="weights.estimate.error">{t('estimate.failed', { error: est.error })}</p>}
      {est.status === 'done' && est.config && (
        <>
          <Table rows={est.rows} config={est.config} />
          {stale && <small className="field-help">{t('estimate.stale')}</small>}
        </>
      )}
    </div>
  );
}
