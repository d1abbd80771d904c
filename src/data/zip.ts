// The zip container of torch.save's files (PyTorch >= 1.6): the central
// directory, each entry's bytes checked against the file and its CRC-32, and
// inflating the rare deflated entry. Only what a .pth needs: one disk, no
// encryption, no zip64 (torch writes zip64 end records, but the classic ones
// hold the real values below 4 GB, which is all we read).
// Pure TS over a Uint8Array: no node:*, no tfjs (the data worker uses it).
//
// Layout (APPNOTE.TXT, sections 4.3.7, 4.3.12, 4.3.16; little-endian):
//   local header  50 4b 03 04 ... method@8 ... nameLen@26 extraLen@28, name, extra, data
//   central entry 50 4b 01 02 ... flags@8 method@10 crc@16 csize@20 size@24
//                 nameLen@28 extraLen@30 commentLen@32 localOffset@42, name, extra, comment
//   end record    50 4b 05 06 disk@4 cdDisk@6 count@10 cdSize@12 cdOffset@16 commentLen@20
// torch's writer sets flag bit 3 (sizes in a trailing descriptor), so the
// local header's sizes are zero: the central directory is the only truth.
import { concatBytes } from './bytes';
import { crc32 } from '../share/crc32';

export { crc32 };

export class ZipError extends Error {
  override name = 'ZipError';
}

export interface ZipEntry {
  /** The name as UTF-8; bytes that are not UTF-8 show as U+FFFD (then utf8 is false). */
  name: string;
  utf8: boolean;
  /** 0 stored, 8 deflate. */
  method: number;
  crc32: number;
  /** Bytes in the file. */
  compressedSize: number;
  /** Bytes once inflated. */
  size: number;
  /** Where the entry's bytes start in the file (after its local header). */
  dataStart: number;
}

const END = 0x06054b50;
const CENTRAL = 0x02014b50;
const LOCAL = 0x04034b50;
const END_BYTES = 22;
/** The end record sits within the last 22 bytes plus a comment of at most 65535. */
const END_SEARCH = END_BYTES + 0xffff;

/**
 * The central directory of a zip held in `bytes`: entries by name, in
 * directory order. A second entry of one name is refused, or, given
 * `onDuplicate`, reported there and left out (the first is kept).
 */
export function readZipDirectory(bytes: Uint8Array, file: string, onDuplicate?: (name: string) => void): Map<string, ZipEntry> {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const end = findEnd(bytes, view, file);
  const u16 = (at: number) => view.getUint16(at, true);
  const u32 = (at: number) => view.getUint32(at, true);
  if (u16(end + 4) !== 0 || u16(end + 6) !== 0) throw new ZipError(`${file}: a multi-disk zip (split archive); a torch.save file is one piece`);
  const count = u16(end + 10);
  const cdSize = u32(end + 12);
  const cdOffset = u32(end + 16);
  if (count === 0xffff || cdSize === 0xffffffff || cdOffset === 0xffffffff) throw new ZipError(`${file}: a zip64 archive (over 4 GB or 65,535 entries); not supported`);
  if (cdOffset + cdSize > end) throw new ZipError(`${file}: the central directory (${cdSize} bytes at ${cdOffset}) runs past its end record at ${end}; the file is truncated or corrupt`);
  const entries = new Map<string, ZipEntry>();
  let at = cdOffset;
  for (let i = 0; i < count; i++) {
    if (at + 46 > cdOffset + cdSize) throw new ZipError(`${file}: the central directory ends after ${i} of its ${count} entries`);
    if (u32(at) !== CENTRAL) throw new ZipError(`${file}: central directory entry ${i} at ${at} has no signature; the file is corrupt`);
    const flags = u16(at + 8);
    const nameLen = u16(at + 28);
    const next = at + 46 + nameLen + u16(at + 30) + u16(at + 32);
    if (next > cdOffset + cdSize) throw new ZipError(`${file}: central directory entry ${i} runs past the directory's end`);
    const nameBytes = bytes.subarray(at + 46, at + 46 + nameLen);
    const { name, utf8 } = utf8Name(nameBytes);
    if (flags & 1) throw new ZipError(`${file}: ${name} is encrypted`);
    const entry = { name, utf8, method: u16(at + 10), crc32: u32(at + 16), compressedSize: u32(at + 20), size: u32(at + 24), dataStart: 0 };
    const local = u32(at + 42);
    if (entry.compressedSize === 0xffffffff || entry.size === 0xffffffff || local === 0xffffffff) throw new ZipError(`${file}: ${name} needs zip64 (over 4 GB); not supported`);
    entry.dataStart = localData(bytes, view, local, nameBytes, file);
    // Entries must lie before the directory: this also bounds every size by the file's.
    if (entry.dataStart + entry.compressedSize > cdOffset) throw new ZipError(`${file}: ${name}: its ${entry.compressedSize} bytes at ${entry.dataStart} run past the end of the entries (${cdOffset}); the file is truncated or corrupt`);
    if (entry.method === 0 && entry.size !== entry.compressedSize) throw new ZipError(`${file}: ${name} is stored with ${entry.compressedSize} bytes but says it holds ${entry.size}`);
    if (!entries.has(name)) entries.set(name, entry);
    else if (onDuplicate) onDuplicate(name);
    else throw new ZipError(`${file}: two entries named ${name}`);
    at = next;
  }
  return entries;
}

