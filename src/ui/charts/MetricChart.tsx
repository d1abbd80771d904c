// Loss or accuracy against step: raw per-step values (faint), TensorBoard-style
// smoothing (solid) and the test value after each epoch (dots). At most
// MAX_POINTS points per series; a data table sits behind the chart.
import { useMemo, useState } from 'react';
import { CartesianGrid, Legend, Line, LineChart, ResponsiveContainer, Scatter, Tooltip, XAxis, YAxis } from 'recharts';
import { sampleIndices, smooth } from '../../state/series';
import { useRuns } from '../../state/runs';
import { useStore } from '../../state/store';
import { overlayColor } from '../runs/colors';
import { DataTable } from '../DataTable';

const MAX_POINTS = 2000;

const KINDS = {
  loss: { title: 'Loss', train: 'loss', test: 'testLoss', digits: 4 },
  acc: { title: 'Accuracy', train: 'acc', test: 'testAcc', digits: 3 },
} as const;

export function MetricChart({ kind }: { kind: keyof typeof KINDS }) {
  const spec = KINDS[kind];
  const steps = useStore((s) => s.metrics.steps);
  const epochs = useStore((s) => s.metrics.epochs);
  const [weight, setWeight] = useState(0.6);
  const series = useMemo(() => {
    const raw = steps.map((s) => s[spec.train]);
    const smoothed = smooth(raw, weight);
    return sampleIndices(steps.length, MAX_POINTS).map((i) => ({ step: steps[i]?.step ?? 0, raw: raw[i], smooth: smoothed[i] }));
  }, [steps, weight, spec.train]);
  const test = useMemo(() => epochs.map((e) => ({ step: e.step, test: e[spec.test] })), [epochs, spec.test]);
  const runs = useRuns((s) => s.runs);
  const overlayIds = useRuns((s) => s.overlay);
  const currentId = useRuns((s) => s.currentId);
  // Kept runs overlaid: each one's smoothed training curve, at the same smoothing.
  const overlays = useMemo(
    () =>
      overlayIds.flatMap((id, i) => {
        const run = runs.find((r) => r.id === id);
        if (!run || id === currentId) return [];
        const raw = run.steps.map((s) => s[spec.train]);
        const smoothed = smooth(raw, weight);
        const points = sampleIndices(run.steps.length, MAX_POINTS).map((j) => ({ step: run.steps[j]?.step ?? 0, smooth: smoothed[j] }));
        return [{ id, name: run.name, color: overlayColor(i), points }];
      }),
    [overlayIds, runs, currentId, weight, spec.train],
  );
  const id = `chart-${kind}`;
  return (
    <figure className="chart" data-testid={`chart.${kind}`} data-points={series.length} data-overlays={overlays.length} aria-labelledby={`${id}-title`}>
      <figcaption id={`${id}-title`}>
        {spec.title}
        <label className="smoothing">
          smoothing
          <input type="range" min={0} max={0.99} step={0.01} value={weight} onChange={(e) => setWeight(Number(e.target.value))} aria-label={`${spec.title} smoothing`} />
          <output>{weight.toFixed(2)}</output>
        </label>
      </figcaption>
      <div className="chart-body">
        {series.length === 0 && overlays.length === 0 ? (
          <p className="empty">No steps yet.</p>
        ) : (
          <ResponsiveContainer width="100%" height={240}>
            <LineChart margin={{ top: 8, right: 16, bottom: 8, left: 0 }}>
              <CartesianGrid strokeDasharray="3 3" stroke="#e3e7ee" />
              <XAxis dataKey="step" type="number" domain={['dataMin', 'dataMax']} allowDuplicatedCategory={false} label={{ value: 'step', position: 'insideBottomRight', offset: -4 }} />
              <YAxis domain={kind === 'acc' ? [0, 1] : ['auto', 'auto']} width={52} />
              <Tooltip formatter={(v) => (typeof v === 'number' ? v.toFixed(spec.digits) : String(v))} />
              <Legend />
              <Line data={series} dataKey="raw" name="train (raw)" stroke="#9db4d6" dot={false} isAnimationActive={false} strokeWidth={1} />
              <Line data={series} dataKey="smooth" name="train (smoothed)" stroke="#1f5fbf" dot={false} isAnimationActive={false} strokeWidth={2} />
              <Scatter data={test} dataKey="test" name="test (per epoch)" fill="#d9480f" isAnimationActive={false} />
              {overlays.map((o) => (
                <Line key={o.id} data={o.points} dataKey="smooth" name={o.name} stroke={o.color} strokeDasharray="5 3" dot={false} isAnimationActive={false} strokeWidth={1.5} />
              ))}
            </LineChart>
          </ResponsiveContainer>
        )}
      </div>
      <DataTable>
        <table>
          <caption>{spec.title} per step (last 50) and per epoch</caption>
          <thead>
            <tr>
              <th scope="col">step</th>
              <th scope="col">train</th>
              <th scope="col">smoothed</th>
            </tr>
          </thead>
          <tbody>
            {series.slice(-50).map((p) => (
              <tr key={p.step}>
                <td>{p.step}</td>
                <td>{p.raw?.toFixed(spec.digits)}</td>
                <td>{p.smooth?.toFixed(spec.digits)}</td>
              </tr>
            ))}
            {test.map((p) => (
              <tr key={`e${p.step}`}>
                <td>{p.step} (test)</td>
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
