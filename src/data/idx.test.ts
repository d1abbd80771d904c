// Tests for the IDX parser: a hand-built file, and one message per bad input.
import { describe, it, expect } from 'vitest';
import { parseIdx } from './idx';

/** Builds an IDX file: magic 00 00 <dtype> <rank>, big-endian dims, data. */
function idx(dims: number[], data: number[], dtype = 0x08): Uint8Array {
  const out = new Uint8Array(4 + 4 * dims.length + data.length);
  const view = new DataView(out.buffer);
  view.setUint8(2, dtype);
  view.setUint8(3, dims.length);
  dims.forEach((d, i) => view.setUint32(4 + 4 * i, d));
  out.set(data, 4 + 4 * dims.length);
  return out;
}

describe('parseIdx', () => {
  it('reads big-endian dims and returns the data without copying', () => {
    const bytes = idx([2, 3], [1, 2, 3, 4, 5, 6]);
    const { dims, data } = parseIdx(bytes, 'x');
    expect(dims).toEqual([2, 3]);
    expect(Array.from(data)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(data.buffer).toBe(bytes.buffer);
    // 300 = 0x0000012c: checks byte order beyond the low byte.
    expect(parseIdx(idx([300], new Array(300).fill(7)), 'y').dims).toEqual([300]);
  });

  it('honours the byteOffset of a view into a larger buffer', () => {
    const file = idx([1, 2], [9, 8]);
    const padded = new Uint8Array(file.length + 5);
    padded.set(file, 3);
    const { dims, data } = parseIdx(padded.subarray(3, 3 + file.length), 'x');
    expect(dims).toEqual([1, 2]);
    expect(Array.from(data)).toEqual([9, 8]);
  });

  it('accepts a rank-0 file (one element) and empty data for a zero dim', () => {
    expect(parseIdx(idx([], [42]), 'x').data[0]).toBe(42);
    expect(parseIdx(idx([0, 28, 28], []), 'x').data.length).toBe(0);
  });

  it('rejects a buffer too short for the magic', () => {
    expect(() => parseIdx(new Uint8Array([0, 0, 8]), 'a.idx')).toThrow(/^a\.idx: too short for an IDX header/);
  });

  it('rejects a buffer too short for its dims', () => {
    const bytes = idx([2, 3], [1, 2, 3, 4, 5, 6]).subarray(0, 10);
    expect(() => parseIdx(bytes, 'a.idx')).toThrow('a.idx: too short for an IDX header of 2 dims (10 bytes, need 12)');
  });

  it('rejects a bad magic', () => {
    const bytes = idx([1], [1]);
    bytes[0] = 0x1f;
    bytes[1] = 0x8b;
    expect(() => parseIdx(bytes, 'a.idx')).toThrow('a.idx: bad IDX magic 0x1f8b0801');
  });

  it('rejects a dtype other than ubyte', () => {
    expect(() => parseIdx(idx([1], [0, 0, 0, 0], 0x0d), 'a.idx')).toThrow(
      'a.idx: IDX dtype 0x0d (float32) is not supported; only ubyte (0x08) is',
    );
  });

  it('rejects data shorter than the dims say', () => {
    expect(() => parseIdx(idx([2, 3], [1, 2, 3, 4, 5]), 'a.idx')).toThrow(
      'a.idx: data shorter than dims [2, 3] say: expected 6 bytes, got 5',
    );
  });

  it('rejects data longer than the dims say', () => {
    expect(() => parseIdx(idx([2, 3], [1, 2, 3, 4, 5, 6, 7]), 'a.idx')).toThrow(
      'a.idx: data longer than dims [2, 3] say: expected 6 bytes, got 7',
    );
  });
});
