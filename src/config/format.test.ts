import { describe, expect, it } from 'vitest';
import { formatBytes, formatValue } from './format';

describe('values as text', () => {
  it('writes switches as on/off, lists joined by -, the rest as String()', () => {
    expect([formatValue(true), formatValue(false)]).toEqual(['on', 'off']);
    expect(formatValue([3, 4, 6, 3])).toBe('3-4-6-3');
    expect([formatValue(1e-4), formatValue(0.025), formatValue('adamw'), formatValue('')]).toEqual(['0.0001', '0.025', 'adamw', '']);
  });

  it('writes bytes in binary units by default, decimal MB for files, whole MiB for caps', () => {
    expect([formatBytes(1.5 * 2 ** 30), formatBytes(256 * 2 ** 20), formatBytes(3 * 2 ** 10)]).toEqual(['1.50 GiB', '256.0 MiB', '3.0 KiB']);
    expect(formatBytes(184_435_200, 'MB')).toBe('184.4 MB');
    expect([formatBytes(190 * 2 ** 20, 'MiB'), formatBytes(100_000, 'MiB')]).toEqual(['190 MiB', '0 MiB']);
  });
});
