// The GPU kit end to end (issue 21, point 4): built as `npm run gpu-kit`
// builds it, within its size limit, and run here on a software Vulkan driver
// (Mesa's lavapipe: .ci/run installs it) as on a machine with a GPU; without
// an adapter it stops, saying so, with a non-zero exit.
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { makeKit, MAX_KIT_BYTES } from '../../scripts/gpu-kit';
import { startNodeWebGpu } from '../../src/train/webgpu-node';

const run = promisify(execFile);
const adapter = await startNodeWebGpu().then(() => null, (e: unknown) => (e instanceof Error ? e.message : String(e)));
const root = mkdtempSync(join(tmpdir(), 'gpu-kit-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
const kit = await makeKit(join(root, 'kit'));

describe('the GPU kit', () => {
  it(`is one folder of at most ${MAX_KIT_BYTES / 2 ** 20} MiB`, () => {
    expect(kit.bytes).toBeLessThanOrEqual(MAX_KIT_BYTES);
  });

  it.skipIf(adapter !== null)(`measures WebGPU training through Dawn and writes one JSON (${adapter ?? 'an adapter is here'})`, async () => {
    const out = join(root, 'results.json');
    const { stderr } = await run(join(kit.dir, 'run.sh'), [out, '--models', 'resnet20:8', '--steps', '1', '--warmup', '0', '--conv-nets', 'none'], { timeout: 240_000, env: { ...process.env, PYTHON: '/usr/bin/python3' } });
    expect(stderr).toContain('gpu-kit: wrote');
    type Row = { model: string; batch: number; msPerStep: number; dispatchesPerStep: number };
    const results = JSON.parse(readFileSync(out, 'utf8')) as { adapter: string; webgpu: Row[]; baseline: Row[]; torch: ({ skipped: string } | { msPerStep: number })[] };
    expect(results.adapter).toMatch(/adapter/);
    expect(results.webgpu).toHaveLength(1);
    expect(results.webgpu[0]).toMatchObject({ model: 'resnet20', batch: 8 });
    expect(results.webgpu[0]!.msPerStep).toBeGreaterThan(0);
    expect(results.webgpu[0]!.dispatchesPerStep).toBeGreaterThan(100);
    expect(results.webgpu[0]!.dispatchesPerStep).toBeLessThanOrEqual(500);
    // The same step with TF.js's ops alone: what our kernels save, measured on the kit's GPU.
    expect(results.baseline[0]).toMatchObject({ model: 'resnet20', batch: 8 });
    expect(results.baseline[0]!.dispatchesPerStep).toBeGreaterThan(1400);
    // This machine's PyTorch has no CUDA: said, not measured.
    expect(results.torch).toHaveLength(1);
    expect(results.torch[0]).toHaveProperty('skipped', expect.stringMatching(/^PyTorch CUDA did not run: /));
  });

  it('stops with a clear message and a non-zero exit where Vulkan offers no adapter', async () => {
    const failed = await run(join(kit.dir, 'run.sh'), [join(root, 'none.json')], { timeout: 120_000, env: { ...process.env, VK_ICD_FILENAMES: '/nonexistent/icd.json', VK_DRIVER_FILES: '/nonexistent/icd.json' } }).then(
      () => null,
      (e: { code: number; stderr: string }) => e,
    );
    expect(failed?.code).toBe(3);
    expect(failed?.stderr).toContain('gpu-kit: no WebGPU adapter');
  });
});
