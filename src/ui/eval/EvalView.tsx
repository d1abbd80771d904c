// After each epoch: the confusion matrix (a cell lists its test images),
// accuracy per class, and the top-3 guesses for a fixed set of test images.
// The page holds no data set: images come from the worker on request.
import { useEffect, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { EpochMetrics } from '../../protocol/messages';
import { requestTestImages } from '../../state/bridge';
import { cellIndices, perClassAccuracy, topConfusions } from '../../state/evaluation';
import { useStore } from '../../state/store';
import { TestImageThumb } from './TestImageThumb';

/** Up to this many classes the matrix is drawn whole; beyond, the commonest mistakes are listed. */
const MATRIX_MAX_CLASSES = 20;
const CELL_IMAGES = 24;

interface Cell { label: number; predicted: number }

export function EvalView() {
  const { t } = useTranslation('eval');
  const epoch = useStore((s) => s.metrics.epochs[s.metrics.epochs.length - 1]);
  const classNames = useStore((s) => s.run.model?.classNames);
  const [cell, setCell] = useState<Cell | null>(null);
  // A run restored after a reload keeps its numbers, not its class names or predictions.
  if (!epoch || !classNames?.length) return null;
  const name = (c: number) => classNames[c] ?? String(c);
  return (
    <section className="eval" aria-labelledby="eval-title" data-testid="eval" data-epoch={epoch.epoch}>
      <h2 id="eval-title">
        {t('title', { epoch: epoch.epoch, acc: (epoch.testAcc * 100).toFixed(1), count: epoch.testCount })}
      </h2>
      <div className="eval-grid">
        <Confusion epoch={epoch} classes={classNames.length} name={name} selected={cell} onSelect={setCell} />
        <PerClass epoch={epoch} classes={classNames.length} name={name} />
      </div>
      {cell && <CellImages epoch={epoch} cell={cell} name={name} />}
      <TopGuesses epoch={epoch} name={name} />
    </section>
  );
}

interface ViewProps { epoch: EpochMetrics; name(c: number): string }

function Confusion({ epoch, classes, name, selected, onSelect }: ViewProps & { classes: number; selected: Cell | null; onSelect(c: Cell): void }) {
  const { t } = useTranslation('eval');
  const max = Math.max(1, ...epoch.confusion);
  if (classes > MATRIX_MAX_CLASSES) {
    return (
      <figure className="confusion" data-testid="eval.confusion">
        <figcaption>{t('mistakes')}</figcaption>
        <ol>
          {topConfusions(epoch.confusion, classes, 15).map((c) => (
            <li key={`${c.label}-${c.predicted}`}>
              <button type="button" data-testid={`eval.cell.${c.label}.${c.predicted}`} onClick={() => onSelect(c)}>
                {name(c.label)} → {name(c.predicted)}: {c.count}
              </button>
            </li>
          ))}
        </ol>
      </figure>
    );
  }
  const range = Array.from({ length: classes }, (_, i) => i);
  return (
    <figure className="confusion" data-testid="eval.confusion">
      <figcaption>{t('matrix')}</figcaption>
      <table>
        <thead>
          <tr>
            <th scope="col">{t('corner')}</th>
            {range.map((p) => <th key={p} scope="col" title={name(p)}>{name(p).slice(0, 5)}</th>)}
          </tr>
        </thead>
        <tbody>
          {range.map((l) => (
            <tr key={l}>
              <th scope="row">{name(l)}</th>
              {range.map((p) => {
                const count = epoch.confusion[l * classes + p] ?? 0;
                const strength = count / max;
                const active = selected?.label === l && selected.predicted === p;
                return (
                  <td key={p} style={{ background: l === p ? `rgba(46, 125, 50, ${strength})` : `rgba(198, 40, 40, ${strength})` }}>
                    <button type="button" className={active ? 'active' : undefined} data-testid={`eval.cell.${l}.${p}`} aria-label={t('cellLabel', { count, label: name(l), predicted: name(p) })} onClick={() => onSelect({ label: l, predicted: p })}>
                      {count}
                    </button>
                  </td>
                );
              })}
            </tr>
          ))}
        </tbody>
      </table>
    </figure>
  );
}

function PerClass({ epoch, classes, name }: ViewProps & { classes: number }) {
  const { t } = useTranslation('eval');
  const acc = useMemo(() => perClassAccuracy(epoch.confusion, classes), [epoch, classes]);
  return (
    <figure className="per-class" data-testid="eval.perClass">
      <figcaption>{t('perClass')}</figcaption>
      <table>
        <tbody>
          {acc.map((a, c) => (
            <tr key={c}>
              <th scope="row">{name(c)}</th>
              <td>{Number.isNaN(a) ? '–' : `${(a * 100).toFixed(1)}%`}</td>
              <td aria-hidden="true"><span className="bar" style={{ width: `${Number.isNaN(a) ? 0 : a * 100}%` }} /></td>
            </tr>
          ))}
        </tbody>
      </table>
    </figure>
  );
}

function CellImages({ epoch, cell, name }: ViewProps & { cell: Cell }) {
  const { t } = useTranslation('eval');
  const indices = useMemo(() => cellIndices(epoch.labels, epoch.predictions, cell.label, cell.predicted, CELL_IMAGES), [epoch, cell]);
  const images = useStore((s) => s.metrics.testImages);
  useEffect(() => requestTestImages(indices), [indices]);
  return (
    <figure className="cell-images" data-testid="eval.cellImages" data-count={indices.length}>
      <figcaption>
        {t(indices.length === 0 ? 'cell.none' : indices.length === CELL_IMAGES ? 'cell.first' : 'cell.some', { label: name(cell.label), predicted: name(cell.predicted), n: indices.length })}
      </figcaption>
      <div className="thumbs">
        {indices.map((i) => {
          const image = images.get(i);
          return image ? <TestImageThumb key={i} image={image} label={t('thumb', { index: i, label: name(cell.label) })} /> : <span key={i} className="thumb-pending" />;
        })}
      </div>
    </figure>
  );
}

function TopGuesses({ epoch, name }: ViewProps) {
  const { t } = useTranslation('eval');
  const images = useStore((s) => s.metrics.testImages);
  const indices = useMemo(() => epoch.examples.map((e) => e.index), [epoch]);
  useEffect(() => requestTestImages(indices), [indices]);
  return (
    <figure className="top-guesses" data-testid="eval.top3">
      <figcaption>{t('top3')}</figcaption>
      <ul>
        {epoch.examples.map((e) => {
          const image = images.get(e.index);
          return (
            <li key={e.index} className={e.top[0]?.label === e.label ? 'right' : 'wrong'}>
              {image ? <TestImageThumb image={image} label={t('thumb', { index: e.index, label: name(e.label) })} /> : <span className="thumb-pending" />}
              <span className="truth">{name(e.label)}</span>
              <ol>
                {e.top.map((g) => (
                  <li key={g.label}>
                    {name(g.label)} {(g.p * 100).toFixed(0)}%
                  </li>
                ))}
              </ol>
            </li>
          );
        })}
      </ul>
    </figure>
  );
}
