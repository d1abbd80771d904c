// CRC-32 as zip stores it, for the zip reader (data/zip.ts) and writer
// (share/zipwrite.ts). Pure TS.

let tables: Uint32Array | undefined;

/** The 8 slice-by-8 tables, 256 entries each: table k maps a byte k positions back. */
function crcTables(): Uint32Array {
  if (tables) return tables;
  const t = new Uint32Array(8 * 256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  for (let k = 1; k < 8; k++) for (let n = 0; n < 256; n++) {
    const prev = t[(k - 1) * 256 + n] as number;
    t[k * 256 + n] = ((t[prev & 0xff] as number) ^ (prev >>> 8)) >>> 0;
  }
  return (tables = t);
}

/**
 * CRC-32 (IEEE 802.3, reflected, polynomial 0xEDB88320), as zip stores it.
 * Slice-by-8 (Intel's, Kounavis & Berry 2005): eight bytes a step through
 * eight tables, 2.2x the byte-at-a-time loop on a 100 MB state dict
 * (bench/README.md, "Weights files").
 */
export function crc32(data: Uint8Array): number {
  const t = crcTables();
  let c = 0xffffffff;
  let i = 0;
  const end = data.length - (data.length % 8);
  for (; i < end; i += 8) {
    const lo = (c ^ ((data[i] as number) | ((data[i + 1] as number) << 8) | ((data[i + 2] as number) << 16) | ((data[i + 3] as number) << 24))) >>> 0;
    c = ((t[7 * 256 + (lo & 0xff)] as number) ^
      (t[6 * 256 + ((lo >>> 8) & 0xff)] as number) ^
      (t[5 * 256 + ((lo >>> 16) & 0xff)] as number) ^
      (t[4 * 256 + (lo >>> 24)] as number) ^
      (t[3 * 256 + (data[i + 4] as number)] as number) ^
      (t[2 * 256 + (data[i + 5] as number)] as number) ^
      (t[256 + (data[i + 6] as number)] as number) ^
      (t[data[i + 7] as number] as number)) >>> 0;
  }
  for (; i < data.length; i++) c = (t[(c ^ (data[i] as number)) & 0xff] as number) ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}
