// Page objects for the playground: one per region, reached by dotted test ids.
import { expect, type Locator, type Page } from '@playwright/test';

export class RunBar {
  readonly train: Locator;
  readonly pause: Locator;
  readonly resume: Locator;
  readonly stop: Locator;
  readonly status: Locator;

  constructor(page: Page) {
    this.train = page.getByTestId('run.train');
    this.pause = page.getByTestId('run.pause');
    this.resume = page.getByTestId('run.resume');
    this.stop = page.getByTestId('run.stop');
    this.status = page.getByTestId('run.status');
  }

  async steps(): Promise<number> {
    return Number(await this.status.getAttribute('data-steps'));
  }

  /** Waits until the page has shown at least n steps (the hook specs wait on, never a sleep). */
  async waitForSteps(n: number, timeout = 180_000): Promise<void> {
    await expect.poll(() => this.steps(), { timeout, intervals: [250, 500, 1000] }).toBeGreaterThanOrEqual(n);
  }

  async waitForStatus(status: string, timeout = 180_000): Promise<void> {
    await expect(this.status).toHaveAttribute('data-status', status, { timeout });
  }
}

export class Charts {
  readonly loss: Locator;
  readonly acc: Locator;
  readonly gradProfile: Locator;
  readonly gradRatio: Locator;
  /** Layer × step heat map of gradient norms (canvas, with a data table). */
  readonly gradHeatmap: Locator;
  /** First / last gradient norm over steps, with its verdict. */
  readonly gradHeadline: Locator;
  /** Weight norm and update / weight ratio per layer. */
  readonly layerUpdates: Locator;

  constructor(page: Page) {
    this.loss = page.getByTestId('chart.loss');
    this.acc = page.getByTestId('chart.acc');
    this.gradProfile = page.getByTestId('chart.gradProfile');
    this.gradRatio = page.getByTestId('chart.gradProfile.ratio');
    this.gradHeatmap = page.getByTestId('chart.gradHeatmap');
    this.gradHeadline = page.getByTestId('chart.gradHeadline');
    this.layerUpdates = page.getByTestId('chart.layerUpdates');
  }

  /** Number of points drawn by the loss chart's series. */
  async lossPoints(): Promise<number> {
    return Number(await this.loss.getAttribute('data-points'));
  }

  async gradStep(): Promise<number> {
    return Number(await this.gradProfile.getAttribute('data-step'));
  }
}

export class Stats {
  constructor(private readonly page: Page) {}

  value(name: string): Locator {
    return this.page.getByTestId(`stats.${name}`);
  }
}

/** The data panel (src/ui/DataPanel.tsx). */
export class DataPanel {
  readonly select: Locator;
  readonly file: Locator;
  readonly progress: Locator;
  readonly cancel: Locator;
  readonly error: Locator;
  readonly cache: Locator;
  readonly clear: Locator;
  readonly samples: Locator;
  readonly augmented: Locator;

  constructor(private readonly page: Page) {
    this.select = page.getByTestId('data.select');
    this.file = page.getByTestId('data.file');
    this.progress = page.getByTestId('data.progress');
    this.cancel = page.getByTestId('data.cancel');
    this.error = page.getByTestId('data.error');
    this.cache = page.getByTestId('data.cache');
    this.clear = page.getByTestId('data.clear');
    this.samples = page.getByTestId('data.samples');
    this.augmented = page.getByTestId('data.augmented');
  }

  /** Picks a file as the user would, from bytes built by the test. */
  async pick(name: string, bytes: Uint8Array): Promise<void> {
    await this.file.setInputFiles({ name, mimeType: 'application/gzip', buffer: Buffer.from(bytes) });
  }

  cached(id: string): Locator {
    return this.page.getByTestId(`data.cache.${id}`);
  }
}

export class Playground {
  readonly data: DataPanel;
  readonly run: RunBar;
  readonly charts: Charts;
  readonly stats: Stats;
  /** Console errors and uncaught page errors seen so far. */
  readonly errors: string[] = [];

  constructor(readonly page: Page) {
    this.run = new RunBar(page);
    this.data = new DataPanel(page);
    this.charts = new Charts(page);
    this.stats = new Stats(page);
    page.on('console', (m) => {
      if (m.type() === 'error') this.errors.push(m.text());
    });
    page.on('pageerror', (e) => this.errors.push(e.message));
  }

  async open(query = ''): Promise<void> {
    await this.page.goto(`/${query ? `?${query}` : ''}`);
    await expect(this.run.train).toBeVisible();
  }

  control(name: string): Locator {
    return this.page.getByTestId(`controls.${name}`);
  }
}

/** A tiny ResNet (n = 1, 4 channels) on a small MNIST slice: software GPUs train it in seconds. */
export const TINY = 'n=1&width=4&batch=8&subset=64&test=32';
