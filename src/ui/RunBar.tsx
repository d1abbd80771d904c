// Train, pause, resume and stop, and the run's status in words. The status
// element carries data-status and data-steps: the hook e2e specs wait on.
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { formatDuration } from '../config/format';
import { totalStepsOf } from '../config/schedule';
import { validateConfig } from '../config/validate';
import { estimateEpochs, pauseRun, resumeRun, startRun, stopRun } from '../state/bridge';
import { runMsFromEstimate } from '../state/eta';
import { isActive, useStore } from '../state/store';
import { useArchitecture } from './useArchitecture';

/** The estimate's line as a key of run:bar.eta and its values, translated when shown (the language may change meanwhile). */
type EtaText = { key: 'starting' | 'failed' | 'measuring' | 'about'; values?: Record<string, string> };

export function RunBar() {
  const { t } = useTranslation('run');
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
  const [eta, setEta] = useState<{ config: typeof config; text: EtaText } | null>(null);
  const [stopEstimate, setStopEstimate] = useState<(() => void) | null>(null);
  useEffect(() => () => stopEstimate?.(), [stopEstimate]);
  const estimate = () => {
    setEta({ config, text: { key: 'starting' } });
    const stop = estimateEpochs(config, [config.train.freeze], (e) => {
      if (e.error) return setEta({ config, text: { key: 'failed', values: { error: e.error } } });
      const measured = e.estimates?.[0];
      if (!measured) return e.detail && setEta({ config, text: { key: 'measuring', values: { detail: e.detail } } });
      const steps = totalStepsOf(config.train, measured.stepsPerEpoch);
      setEta({ config, text: { key: 'about', values: { duration: formatDuration(runMsFromEstimate(measured, config.train)), steps: steps.toLocaleString('en-US'), ms: measured.msPerStep.toFixed(0) } } });
    });
    setStopEstimate(() => stop);
  };
  return (
    <section className="runbar" aria-label={t('bar.label')}>
      <div className="buttons">
        <button type="button" className="primary" data-testid="run.train" disabled={invalid.length > 0} title={invalid.join('\n') || t('bar.trainTitle')} onClick={() => startRun(config)}>
          {active ? t('bar.restart') : t('bar.train')}
        </button>
        {status === 'paused' ? (
          <button type="button" data-testid="run.resume" onClick={resumeRun}>
            {t('bar.resume')}
          </button>
        ) : (
          <button type="button" data-testid="run.pause" disabled={!active || pending !== null} onClick={pauseRun}>
            {t('bar.pause')}
          </button>
        )}
        <button type="button" data-testid="run.stop" disabled={!active || pending === 'stop'} onClick={stopRun}>
          {t('bar.stop')}
        </button>
        <button type="button" data-testid="run.estimate" disabled={active || invalid.length > 0} onClick={estimate} title={t('bar.estimateTitle')}>
          {t('bar.estimate')}
        </button>
      </div>
      {eta && eta.config === config && !active && (
        <p className="muted" data-testid="run.eta">
          {t('bar.eta.line', { text: t(`bar.eta.${eta.text.key}`, eta.text.values) })}
        </p>
      )}
      <p className="status" role="status" aria-live="polite" data-testid="run.status" data-status={status} data-steps={steps}>
        {t(`bar.status.${status}`)}
        {detail && ` (${detail})`}
        {pending && active && ` · ${t(`bar.pending.${pending}`)}`}
        {steps > 0 && ` · ${t('bar.step', { n: steps })}`}
      </p>
    </section>
  );
}
