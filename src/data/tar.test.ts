// The streaming tar reader: entries and data whatever the chunking, GNU long
// names and pax paths, and one message per broken header.
import { describe, expect, it } from 'vitest';
import { concat, tar, tarHeader } from '../testing/fixtures';
import { TarReader, type TarEntry } from './tar';

/** Reads `bytes` in `chunk`-byte pieces; returns the entries with their data. */
function read(bytes: Uint8Array, chunk = 100): { entry: TarEntry; data: Uint8Array }[] {
  const out: { entry: TarEntry; data: Uint8Array }[] = [];
  const reader = new TarReader('t.tar', (entry) => {
    const parts: Uint8Array[] = [];
    return { write: (c) => parts.push(c.slice()), end: () => out.push({ entry, data: concat(parts) }) };
  });
  for (let i = 0; i < bytes.length; i += chunk) reader.push(bytes.subarray(i, i + chunk));
  reader.end();
  return out;
}

const bytes = (n: number, seed = 1) => Uint8Array.from({ length: n }, (_, i) => (i * 31 + seed) % 256);

describe('TarReader', () => {
  it('reads names, sizes, types and data, at any chunk size', () => {
    const archive = tar([{ name: 'd/', type: '5' }, { name: 'd/a.bin', data: bytes(1000) }, { name: 'd/empty' }, { name: 'd/b.txt', data: bytes(512, 7) }]);
    for (const chunk of [1, 7, 511, 512, 513, 100_000]) {
      const got = read(archive, chunk);
      expect(got.map((e) => [e.entry.name, e.entry.type, e.entry.size])).toEqual([['d/', 'directory', 0], ['d/a.bin', 'file', 1000], ['d/empty', 'file', 0], ['d/b.txt', 'file', 512]]);
      expect(got[1]?.data).toEqual(bytes(1000));
      expect(got[3]?.data).toEqual(bytes(512, 7));
    }
  });

  it('ignores what follows the end-of-archive marker (GNU pads records with zeros)', () => {
    const archive = concat([tar([{ name: 'a', data: bytes(3) }]), new Uint8Array(9216), bytes(100)]);
    expect(read(archive).map((e) => e.entry.name)).toEqual(['a']);
  });

  it('joins the ustar prefix, and reads GNU long names and pax paths', () => {
    const withPrefix = tarHeader('file.bin', 0);
    withPrefix.set(new TextEncoder().encode('some/dir'), 345);
    // Recompute the checksum after editing the header.
    withPrefix.fill(0x20, 148, 156);
    const sum = withPrefix.reduce((a, b) => a + b, 0);
    withPrefix.set(new TextEncoder().encode(sum.toString(8).padStart(6, '0') + '\0 '), 148);
    const long = 'x/'.repeat(80) + 'long.bin';
    const longName = new TextEncoder().encode(long + '\0');
    const pax = new TextEncoder().encode(`${'path=p/pax.bin\n'.length + 3} path=p/pax.bin\n`);
    const archive = concat([
      withPrefix,
      tarHeader('././@LongLink', longName.length, 'L' as '0'), longName, new Uint8Array(512 - longName.length),
      tarHeader('long.bin', 2), bytes(2), new Uint8Array(510),
      tarHeader('PaxHeader', pax.length, 'x' as '0'), pax, new Uint8Array(512 - pax.length),
      tarHeader('short', 1), bytes(1), new Uint8Array(511),
      new Uint8Array(1024),
    ]);
    expect(read(archive).map((e) => e.entry.name)).toEqual(['some/dir/file.bin', long, 'p/pax.bin']);
  });

  it('names a bad checksum with its offset', () => {
    const archive = tar([{ name: 'a', data: bytes(600) }, { name: 'b', data: bytes(5) }]);
    archive[1536 + 10] = 0x41; // the second header, at 512 + 1024
    expect(() => read(archive)).toThrow(/^t\.tar: corrupt tar header at byte 1536: checksum \d+ stored, \d+ computed$/);
  });

  it('refuses data that is not tar, and an empty archive', () => {
    expect(() => read(bytes(2048))).toThrow('t.tar: not a tar archive: no ustar header at byte 0');
    expect(() => read(new Uint8Array(1024))).toThrow('t.tar: empty tar archive (starts with the end-of-archive marker)');
  });

  it('names the entry cut short by a truncated archive', () => {
    const archive = tar([{ name: 'd/a.bin', data: bytes(5000) }]);
    expect(() => read(archive.subarray(0, 512 + 3000))).toThrow('t.tar: truncated: d/a.bin ends after 3000 of its 5000 bytes');
    expect(() => read(archive.subarray(0, 300))).toThrow(/^t\.tar: truncated: the archive ends inside a 512-byte block/);
  });
});
