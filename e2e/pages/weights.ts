// The weights panel (src/ui/weights/), reached by its dotted test ids.
import type { Locator, Page } from '@playwright/test';

export class WeightsPanel {
  readonly panel: Locator;
  readonly source: Locator;
  readonly freeze: Locator;
  readonly normalize: Locator;
  readonly file: Locator;
  readonly drop: Locator;
  readonly progress: Locator;
  readonly error: Locator;
  readonly cache: Locator;
  readonly entries: Locator;
  readonly startedFrom: Locator;

  constructor(private readonly page: Page) {
    this.panel = page.getByTestId('weights.panel');
    this.source = page.getByTestId('weights.source');
    this.freeze = page.getByTestId('weights.freeze');
    this.normalize = page.getByTestId('weights.normalize');
    this.file = page.getByTestId('weights.file');
    this.drop = page.getByTestId('weights.drop');
    this.progress = page.getByTestId('weights.progress');
    this.error = page.getByTestId('weights.error');
    this.cache = page.getByTestId('weights.cache');
    this.entries = page.getByTestId('weights.entry');
    this.startedFrom = page.getByTestId('weights.startedFrom');
  }

  /** Picks files as the user would, from bytes built by the test. */
  async pick(name: string, bytes: Uint8Array): Promise<void> {
    await this.file.setInputFiles({ name, mimeType: 'application/octet-stream', buffer: Buffer.from(bytes) });
  }

  /** Drops a file on the drop zone, as a drag from the desktop does. */
  async dropFile(name: string, bytes: Uint8Array): Promise<void> {
    const data = Buffer.from(bytes).toString('base64');
    const transfer = await this.page.evaluateHandle(({ name, data }) => {
      const raw = Uint8Array.from(atob(data), (c) => c.charCodeAt(0));
      const dt = new DataTransfer();
      dt.items.add(new File([raw], name));
      return dt;
    }, { name, data });
    await this.drop.dispatchEvent('drop', { dataTransfer: transfer });
  }
}
