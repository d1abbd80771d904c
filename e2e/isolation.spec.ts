// TF.js lives only in the worker: the page's chunks never contain it (so its
// import-time parsing of ?tfjsflags= cannot break the page), and a query that
// would make TF.js throw at import opens the page fine.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import { Playground } from './pages/playground';

const ASSETS = join(process.cwd(), 'dist', 'assets');
// Strings that only TF.js's core carries.
const TFJS_MARKERS = ['tfjsflags', 'highest priority backend'];

test('the production build has TF.js in the worker chunk only', async () => {
  const html = readFileSync(join(process.cwd(), 'dist', 'index.html'), 'utf8');
  const files = readdirSync(ASSETS).filter((f) => f.endsWith('.js'));
  const worker = files.filter((f) => f.startsWith('worker-'));
  const page = files.filter((f) => !f.startsWith('worker-'));
  expect(worker).toHaveLength(1);
  expect(page.length).toBeGreaterThan(0);
  expect(html).toContain(page.find((f) => f.startsWith('index-')));
  for (const f of page) {
    const code = readFileSync(join(ASSETS, f), 'utf8');
    for (const marker of TFJS_MARKERS) expect(code.includes(marker), `${f} contains ${marker}`).toBe(false);
  }
  const workerCode = readFileSync(join(ASSETS, worker[0] as string), 'utf8');
  for (const marker of TFJS_MARKERS) expect(workerCode.includes(marker), `worker chunk lacks ${marker}`).toBe(true);
});

test('a broken query string opens the page, names the refused fields and keeps it usable', async ({ page }) => {
  const app = new Playground(page);
  await app.open('x=%&tfjsflags=%&n=10000&batch=1e9&skip=off');
  const notice = page.getByTestId('notice.url');
  await expect(notice).toContainText('model.blocksPerStage');
  await expect(notice).toContainText('train.batchSize');
  await expect(notice).toContainText('x');
  // Good fields still apply; refused ones keep their defaults.
  await expect(app.control('skip')).not.toBeChecked();
  await expect(app.control('blocksPerStage')).toHaveValue('3');
  await expect(app.control('batchSize')).toHaveValue('32');
  await expect(app.run.train).toBeEnabled();
  expect(app.errors).toEqual([]);
});

test('the URL follows the config, and opening it restores the page', async ({ page, browser }) => {
  const app = new Playground(page);
  await app.open();
  await app.control('skip').uncheck();
  await app.control('depth').selectOption('9');
  await app.control('learningRate').fill('0.003');
  await expect(page).toHaveURL(/n=9/);
  const url = page.url();
  expect(url).toMatch(/skip=off/);
  expect(url).toMatch(/lr=0\.003/);

  const fresh = await browser.newContext();
  const other = new Playground(await fresh.newPage());
  await other.page.goto(url);
  await expect(other.control('skip')).not.toBeChecked();
  await expect(other.control('blocksPerStage')).toHaveValue('9');
  await expect(other.control('learningRate')).toHaveValue('0.003');
  await fresh.close();
});
