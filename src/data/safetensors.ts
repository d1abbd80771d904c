// The safetensors format (huggingface/safetensors): an 8-byte little-endian
// header length N, N bytes of JSON ({name: {dtype, shape, data_offsets:
// [begin, end)}, optional "__metadata__": {string: string}}, offsets into the
// bytes after the header), then the raw little-endian tensor bytes. Read
// header first and checked against the file; nothing in it is executed.
// Pure TS: no tfjs.

/** Dtypes we read, with their byte widths. F16 and BF16 widen to float32 on reading. */
export const SAFETENSORS_DTYPES = { F32: 4, F16: 2, BF16: 2, I64: 8, I32: 4 } as const;
export type SafetensorsDtype = keyof typeof SAFETENSORS_DTYPES;

/** A header longer than this is refused before it is parsed. */
export const MAX_HEADER_BYTES = 100 * 2 ** 20;

export interface Tensor {
  shape: number[];
  /** Float tensors as float32; integer tensors as numbers (I64 must be within ±2^53). */
  values: Float32Array | Int32Array | Float64Array;
  /** The dtype as stored in the file. */
  dtype: SafetensorsDtype;
}

export class SafetensorsError extends Error {
  override name = 'SafetensorsError';
}

/**
 * Float32 tensors (F32) and int64 ones (I64, e.g. torch's BN
 * num_batches_tracked) -> one safetensors file, tensors in the given order,
 * the header padded to 8 bytes.
 */
export function encodeSafetensors(tensors: Record<string, { shape: readonly number[]; values: Float32Array | BigInt64Array }>, metadata: Record<string, string> = {}): Uint8Array {
  const header: Record<string, unknown> = Object.keys(metadata).length > 0 ? { __metadata__: metadata } : {};
  let offset = 0;
  for (const [name, t] of Object.entries(tensors)) {
    const size = t.shape.reduce((a, b) => a * b, 1);
    if (size !== t.values.length) throw new SafetensorsError(`${name}: shape [${t.shape.join(', ')}] holds ${size} values, not ${t.values.length}`);
    const width = t.values.BYTES_PER_ELEMENT;
    header[name] = { dtype: width === 8 ? 'I64' : 'F32', shape: [...t.shape], data_offsets: [offset, offset + width * size] };
    offset += width * size;
  }
  let json = JSON.stringify(header);
  json += ' '.repeat((8 - ((8 + new TextEncoder().encode(json).length) % 8)) % 8);
  const head = new TextEncoder().encode(json);
  const out = new Uint8Array(8 + head.length + offset);
  const view = new DataView(out.buffer);
  view.setBigUint64(0, BigInt(head.length), true);
  out.set(head, 8);
  let at = 8 + head.length;
  for (const t of Object.values(tensors)) {
    const bytes = new Uint8Array(t.values.buffer, t.values.byteOffset, t.values.byteLength);
    if (littleEndian()) out.set(bytes, at);
    else if (t.values instanceof BigInt64Array) for (let i = 0; i < t.values.length; i++) view.setBigInt64(at + 8 * i, t.values[i] as bigint, true);
    else for (let i = 0; i < t.values.length; i++) view.setFloat32(at + 4 * i, t.values[i] as number, true);
    at += t.values.byteLength;
  }
  return out;
}

interface HeaderEntry { dtype: string; shape: number[]; data_offsets: [number, number] }

