// The lessons (issue 22): each opens from its link at its first step and
// reaches its check on a tiny config, the check's words built from the
// numbers of the runs (or measurements) made here; leaving a lesson keeps
// its place.
import { expect, test, type Page } from '@playwright/test';
import { cifar10Archive } from '../src/testing/fixtures';
import { Playground } from './pages/playground';
import { WeightsPanel } from './pages/weights';

const TINY_WASM = 'backend=wasm&n=1&width=4&batch=8&subset=64&test=32';

/** The lesson panel's parts. */
function lesson(page: Page) {
  return {
    root: page.getByTestId('lesson'),
    step: page.getByTestId('lesson.step'),
    check: page.getByTestId('lesson.check'),
    next: page.getByTestId('lesson.next'),
    back: page.getByTestId('lesson.back'),
    setUp: page.getByTestId('lesson.setup'),
  };
}

/** Trains the current config for `steps` steps (set in the Max steps field) and waits for the end. */
async function trainSteps(app: Playground, steps: number): Promise<void> {
  await app.control('maxSteps').fill(String(steps));
  await app.run.train.click();
  await app.run.waitForStatus('done');
}

test('skip: opens from its link; the table is computed in the worker at depths 20, 56 and 110, and the check reads its deepest row', async ({ page }) => {
  test.setTimeout(240_000);
  const app = new Playground(page);
  await app.open('lesson=skip&backend=wasm');
  const l = lesson(page);
  await expect(l.root).toHaveAttribute('data-lesson', 'skip');
  await expect(l.step).toHaveAttribute('data-step', 'why');
  await expect(app.charts.gradHeadline).toHaveClass(/tour-target/);
  await l.next.click();
  await expect(l.check).toHaveAttribute('data-status', 'waiting');
  await page.getByTestId('lesson.gradflow.compute').click();
  await expect(page.getByTestId('lesson.gradflow')).toHaveAttribute('data-rows', '12', { timeout: 200_000 });
  await expect(l.check).not.toHaveAttribute('data-status', 'waiting');
  // The words carry the table's own numbers, as computed here.
  const value = async (cell: string) => Number(await page.getByTestId(`lesson.gradflow.110.${cell}`).getAttribute('data-value'));
  const [plainBn, plain] = [await value('plainBn'), await value('plain')];
  expect(plainBn).toBeGreaterThan(10);
  const text = await l.check.textContent();
  expect(text).toContain('At depth 110');
  expect(text).toContain(String(Number(plainBn.toPrecision(2)) >= 1e4 ? plainBn.toExponential(1) : Number(plainBn.toPrecision(2))));
  expect(text).toContain(plain >= 0.01 ? String(Number(plain.toPrecision(2))) : plain.toExponential(1));
  expect(app.errors).toEqual([]);
});

test('vanishing: its steps set ResNet-56 and plain-56 without BN; trained briefly, the check compares their ratios; leaving keeps the step', async ({ page }) => {
  test.setTimeout(240_000);
  const app = new Playground(page);
  await app.open(`lesson=vanishing&${TINY_WASM}`);
  const l = lesson(page);
  // Its duration before it starts: both runs timed here (300 steps each).
  await page.getByTestId('lesson.estimate').click();
  await expect(page.getByTestId('lesson.eta.result')).toContainText('for its 2 runs', { timeout: 120_000 });
  expect(Number(await page.getByTestId('lesson.eta.result').getAttribute('data-ms'))).toBeGreaterThan(0);
  await l.setUp.click();
  await expect(app.control('blocksPerStage')).toHaveValue('9');
  await expect(app.control('skip')).toBeChecked();
  await expect(app.control('maxSteps')).toHaveValue('300');
  await trainSteps(app, 3);
  await l.next.click();
  await l.setUp.click();
  await expect(app.control('skip')).not.toBeChecked();
  await expect(app.control('batchNorm')).not.toBeChecked();
  await trainSteps(app, 3);
  await l.next.click();
  await expect(l.check).not.toHaveAttribute('data-status', 'waiting');
  await expect(l.check).toContainText('ResNet-56');
  await expect(l.check).toContainText('plain-56 without batch norm');
  // The ResNet run the check read goes onto the charts beside the live plain run.
  await page.getByTestId('lesson.overlay').click();
  await expect(app.charts.gradHeadline).toHaveAttribute('data-overlays', '1');
  await expect(page.getByTestId('lesson.overlay')).toBeDisabled();
  // Leave and come back: the lesson opens where it was left.
  await page.getByTestId('lesson.close').click();
  await page.getByTestId('lessons.list').locator('summary').click();
  await expect(page.getByTestId('lessons.list')).toContainText('left at step 3 of 3');
  await page.getByTestId('lessons.open.vanishing').click();
  await expect(l.step).toHaveAttribute('data-step', 'compare');
  expect(app.errors).toEqual([]);
});

