// The .pth reader on hand-built pickles and zips, so that its refusals are
// covered where torch is missing (pth.torch.test.ts checks it against
// torch.save itself): values through strides and dtypes, deflated entries,
// big-endian storages, every refusal with its message, and mutated files
// that must fail with PthError only.
import fc from 'fast-check';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { zip, type ZipFile } from '../testing/zip';
import { unpickle } from './pickle';
import { PthError, readPth } from './pth';

const enc = new TextEncoder();
const c = (s: string) => s.charCodeAt(0);
const u32 = (n: number) => [n & 255, (n >>> 8) & 255, (n >>> 16) & 255, n >>> 24];

/** Pickle opcodes as torch.save writes them (protocol 2). */
const op = {
  proto: (n: number) => [0x80, n],
  global: (m: string, n: string) => [c('c'), ...enc.encode(`${m}\n${n}\n`)],
  str: (s: string) => [c('X'), ...u32(enc.encode(s).length), ...enc.encode(s)],
  int: (n: number) => (n < 256 ? [c('K'), n] : [c('J'), ...u32(n)]),
  mark: [c('(')], tuple: [c('t')], emptyTuple: [c(')')], reduce: [c('R')], setitems: [c('u')], stop: [c('.')],
  persid: [c('Q')], false: [0x89], put: (i: number) => [c('q'), i], get: (i: number) => [c('h'), i],
};
const pickle = (...parts: number[][]) => Uint8Array.from(parts.flat());
const orderedDict = [...op.global('collections', 'OrderedDict'), ...op.emptyTuple, ...op.reduce];

/** One `key: _rebuild_tensor_v2(...)` item of a state dict. */
function tensor(key: string, type: string, storage: string, numel: number, offset: number, size: number[], stride: number[]): number[] {
  return [
    ...op.str(key), ...op.global('torch._utils', '_rebuild_tensor_v2'), ...op.mark,
    ...op.mark, ...op.str('storage'), ...op.global('torch', type), ...op.str(storage), ...op.str('cpu'), ...op.int(numel), ...op.tuple, ...op.persid,
    ...op.int(offset), ...op.mark, ...size.flatMap(op.int), ...op.tuple, ...op.mark, ...stride.flatMap(op.int), ...op.tuple,
    ...op.false, ...orderedDict, ...op.tuple, ...op.reduce,
  ];
}

const stateDict = (...items: number[][]) => pickle(op.proto(2), orderedDict, op.mark, ...items, op.setitems, op.stop);

function f32(values: number[], little = true): Uint8Array {
  const b = new Uint8Array(4 * values.length);
  values.forEach((v, i) => new DataView(b.buffer).setFloat32(4 * i, v, little));
  return b;
}

/** A .pth: data.pkl, the storages by key, a version record, and `extra` entries. */
const pth = (pkl: Uint8Array, storages: Record<string, Uint8Array>, extra: ZipFile[] = [], deflate = false) =>
  zip([{ name: 'a/data.pkl', data: pkl, deflate }, ...Object.entries(storages).map(([k, data]) => ({ name: `a/data/${k}`, data, deflate })), { name: 'a/version', data: enc.encode('3\n') }, ...extra]);

// A 2x3 weight, its transpose viewing the same storage, a slice from offset 2, an int64 scalar, float16.
const SIX = [1.5, -2, 3.25, 0, -0, 1e-3];
const half = Uint8Array.from([0x00, 0x3c, 0x00, 0xc0, 0x01, 0x00]); // 1, -2, 2^-24
const long = new Uint8Array(8);
new DataView(long.buffer).setBigInt64(0, 2n ** 40n + 7n, true);
const GOOD_PKL = stateDict(
  tensor('w', 'FloatStorage', '0', 6, 0, [2, 3], [3, 1]),
  tensor('wT', 'FloatStorage', '0', 6, 0, [3, 2], [1, 3]),
  tensor('tail', 'FloatStorage', '0', 6, 2, [4], [1]),
  tensor('bn.num_batches_tracked', 'LongStorage', '1', 1, 0, [], []),
  tensor('h', 'HalfStorage', '2', 3, 0, [3], [1]),
);
const GOOD = { '0': f32(SIX), '1': long, '2': half };

/** `p` must reject with a PthError; -> its message. */
async function refused(p: Promise<unknown>): Promise<string> {
  const e = await p.then(() => null, (err: unknown) => err);
  expect(e).toBeInstanceOf(PthError);
  return (e as PthError).message;
}

