// The .pth reader against torch.save itself (Debian's torch 1.13): a seeded
// torchvision resnet18 state dict and a small dict of every dtype and view
// kind, read bit for bit equal to the float32 (or int64) values Python dumps;
// the same file as protocol 4, deflated, and big-endian; hostile pickles
// (os.system, eval) refused by name without running; broken files named.
// Skipped, with the reason printed, where torch is missing.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PYTHON, torchMissing } from '../testing/torch';
import { zip } from '../testing/zip';
import { PthError, readPth, type PthTensor } from './pth';
import { readZipDirectory, readZipEntry } from './zip';

// Writes the files and, per file, <name>.json (key, dtype, shape) and <name>.raw (the values, float32 or int64, little-endian).
const SCRIPT = String.raw`
import collections, json, os, pickle, struct, sys, zipfile
import numpy as np, torch, torchvision
out = sys.argv[1]
p = lambda name: os.path.join(out, name)

def dump(sd, name):
    meta, raw = [], []
    for k, t in sd.items():
        t = t.detach()
        v = t.numpy().astype('<i8') if t.dtype == torch.int64 else t.float().numpy().astype('<f4')
        raw.append(np.ascontiguousarray(v).tobytes())
        meta.append({'key': k, 'dtype': str(t.dtype)[6:], 'shape': list(t.shape)})
    json.dump(meta, open(p(name + '.json'), 'w'))
    open(p(name + '.raw'), 'wb').write(b''.join(raw))

torch.manual_seed(0)
r18 = torchvision.models.resnet18(weights=None).state_dict()
torch.save(r18, p('resnet18.pth'))
dump(r18, 'resnet18')

base = torch.randn(4, 6)
small = collections.OrderedDict()
small['f16'] = torch.randn(3, 4).half()
small['bf16'] = torch.randn(5).bfloat16()
small['f64'] = torch.randn(2, 3, dtype=torch.float64)
small['i64'] = torch.tensor([1, -2, 2**40, -(2**53 - 1)])
small['t'] = base.t()
small['slice'] = base[1:3, 2:5]
small['permuted'] = torch.randn(2, 3, 4, 5).permute(0, 2, 3, 1)
small['channels_last'] = torch.randn(2, 3, 4, 5).contiguous(memory_format=torch.channels_last)
small['expanded'] = torch.randn(3, 1).expand(3, 4)
small['scalar'] = torch.tensor(3.5)
small['empty'] = torch.zeros(0, 3)
small['param'] = torch.nn.Parameter(torch.randn(2, 2))
small['bn.num_batches_tracked'] = torch.tensor(7)
torch.save(small, p('small.pt'), _use_new_zipfile_serialization=True)
torch.save(small, p('small4.pt'), pickle_protocol=4)
torch.save(small, p('legacy.pt'), _use_new_zipfile_serialization=False)
dump(small, 'small')

z = zipfile.ZipFile(p('small.pt'))
with zipfile.ZipFile(p('deflated.pt'), 'w', zipfile.ZIP_DEFLATED) as d:
    for n in z.namelist(): d.writestr(n, z.read(n))

# Big-endian: the storages byte-swapped per element, and a byteorder record saying so.
widths = {}
class Widths(pickle.Unpickler):
    def persistent_load(self, pid):
        widths[pid[2]] = pid[1]().element_size()
        return pid[1](pid[4])
Widths(z.open('small/data.pkl')).load()
with zipfile.ZipFile(p('big.pt'), 'w') as b:
    for n in z.namelist():
        data, key = z.read(n), n.rsplit('/', 1)[-1]
        if n.startswith('small/data/') and widths[key] > 1:
            data = np.frombuffer(data, dtype='<u%d' % widths[key]).byteswap().tobytes()
        b.writestr(n, data)
    b.writestr('small/byteorder', 'big')

# data.pkl's directory entry (torch writes it first) pointing past the end.
f = bytearray(open(p('small.pt'), 'rb').read())
at = f.find(b'PK\x01\x02')
assert f[at + 46:at + 46 + 14] == b'small/data.pkl'
struct.pack_into('<I', f, at + 42, len(f) + 1000)
open(p('pastend.pt'), 'wb').write(f)

# Hostile pickles, pickled and never loaded: each would touch a file if it ran.
class System:
    def __reduce__(self): return (os.system, ('touch ' + p('ran-system'),))
class Eval:
    def __reduce__(self): return (eval, ("open(%r, 'w')" % p('ran-eval'),))
for name, obj, proto in [('system', System(), 2), ('eval', Eval(), 4)]:
    with zipfile.ZipFile(p(name + '.pth'), 'w') as e:
        e.writestr('archive/data.pkl', pickle.dumps(obj, protocol=proto))
        e.writestr('archive/version', '3\n')
`;

