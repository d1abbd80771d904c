// PyTorch state dicts as torch.save writes them (PyTorch >= 1.6, the zip
// format; torchvision's published weights): `<archive>/data.pkl` (the dict,
// pickled), `<archive>/data/<key>` (one storage each, raw little-endian
// unless `<archive>/byteorder` says big), `<archive>/version`. The pickle is
// read by the restricted unpickler (pickle.ts), which runs nothing; here its
// inert tree becomes tensors: each `_rebuild_tensor_v2(storage, offset, size,
// stride, ...)` gathered from its storage, strides and all.
// Pure TS over a Uint8Array: no node:*, no tfjs (the data worker uses it).
import { Dict, Global, PickleError, Persistent, Reduced, Tuple, unpickle, type PickleRules, type PyValue } from './pickle';
import { halfToFloat } from './safetensors';
import { readZipDirectory, readZipEntry, ZipError, type ZipEntry } from './zip';

export class PthError extends Error {
  override name = 'PthError';
}

/** The storage types torch.save names, by their dtype and bytes per element. */
const STORAGES = {
  FloatStorage: ['float32', 4], HalfStorage: ['float16', 2], BFloat16Storage: ['bfloat16', 2], DoubleStorage: ['float64', 8],
  LongStorage: ['int64', 8], IntStorage: ['int32', 4], ByteStorage: ['uint8', 1], BoolStorage: ['bool', 1],
} as const;
type StorageType = keyof typeof STORAGES;
export type PthDtype = (typeof STORAGES)[StorageType][0];

export interface PthTensor {
  /** The dtype as saved. */
  dtype: PthDtype;
  /** PyTorch's order (a conv weight is [out, in, kh, kw]); [] for a scalar. */
  shape: number[];
  /** Row-major. Float dtypes as float32 (float16 and bfloat16 widened exactly, float64 rounded); int64 as numbers (within ±2^53); bool as 0/1. */
  values: Float32Array | Float64Array | Int32Array | Uint8Array;
}

export interface StateDict {
  /** In the file's order; `num_batches_tracked` (int64 scalars) included. */
  tensors: Map<string, PthTensor>;
  /** What was skipped or looked odd, one sentence each; the tensors are still right. */
  problems: string[];
}

/** One tensor refuses past this many elements (1 GiB of float32), whatever its strides say. */
export const MAX_TENSOR_ELEMENTS = 2 ** 28;

const REBUILD = 'torch._utils._rebuild_tensor_v2';
const PARAMETER = 'torch._utils._rebuild_parameter';
const RULES: PickleRules = {
  allow: ['collections.OrderedDict', REBUILD, PARAMETER, ...Object.keys(STORAGES).map((s) => `torch.${s}`)],
  explain: (name) => `a state dict needs only collections.OrderedDict, ${REBUILD}, ${PARAMETER} and torch's storage types (torch.FloatStorage, ...)` +
    (/^torch(vision)?\./.test(name) ? '. A whole model saved with torch.save(model)? Save model.state_dict() instead' : ''),
};

interface TensorRef { type: StorageType; key: string; numel: number; offset: number; shape: number[]; stride: number[] }

/** A torch.save zip (.pth, .pt) of a state dict -> its tensors. `file` names it in every message; errors are PthError. */
export async function readPth(bytes: Uint8Array, file: string): Promise<StateDict> {
  try {
    return await read(bytes, file);
  } catch (e) {
    // Our modules' errors become this module's; anything else is a bug and goes through as it is.
    if (e instanceof ZipError || e instanceof PickleError) throw new PthError(e.message, { cause: e });
    throw e;
  }
}

