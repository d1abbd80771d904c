// Loss or accuracy against step: raw per-step values (faint), TensorBoard-style
// smoothing (solid), the test value after each epoch (dots) and kept runs
// overlaid (dashed). Drawn on a canvas; each line is min-max downsampled to
// at most MAX_POINTS points; a data table sits behind the chart.
import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useShallow } from 'zustand/react/shallow';
import type { StepMetrics } from '../../protocol/messages';
import { minMaxIndices, smooth, StepSeries } from '../../state/series';
import { useRuns } from '../../state/runs';
import { overlayLabel } from '../../share/diff';
import { useStore } from '../../state/store';
import { overlayColor } from '../runs/colors';
import { DataTable } from '../DataTable';
import { LineCanvas, type LineSeries } from './LineCanvas';

/** Most points drawn per line (each a min and a max per bucket). */
export const MAX_POINTS = 2000;

/** Each kind's title is charts:metric.KIND. */
const KINDS = {
  loss: { train: 'loss', test: 'testLoss', digits: 4 },
  acc: { train: 'acc', test: 'testAcc', digits: 3 },
} as const;

/** A line of `values` against `steps`, downsampled. */
function line(steps: readonly { step: number }[], values: readonly number[]): { xs: number[]; ys: number[] } {
  const idx = minMaxIndices(values, MAX_POINTS);
  return { xs: idx.map((i) => steps[i]?.step ?? 0), ys: idx.map((i) => values[i] as number) };
}

export function MetricChart({ kind }: { kind: keyof typeof KINDS }) {
  const { t } = useTranslation('charts');
  const spec = KINDS[kind];
  const title = t(`metric.${kind}`);
  const steps = useStore((s) => s.metrics.steps);
  const epochs = useStore((s) => s.metrics.epochs);
  const runMarks = useStore((s) => s.metrics.marks);
  const marks = useMemo(() => runMarks.map((m) => ({ x: m.step, label: t('metric.resumed') })), [runMarks, t]);
  const [weight, setWeight] = useState(0.6);
  // The live run's steps only grow: its series extend by the new steps on each update.
  const live = useMemo(() => new StepSeries((s: StepMetrics) => s[spec.train], weight), [weight, spec.train]);
  const series = useMemo(() => {
    const { raw, smoothed } = live.update(steps);
    return { raw, smoothed, rawLine: line(steps, raw), smoothLine: line(steps, smoothed) };
  }, [live, steps]);
  const test = useMemo(() => epochs.map((e) => ({ step: e.step, test: e[spec.test] })), [epochs, spec.test]);
  // Only the overlaid runs (not the live one, whose record is rewritten as it trains): other runs' changes do not redraw.
  const overlaid = useRuns(useShallow((s) => s.overlay.map((id) => (id === s.currentId ? null : (s.runs.find((r) => r.id === id) ?? null)))));
  // Each overlay is named by what sets it apart from this run; another data set is flagged, not compared.
  const current = useStore((s) => s.run.config ?? s.config);
  const overlays = useMemo(
    () =>
      overlaid.flatMap((run, i) => {
        if (!run) return [];
        const l = line(run.steps, smooth(run.steps.map((s) => s[spec.train]), weight));
        const { label, comparable } = overlayLabel(run.config, current);
        return [{ id: run.id, name: comparable ? label : `⚠ ${label}`, color: overlayColor(i), ...l, dash: comparable ? [5, 3] : [1, 4], width: 1.5 }];
      }),
    [overlaid, weight, spec.train, current],
  );
  const lines: LineSeries[] = [
    { name: t('metric.trainRaw'), color: '#9db4d6', width: 1, ...series.rawLine },
    { name: t('metric.trainSmoothed'), color: '#1f5fbf', width: 2, ...series.smoothLine },
    ...(test.length ? [{ name: t('metric.testPerEpoch'), color: '#d9480f', dots: true, xs: test.map((t) => t.step), ys: test.map((t) => t.test) }] : []),
    ...overlays,
  ];
  const id = `chart-${kind}`;
  const tail = Math.max(0, steps.length - 50);
  return (
    <figure className="chart" data-testid={`chart.${kind}`} data-points={series.rawLine.xs.length} data-test-points={test.length} data-overlays={overlays.length} data-marks={marks.length} aria-labelledby={`${id}-title`}>
      <figcaption id={`${id}-title`}>
        {title}
        <label className="smoothing">
          {t('metric.smoothing')}
          <input type="range" min={0} max={0.99} step={0.01} value={weight} onChange={(e) => setWeight(Number(e.target.value))} aria-label={t('metric.smoothingLabel', { title })} />
          <output>{weight.toFixed(2)}</output>
        </label>
      </figcaption>
      <div className="chart-body">
        {steps.length === 0 && overlays.length === 0 ? (
          <p className="empty">{t('noSteps')}</p>
        ) : (
          <LineCanvas
            series={lines}
            height={240}
            {...(kind === 'acc' ? { yDomain: [0, 1] as [number, number] } : {})}
            format={(v) => v.toFixed(spec.digits)}
            marks={marks}
            label={t('metric.label', { title, steps: steps.length, overlaid: overlays.length ? t('overlaid', { n: overlays.length }) : '' })}
            testId={`chart.${kind}.canvas`}
          />
        )}
      </div>
      <DataTable>
        <table>
          <caption>{t('metric.caption', { title })}</caption>
          <thead>
            <tr>
              <th scope="col">{t('metric.step')}</th>
              <th scope="col">{t('metric.train')}</th>
              <th scope="col">{t('metric.smoothed')}</th>
            </tr>
          </thead>
          <tbody>
            {steps.slice(tail).map((p, k) => (
              <tr key={p.step}>
                <td>{p.step}</td>
                <td>{series.raw[tail + k]?.toFixed(spec.digits)}</td>
                <td>{series.smoothed[tail + k]?.toFixed(spec.digits)}</td>
              </tr>
            ))}
            {test.map((p) => (
              <tr key={`e${p.step}`}>
                <td>{t('metric.testRow', { step: p.step })}</td>
                <td>{p.test.toFixed(spec.digits)}</td>
                <td />
              </tr>
            ))}
          </tbody>
        </table>
      </DataTable>
    </figure>
  );
}