let dir = '';
const file = (name: string) => new Uint8Array(readFileSync(join(dir, name)));

/** Python's dump of `name`: key -> dtype, shape and values (float32 or int64). */
function expected(name: string): Map<string, { dtype: string; shape: number[]; values: Float32Array | BigInt64Array }> {
  const meta = JSON.parse(readFileSync(join(dir, `${name}.json`), 'utf8')) as { key: string; dtype: string; shape: number[] }[];
  const raw = file(`${name}.raw`);
  const out = new Map<string, { dtype: string; shape: number[]; values: Float32Array | BigInt64Array }>();
  let at = 0;
  for (const m of meta) {
    const n = m.shape.reduce((a, b) => a * b, 1);
    const width = m.dtype === 'int64' ? 8 : 4;
    const bytes = raw.slice(at, at + n * width).buffer;
    out.set(m.key, { ...m, values: width === 8 ? new BigInt64Array(bytes) : new Float32Array(bytes) });
    at += n * width;
  }
  return out;
}

/** Same keys in the same order, dtypes, shapes, and values bit for bit (-0 and all). */
function expectSame(got: Map<string, PthTensor>, want: ReturnType<typeof expected>): void {
  expect([...got.keys()]).toEqual([...want.keys()]);
  for (const [key, w] of want) {
    const g = got.get(key) as PthTensor;
    expect([g.dtype, g.shape], key).toEqual([w.dtype, w.shape]);
    if (w.values instanceof BigInt64Array) expect(Array.from(g.values), key).toEqual(Array.from(w.values, Number));
    else {
      expect(g.values, key).toBeInstanceOf(Float32Array);
      // A loop, not toEqual: resnet18 has 11.7M values, too many for a deep comparison to be quick.
      const [a, b] = [g.values, w.values].map((v) => new Uint32Array(v.buffer, v.byteOffset, v.length)) as [Uint32Array, Uint32Array];
      let first = -1;
      for (let i = 0; i < b.length && first < 0; i++) if (a[i] !== b[i]) first = i;
      expect(first < 0 ? 'equal' : `differs first at ${first}: ${g.values[first]} vs ${w.values[first]}`, key).toBe('equal');
      expect(a.length, key).toBe(b.length);
    }
  }
}

/** `p` must reject with a PthError; -> its message. */
async function refused(p: Promise<unknown>): Promise<string> {
  const e = await p.then(() => null, (err: unknown) => err);
  expect(e).toBeInstanceOf(PthError);
  return (e as PthError).message;
}