function utf8Name(bytes: Uint8Array): { name: string; utf8: boolean } {
  try {
    return { name: new TextDecoder('utf-8', { fatal: true }).decode(bytes), utf8: true };
  } catch {
    return { name: new TextDecoder().decode(bytes), utf8: false };
  }
}

function findEnd(bytes: Uint8Array, view: DataView, file: string): number {
  const legacy = bytes[0] === 0x80 ? ' (it starts like a pickle: torch.save\'s legacy format from before PyTorch 1.6 or _use_new_zipfile_serialization=False; load it in PyTorch and save it again)' : '';
  if (bytes.length < END_BYTES) throw new ZipError(`${file}: ${bytes.length} bytes, too short for a zip archive${legacy}`);
  for (let at = bytes.length - END_BYTES; at >= Math.max(0, bytes.length - END_SEARCH); at--) {
    // The comment length must reach exactly to the end of the file, or these 4 bytes are data.
    if (view.getUint32(at, true) === END && at + END_BYTES + view.getUint16(at + 20, true) === bytes.length) return at;
  }
  if (view.getUint32(0, true) === LOCAL) throw new ZipError(`${file}: truncated: it starts like a zip archive but its end (the central directory) is missing`);
  throw new ZipError(`${file}: not a zip archive (no end-of-central-directory record)${legacy}`);
}

/** Checks the local header at `offset` against its central entry; -> where the data starts. */
function localData(bytes: Uint8Array, view: DataView, offset: number, name: Uint8Array, file: string): number {
  const what = new TextDecoder().decode(name);
  if (offset + 30 > bytes.length) throw new ZipError(`${file}: ${what}: its local header offset ${offset} lies outside the file (${bytes.length} bytes)`);
  if (view.getUint32(offset, true) !== LOCAL) throw new ZipError(`${file}: ${what}: no local header at ${offset}; the file is corrupt`);
  const nameLen = view.getUint16(offset + 26, true);
  const start = offset + 30 + nameLen + view.getUint16(offset + 28, true);
  if (start > bytes.length) throw new ZipError(`${file}: ${what}: its local header at ${offset} runs past the end of the file`);
  const local = bytes.subarray(offset + 30, offset + 30 + nameLen);
  if (local.length !== name.length || local.some((b, i) => b !== name[i])) throw new ZipError(`${file}: ${what}: the local header at ${offset} names another entry; the file is corrupt`);
  return start;
}

/** An entry's bytes, inflated if deflated, checked against its size and CRC-32. Stored entries are views, not copies. */
export async function readZipEntry(bytes: Uint8Array, entry: ZipEntry, file: string): Promise<Uint8Array> {
  const raw = bytes.subarray(entry.dataStart, entry.dataStart + entry.compressedSize);
  let data: Uint8Array;
  if (entry.method === 0) data = raw;
  else if (entry.method === 8) data = await inflateRaw(raw, entry.size, `${file}: ${entry.name}`);
  else throw new ZipError(`${file}: ${entry.name} uses compression method ${entry.method}; only stored (0) and deflate (8) are read`);
  const crc = crc32(data);
  if (crc !== entry.crc32) throw new ZipError(`${file}: ${entry.name}: CRC-32 ${hex(crc)} where the directory says ${hex(entry.crc32)}; the file is corrupt`);
  return data;
}

const hex = (n: number) => n.toString(16).padStart(8, '0');

/** Raw deflate (no zlib or gzip wrapper) through DecompressionStream, refusing more than `size` bytes out. */
async function inflateRaw(raw: Uint8Array, size: number, what: string): Promise<Uint8Array> {
  let stream: ReadableStream<Uint8Array>;
  try {
    stream = new Blob([raw as Uint8Array<ArrayBuffer>]).stream().pipeThrough(new DecompressionStream('deflate-raw'));
  } catch {
    // Older browsers know DecompressionStream but not 'deflate-raw' (a TypeError), or neither.
    throw new ZipError(`${what} is deflated and this environment cannot inflate raw deflate (no DecompressionStream('deflate-raw')); save it again with torch.save, which stores entries uncompressed`);
  }
  const reader = stream.getReader();
  const parts: Uint8Array[] = [];
  let got = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      got += value.length;
      // The declared size bounds the output: a decompression bomb stops here.
      if (got > size) throw new ZipError(`${what} inflates to more than the ${size} bytes its directory entry says`);
      parts.push(value);
    }
  } catch (e) {
    await reader.cancel().catch(() => {});
    if (e instanceof ZipError) throw e;
    throw new ZipError(`${what}: inflating failed (${e instanceof Error ? e.message : String(e)}); the file is corrupt`);
  }
  if (got !== size) throw new ZipError(`${what} inflates to ${got} bytes where its directory entry says ${size}`);
  return concatBytes(parts, size);
}
