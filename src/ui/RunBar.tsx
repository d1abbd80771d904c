// Train, pause, resume and stop, and the run's status in words. The status
// element carries data-status and data-steps: the hook e2e specs wait on.
import { validateConfig } from '../config/validate';
import { pauseRun, resumeRun, startRun, stopRun } from '../state/bridge';
import { isActive, useStore, type RunStatus } from '../state/store';
import { useArchitecture } from './useArchitecture';

const STATUS_TEXT: Record<RunStatus, string> = {
  idle: 'Ready. Press Train to start.',
  'loading-data': 'Loading data…',
  building: 'Building the model…',
  training: 'Training',
  paused: 'Paused',
  evaluating: 'Evaluating on the test set…',
  done: 'Finished',
  stopped: 'Stopped',
  error: 'Stopped by an error',
};

const PENDING_TEXT = { pause: 'pausing after this step…', resume: 'resuming…', stop: 'stopping…' } as const;

export function RunBar() {
  const config = useStore((s) => s.config);
  const status = useStore((s) => s.run.status);
  const detail = useStore((s) => s.run.detail);
  const pending = useStore((s) => s.run.pending);
  const steps = useStore((s) => s.metrics.steps.length);
  const active = isActive(status);
  const invalid = validateConfig(config).map((e) => e.message);
  const { problem } = useArchitecture(config);
  if (problem) invalid.push(problem);
  return (
    <section className="runbar" aria-label="Run">
      <div className="buttons">
        <button type="button" className="primary" data-testid="run.train" disabled={invalid.length > 0} title={invalid.join('\n') || 'Start a new run with this config'} onClick={() => startRun(config)}>
          {active ? 'Restart' : 'Train'}
        </button>
        {status === 'paused' ? (
          <button type="button" data-testid="run.resume" onClick={resumeRun}>
            Resume
          </button>
        ) : (
          <button type="button" data-testid="run.pause" disabled={!active || pending !== null} onClick={pauseRun}>
            Pause
          </button>
        )}
        <button type="button" data-testid="run.stop" disabled={!active || pending === 'stop'} onClick={stopRun}>
          Stop
        </button>
      </div>
      <p className="status" role="status" aria-live="polite" data-testid="run.status" data-status={status} data-steps={steps}>
        {STATUS_TEXT[status]}
        {detail && ` (${detail})`}
        {pending && active && ` · ${PENDING_TEXT[pending]}`}
        {steps > 0 && ` · step ${steps}`}
      </p>
    </section>
  );
}
