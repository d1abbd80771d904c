// Each layer's weight norm and the size of its last update relative to it
// (‖ΔW‖ / ‖W‖), over depth at the latest step, on one log scale (drawn on a canvas). Around 1e-3 is the
// usual healthy range (Karpathy, CS231n "Neural Networks 3"); a layer far
// below it barely moves, far above it is being rewritten every step.
import { useMemo } from 'react';
import { useStore } from '../../state/store';
import { DataTable } from '../DataTable';
import { LineCanvas } from './LineCanvas';

const FLOOR = 1e-12;

export function LayerUpdates() {
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
      <figcaption id="chart-updates-title">Weight norm and update / weight ratio per layer, log scale {last ? `(step ${last.step})` : ''}</figcaption>
      <div className="chart-body">
        {data.length === 0 ? (
          <p className="empty">Start a run to see how far each layer's weights move per step.</p>
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
            label={`Weight norm and update / weight ratio of ${data.length} layers at step ${last?.step ?? 0}, one log scale`}
          />
        )}
      </div>
      {data.length > 0 && (
        <p className="chart-note" data-testid="chart.layerUpdates.note">
          This step's updates range from {lo.toExponential(1)} to {hi.toExponential(1)} of the weights. Around 10^-3 is the usual healthy range; a layer far below it barely moves.
        </p>
      )}
      <DataTable>
        <table>
          <caption>Weight norm and update / weight ratio of each kernel at the latest step</caption>
          <thead>
            <tr>
              <th scope="col">layer</th>
              <th scope="col">‖W‖₂</th>
              <th scope="col">‖ΔW‖₂ / ‖W‖₂</th>
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
