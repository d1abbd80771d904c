// A small preview of the learning-rate schedule, drawn from the same pure
// function the engine calls every step (src/config/schedule.ts).
import { useMemo } from 'react';
import { Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { schedulePreview, totalStepsOf } from '../config/schedule';
import type { Config } from '../config/types';
import { linearTicks } from './charts/axes';
import { DataTable } from './DataTable';

/** Training images per data set, for steps per epoch when the whole set is used (the shape over epochs hardly depends on it). */
const TRAIN_IMAGES: Record<string, number> = { mnist: 60_000 };

export function SchedulePreview({ config }: { config: Config }) {
  const t = config.train;
  const images = config.data.trainSubset > 0 ? config.data.trainSubset : (TRAIN_IMAGES[config.data.dataset] ?? 50_000);
  const perEpoch = Math.max(1, Math.ceil(images / t.batchSize));
  const points = useMemo(() => schedulePreview(t, perEpoch, 120), [t, perEpoch]);
  const total = totalStepsOf(t, perEpoch);
  // Round epochs on the axis (0, 1, 2 … or 0, 0.5, 1 …), not recharts' even fifths of the range.
  const epochTicks = useMemo(() => linearTicks(0, points[points.length - 1]?.epoch ?? 0, 4), [points]);
  const rows = points.filter((_, i) => i % Math.max(1, Math.floor(points.length / 8)) === 0 || i === points.length - 1);
  return (
    <figure className="schedule-preview" data-testid="controls.schedulePreview" data-points={points.length} aria-labelledby="schedule-title">
      <figcaption id="schedule-title">
        Learning rate over {total.toLocaleString('en-US')} steps ({perEpoch.toLocaleString('en-US')} an epoch)
      </figcaption>
      <ResponsiveContainer width="100%" height={90}>
        <LineChart data={points} margin={{ top: 4, right: 8, bottom: 0, left: 0 }}>
          <XAxis dataKey="epoch" type="number" domain={[0, 'dataMax']} ticks={epochTicks} tick={{ fontSize: 10 }} tickFormatter={(v: number) => String(Number(v.toPrecision(6)))} />
          <YAxis domain={[0, 'auto']} width={48} tick={{ fontSize: 10 }} tickFormatter={(v: number) => v.toPrecision(2)} />
          <Tooltip formatter={(v) => (typeof v === 'number' ? v.toPrecision(3) : String(v))} labelFormatter={(e) => `epoch ${Number(e).toFixed(2)}`} />
          <Line dataKey="lr" name="learning rate" stroke="#1f5fbf" dot={false} isAnimationActive={false} />
        </LineChart>
      </ResponsiveContainer>
      <DataTable>
        <table>
          <caption>Learning rate by epoch</caption>
          <thead>
            <tr>
              <th scope="col">epoch</th>
              <th scope="col">learning rate</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((p) => (
              <tr key={p.epoch}>
                <td>{p.epoch.toFixed(2)}</td>
                <td>{p.lr.toPrecision(3)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </DataTable>
    </figure>
  );
}
