import { describe, expect, it } from 'vitest';
import { DATASET_IDS, isCifar } from './datasets';

describe('isCifar', () => {
  it('holds for the data sets read from a release tarball, and nothing else', () => {
    expect(DATASET_IDS.filter(isCifar)).toEqual(['cifar10', 'cifar100']);
    expect(['mnist', 'fashion', 'cifar', 'CIFAR10', '__proto__'].some(isCifar)).toBe(false);
  });
});
