// What the evaluation view derives from an epoch's metrics. Pure: no tfjs, no React.

/** Accuracy of each class from a row-major confusion matrix (row = true label); NaN for a class with no test images. */
export function perClassAccuracy(confusion: readonly number[], classes: number): number[] {
  return Array.from({ length: classes }, (_, c) => {
    let total = 0;
    for (let j = 0; j < classes; j++) total += confusion[c * classes + j] ?? 0;
    return total > 0 ? (confusion[c * classes + c] ?? 0) / total : NaN;
  });
}

/** Test-split indices of the images with true label `label` predicted as `predicted`, at most `limit`. */
export function cellIndices(labels: ArrayLike<number>, predictions: ArrayLike<number>, label: number, predicted: number, limit: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < labels.length && out.length < limit; i++) if (labels[i] === label && predictions[i] === predicted) out.push(i);
  return out;
}

/** The off-diagonal cells, most frequent first: the model's commonest mistakes. */
export function topConfusions(confusion: readonly number[], classes: number, limit: number): { label: number; predicted: number; count: number }[] {
  const cells: { label: number; predicted: number; count: number }[] = [];
  for (let t = 0; t < classes; t++)
    for (let p = 0; p < classes; p++) {
      const count = confusion[t * classes + p] ?? 0;
      if (t !== p && count > 0) cells.push({ label: t, predicted: p, count });
    }
  return cells.sort((a, b) => b.count - a.count || a.label - b.label || a.predicted - b.predicted).slice(0, limit);
}
