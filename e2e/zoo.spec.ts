// The zoo's own operations on the GPU backends (SwiftShader here): ResNeXt's
// grouped convolution, the hybrid's attention and layer norm, EfficientNet's
// depthwise convolutions and squeeze-excitation. Each net is its preset's
// shape shrunk to train a couple of steps in seconds; the unit tests
// (src/model/presets.test.ts) check every full-size preset on the CPU.
import { expect, test } from '@playwright/test';
import { Playground } from './pages/playground';

const NETS = {
  resnext: 'family=resnet&blocks=1-1&width=8&block=bottleneck&groups=4&groupwidth=32&stem=cifar&shortcut=B',
  hybrid: 'family=resnet&blocks=1-1&width=8&block=basic&stem=cifar&shortcut=B&tlayers=1&twidth=16&heads=2&mlpratio=2',
  efficientnet: 'family=efficientnet&widen=0.25&deepen=0.25',
} as const;

// EfficientNet compiles many shaders of its own: WebGL spends minutes of
// SwiftShader time on them, so it runs on WebGPU only.
const RUNS = [
  ...(['webgpu', 'webgl'] as const).flatMap((backend) => (['resnext', 'hybrid'] as const).map((net) => ({ backend, net }))),
  { backend: 'webgpu', net: 'efficientnet' },
] as const;

for (const { backend, net } of RUNS) {
  test(`${net} trains on ${backend}`, async ({ page }) => {
    const app = new Playground(page);
    await app.open(`${NETS[net]}&backend=${backend}&batch=4&subset=8&test=4&epochs=1`);
    await app.run.train.click();
    await app.run.waitForStatus('done');
    await expect(app.stats.value('backend')).toHaveText(backend);
    expect(await app.run.steps()).toBe(2);
    await expect(app.stats.value('loss')).toHaveText(/^\d+\.\d{4}$/);
    await expect(app.stats.value('testAcc')).toHaveText(/^\d\.\d{4}$/);
    expect(app.errors).toEqual([]);
  });
}
