// A small preview of the learning-rate schedule, drawn from the same pure
// function the engine calls every step (src/config/schedule.ts).
import { useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import { Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { schedulePreview, totalStepsOf } from '../config/schedule';
import type { Config } from '../config/types';
import { linearTicks } from './charts/axes';
import { DataTable } from './DataTable';

/** Training images per data set, for steps per epoch when the whole set is used (the shape over epochs hardly depends on it). */
const TRAIN_IMAGES: Record<string, number> = { mnist: 60_000 };

export function SchedulePreview({ config }: { config: Config }) {
  const { t } = useTranslation('controls');
  const train = config.train;
  const images = config.data.trainSubset > 0 ? config.data.trainSubset : (TRAIN_IMAGES[config.data.dataset] ?? 50_000);
  const perEpoch = Math.max(1, Math.ceil(images / train.batchSize));
  const points = useMemo(() => schedulePreview(train, perEpoch, 120), [train, perEpoch]);
  const total = totalStepsOf(train, perEpoch);
  // Round epochs on the axis (0, 1, 2 … or 0, 0.5, 1 …), not recharts' even fifths of the range.
  const epochTicks = useMemo(() => linearTicks(0, points[points.length - 1]?.epoch ?? 0, 4), [points]);
  const rows = points.filter((_, i) => i % Math.max(1, Math.floor(points.length / 8)) === 0 || i === points.length - 1);
  return (
    <figure className="schedule-preview" data-testid="controls.schedulePreview" data-points={points.length} aria-labelledby="schedule-title">
      <figcaption id="schedule-title">
        {t('schedulePreview.caption', { total: total.toLocaleString('en-US'), perEpoch: perEpoch.toLocaleString('en-US') })}
      </figcaption>
      <ResponsiveContainer width="100%" height={90}>
        <LineChart data={points} margin={{ top: 4, right: 8, bottom: 0, left: 0 }}>
          <XAxis dataKey="epoch" type="number" domain={[0, 'dataMax']} ticks={epochTicks} tick={{ fontSize: 10 }} tickFormatter={(v: number) => String(Number(v.toPrecision(6)))} />
          <YAxis domain={[0, 'auto']} width={48} tick={{ fontSize: 10 }} tickFormatter={(v: number) => v.toPrecision(2)} />
          <Tooltip formatter={(v) => (typeof v === 'number' ? v.toPrecision(3) : String(v))} labelFormatter={(e) => t('schedulePreview.tooltip', { epoch: Number(e).toFixed(2) })} />
          <Line dataKey="lr" name={t('schedulePreview.learningRate')} stroke="#1f5fbf" dot={false} isAnimationActive={false} />
        </LineChart>
      </ResponsiveContainer>
      <DataTable>
        <table>
          <caption>{t('schedulePreview.tableCaption')}</caption>
          <thead>
            <tr>
              <th scope="col">{t('schedulePreview.epoch')}</th>
              <th scope="col">{t('schedulePreview.learningRate')}</th>
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
