// CRC-32, eight bytes a step, against zlib's on every length around
// the step (the tail loop) and on a larger buffer.
import zlib from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { crc32 } from './crc32';

const bytes = (n: number) => Uint8Array.from({ length: n }, (_, i) => (Math.imul(i, 2654435761) >>> 24) & 0xff);

describe('crc32', () => {
  it("equals zlib's for lengths 0 to 40 and 1 MiB + 3", () => {
    for (let n = 0; n <= 40; n++) expect(crc32(bytes(n)), `length ${n}`).toBe(zlib.crc32(bytes(n)));
    expect(crc32(bytes(2 ** 20 + 3))).toBe(zlib.crc32(bytes(2 ** 20 + 3)));
  });
});
