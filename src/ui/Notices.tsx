// Messages the user must see: refused URL fields, run errors, a worker that
// hung or crashed (with the way on), a GPU lost mid-run, storage that stopped
// keeping runs. Nothing here blocks the page; each notice can be dismissed.
import { keepWaiting } from '../state/bridge';
import { useRuns } from '../state/runs';
import { useStore } from '../state/store';

export function Notices() {
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
          <strong>Some fields of the link were ignored; their defaults are used:</strong>
          <ul>
            {urlErrors.map((e, i) => (
              <li key={i}>
                <code>{e.field}</code>: {e.message}
              </li>
            ))}
          </ul>
          <button type="button" onClick={() => setUrlErrors([])}>Dismiss</button>
        </div>
      )}
      {fault && (
        <div className="notice error" role="alert" data-testid="notice.fault" data-kind={fault.kind}>
          <strong>{fault.kind === 'hung' ? 'The training worker is not answering.' : 'The training worker stopped.'}</strong> {fault.message}{' '}
          {checkpointStep !== undefined ? `The run's last checkpoint is at step ${checkpointStep}; its steps so far are kept.` : 'The run has no checkpoint yet: a new worker starts it again from step 0.'}
          <button type="button" data-testid="notice.fault.recover" onClick={() => void recover()}>
            {checkpointStep !== undefined ? `Resume from step ${checkpointStep} in a new worker` : 'Start again in a new worker'}
          </button>
          {fault.kind === 'hung' && (
            <button type="button" data-testid="notice.fault.wait" onClick={keepWaiting}>
              Keep waiting
            </button>
          )}
        </div>
      )}
      {error && !fault && (
        <div className="notice error" role="alert" data-testid="notice.error">
          <strong>The run stopped.</strong> {error}
          <button type="button" onClick={dismissError}>Dismiss</button>
        </div>
      )}
      {lastMark && (
        <div className="notice warn" role="status" data-testid="notice.recovered">
          <strong>The GPU was lost mid-run.</strong> {lastMark.text}{backend ? ` (now ${backend})` : ''}. The charts mark the step it went on from.
        </div>
      )}
      {storageWarning && (
        <div className="notice warn" role="status" data-testid="notice.storage">
          {storageWarning}
          <button type="button" onClick={dismissStorageWarning}>Dismiss</button>
        </div>
      )}
    </>
  );
}
