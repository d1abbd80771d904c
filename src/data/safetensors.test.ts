// safetensors: a round trip, the dtypes we widen, and every malformed file
// refused with the file's name and the problem (no other error escapes).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeSafetensors, encodeSafetensors, halfToFloat, MAX_HEADER_BYTES, SafetensorsError } from './safetensors';

/** A file from a header object and raw data bytes, as another writer would make it. */
function file(header: unknown, data: Uint8Array = new Uint8Array(0), claimed?: bigint): Uint8Array {
  const json = new TextEncoder().encode(JSON.stringify(header));
  const out = new Uint8Array(8 + json.length + data.length);
  new DataView(out.buffer).setBigUint64(0, claimed ?? BigInt(json.length), true);
  out.set(json, 8);
  out.set(data, 8 + json.length);
  return out;
}

describe('safetensors', () => {
  it('round-trips float32 tensors with their names, shapes and metadata; the header is padded to 8 bytes', () => {
    const tensors = { 'stem.conv.kernel': { shape: [3, 3, 1, 2], values: Float32Array.from({ length: 18 }, (_, i) => i / 7 - 1) }, 'fc.bias': { shape: [2], values: new Float32Array([Infinity, -0]) } };
    const bytes = encodeSafetensors(tensors, { format: 'test' });
    expect(Number(new DataView(bytes.buffer).getBigUint64(0, true)) % 8).toBe(0);
    const { tensors: back, metadata } = decodeSafetensors(bytes);
    expect(metadata).toEqual({ format: 'test' });
    expect([...back.keys()]).toEqual(['stem.conv.kernel', 'fc.bias']);
    expect(back.get('stem.conv.kernel')).toEqual({ shape: [3, 3, 1, 2], dtype: 'F32', values: tensors['stem.conv.kernel'].values });
    expect(Array.from(back.get('fc.bias')?.values ?? [])).toEqual([Infinity, -0]);
  });

  it('widens F16 and BF16 to float32 and reads I32 and I64', () => {
    const data = new Uint8Array(2 * 3 + 2 * 2 + 4 + 8);
    const v = new DataView(data.buffer);
    [0x3c00, 0xc000, 0x7c00].forEach((h, i) => v.setUint16(2 * i, h, true)); // 1, -2, Infinity
    [0x3f80, 0x4049].forEach((h, i) => v.setUint16(6 + 2 * i, h, true)); // 1, 3.140625
    v.setInt32(10, -7, true);
    v.setBigInt64(14, 1234567890123n, true);
    const bytes = file({ h: { dtype: 'F16', shape: [3], data_offsets: [0, 6] }, b: { dtype: 'BF16', shape: [2], data_offsets: [6, 10] }, i: { dtype: 'I32', shape: [1], data_offsets: [10, 14] }, l: { dtype: 'I64', shape: [1], data_offsets: [14, 22] } }, data);
    const { tensors } = decodeSafetensors(bytes);
    expect(Array.from(tensors.get('h')?.values ?? [])).toEqual([1, -2, Infinity]);
    expect(Array.from(tensors.get('b')?.values ?? [])).toEqual([1, 3.140625]);
    expect(Array.from(tensors.get('i')?.values ?? [])).toEqual([-7]);
    expect(Array.from(tensors.get('l')?.values ?? [])).toEqual([1234567890123]);
    expect(halfToFloat(0x0001)).toBe(2 ** -24);
    expect(Number.isNaN(halfToFloat(0x7e00))).toBe(true);
  });

  it.each([
    ['truncated before the header', new Uint8Array(5), /5 bytes, too short/],
    ['a header longer than 100 MB', file({}, new Uint8Array(0), BigInt(MAX_HEADER_BYTES + 1)), /over the 100 MB/],
    ['a header past the end', file({}, new Uint8Array(0), 1000n), /truncated: the header needs 1008 bytes/],
    ['a header that is not JSON', (() => { const b = file({ a: 1 }); b[8] = 0x7b + 1; return b; })(), /not JSON/],
    ['a tensor past the data', file({ w: { dtype: 'F32', shape: [4], data_offsets: [0, 16] } }, new Uint8Array(8)), /tensor w: its bytes end at 16, past the 8 bytes/],
    ['a dtype we do not read', file({ w: { dtype: 'F8_E4M3', shape: [1], data_offsets: [0, 1] } }, new Uint8Array(1)), /tensor w: dtype F8_E4M3 is not one we read/],
    ['offsets that disagree with the shape', file({ w: { dtype: 'F32', shape: [3], data_offsets: [0, 8] } }, new Uint8Array(8)), /needs 12 bytes, its offsets give 8/],
    ['a bad shape', file({ w: { dtype: 'F32', shape: [-1], data_offsets: [0, 0] } }), /shape \[-1\] is not a list of sizes/],
    ['an I64 past 2^53', file({ l: { dtype: 'I64', shape: [1], data_offsets: [0, 8] } }, new Uint8Array([0, 0, 0, 0, 0, 0, 0, 0x40])), /past ±2\^53/],
  ])('refuses %s, naming the file', (_, bytes, message) => {
    expect(() => decodeSafetensors(bytes, 'w.safetensors')).toThrow(SafetensorsError);
    expect(() => decodeSafetensors(bytes, 'w.safetensors')).toThrow(/^w\.safetensors: /);
    expect(() => decodeSafetensors(bytes, 'w.safetensors')).toThrow(message);
  });

  it('mutated files fail only with SafetensorsError (fast-check)', () => {
    const good = encodeSafetensors({ a: { shape: [2, 2], values: new Float32Array([1, 2, 3, 4]) }, b: { shape: [1], values: new Float32Array([5]) } });
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.nat(good.length - 1), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 8 }), fc.nat(good.length), (edits, cut) => {
        const bytes = good.slice(0, Math.max(cut, 1));
        for (const [at, v] of edits) if (at < bytes.length) bytes[at] = v;
        try {
          decodeSafetensors(bytes);
        } catch (e) {
          expect(e).toBeInstanceOf(SafetensorsError);
        }
      }),
      { numRuns: 300 },
    );
  });
});