afterEach(() => {
  vi.unstubAllGlobals();
});

describe('readPth on hand-built files', () => {
  it('reads dtypes, shapes and views through offset and strides, in the file order', async () => {
    for (const deflate of [false, true]) {
      const { tensors, problems } = await readPth(pth(GOOD_PKL, GOOD, [], deflate), 'good.pth');
      expect(problems).toEqual([]);
      expect([...tensors.keys()]).toEqual(['w', 'wT', 'tail', 'bn.num_batches_tracked', 'h']);
      expect(tensors.get('w')).toEqual({ dtype: 'float32', shape: [2, 3], values: Float32Array.from(SIX) });
      expect(Array.from(tensors.get('wT')?.values ?? [])).toEqual([1.5, 0, -2, -0, 3.25, 1e-3].map(Math.fround));
      expect(Array.from(tensors.get('tail')?.values ?? [])).toEqual([3.25, 0, -0, 1e-3].map(Math.fround));
      expect(tensors.get('bn.num_batches_tracked')).toEqual({ dtype: 'int64', shape: [], values: Float64Array.from([2 ** 40 + 7]) });
      expect(tensors.get('h')).toEqual({ dtype: 'float16', shape: [3], values: Float32Array.from([1, -2, 2 ** -24]) });
    }
  });

  it('reads big-endian storages when byteorder says so', async () => {
    const pkl = stateDict(tensor('w', 'FloatStorage', '0', 6, 0, [2, 3], [3, 1]));
    const { tensors } = await readPth(pth(pkl, { '0': f32(SIX, false) }, [{ name: 'a/byteorder', data: enc.encode('big') }]), 'big.pth');
    expect(tensors.get('w')?.values).toEqual(Float32Array.from(SIX));
  });

  it('refuses a deflated entry, saying why, where raw deflate cannot be inflated', async () => {
    const deflated = pth(GOOD_PKL, GOOD, [], true);
    vi.stubGlobal('DecompressionStream', class {
      constructor(format: string) {
        // As older browsers do: gzip and deflate, not deflate-raw.
        if (format === 'deflate-raw') throw new TypeError(`Unsupported compression format: '${format}'`);
      }
    });
    expect(await refused(readPth(deflated, 'd.pth'))).toBe("d.pth: a/data.pkl is deflated and this environment cannot inflate raw deflate (no DecompressionStream('deflate-raw')); save it again with torch.save, which stores entries uncompressed");
    vi.stubGlobal('DecompressionStream', undefined);
    expect(await refused(readPth(deflated, 'd.pth'))).toMatch(/^d\.pth: a\/data\.pkl is deflated and this environment cannot inflate/);
  });

  it('refuses a deflated entry that inflates past its declared size, or not at all', async () => {
    const deflated = pth(GOOD_PKL, GOOD, [], true);
    const view = new DataView(deflated.buffer);
    const cd = view.getUint32(deflated.length - 6, true);
    const bomb = deflated.slice();
    new DataView(bomb.buffer).setUint32(cd + 24, 10, true);
    expect(await refused(readPth(bomb, 'd.pth'))).toBe('d.pth: a/data.pkl inflates to more than the 10 bytes its directory entry says');
    const junk = deflated.slice();
    junk.fill(0xff, 40, 48);
    expect(await refused(readPth(junk, 'd.pth'))).toMatch(/^d\.pth: a\/data\.pkl: inflating failed \(.*\); the file is corrupt$/);
  });

  it('keeps going past values that are not tensors, and says so', async () => {
    const pkl = stateDict(tensor('w', 'FloatStorage', '0', 6, 0, [6], [1]), op.str('epoch'), op.int(3));
    const { tensors, problems } = await readPth(pth(pkl, { '0': f32(SIX) }), 'ckpt.pth');
    expect([...tensors.keys()]).toEqual(['w']);
    expect(problems).toEqual(['ckpt.pth: skipped epoch: a number, not a tensor']);
  });

  it('refuses a global outside the list by name, before anything else', async () => {
    // os.system as Python's pickle writes it (protocol 2); a storage key that is missing comes after it.
    const evil = pickle(op.proto(2), op.global('posix', 'system'), op.str('true'), [0x85], op.reduce, op.stop);
    expect(await refused(readPth(pth(evil, {}), 'evil.pth'))).toBe('evil.pth: a/data.pkl: refused: the pickle names posix.system; a state dict needs only collections.OrderedDict, torch._utils._rebuild_tensor_v2, torch._utils._rebuild_parameter and torch\'s storage types (torch.FloatStorage, ...)');
    const late = stateDict(tensor('w', 'FloatStorage', 'missing', 6, 0, [6], [1]), op.str('x'), op.global('__builtin__', 'eval'), op.str('1'), [0x85], op.reduce);
    expect(await refused(readPth(pth(late, {}), 'late.pth'))).toMatch(/refused: the pickle names __builtin__\.eval;/);
    const model = pickle(op.proto(2), op.global('torchvision.models.resnet', 'ResNet'), op.stop);
    expect(await refused(readPth(pth(model, {}), 'model.pth'))).toMatch(/names torchvision\.models\.resnet\.ResNet; .* Save model\.state_dict\(\) instead$/);
  });

  it('refuses STACK_GLOBAL names (protocol 4) by name, literal or memoized', () => {
    const rules = { allow: ['collections.OrderedDict'], explain: () => 'no' };
    const short = (s: string) => [0x8c, s.length, ...enc.encode(s)];
    const literal = pickle(op.proto(4), short('builtins'), [0x94], short('eval'), [0x94], [0x93], op.stop);
    expect(() => unpickle(literal, rules, 'p')).toThrow('p: refused: the pickle names builtins.eval; no');
    // Names fetched from the memo, as a pickler that memoizes strings writes them.
    const fetched = pickle(op.proto(2), op.str('posix'), op.put(0), op.str('system'), op.put(1), op.get(0), op.get(1), [0x93], op.stop);
    expect(() => unpickle(fetched, rules, 'p')).toThrow('p: refused: the pickle names posix.system; no');
  });

  it('names the problem in a broken pickle', () => {
    const rules = { allow: ['collections.OrderedDict'], explain: () => '' };
    const cases: [number[][], RegExp][] = [
      [[op.proto(2), [c('i')], op.stop], /^p: unknown opcode 0x69 at byte 2;/],
      [[op.proto(2), op.str('x')], /^p: truncated: the pickle ends without STOP$/],
      [[op.proto(2), [c('X'), 9, 0, 0, 0, 65]], /^p: truncated: BINUNICODE at byte 2 needs 9 bytes where 1 are left$/],
      [[op.proto(2), [c('c'), 65, 10, 66]], /^p: truncated: GLOBAL at byte 2 has no end of line$/],
      [[op.proto(2), op.get(7), op.stop], /^p: memo 7 was never stored at byte 2;/],
      [[op.proto(2), op.str('f'), op.emptyTuple, op.reduce, op.stop], /^p: REDUCE of something that is not a global at byte 9;/],
      [[op.proto(2), [0x8a, 8, 0, 0, 0, 0, 0, 0, 0x20, 0], op.stop], /^p: LONG1 at byte 2: the integer 9007199254740992 is past ±2\^53$/],
      [[op.proto(2), op.mark, op.stop], /^p: a MARK where a value was expected at byte 3;/],
      [[op.proto(2), op.stop], /^p: the stack is empty at byte 2;/],
      [[op.proto(2), [c('X'), 1, 0, 0, 0, 0xff], op.stop], /^p: BINUNICODE at byte 2 is not UTF-8$/],
      [[op.proto(2), [c('}')], [c('}')], [c('}')], [c('s')], op.stop], /^p: a dict key that is not a string or number at byte 5;/],
    ];
    for (const [parts, message] of cases) expect(() => unpickle(pickle(...parts), rules, 'p'), String(message)).toThrow(message);
  });

  it('names the file and the problem for a broken container or tensor', async () => {
    const good = pth(GOOD_PKL, GOOD);
    const missing = stateDict(tensor('w', 'FloatStorage', '9', 6, 0, [6], [1]));
    const past = stateDict(tensor('w', 'FloatStorage', '0', 6, 2, [2, 3], [3, 1]));
    const short = stateDict(tensor('w', 'FloatStorage', '0', 7, 0, [6], [1]));
    const crc = good.slice();
    crc[70] = (crc[70] as number) ^ 1; // inside a/data.pkl, whose bytes start at 40 (a 30-byte header and its name)
    const cases: [Uint8Array, string | RegExp][] = [
      [good.subarray(0, good.length >> 1), 'f.pth: truncated: it starts like a zip archive but its end (the central directory) is missing'],
      [good.subarray(0, 10), 'f.pth: 10 bytes, too short for a zip archive'],
      [Uint8Array.from([0x80, 2, 0x8a, 10, ...new Array(30).fill(0)]), /not a zip archive .*legacy format from before PyTorch 1\.6/],
      [zip([{ name: 'a/version', data: enc.encode('3') }]), 'f.pth: no <archive>/data.pkl in the zip (it holds a/version); not a torch.save file'],
      [pth(missing, {}), 'f.pth: w: its storage "9" (a/data/9) is not in the zip'],
      [pth(past, { '0': f32(SIX) }), 'f.pth: w: size [2, 3], stride [3, 1] from offset 2 extends past its storage of 6 elements'],
      [pth(short, { '0': f32(SIX) }), 'f.pth: w: storage 0 holds 24 bytes, its record says 7 float32 (28 bytes)'],
      [crc, /^f\.pth: a\/data\.pkl: CRC-32 [0-9a-f]{8} where the directory says [0-9a-f]{8}; the file is corrupt$/],
      [pth(GOOD_PKL, GOOD, [{ name: 'a/byteorder', data: enc.encode('middle') }]), 'f.pth: byteorder "middle", neither little nor big'],
    ];
    for (const [bytes, message] of cases) expect(await refused(readPth(bytes, 'f.pth')), String(message)).toMatch(message);
  });

  it('checks every offset in the directory against the file', async () => {
    const good = pth(GOOD_PKL, GOOD);
    const view = (b: Uint8Array) => new DataView(b.buffer, b.byteOffset, b.byteLength);
    const cd = view(good).getUint32(good.length - 6, true);
    const edit = (at: number, value: number, bits: 16 | 32 = 32) => {
      const b = good.slice();
      if (bits === 32) view(b).setUint32(at, value, true);
      else view(b).setUint16(at, value, true);
      return b;
    };
    const cases: [Uint8Array, string | RegExp][] = [
      [edit(cd + 42, good.length + 100), `f.pth: a/data.pkl: its local header offset ${good.length + 100} lies outside the file (${good.length} bytes)`],
      [edit(cd + 20, good.length), /^f\.pth: a\/data\.pkl: its \d+ bytes at 40 run past the end of the entries/],
      [edit(good.length - 6, good.length), /^f\.pth: the central directory \(\d+ bytes at \d+\) runs past its end record/],
      [edit(good.length - 12, 0xffff, 16), 'f.pth: a zip64 archive (over 4 GB or 65,535 entries); not supported'],
      [edit(cd + 10, 12, 16), 'f.pth: a/data.pkl uses compression method 12; only stored (0) and deflate (8) are read'],
      [edit(cd, 0), /^f\.pth: central directory entry 0 at \d+ has no signature/],
      [edit(0, 0), 'f.pth: a/data.pkl: no local header at 0; the file is corrupt'],
    ];
    for (const [bytes, message] of cases) expect(await refused(readPth(bytes, 'f.pth')), String(message)).toMatch(message);
  });

  // A mutated file must fail as a PthError (or read, if the change was harmless): never a TypeError or RangeError.
  it('mutated files throw only PthError (fast-check, 200 runs each)', async () => {
    const mutation = (n: number) => fc.array(fc.tuple(fc.nat({ max: n - 1 }), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 3 });
    const survives = async (bytes: Uint8Array) => {
      const e = await readPth(bytes, 'm.pth').then(() => null, (err: unknown) => err);
      return e === null || e instanceof PthError;
    };
    const apply = (b: Uint8Array, edits: [number, number][]) => {
      const out = b.slice();
      for (const [at, v] of edits) out[at] = v;
      return out;
    };
    // The pickle mutated and zipped again with a right CRC, so the changes reach the unpickler and the tensors.
    await fc.assert(fc.asyncProperty(mutation(GOOD_PKL.length), async (edits) => survives(pth(apply(GOOD_PKL, edits), GOOD))), { numRuns: 200, seed: 1 });
    const file = pth(GOOD_PKL, GOOD);
    const cut = fc.oneof(fc.constant(file.length), fc.nat({ max: file.length }));
    await fc.assert(fc.asyncProperty(mutation(file.length), cut, async (edits, end) => survives(apply(file, edits).subarray(0, end))), { numRuns: 200, seed: 2 });
  });
});