async function read(bytes: Uint8Array, file: string): Promise<StateDict> {
  const entries = readZipDirectory(bytes, file);
  const prefix = archivePrefix(entries, file);
  const problems: string[] = [];
  const text = async (name: string) => {
    const e = entries.get(prefix + name);
    return e && new TextDecoder().decode(await readZipEntry(bytes, e, file)).trim();
  };
  const version = await text('version');
  if (version === undefined) problems.push(`${file}: no ${prefix}version record; read as format version 3`);
  else if (!['1', '2', '3'].includes(version)) problems.push(`${file}: format version ${JSON.stringify(version.slice(0, 20))}, not one we know (1 to 3); read as 3`);
  // torch before 2.1 writes no byteorder record: those files come from little-endian machines.
  const order = (await text('byteorder')) ?? 'little';
  if (order !== 'little' && order !== 'big') throw new PthError(`${file}: byteorder ${JSON.stringify(order.slice(0, 20))}, neither little nor big`);
  const pkl = await readZipEntry(bytes, entries.get(`${prefix}data.pkl`) as ZipEntry, file);
  const root = unpickle(pkl, RULES, `${file}: ${prefix}data.pkl`);
  if (!(root instanceof Dict)) throw new PthError(`${file}: the pickle holds ${kind(root)}, not a dict of tensors`);
  const storages = new Map<string, Uint8Array>();
  const tensors = new Map<string, PthTensor>();
  for (const [key, value] of root.entries) {
    if (typeof key !== 'string') {
      problems.push(`${file}: skipped the key ${String(key)}, not a string`);
      continue;
    }
    const ref = tensorRef(value, `${file}: ${key}`);
    if (!ref) {
      problems.push(`${file}: skipped ${key}: ${kind(value)}, not a tensor${value instanceof Dict ? ' (a training checkpoint? Its state dict may be one of these)' : ''}`);
      continue;
    }
    const name = `${prefix}data/${ref.key}`;
    let data = storages.get(name);
    if (!data) {
      const entry = entries.get(name);
      if (!entry) throw new PthError(`${file}: ${key}: its storage ${JSON.stringify(ref.key)} (${name}) is not in the zip`);
      data = await readZipEntry(bytes, entry, file);
      storages.set(name, data);
    }
    tensors.set(key, gather(data, ref, order === 'little', `${file}: ${key}`));
  }
  return { tensors, problems };
}

/** The archive's folder (torch names it after the file it saved to), with its slash: the one holding data.pkl. */
function archivePrefix(entries: Map<string, ZipEntry>, file: string): string {
  const records = [...entries.keys()].filter((n) => /^[^/]+\/data\.pkl$/.test(n));
  if (records.length === 1) return (records[0] as string).slice(0, -'data.pkl'.length);
  const names = [...entries.keys()].slice(0, 5).join(', ');
  throw new PthError(records.length === 0 ? `${file}: no <archive>/data.pkl in the zip (it holds ${names || 'nothing'}); not a torch.save file` : `${file}: ${records.length} data.pkl records (${records.join(', ')}); torch.save writes one`);
}

function kind(v: PyValue): string {
  if (v instanceof Reduced) return `a call of ${v.callable.qualified}`;
  if (v instanceof Dict) return 'a dict';
  if (v instanceof Tuple) return 'a tuple';
  if (Array.isArray(v)) return 'a list';
  if (v instanceof Global) return `the name ${v.qualified}`;
  if (v instanceof Persistent) return 'a persistent id';
  return v === null ? 'None' : `a ${typeof v}`;
}

/** `_rebuild_tensor_v2(storage, offset, size, stride, requires_grad, hooks[, metadata])`, maybe inside `_rebuild_parameter(tensor, ...)`; null if `v` is no tensor. */
function tensorRef(v: PyValue, what: string): TensorRef | null {
  if (!(v instanceof Reduced)) return null;
  const [a0, a1, a2, a3] = v.args.items;
  if (v.callable.qualified === PARAMETER) return a0 instanceof Reduced && a0.callable.qualified === REBUILD ? tensorRef(a0, what) : null;
  if (v.callable.qualified !== REBUILD) return null;
  const bad = (why: string): never => {
    throw new PthError(`${what}: ${why}; not a tensor as torch.save writes one`);
  };
  if (v.args.items.length < 6 || v.args.items.length > 7) bad(`${REBUILD} with ${v.args.items.length} arguments, not 6 or 7`);
  if (!(a0 instanceof Persistent) || !(a0.pid instanceof Tuple)) return bad('its storage is not a persistent id');
  const [tag, type, key, , numel] = a0.pid.items;
  if (tag !== 'storage' || a0.pid.items.length !== 5) bad("its persistent id is not ('storage', type, key, location, numel)");
  if (!(type instanceof Global) || type.module !== 'torch' || !(type.name in STORAGES)) return bad(`storage type ${kind(type as PyValue)}`);
  if (typeof key !== 'string') return bad('its storage key is not a string');
  const int = (x: PyValue | undefined, name: string) => (typeof x === 'number' && Number.isSafeInteger(x) && x >= 0 ? x : bad(`${name} ${kind(x ?? null)} is not a size`));
  const ints = (t: PyValue | undefined, name: string) => (t instanceof Tuple ? t.items.map((x) => int(x, `${name} entry`)) : bad(`${name} is not a tuple`));
  const shape = ints(a2, 'size');
  const stride = ints(a3, 'stride');
  if (shape.length !== stride.length) bad(`size has ${shape.length} dimensions and stride ${stride.length}`);
  return { type: type.name as StorageType, key, numel: int(numel, 'storage numel'), offset: int(a1, 'storage offset'), shape, stride };
}

