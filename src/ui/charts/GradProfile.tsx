// The gradient-norm profile: the L2 norm of every conv and dense kernel's
// gradient at the latest step, from the input (left) to the classifier
// (right), on a log scale. With skip connections off in a deep net without
// batch norm, the left end sinks: the early layers barely learn.
import { useMemo } from 'react';
import { headlinePair } from '../../state/gradflow';
import { useStore } from '../../state/store';
import { DataTable } from '../DataTable';
import { LineCanvas } from './LineCanvas';

/** Log axes cannot show 0: clamp to a floor far below any real norm. */
const FLOOR = 1e-12;

export function GradProfile() {
  const names = useStore((s) => s.run.model?.kernelNames);
  const last = useStore((s) => s.metrics.steps[s.metrics.steps.length - 1]);
  const data = useMemo(() => (names && last ? names.map((layer, i) => ({ layer, index: i, norm: Math.max(last.gradNorms[i] ?? 0, FLOOR) })) : []), [names, last]);
  // The last layer before the classifier, as the PyTorch reference counts (src/state/gradflow.ts).
  const pair = headlinePair(names ?? []);
  const first = pair ? data[pair.first]?.norm : undefined;
  const lastNorm = pair ? data[pair.last]?.norm : undefined;
  const ratio = first !== undefined && lastNorm !== undefined ? first / lastNorm : undefined;
  return (
    <figure className="chart wide" data-testid="chart.gradProfile" data-step={last?.step ?? 0} aria-labelledby="chart-grad-title">
      <figcaption id="chart-grad-title">
        Gradient L2 norm per layer, log scale {last ? `(step ${last.step})` : ''}
        {ratio !== undefined && (
          <span className="headline" data-testid="chart.gradProfile.ratio" title={`${names?.[pair?.first ?? 0] ?? 'first'}'s gradient norm divided by ${names?.[pair?.last ?? 0] ?? 'last'}'s (the last layer before the classifier)`}>
            first / last = {ratio.toExponential(2)}
          </span>
        )}
      </figcaption>
      <div className="chart-body">
        {data.length === 0 ? (
          <p className="empty">Start a run to see how strongly each layer's weights are pushed.</p>
        ) : (
          <LineCanvas
            series={[
              { name: 'gradient L2 norm', color: '#7b2cbf', markers: true, xs: data.map((d) => d.index), ys: data.map((d) => d.norm) },
            ]}
            height={240}
            log
            xLabels={data.map((d) => d.layer)}
            format={(v) => v.toExponential(3)}
            label={`Gradient L2 norm of ${data.length} layers at step ${last?.step ?? 0}, log scale`}
            testId="chart.gradProfile.canvas"
          />
        )}
      </div>
      <p className="chart-note">
        Each point is one layer's weight-gradient norm at the latest step, input on the left, classifier on the right. In a residual net the shortcuts
        carry the gradient straight back, so early layers get a signal of the same order as late ones. Turn the skip connections and batch norm off in a
        deep net and the left end sinks by orders of magnitude: the early layers barely learn. With batch norm on, a deep plain net's early gradients
        instead blow up at initialisation (He et al. 2016; Balduzzi et al. 2017).
      </p>
      <DataTable>
        <table>
          <caption>Gradient L2 norm of each kernel at the latest step</caption>
          <thead>
            <tr>
              <th scope="col">layer</th>
              <th scope="col">‖∇W‖₂</th>
            </tr>
          </thead>
          <tbody>
            {data.map((d) => (
              <tr key={d.layer}>
                <td>{d.layer}</td>
                <td>{d.norm.toExponential(3)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </DataTable>
    </figure>
  );
}
