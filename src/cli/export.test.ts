// `playground export pytorch`: the four files for a link or a run file, the
// weights under PyTorch's names (the engine's seeded start, or a given file
// loaded as the engine loads it), and each bad input refused by name.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { configFromPreset } from '../config/presets';
import { decodeSafetensors } from '../data/safetensors';
import { toRunFile } from '../share/runfile';
import { decode, encode } from '../share/url';
import type { Flags } from './args';
import { exportCommand } from './export';

const QUERY = 'v=1&n=1&width=4&data=cifar10&crop=on&flip=on';
const flags = (entries: Record<string, string>): Flags => new Map(Object.entries(entries));
const dir = () => mkdtempSync(join(tmpdir(), 'export-'));

async function exported(entries: Record<string, string>): Promise<{ out: string; logged: string }> {
  const out = entries.out ?? dir();
  const log = vi.spyOn(console, 'log').mockImplementation(() => {});
  try {
    expect(await exportCommand(['pytorch'], flags({ ...entries, out }))).toBe(0);
    return { out, logged: log.mock.calls.map((c) => String(c[0])).join('\n') };
  } finally {
    log.mockRestore();
  }
}

describe('playground export pytorch', () => {
  it('--config QUERY writes train.py, weights.safetensors (akamaster names, BN counts), config.json and README.md', async () => {
    const { out, logged } = await exported({ config: QUERY });
    expect(logged).toMatch(/train\.py .* bytes/);
    expect(logged).toContain('the seeded initial weights (seed 1); akamaster names');
    expect(readFileSync(join(out, 'train.py'), 'utf8')).toContain("('stage1.block0.conv1', 'layer1.0.conv1.weight'),");
    expect(JSON.parse(readFileSync(join(out, 'config.json'), 'utf8'))).toEqual(decode(QUERY).config);
    expect(readFileSync(join(out, 'README.md'), 'utf8')).toContain('python3 train.py --data DATA --weights weights.safetensors --device cpu');
    const { tensors, metadata } = decodeSafetensors(new Uint8Array(readFileSync(join(out, 'weights.safetensors'))));
    expect(metadata.naming).toBe('akamaster');
    expect([...tensors.keys()]).toEqual(expect.arrayContaining(['conv1.weight', 'bn1.running_var', 'bn1.num_batches_tracked', 'layer3.0.conv2.weight', 'linear.weight', 'linear.bias']));
    expect(tensors.get('conv1.weight')?.shape).toEqual([4, 3, 3, 3]);
    expect(tensors.get('bn1.num_batches_tracked')?.dtype).toBe('I64');
  }, 20_000);

  it('the whole link, and a run file, give the same config; --weights of the exported file gives the same weights back', async () => {
    const first = await exported({ config: `https://example.org/playground/?${QUERY}` });
    const config = decode(QUERY).config;
    const runFile = join(dir(), 'run.json');
    writeFileSync(runFile, toRunFile({ id: 'r1', name: 'a run', createdAt: 0, config, outcome: 'finished', kernelNames: [], backend: 'wasm', steps: [], epochs: [] }));
    const second = await exported({ run: runFile, weights: join(first.out, 'weights.safetensors') });
    expect(second.logged).toContain('(akamaster names)');
    expect(readFileSync(join(second.out, 'config.json'), 'utf8')).toBe(readFileSync(join(first.out, 'config.json'), 'utf8'));
    expect(readFileSync(join(second.out, 'train.py'), 'utf8')).toContain('from the run file');
    const weights = (o: string) => decodeSafetensors(new Uint8Array(readFileSync(join(o, 'weights.safetensors')))).tensors;
    const [a, b] = [weights(first.out), weights(second.out)];
    expect([...b.keys()]).toEqual([...a.keys()]);
    for (const [k, t] of a) expect(b.get(k)?.values, k).toEqual(t.values);
  }, 20_000);

  it('timm names for ResNet-D; --naming picks among the net\'s namings', async () => {
    const q = encode({ ...configFromPreset('resnet50d'), model: { ...configFromPreset('resnet50d').model, stageBlocks: [1, 1], baseWidth: 8 } });
    const { logged, out } = await exported({ config: q });
    expect(logged).toContain('timm names');
    expect(readFileSync(join(out, 'train.py'), 'utf8')).toContain("'conv1.3.weight'");
    await expect(exportCommand(['pytorch'], flags({ config: q, out, naming: 'akamaster' }))).rejects.toThrow('--naming for resnet nets is torchvision or timm, got akamaster');
  }, 20_000);

  it('refuses bad input by name', async () => {
    const out = dir();
    const run = (positional: string[], entries: Record<string, string>) => exportCommand(positional, flags(entries));
    await expect(run([], { config: QUERY, out })).rejects.toThrow('export needs a target: pytorch');
    await expect(run(['onnx'], { config: QUERY, out })).rejects.toThrow('export needs a target: pytorch; got onnx');
    await expect(run(['pytorch'], { out })).rejects.toThrow('needs one of --config QUERY or --run FILE');
    await expect(run(['pytorch'], { config: QUERY, run: 'x.json', out })).rejects.toThrow('needs one of --config QUERY or --run FILE');
    await expect(run(['pytorch'], { config: QUERY })).rejects.toThrow('needs --out DIR');
    await expect(run(['pytorch'], { config: 'v=1&family=efficientnet&bn=off', out })).rejects.toThrow("export to PyTorch: EfficientNet without batch norm has no torchvision names");
    await expect(run(['pytorch'], { config: 'v=1&family=alexnet&input=64', out })).rejects.toThrow("export to PyTorch: a resize layer has no place in torchvision's alexnet");
    await expect(run(['pytorch'], { config: 'v=1&n=banana', out })).rejects.toThrow(/--config: model\.blocksPerStage: /);
    await expect(run(['pytorch'], { config: 'v=1&weights=torchvision%2Fresnet50', out })).rejects.toThrow('the run starts from torchvision/resnet50 (train.initWeights); give those weights');
    await expect(run(['pytorch'], { run: join(out, 'none.json'), out })).rejects.toThrow('no such file');
    await expect(run(['pytorch'], { config: QUERY, out, optimizer: join(out, 'o.safetensors') })).rejects.toThrow('--optimizer goes with the weights it was saved with: give --weights FILE too');
  });
});
