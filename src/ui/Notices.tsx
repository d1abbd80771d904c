// Messages the user must see: refused URL fields and run errors. Nothing here
// blocks the page; each notice can be dismissed.
import { useStore } from '../state/store';

export function Notices() {
  const urlErrors = useStore((s) => s.urlErrors);
  const error = useStore((s) => s.run.error);
  const setUrlErrors = useStore((s) => s.setUrlErrors);
  const dismissError = useStore((s) => s.dismissError);
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
      {error && (
        <div className="notice error" role="alert" data-testid="notice.error">
          <strong>The run stopped.</strong> {error}
          <button type="button" onClick={dismissError}>Dismiss</button>
        </div>
      )}
    </>
  );
}
