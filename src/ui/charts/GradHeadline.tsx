// The headline number over time: the first layer's gradient norm divided by
// the last layer's before the classifier (the PyTorch reference's first/last
// conv), on a log axis, with words computed from the latest value.
import { useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import { useShallow } from 'zustand/react/shallow';
import { overlayLabel } from '../../share/diff';
import { useRuns } from '../../state/runs';
import { overlayColor } from '../runs/colors';
import { headlinePair, headlineRatio, verdict } from '../../state/gradflow';
import type { StepMetrics } from '../../protocol/messages';
import { minMaxIndices, StepSeries } from '../../state/series';
import { useStore } from '../../state/store';
import { DataTable } from '../DataTable';
import { LineCanvas } from './LineCanvas';

/** Most points drawn (min and max of each bucket of steps). */
const MAX_POINTS = 2000;

export function GradHeadline() {
  const { t } = useTranslation('charts');
  const names = useStore((s) => s.run.model?.kernelNames);
  const steps = useStore((s) => s.metrics.steps);
  const model = useStore((s) => s.run.config?.model ?? null);
  // log10 of each step's ratio (not finite where the ratio is not a positive number), extended by the new steps on each update.
  const live = useMemo(() => new StepSeries((s: StepMetrics) => (names ? Math.log10(headlineRatio(names, s.gradNorms)) : NaN), 0), [names]);
  const series = useMemo(() => {
    const { raw } = live.update(steps);
    // Downsampled on the log of the ratio, the scale it is drawn on; the first step with a ratio always stays.
    const firstValid = raw.findIndex(Number.isFinite);
    if (firstValid < 0) return [];
    const idx = minMaxIndices(raw, MAX_POINTS).filter((i) => i > firstValid && Number.isFinite(raw[i]));
    return [firstValid, ...idx].map((i) => ({ step: (steps[i] as StepMetrics).step, ratio: 10 ** (raw[i] as number) }));
  }, [live, steps]);
  // The compared runs' ratios beside this one's, as the loss and accuracy charts overlay them.
  const current = useStore((s) => s.run.config ?? s.config);
  const overlaid = useRuns(useShallow((s) => s.overlay.map((id) => (id === s.currentId ? null : (s.runs.find((r) => r.id === id) ?? null)))));
  const overlays = useMemo(
    () =>
      overlaid.flatMap((run, i) => {
        if (!run || !headlinePair(run.kernelNames)) return [];
        const raw = run.steps.map((m) => Math.log10(headlineRatio(run.kernelNames, m.gradNorms)));
        const idx = minMaxIndices(raw, MAX_POINTS).filter((k) => Number.isFinite(raw[k]));
        if (idx.length === 0) return [];
        const { label, comparable } = overlayLabel(run.config, current);
        return [{ name: comparable ? label : `⚠ ${label}`, color: overlayColor(i), xs: idx.map((k) => (run.steps[k] as StepMetrics).step), ys: idx.map((k) => 10 ** (raw[k] as number)), dash: comparable ? [5, 3] : [1, 4], width: 1.5 }];
      }),
    [overlaid, current],
  );
  const pair = names ? headlinePair(names) : null;
  const firstName = pair && names ? (names[pair.first] as string) : t('headline.firstLayer');
  const lastName = pair && names ? (names[pair.last] as string) : t('headline.lastLayer');
  const latest = series[series.length - 1];
  const start = series[0];
  const said = verdict(latest?.ratio ?? NaN, model, firstName, lastName);
  return (
    <figure className="chart wide" data-testid="chart.gradHeadline" data-kind={said.kind} data-ratio={latest?.ratio ?? ''} data-overlays={overlays.length} aria-labelledby="chart-headline-title">
      <figcaption id="chart-headline-title">
        {t('headline.title', { first: firstName, last: lastName })}
        {latest && (
          <span className="headline" data-testid="chart.gradHeadline.value">
            {latest.ratio.toExponential(2)}
          </span>
        )}
      </figcaption>
      <p className={`verdict ${said.kind}`} data-testid="chart.gradHeadline.verdict" role="status">
        {said.keys.map((k) => t(`verdict.${k}`, { ...said.values, net: t(`verdict.net.${said.values.net}`) })).join(' ')}
        {start && latest && start.step !== latest.step && ` ${t('headline.earlier', { step: start.step, ratio: start.ratio.toExponential(1) })}`}
      </p>
      <div className="chart-body">
        {series.length === 0 && overlays.length === 0 ? (
          <p className="empty">{t('noSteps')}</p>
        ) : (
          <LineCanvas
            series={[{ name: t('headline.series'), color: '#d9480f', xs: series.map((p) => p.step), ys: series.map((p) => p.ratio) }, ...overlays]}
            height={200}
            log
            refY={1}
            format={(v) => v.toExponential(3)}
            label={t('headline.label', { first: firstName, last: lastName, from: start?.step ?? '', to: latest?.step ?? '', overlaid: overlays.length ? t('overlaid', { n: overlays.length }) : '' })}
          />
        )}
      </div>
      <p className="chart-note">{t('headline.note')}</p>
      <DataTable>
        <table>
          <caption>{t('headline.caption')}</caption>
          <thead>
            <tr>
              <th scope="col">{t('metric.step')}</th>
              <th scope="col">{t('headline.series')}</th>
            </tr>
          </thead>
          <tbody>
            {series.slice(-50).map((p) => (
              <tr key={p.step}>
                <td>{p.step}</td>
                <td>{p.ratio.toExponential(3)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </DataTable>
    </figure>
  );
}
