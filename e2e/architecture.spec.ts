// The architecture view: totals and the stage table for the config being
// edited, and a config too big to train refused before anything runs.
import { expect, test } from '@playwright/test';
import { Playground } from './pages/playground';

test('shows the stage table, parameters and training memory of the chosen net', async ({ page }) => {
  const app = new Playground(page);
  await app.open();
  const arch = page.getByTestId('arch');
  // ResNet-20 for 28×28×1 MNIST: the CIFAR count (269,722) less the stem's 2 missing input channels (2 × 9 × 16).
  await expect(arch.getByTestId('arch.params')).toHaveText('269,434');
  const rows = arch.getByTestId('arch.stages').locator('tbody tr');
  await expect(rows.locator('th')).toHaveText(['stem', 'stage1', 'stage2', 'stage3', 'head']);
  await expect(rows.nth(2)).toContainText('14×14×32');
  const memoryAt32 = await arch.getByTestId('arch.memory').textContent();
  await app.control('batchSize').fill('128');
  await expect(arch.getByTestId('arch.memory')).not.toHaveText(memoryAt32 ?? '');
  await expect(arch.getByTestId('arch.top1')).toHaveCount(0);
  // The formula in MathML, and the block where the shape changes, from the layer tree.
  const math = arch.getByTestId('arch.formula').locator('math');
  await expect(math).toHaveCount(5);
  // Rendered as MathML, not as unknown HTML elements.
  expect(await math.first().evaluate((el) => el.namespaceURI)).toBe('http://www.w3.org/1998/Math/MathML');
  await expect(arch.getByTestId('arch.block.shortcut')).toContainText('identity, stride 2, channels zero-padded to 32 (option A: no parameters)');
  await app.control('preset').selectOption('resnet50');
  await expect(rows.locator('th')).toHaveText(['stem', 'stage1', 'stage2', 'stage3', 'stage4', 'head']);
  // The architecture's published ImageNet top-1 beside its parameters.
  await expect(arch.getByTestId('arch.top1')).toContainText("torchvision's resnet50");
  await expect(arch.getByTestId('arch.top1')).toContainText('76.13%');
  await expect(arch.getByTestId('arch.block.branch').locator('li').nth(3)).toHaveText('3×3 conv, 128 channels, stride 2');
  await expect(arch.getByTestId('arch.block.shortcut')).toContainText('1×1 conv, 512 channels, stride 2');
  // The stem as torchvision builds it: a 3×3 max-pool with stride 2, and stage 1 at 56×56 for a 224 input.
  await app.control('inputSize').fill('224');
  await expect(rows.nth(0)).toContainText('56×56×64');
  await expect(rows.nth(0)).toContainText('7×7 conv /2, 3×3 max-pool /2');
  await expect(arch.getByTestId('arch.totals')).toContainText('50 weighted layers');
  // EfficientNet-B0: 50 weighted layers on the longest path (the stem, 16 MBConv blocks, the head conv, the classifier).
  await app.control('preset').selectOption('efficientnet_b0');
  await expect(arch.getByTestId('arch.totals')).toContainText('50 weighted layers');
  expect(app.errors).toEqual([]);
});

test('refuses a config too big to train, with the numbers, before allocating anything', async ({ page }) => {
  const app = new Playground(page);
  await app.open('n=200&width=256&batch=1024');
  await expect(page.getByTestId('arch.problem')).toContainText(/too big for any .*needs about [\d.]+ GiB in all, over the 4\.00 GiB available/);
  await expect(app.run.train).toBeDisabled();
  await app.control('blocksPerStage').fill('1');
  await app.control('baseWidth').fill('4');
  await app.control('batchSize').fill('8');
  await expect(page.getByTestId('arch.problem')).toBeHidden();
  await expect(app.run.train).toBeEnabled();
  expect(app.errors).toEqual([]);
});
