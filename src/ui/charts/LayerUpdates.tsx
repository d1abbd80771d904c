// Each layer's weight norm and the size of its last update relative to it
// (‖ΔW‖ / ‖W‖), over depth at the latest step, on one log scale (drawn on a canvas). Around 1e-3 is the
// usual healthy range (Karpathy, CS231n "Neural Networks 3"); a layer far
// below it barely moves, far above it is being rewritten every step.
import { useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import { useStore } from '../../state/store';
import { DataTable } from '../DataTable';
import { LineCanvas } from './LineCanvas';

const FLOOR = 1e-12;

export function LayerUpdates() {
  const { t } = useTranslation('charts');
  const names = useStore((s) => s.run.model?.kernelNames);
  const last = useStore((s) => s.metrics.steps[s.metrics.steps.length - 1]);
  const data = useMemo(
    () => (names && last && last.updateRatios?.length === names.length ? names.map((layer, i) => ({ layer, weight: Math.max(last.weightNorms?.[i] ?? 0, FLOOR), ratio: Math.max(last.updateRatios?.[i] ?? 0, FLOOR) })) : []),
    [names, last],
  );
  const ratios = data.map((d) => d.ratio);
  const lo = ratios.length ? Math.min(...ratios) : NaN;
  const hi = ratios.length ? Math.max(...ratios) : NaN;
  return (
    <figure className="chart wide" data-testid="chart.layerUpdates" data-step={last?.step ?? 0} aria-labelledby="chart-updates-title">
      <figcaption id="chart-updates-title">
        {t('updates.title')} {last ? t('atStep', { step: last.step }) : ''}
      </figcaption>
      <div className="chart-body">
        {data.length === 0 ? (
          <p className="empty">{t('updates.empty')}</p>
        ) : (
          <LineCanvas
            series={[
              { name: '‖W‖', color: '#1f5fbf', markers: true, xs: data.map((_, i) => i), ys: data.map((d) => d.weight) },
              { name: '‖ΔW‖ / ‖W‖', color: '#2b8a3e', markers: true, xs: data.map((_, i) => i), ys: data.map((d) => d.ratio) },
            ]}
            height={240}
            log
            xLabels={data.map((d) => d.layer)}
            format={(v) => v.toExponential(3)}
            label={t('updates.label', { n: data.length, step: last?.step ?? 0 })}
          />
        )}
      </div>
      {data.length > 0 && (
        <p className="chart-note" data-testid="chart.layerUpdates.note">
          {t('updates.note', { lo: lo.toExponential(1), hi: hi.toExponential(1) })}
        </p>
      )}
      <DataTable>
        <table>
          <caption>{t('updates.caption')}</caption>
          <thead>
            <tr>
              <th scope="col">{t('layer')}</th>
              <th scope="col">‖W‖₂</th>
              <th scope="col">{t('updates.ratioColumn')}</th>
            </tr>
          </thead>
          <tbody>
            {data.map((d) => (
              <tr key={d.layer}>
                <td>{d.layer}</td>
                <td>{d.weight.toExponential(3)}</td>
                <td>{d.ratio.toExponential(3)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </DataTable>
    </figure>
  );
}
