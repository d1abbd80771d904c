import { describe, expect, it } from 'vitest';
import { cellIndices, perClassAccuracy, topConfusions } from './evaluation';

// 3 classes: row = true label, column = prediction.
const CONFUSION = [
  5, 1, 0, //
  2, 3, 0, //
  0, 0, 0,
];

describe('evaluation view data', () => {
  it('per-class accuracy is the diagonal over each row; a class without images is NaN', () => {
    const acc = perClassAccuracy(CONFUSION, 3);
    expect(acc.slice(0, 2)).toEqual([5 / 6, 3 / 5]);
    expect(acc[2]).toBeNaN();
  });

  it("a cell's images are those with that label and that prediction, in split order", () => {
    const labels = [0, 1, 1, 0, 1, 1];
    const predictions = [0, 0, 1, 1, 0, 0];
    expect(cellIndices(labels, predictions, 1, 0, 10)).toEqual([1, 4, 5]);
    expect(cellIndices(labels, predictions, 1, 0, 2)).toEqual([1, 4]);
    expect(cellIndices(labels, predictions, 2, 2, 10)).toEqual([]);
  });

  it('the commonest mistakes come first, the diagonal never', () => {
    expect(topConfusions(CONFUSION, 3, 5)).toEqual([
      { label: 1, predicted: 0, count: 2 },
      { label: 0, predicted: 1, count: 1 },
    ]);
  });
});
