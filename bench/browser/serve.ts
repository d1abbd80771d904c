// The benches' page server: a production build of one or more pages (what
// users run, immune to a dev server's reloads while files change), served
// by `vite preview` on a free port.
import { build, preview } from 'vite';

export interface Served {
  base: string;
  close(): Promise<void>;
}

/** Builds `input` (an HTML entry; the app's index.html when omitted) into outDir unless `rebuild` is false, and serves it. */
export async function serveBuild(outDir: string, opts: { input?: string; rebuild?: boolean } = {}): Promise<Served> {
  if (opts.rebuild !== false) {
    await build({ configFile: 'vite.config.ts', logLevel: 'error', build: { outDir, emptyOutDir: true, ...(opts.input ? { rollupOptions: { input: opts.input } } : {}) } });
  }
  const server = await preview({ configFile: 'vite.config.ts', logLevel: 'error', build: { outDir }, preview: { port: 0, host: '127.0.0.1', strictPort: false } });
  const address = server.httpServer.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return { base: `http://127.0.0.1:${port}`, close: () => server.close() };
}