describe.skipIf(torchMissing() !== null)('readPth against torch.save (torch 1.13)', () => {
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'pth-'));
    writeFileSync(join(dir, 'make.py'), SCRIPT);
    const r = spawnSync(PYTHON, [join(dir, 'make.py'), dir], { encoding: 'utf8', env: { ...process.env, OMP_NUM_THREADS: '1' } });
    expect(r.status, r.stderr).toBe(0);
  }, 120_000);
  afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('a seeded torchvision resnet18 state dict, bit for bit', async () => {
    const { tensors, problems } = await readPth(file('resnet18.pth'), 'resnet18.pth');
    expect(problems).toEqual([]);
    expect(tensors.size).toBe(122);
    expect(tensors.get('conv1.weight')?.shape).toEqual([64, 3, 7, 7]);
    expect(tensors.get('bn1.num_batches_tracked')).toEqual({ dtype: 'int64', shape: [], values: Float64Array.from([0]) });
    expectSame(tensors, expected('resnet18'));
  }, 60_000);

  it('every dtype and view kind, saved as protocol 2 and 4, deflated and big-endian', async () => {
    const want = expected('small');
    expect([...want.values()].map((t) => t.dtype)).toEqual(['float16', 'bfloat16', 'float64', 'int64', ...Array<string>(8).fill('float32'), 'int64']);
    for (const name of ['small.pt', 'small4.pt', 'deflated.pt', 'big.pt']) {
      const { tensors, problems } = await readPth(file(name), name);
      expect(problems, name).toEqual([]);
      expectSame(tensors, want);
    }
  });

  it('refuses os.system and eval by name, and runs neither', async () => {
    expect(await refused(readPth(file('system.pth'), 'system.pth'))).toMatch(/^system\.pth: archive\/data\.pkl: refused: the pickle names posix\.system; a state dict needs only collections\.OrderedDict/);
    expect(await refused(readPth(file('eval.pth'), 'eval.pth'))).toMatch(/^eval\.pth: archive\/data\.pkl: refused: the pickle names builtins\.eval;/);
    expect(existsSync(join(dir, 'ran-system')) || existsSync(join(dir, 'ran-eval'))).toBe(false);
  });

  it('names the file and the problem: legacy format, truncated, data.pkl past the end', async () => {
    expect(await refused(readPth(file('legacy.pt'), 'legacy.pt'))).toMatch(/^legacy\.pt: not a zip archive .*legacy format from before PyTorch 1\.6/);
    const whole = file('resnet18.pth');
    for (const end of [0, 100, whole.length >> 1, whole.length - 1]) {
      expect(await refused(readPth(whole.subarray(0, end), 'cut.pth'))).toMatch(/^cut\.pth: (truncated|\d+ bytes, too short)/);
    }
    expect(await refused(readPth(file('pastend.pt'), 'pastend.pt'))).toMatch(/^pastend\.pt: small\/data\.pkl: its local header offset \d+ lies outside the file \(\d+ bytes\)$/);
  });

  it('mutated bytes of torch.save files throw only PthError (fast-check, 200 runs each)', async () => {
    const small = file('small.pt');
    const survives = async (bytes: Uint8Array) => {
      const e = await readPth(bytes, 'm.pt').then(() => null, (err: unknown) => err);
      return e === null || e instanceof PthError;
    };
    const edits = (n: number) => fc.array(fc.tuple(fc.nat({ max: n - 1 }), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 3 });
    const apply = (b: Uint8Array, list: [number, number][]) => {
      const out = b.slice();
      for (const [at, v] of list) out[at] = v;
      return out;
    };
    await fc.assert(fc.asyncProperty(edits(small.length), async (list) => survives(apply(small, list))), { numRuns: 200, seed: 3 });
    // torch's data.pkl mutated and zipped again with a right CRC, so the changes reach the unpickler.
    const entries = readZipDirectory(small, 'small.pt');
    const files = await Promise.all([...entries.values()].map(async (e) => ({ name: e.name, data: await readZipEntry(small, e, 'small.pt') })));
    const pkl = files[0]?.data as Uint8Array;
    await fc.assert(fc.asyncProperty(edits(pkl.length), async (list) => survives(zip([{ name: 'small/data.pkl', data: apply(pkl, list) }, ...files.slice(1)]))), { numRuns: 200, seed: 4 });
  }, 60_000);
});
