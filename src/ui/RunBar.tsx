// Train, pause, resume and stop, and the run's status in words. The status
// element carries data-status and data-steps: the hook e2e specs wait on.
import { useEffect, useState } from 'react';
import { formatDuration } from '../config/format';
import { totalStepsOf } from '../config/schedule';
import { validateConfig } from '../config/validate';
import { estimateEpochs, pauseRun, resumeRun, startRun, stopRun } from '../state/bridge';
import { runMsFromEstimate } from '../state/eta';
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
  // The run's duration before it starts, from steps measured on this machine's backend (the worker's estimate).
  const [eta, setEta] = useState<{ config: typeof config; text: string } | null>(null);
  const [stopEstimate, setStopEstimate] = useState<(() => void) | null>(null);
  useEffect(() => () => stopEstimate?.(), [stopEstimate]);
  const estimate = () => {
    setEta({ config, text: 'measuring a few steps…' });
    const stop = estimateEpochs(config, [config.train.freeze], (e) => {
      if (e.error) return setEta({ config, text: `could not estimate: ${e.error}` });
      const measured = e.estimates?.[0];
      if (!measured) return e.detail && setEta({ config, text: `measuring: ${e.detail}` });
      const steps = totalStepsOf(config.train, measured.stepsPerEpoch);
      setEta({ config, text: `about ${formatDuration(runMsFromEstimate(measured, config.train))}: ${steps.toLocaleString('en-US')} steps at ${measured.msPerStep.toFixed(0)} ms each, measured here, and the evaluations` });
    });
    setStopEstimate(() => stop);
  };
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
        <button type="button" data-testid="run.estimate" disabled={active || invalid.length > 0} onClick={estimate} title="Time a few steps of this config on this machine and say how long the whole run would take">
          How long?
        </button>
      </div>
      {eta && eta.config === config && !active && (
        <p className="muted" data-testid="run.eta">
          This run: {eta.text}
        </p>
      )}
      <p className="status" role="status" aria-live="polite" data-testid="run.status" data-status={status} data-steps={steps}>
        {STATUS_TEXT[status]}
        {detail && ` (${detail})`}
        {pending && active && ` · ${PENDING_TEXT[pending]}`}
        {steps > 0 && ` · step ${steps}`}
      </p>
    </section>
  );
}