/** The tensor's values, row-major, read from its storage's bytes through offset and strides. */
function gather(data: Uint8Array, ref: TensorRef, little: boolean, what: string): PthTensor {
  const [dtype, width] = STORAGES[ref.type];
  if (data.length !== ref.numel * width) throw new PthError(`${what}: storage ${ref.key} holds ${data.length} bytes, its record says ${ref.numel} ${dtype} (${ref.numel * width} bytes)`);
  // Sizes are safe integers, so `last` stays finite; `n` may reach Infinity, which the cap refuses.
  const n = ref.shape.includes(0) ? 0 : ref.shape.reduce((a, d) => a * d, 1);
  const last = ref.shape.reduce((a, d, i) => a + (d - 1) * (ref.stride[i] as number), ref.offset);
  if (n > MAX_TENSOR_ELEMENTS) throw new PthError(`${what}: size [${ref.shape.join(', ')}] is more than ${MAX_TENSOR_ELEMENTS} elements`);
  const shown = `size [${ref.shape.join(', ')}], stride [${ref.stride.join(', ')}] from offset ${ref.offset}`;
  if (n === 0 ? ref.offset > ref.numel : last >= ref.numel) throw new PthError(`${what}: ${shown} extends past its storage of ${ref.numel} elements`);
  const values = dtype === 'int64' ? new Float64Array(n) : dtype === 'int32' ? new Int32Array(n) : dtype === 'uint8' || dtype === 'bool' ? new Uint8Array(n) : new Float32Array(n);
  // Most tensors of a state dict are contiguous and already in our layout: one copy, not a read per element.
  if ((dtype === 'float32' || dtype === 'int32' || dtype === 'uint8') && little === HOST_LITTLE && contiguous(ref)) {
    new Uint8Array(values.buffer).set(data.subarray(ref.offset * width, (ref.offset + n) * width));
    return { dtype, shape: ref.shape, values };
  }
  const get = reader(new DataView(data.buffer, data.byteOffset, data.byteLength), dtype, little, what);
  // An odometer over the indices: `at` follows the strides, so any view (a transpose, a slice) reads right.
  const index = ref.shape.map(() => 0);
  let at = ref.offset;
  for (let i = 0; i < n; i++) {
    values[i] = get(at);
    for (let d = ref.shape.length - 1; d >= 0; d--) {
      const s = ref.stride[d] as number;
      at += s;
      if (++(index[d] as number) < (ref.shape[d] as number)) break;
      at -= s * (ref.shape[d] as number);
      index[d] = 0;
    }
  }
  return { dtype, shape: ref.shape, values };
}

const HOST_LITTLE = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

/** Row-major with no gaps: each stride is the product of the sizes after it (any stride for a size-1 dimension). */
function contiguous({ shape, stride }: TensorRef): boolean {
  let step = 1;
  for (let d = shape.length - 1; d >= 0; d--) {
    if (shape[d] !== 1 && stride[d] !== step) return false;
    step *= shape[d] as number;
  }
  return true;
}

/** Element `i` of a storage as a number: floats exactly (float64 rounds on storing into float32), int64 refused past ±2^53. */
function reader(view: DataView, dtype: PthDtype, little: boolean, what: string): (i: number) => number {
  const word = new DataView(new ArrayBuffer(4));
  switch (dtype) {
    case 'float32': return (i) => view.getFloat32(4 * i, little);
    case 'float16': return (i) => halfToFloat(view.getUint16(2 * i, little));
    case 'bfloat16': return (i) => {
      // bfloat16 is float32's top half.
      word.setUint32(0, view.getUint16(2 * i, little) << 16);
      return word.getFloat32(0);
    };
    case 'float64': return (i) => view.getFloat64(8 * i, little);
    case 'int64': return (i) => {
      const [lo, hi] = little ? [view.getUint32(8 * i, true), view.getInt32(8 * i + 4, true)] : [view.getUint32(8 * i + 4, false), view.getInt32(8 * i, false)];
      const v = hi * 2 ** 32 + lo;
      if (!Number.isSafeInteger(v)) throw new PthError(`${what}: an int64 value past ±2^53 at storage element ${i}`);
      return v;
    };
    case 'int32': return (i) => view.getInt32(4 * i, little);
    case 'uint8': return (i) => view.getUint8(i);
    case 'bool': return (i) => (view.getUint8(i) ? 1 : 0);
  }
}