test('degradation: a budget is timed here, the four nets train on a CIFAR-10 subset, the check states the order of their training errors', async ({ page }) => {
  test.setTimeout(300_000);
  const app = new Playground(page);
  await app.open('lesson=degradation&backend=wasm');
  await app.data.pick('cifar-10-binary.tar.gz', cifar10Archive());
  await expect(app.data.select).toHaveValue('cifar10', { timeout: 60_000 });
  const l = lesson(page);
  await l.setUp.click();
  await expect(app.control('trainSubset')).toHaveValue('5000');
  await app.control('batchSize').fill('8');
  await page.getByTestId('lesson.budget.10').click();
  await expect(page.getByTestId('lesson.budget')).not.toHaveAttribute('data-steps', '', { timeout: 120_000 });
  const steps = Number(await page.getByTestId('lesson.budget').getAttribute('data-steps'));
  expect(steps).toBeGreaterThan(0);
  for (const id of ['plain20', 'plain56', 'res20', 'res56']) {
    await l.next.click();
    await expect(l.step).toHaveAttribute('data-step', id);
    await l.setUp.click();
    await expect(app.control('maxSteps')).toHaveValue(String(steps));
    await app.control('batchSize').fill('8');
    await trainSteps(app, 2);
  }
  await l.next.click();
  await expect(l.check).not.toHaveAttribute('data-status', 'waiting');
  await expect(l.check).toContainText('plain-56');
  await expect(l.check).toContainText('ResNet-20');
  expect(app.errors).toEqual([]);
});

test('bottleneck: ResNet-34 and ResNet-50 measured here; the check gives their depth, size and step time', async ({ page }) => {
  test.setTimeout(240_000);
  const app = new Playground(page);
  await app.open('lesson=bottleneck&backend=wasm&batch=2');
  const l = lesson(page);
  await l.next.click();
  await page.getByTestId('lesson.measure.run').click();
  await expect(page.getByTestId('lesson.measure')).toHaveAttribute('data-count', '2', { timeout: 200_000 });
  await expect(l.check).toHaveAttribute('data-status', 'seen');
  await expect(l.check).toContainText('ResNet-50 has 50 weighted layers against ResNet-34\'s 34');
  await expect(l.check).toContainText('25.6 M parameters against 21.8 M');
  expect(app.errors).toEqual([]);
});

test('transfer: a linear probe and full fine-tuning from the same kept weights; the check compares them; its first step sets the article\'s recipe', async ({ page }) => {
  test.setTimeout(240_000);
  const app = new Playground(page);
  const weights = new WeightsPanel(page);
  await app.open(`lesson=transfer&${TINY_WASM}&steps=2`);
  // Weights to start from: a run trained here.
  await app.run.train.click();
  await app.run.waitForStatus('done');
  const row = page.locator('[data-testid^="runs.row."]');
  await expect.poll(async () => Number(await row.first().getAttribute('data-checkpoint'))).toBeGreaterThan(0);
  const runId = ((await row.first().getAttribute('data-testid')) ?? '').slice('runs.row.'.length);
  await weights.source.selectOption(`run/${runId}`);
  await weights.freeze.selectOption('head');
  await app.run.train.click();
  await app.run.waitForStatus('done');
  await weights.freeze.selectOption('none');
  await app.run.train.click();
  await app.run.waitForStatus('done');
  const l = lesson(page);
  await l.next.click();
  await l.next.click();
  await expect(l.check).toHaveAttribute('data-status', 'seen');
  await expect(l.check).toContainText('the linear probe');
  // The first step sets the article's recipe: ResNet-50 from torchvision's weights, the head alone.
  await l.back.click();
  await l.back.click();
  await l.setUp.click();
  await expect(app.control('inputSize')).toHaveValue('224');
  expect(page.url()).toContain('blocks=3-4-6-3');
  await expect(weights.freeze).toHaveValue('head');
  expect(page.url()).toContain('weights=torchvision%2Fresnet50');
  expect(app.errors).toEqual([]);
});

test('fast-cifar: the fast recipe on ResNet-20, one epoch of a tiny CIFAR-10; the check reads its test accuracy and minutes', async ({ page }) => {
  test.setTimeout(240_000);
  const app = new Playground(page);
  await app.open('lesson=fast-cifar&backend=wasm');
  await app.data.pick('cifar-10-binary.tar.gz', cifar10Archive());
  await expect(app.data.select).toHaveValue('cifar10', { timeout: 60_000 });
  const l = lesson(page);
  await l.setUp.click();
  await expect(app.control('schedule')).toHaveValue('onecycle');
  await expect(app.control('optimizer')).toHaveValue('nesterov');
  await app.control('epochs').fill('1');
  await app.control('batchSize').fill('8');
  await app.control('trainSubset').fill('16');
  await app.control('testSubset').fill('8');
  await trainSteps(app, 0);
  await l.next.click();
  await expect(l.check).toHaveAttribute('data-status', 'seen');
  await expect(l.check).toContainText('after 1 epochs');
  expect(app.errors).toEqual([]);
});

test('an unknown lesson in the link is named, and the page works', async ({ page }) => {
  const app = new Playground(page);
  await app.open('lesson=warp-drive');
  await expect(page.getByText('there is no lesson "warp-drive"')).toBeVisible();
  await expect(page.getByTestId('lesson')).toHaveCount(0);
});
