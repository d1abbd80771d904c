// Messages the user must see: refused URL fields, run errors, a worker that
// hung or crashed (with the way on), a GPU lost mid-run, storage that stopped
// keeping runs. Nothing here blocks the page; each notice can be dismissed.
import { useTranslation } from 'react-i18next';
import { keepWaiting } from '../state/bridge';
import { useRuns } from '../state/runs';
import { useStore } from '../state/store';

export function Notices() {
  const { t } = useTranslation('run');
  const urlErrors = useStore((s) => s.urlErrors);
  const error = useStore((s) => s.run.error);
  const fault = useStore((s) => s.run.fault);
  const backend = useStore((s) => s.run.backend?.backend);
  const lastMark = useStore((s) => s.metrics.marks.at(-1));
  const setUrlErrors = useStore((s) => s.setUrlErrors);
  const dismissError = useStore((s) => s.dismissError);
  const checkpointStep = useRuns((s) => s.runs.find((r) => r.id === s.currentId)?.checkpointStep);
  const storageWarning = useRuns((s) => s.storageWarning);
  const { recover, dismissStorageWarning } = useRuns.getState();
  return (
    <>
      {urlErrors.length > 0 && (
        <div className="notice warn" role="status" data-testid="notice.url">
          <strong>{t('notice.url')}</strong>
          <ul>
            {urlErrors.map((e, i) => (
              <li key={i}>
                <code>{e.field}</code>: {e.message}
              </li>
            ))}
          </ul>
          <button type="button" onClick={() => setUrlErrors([])}>{t('notice.dismiss')}</button>
        </div>
      )}
      {fault && (
        <div className="notice error" role="alert" data-testid="notice.fault" data-kind={fault.kind}>
          <strong>{t(fault.kind === 'hung' ? 'notice.fault.hung' : 'notice.fault.crashed')}</strong> {fault.message}{' '}
          {checkpointStep !== undefined ? t('notice.fault.checkpoint', { step: checkpointStep }) : t('notice.fault.noCheckpoint')}
          <button type="button" data-testid="notice.fault.recover" onClick={() => void recover()}>
            {checkpointStep !== undefined ? t('notice.fault.resume', { step: checkpointStep }) : t('notice.fault.restart')}
          </button>
          {fault.kind === 'hung' && (
            <button type="button" data-testid="notice.fault.wait" onClick={keepWaiting}>
              {t('notice.fault.wait')}
            </button>
          )}
        </div>
      )}
      {error && !fault && (
        <div className="notice error" role="alert" data-testid="notice.error">
          <strong>{t('notice.error')}</strong> {error}
          <button type="button" onClick={dismissError}>{t('notice.dismiss')}</button>
        </div>
      )}
      {lastMark && (
        <div className="notice warn" role="status" data-testid="notice.recovered">
          <strong>{t('notice.gpuLost.heading')}</strong> {lastMark.text}{backend ? t('notice.gpuLost.now', { backend }) : ''}{t('notice.gpuLost.marked')}
        </div>
      )}
      {storageWarning && (
        <div className="notice warn" role="status" data-testid="notice.storage">
          {storageWarning}
          <button type="button" onClick={dismissStorageWarning}>{t('notice.dismiss')}</button>
        </div>
      )}
    </>
  );
}
