// A zip archive of stored (uncompressed) entries, written in memory: what the
// page's "PyTorch" export hands over (train.py, weights.safetensors,
// config.json, README.md) as one download. No compression, no zip64 (under
// 4 GB and 65,535 entries), no data descriptors: each local header holds its
// sizes and CRC-32. Pure TS over Uint8Array: no node:*, no tfjs, no DOM.
// data/zip.ts reads it back (the test); so does `python3 -m zipfile -l`.
//
// Layout (APPNOTE.TXT, sections 4.3.7, 4.3.12, 4.3.16; little-endian):
//   local header  50 4b 03 04 version@4 flags@6 method@8 time@10 date@12 crc@14
//                 csize@18 size@22 nameLen@26 extraLen@28, name, data
//   central entry 50 4b 01 02 made@4 version@6 flags@8 method@10 time@12 date@14
//                 crc@16 csize@20 size@24 nameLen@28 ... attrs@38 localOffset@42, name
//   end record    50 4b 05 06 count@8 count@10 cdSize@12 cdOffset@16

import { crc32 } from './crc32';

export { crc32 };

export interface ZipInput {
  /** The entry's path inside the archive (UTF-8). */
  name: string;
  data: Uint8Array | string;
}

export class ZipWriteError extends Error {
  override name = 'ZipWriteError';
}

/** 1980-01-01 00:00 in MS-DOS's date word: the archive is the same bytes whenever it is written. */
const DOS_DATE = (0 << 9) | (1 << 5) | 1;
/** Bit 11: names are UTF-8. */
const UTF8 = 1 << 11;
/** Made by Unix (3), spec 2.0; external attributes: a regular file, rw-r--r--. */
const MADE_BY = (3 << 8) | 20;
const FILE_MODE = (0o100644 << 16) >>> 0;
const LIMIT = 0xffffffff;

/** The entries, in order, as one zip of stored entries. Throws ZipWriteError past the classic format's limits or on a repeated name. */
export function storedZip(files: readonly ZipInput[]): Uint8Array {
  if (files.length > 0xffff) throw new ZipWriteError(`${files.length} entries: a zip without zip64 holds at most 65,535`);
  const enc = new TextEncoder();
  const seen = new Set<string>();
  const entries = files.map((f) => {
    if (seen.has(f.name)) throw new ZipWriteError(`${f.name} is in the archive twice`);
    seen.add(f.name);
    const data = typeof f.data === 'string' ? enc.encode(f.data) : f.data;
    return { name: enc.encode(f.name), data, crc: crc32(data) };
  });
  const localSize = entries.reduce((a, e) => a + 30 + e.name.length + e.data.length, 0);
  const cdSize = entries.reduce((a, e) => a + 46 + e.name.length, 0);
  if (localSize + cdSize + 22 > LIMIT) throw new ZipWriteError(`${localSize + cdSize + 22} bytes: a zip without zip64 holds under 4 GiB`);
  const out = new Uint8Array(localSize + cdSize + 22);
  const v = new DataView(out.buffer);
  let at = 0;
  let cd = localSize;
  for (const e of entries) {
    // The fields the local header and the central entry share, from `base` (the local header's version@4).
    const common = (base: number) => {
      v.setUint16(base, 20, true);
      v.setUint16(base + 2, UTF8, true);
      v.setUint16(base + 4, 0, true); // stored
      v.setUint16(base + 6, 0, true); // time 00:00
      v.setUint16(base + 8, DOS_DATE, true);
      v.setUint32(base + 10, e.crc, true);
      v.setUint32(base + 14, e.data.length, true);
      v.setUint32(base + 18, e.data.length, true);
      v.setUint16(base + 22, e.name.length, true);
    };
    v.setUint32(cd, 0x02014b50, true);
    v.setUint16(cd + 4, MADE_BY, true);
    common(cd + 6);
    v.setUint32(cd + 38, FILE_MODE, true);
    v.setUint32(cd + 42, at, true);
    out.set(e.name, cd + 46);
    cd += 46 + e.name.length;
    v.setUint32(at, 0x04034b50, true);
    common(at + 4);
    out.set(e.name, at + 30);
    out.set(e.data, at + 30 + e.name.length);
    at += 30 + e.name.length + e.data.length;
  }
  v.setUint32(cd, 0x06054b50, true);
  v.setUint16(cd + 8, entries.length, true);
  v.setUint16(cd + 10, entries.length, true);
  v.setUint32(cd + 12, cdSize, true);
  v.setUint32(cd + 16, localSize, true);
  return out;
}