/** The header alone: names, dtypes, shapes and offsets, checked against a file of `fileBytes`. */
export function readSafetensorsHeader(first: Uint8Array, fileBytes: number, file = 'the file'): { entries: Map<string, { dtype: SafetensorsDtype; shape: number[]; begin: number; end: number }>; metadata: Record<string, string>; dataStart: number } {
  if (fileBytes < 8 || first.length < 8) throw new SafetensorsError(`${file}: ${fileBytes} bytes, too short for a safetensors header`);
  const n = new DataView(first.buffer, first.byteOffset, 8).getBigUint64(0, true);
  if (n > BigInt(MAX_HEADER_BYTES)) throw new SafetensorsError(`${file}: the header claims ${n} bytes, over the ${MAX_HEADER_BYTES / 2 ** 20} MB we read`);
  const headerBytes = Number(n);
  if (8 + headerBytes > fileBytes) throw new SafetensorsError(`${file}: truncated: the header needs ${8 + headerBytes} bytes, the file has ${fileBytes}`);
  if (first.length < 8 + headerBytes) throw new SafetensorsError(`${file}: pass the first ${8 + headerBytes} bytes to read the header`);
  let parsed: unknown;
  try {
    parsed = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(first.subarray(8, 8 + headerBytes)));
  } catch (e) {
    throw new SafetensorsError(`${file}: the header is not JSON (${e instanceof Error ? e.message : String(e)})`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new SafetensorsError(`${file}: the header is not a JSON object`);
  const dataStart = 8 + headerBytes;
  const dataBytes = fileBytes - dataStart;
  const entries = new Map<string, { dtype: SafetensorsDtype; shape: number[]; begin: number; end: number }>();
  let metadata: Record<string, string> = {};
  for (const [name, raw] of Object.entries(parsed as Record<string, unknown>)) {
    if (name === '__metadata__') {
      metadata = Object.fromEntries(Object.entries((raw ?? {}) as Record<string, unknown>).map(([k, v]) => [k, String(v)]));
      continue;
    }
    const e = raw as Partial<HeaderEntry> | null;
    if (!e || typeof e !== 'object') throw new SafetensorsError(`${file}: tensor ${name}: not an object in the header`);
    if (typeof e.dtype !== 'string' || !(e.dtype in SAFETENSORS_DTYPES)) throw new SafetensorsError(`${file}: tensor ${name}: dtype ${String(e.dtype)} is not one we read (${Object.keys(SAFETENSORS_DTYPES).join(', ')})`);
    const dtype = e.dtype as SafetensorsDtype;
    if (!Array.isArray(e.shape) || !e.shape.every((d) => Number.isSafeInteger(d) && d >= 0)) throw new SafetensorsError(`${file}: tensor ${name}: shape ${JSON.stringify(e.shape)} is not a list of sizes`);
    const [begin, end] = Array.isArray(e.data_offsets) ? e.data_offsets : [];
    if (!Number.isSafeInteger(begin) || !Number.isSafeInteger(end) || (begin as number) < 0 || (end as number) < (begin as number)) throw new SafetensorsError(`${file}: tensor ${name}: data_offsets ${JSON.stringify(e.data_offsets)} are not [begin, end]`);
    if ((end as number) > dataBytes) throw new SafetensorsError(`${file}: tensor ${name}: its bytes end at ${end}, past the ${dataBytes} bytes of data in the file`);
    const size = e.shape.reduce((a, b) => a * b, 1);
    if (size * SAFETENSORS_DTYPES[dtype] !== (end as number) - (begin as number)) throw new SafetensorsError(`${file}: tensor ${name}: shape [${e.shape.join(', ')}] of ${dtype} needs ${size * SAFETENSORS_DTYPES[dtype]} bytes, its offsets give ${(end as number) - (begin as number)}`);
    entries.set(name, { dtype, shape: e.shape, begin: begin as number, end: end as number });
  }
  return { entries, metadata, dataStart };
}

/** A whole safetensors file -> its tensors by name (float ones as float32) and metadata. */
export function decodeSafetensors(bytes: Uint8Array, file = 'the file'): { tensors: Map<string, Tensor>; metadata: Record<string, string> } {
  const { entries, metadata, dataStart } = readSafetensorsHeader(bytes, bytes.length, file);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const tensors = new Map<string, Tensor>();
  for (const [name, e] of entries) {
    const at = dataStart + e.begin;
    const n = (e.end - e.begin) / SAFETENSORS_DTYPES[e.dtype];
    tensors.set(name, { shape: e.shape, dtype: e.dtype, values: decodeValues(view, at, n, e.dtype, `${file}: tensor ${name}`) });
  }
  return { tensors, metadata };
}

function decodeValues(view: DataView, at: number, n: number, dtype: SafetensorsDtype, what: string): Float32Array | Int32Array | Float64Array {
  switch (dtype) {
    case 'F32': {
      const out = new Float32Array(n);
      for (let i = 0; i < n; i++) out[i] = view.getFloat32(at + 4 * i, true);
      return out;
    }
    case 'F16': {
      const out = new Float32Array(n);
      for (let i = 0; i < n; i++) out[i] = halfToFloat(view.getUint16(at + 2 * i, true));
      return out;
    }
    case 'BF16': {
      const out = new Float32Array(n);
      const word = new DataView(new ArrayBuffer(4));
      for (let i = 0; i < n; i++) {
        word.setUint32(0, view.getUint16(at + 2 * i, true) << 16);
        out[i] = word.getFloat32(0);
      }
      return out;
    }
    case 'I32': {
      const out = new Int32Array(n);
      for (let i = 0; i < n; i++) out[i] = view.getInt32(at + 4 * i, true);
      return out;
    }
    case 'I64': {
      const out = new Float64Array(n);
      for (let i = 0; i < n; i++) {
        const v = view.getBigInt64(at + 8 * i, true);
        if (v > BigInt(Number.MAX_SAFE_INTEGER) || v < BigInt(-Number.MAX_SAFE_INTEGER)) throw new SafetensorsError(`${what}: value ${v} at ${i} is past ±2^53`);
        out[i] = Number(v);
      }
      return out;
    }
  }
}

/** IEEE 754 binary16 -> number. */
export function halfToFloat(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exp = (h >> 10) & 0x1f;
  const frac = h & 0x3ff;
  if (exp === 0) return sign * frac * 2 ** -24;
  if (exp === 31) return frac ? NaN : sign * Infinity;
  return sign * (1 + frac / 1024) * 2 ** (exp - 15);
}

function littleEndian(): boolean {
  return new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;
}
