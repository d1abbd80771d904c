// Zip archives for tests, as torch.save lays them out: entries stored (or
// deflated, which torch never does but a re-zipped file may), each local
// header naming its entry, then the central directory and its end record.
// Node only (node:zlib); used by the .pth reader's tests.
import { deflateRawSync } from 'node:zlib';
import { crc32 } from '../data/zip';

export interface ZipFile {
  name: string;
  data: Uint8Array;
  deflate?: boolean;
  /** The name's bytes as written, when not name's UTF-8 (a zip from an old tool). */
  nameBytes?: Uint8Array;
  /** The inflated size the directory declares, when not the data's (a zip bomb's lie). */
  declaredSize?: number;
}

/** The files, in order, as one zip. */
export function zip(files: ZipFile[]): Uint8Array {
  const parts: Uint8Array[] = [];
  const central: Uint8Array[] = [];
  let at = 0;
  for (const f of files) {
    const name = f.nameBytes ?? new TextEncoder().encode(f.name);
    const body = f.deflate ? new Uint8Array(deflateRawSync(f.data)) : f.data;
    const fields = (sig: number, size: number) => {
      const h = new Uint8Array(size);
      const v = new DataView(h.buffer);
      v.setUint32(0, sig, true);
      return { h, v };
    };
    const local = fields(0x04034b50, 30 + name.length);
    const cd = fields(0x02014b50, 46 + name.length);
    for (const [v, base] of [[local.v, 4], [cd.v, 6]] as const) {
      v.setUint16(base + 4, f.deflate ? 8 : 0, true);
      v.setUint32(base + 10, crc32(f.data), true);
      v.setUint32(base + 14, body.length, true);
      v.setUint32(base + 18, f.declaredSize ?? f.data.length, true);
      v.setUint16(base + 22, name.length, true);
    }
    cd.v.setUint32(42, at, true);
    local.h.set(name, 30);
    cd.h.set(name, 46);
    parts.push(local.h, body);
    central.push(cd.h);
    at += local.h.length + body.length;
  }
  const cdSize = central.reduce((a, c) => a + c.length, 0);
  const end = new Uint8Array(22);
  const v = new DataView(end.buffer);
  v.setUint32(0, 0x06054b50, true);
  v.setUint16(8, files.length, true);
  v.setUint16(10, files.length, true);
  v.setUint32(12, cdSize, true);
  v.setUint32(16, at, true);
  const out = new Uint8Array(at + cdSize + 22);
  let p = 0;
  for (const c of [...parts, ...central, end]) {
    out.set(c, p);
    p += c.length;
  }
  return out;
}
