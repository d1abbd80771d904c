// The gradient-norm profile: the L2 norm of every conv and dense kernel's
// gradient at the latest step, from the input (left) to the classifier
// (right), on a log scale. With skip connections off in a deep net without
// batch norm, the left end sinks: the early layers barely learn.
import { useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import { headlinePair } from '../../state/gradflow';
import { useStore } from '../../state/store';
import { DataTable } from '../DataTable';
import { LineCanvas } from './LineCanvas';

/** Log axes cannot show 0: clamp to a floor far below any real norm. */
const FLOOR = 1e-12;

export function GradProfile() {
  const { t } = useTranslation('charts');
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
        {t('profile.title')} {last ? t('atStep', { step: last.step }) : ''}
        {ratio !== undefined && (
          <span className="headline" data-testid="chart.gradProfile.ratio" title={t('profile.ratioTitle', { first: names?.[pair?.first ?? 0] ?? t('profile.first'), last: names?.[pair?.last ?? 0] ?? t('profile.last') })}>
            {t('profile.ratio', { ratio: ratio.toExponential(2) })}
          </span>
        )}
      </figcaption>
      <div className="chart-body">
        {data.length === 0 ? (
          <p className="empty">{t('profile.empty')}</p>
        ) : (
          <LineCanvas
            series={[
              { name: t('profile.series'), color: '#7b2cbf', markers: true, xs: data.map((d) => d.index), ys: data.map((d) => d.norm) },
            ]}
            height={240}
            log
            xLabels={data.map((d) => d.layer)}
            format={(v) => v.toExponential(3)}
            label={t('profile.label', { n: data.length, step: last?.step ?? 0 })}
            testId="chart.gradProfile.canvas"
          />
        )}
      </div>
      <p className="chart-note">{t('profile.note')}</p>
      <DataTable>
        <table>
          <caption>{t('profile.caption')}</caption>
          <thead>
            <tr>
              <th scope="col">{t('layer')}</th>
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
