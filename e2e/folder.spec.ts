// Your own images on the page (issue 19): a folder made here (coloured
// shapes, one class per colour and shape, as PNG, JPEG and GIF, with a text
// file, a broken JPEG and an image nested too deep) is picked as a user
// picks a folder; the data worker reads it with progress, the panel lists
// the classes and their counts, names each skipped file, shows samples by
// class, and a tiny net trains on it to better than chance. A zip of a
// single class is refused by name and the page stays usable.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import { gif, jpg, png, shapeImage, type Rgb, type Shape } from '../src/testing/images';
import { zip } from '../src/testing/zip';
import { Playground } from './pages/playground';

const KINDS: Array<[string, Shape, Rgb]> = [['blue-disc', 'disc', [40, 40, 220]], ['green-stripes', 'stripes', [40, 200, 40]], ['red-square', 'square', [220, 40, 40]]];

function writeFolder(root: string): void {
  for (const [name, shape, color] of KINDS) {
    mkdirSync(join(root, 'shapes', name), { recursive: true });
    for (let i = 0; i < 20; i++) {
      const w = 40 + (i % 5) * 4;
      const h = 36 + (i % 3) * 6;
      const rgba = shapeImage(w, h, shape, color, i);
      const [ext, bytes] = i % 3 === 0 ? ['png', png(rgba, w, h)] : i % 3 === 1 ? ['jpg', jpg(rgba, w, h)] : ['gif', gif(rgba, w, h)];
      writeFileSync(join(root, 'shapes', name, `${i}.${ext}`), bytes);
    }
  }
  writeFileSync(join(root, 'shapes', 'notes.txt'), 'not an image');
  writeFileSync(join(root, 'shapes', 'red-square', 'broken.jpg'), jpg(shapeImage(16, 16, 'square', [220, 40, 40]), 16, 16).slice(0, 150));
  mkdirSync(join(root, 'shapes', 'red-square', 'more'));
  writeFileSync(join(root, 'shapes', 'red-square', 'more', 'deep.png'), png(shapeImage(8, 8, 'square', [220, 40, 40]), 8, 8));
}

test('a picked folder of images is read, listed, shown by class and trained on; a single-class zip is refused', async ({ page }) => {
  const root = mkdtempSync(join(tmpdir(), 'folder-e2e-'));
  try {
    writeFolder(root);
    const app = new Playground(page);
    await app.open('backend=cpu&data=folder&size=32&n=1&width=4&batch=16&epochs=6&lr=0.05&seed=2');
    await expect(page.getByTestId('data.samples.missing')).toContainText('pick or drop a folder of images above');
    await page.getByTestId('data.folder.pick').setInputFiles(join(root, 'shapes'));
    await expect(app.data.progress).toHaveAttribute('data-state', 'done', { timeout: 60_000 });
    await expect(app.data.progress).toHaveAttribute('data-total', '61');
    const summary = page.getByTestId('data.folder.summary');
    await expect(summary).toHaveAttribute('data-classes', '3');
    await expect(summary).toHaveAttribute('data-train', '48');
    await expect(summary).toHaveAttribute('data-test', '12');
    await expect(page.getByTestId('data.folder.classes').locator('tbody tr').first()).toHaveText('blue-disc164');
    const problems = page.getByTestId('data.folder.problems');
    await expect(problems).toHaveAttribute('data-count', '2');
    await problems.locator('summary').click();
    await expect(problems).toContainText('shapes/red-square/more/deep.png: in a folder nested deeper than class/image (cat/1.jpg); skipped');
    await expect(problems).toContainText('shapes/red-square/broken.jpg: a broken image: the JPEG header is cut short (no frame header in its first bytes); skipped');
    await expect(summary).toContainText('1 files that are not images were skipped');
    // Six of each class, class by class.
    await expect(app.data.samples).toHaveAttribute('data-count', '18');
    await expect(app.data.samples.locator('figcaption').first()).toHaveText('blue-disc');
    await expect(app.data.samples.locator('figcaption').last()).toHaveText('red-square');
    expect(page.url()).toContain('classes=3');
    await expect(app.data.cached('folder')).toContainText('shapes (your images, 3 classes): 48 + 12 images');

    await app.run.train.click();
    await app.run.waitForStatus('done');
    const acc = Number(await app.stats.value('testAcc').innerText());
    expect(acc).toBeGreaterThan(0.6); // chance is 1/3
    // The evaluation speaks the folder's classes: the confusion matrix and the top-3 grid.
    await expect(page.getByTestId('eval.confusion')).toContainText('green-stripes');
    await expect(page.getByTestId('eval.cell.2.2')).toHaveAttribute('aria-label', /red-square predicted as red-square/);
    await expect(page.getByTestId('eval.top3')).toContainText(/blue-disc|green-stripes|red-square/);

    // Predict: a new red square, as a user drops a photo; the net's top 3, the square first.
    const predictPanel = page.getByTestId('predict');
    await expect(predictPanel).toBeVisible();
    await page.getByTestId('predict.file').setInputFiles({ name: 'mine.png', mimeType: 'image/png', buffer: Buffer.from(png(shapeImage(50, 40, 'square', [220, 40, 40], 99), 50, 40)) });
    await expect(page.getByTestId('predict.top').locator('li')).toHaveCount(3);
    await expect(page.getByTestId('predict.result')).toHaveAttribute('data-top', 'red-square');
    // Not an image: named, the panel stays.
    await page.getByTestId('predict.file').setInputFiles({ name: 'notes.txt', mimeType: 'text/plain', buffer: Buffer.from('hello') });
    await expect(page.getByTestId('predict.error')).toHaveText('notes.txt: not a JPEG, PNG, GIF or WebP image');
    // No camera here: the panel says so.
    await page.getByTestId('predict.cameraStart').click();
    await expect(page.getByTestId('predict.noCamera')).toContainText(/camera/);

    // A zip of one class: refused by name, the folder held stays, the page goes on.
    const single = zip([0, 1].map((i) => ({ name: `cats/cat/${i}.png`, data: png(shapeImage(8, 8, 'disc', [200, 200, 0], i), 8, 8) })));
    await page.getByTestId('data.folder.zip').setInputFiles({ name: 'cats.zip', mimeType: 'application/zip', buffer: Buffer.from(single) });
    await expect(app.data.error).toHaveText('cats.zip: one class (cat); a classifier needs at least 2 classes, each a folder of images (CLASS/IMAGE)');
    await expect(summary).toHaveAttribute('data-classes', '3');
    await app.run.train.click();
    await app.run.waitForStatus('done');
    expect(app.errors).toEqual([]);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});
