// `npm run gpu-kit [-- --out DIR]`: one folder that measures the WebGPU path
// on a Linux machine with a GPU, no network and nothing installed (issue 21):
// this Node (gzipped), Dawn's linux-x64 build from the webgpu package
// (gzipped), the bench bundled into one file (bench/gpu-kit/bench.ts), the
// PyTorch reference script, and run.sh. At most MAX_KIT_BYTES in all.
import { build } from 'esbuild';
import { copyFileSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';

/** The kit's size limit: what one upload to a lent machine may carry. */
export const MAX_KIT_BYTES = 60 * 2 ** 20;

const RUN_SH = `#!/bin/sh
# The GPU kit: TF.js's WebGPU training step through Dawn, and PyTorch CUDA
# where python3 has torch, on this machine's GPU; one JSON with both.
#   ./run.sh [results.json] [bench flags: --steps 10 --warmup 2 --models resnet20:128,...]
set -eu
here=$(cd "$(dirname "$0")" && pwd)
out=\${1:-$here/gpu-kit-results.json}
[ $# -gt 0 ] && shift
[ "$(uname -s)-$(uname -m)" = "Linux-x86_64" ] || { echo "gpu-kit: built for Linux x86_64, this is $(uname -s)-$(uname -m)" >&2; exit 2; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
gunzip -c "$here/node.gz" > "$work/node" && chmod +x "$work/node"
mkdir -p "$work/dist/linux-x64"
gunzip -c "$here/dawn.node.gz" > "$work/dist/linux-x64/dawn.node"
cp "$here/bench.mjs" "$work/bench.mjs"
case "$out" in /*) ;; *) out="$PWD/$out" ;; esac
exec "$work/node" "$work/bench.mjs" --out "$out" --torch-script "$here/torch_step.py" "$@"
`;

function sizeOf(dir: string): number {
  return readdirSync(dir).reduce((sum, name) => sum + statSync(join(dir, name)).size, 0);
}

export async function makeKit(out: string): Promise<{ dir: string; bytes: number }> {
  const dir = resolve(out);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  // The bench, TF.js and the webgpu package's loader in one ES module; the loader finds dawn.node under dist/ beside it.
  await build({ entryPoints: ['bench/gpu-kit/bench.ts'], bundle: true, platform: 'node', format: 'esm', target: 'node20', minify: true, outfile: join(dir, 'bench.mjs'), logLevel: 'error', banner: { js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);" } });
  const dawn = join(dirname(createRequire(import.meta.url).resolve('webgpu')), 'dist', 'linux-x64', 'dawn.node');
  writeFileSync(join(dir, 'dawn.node.gz'), gzipSync(readFileSync(dawn), { level: 9 }));
  writeFileSync(join(dir, 'node.gz'), gzipSync(readFileSync(process.execPath), { level: 9 }));
  copyFileSync('bench/reference/torch_step.py', join(dir, 'torch_step.py'));
  writeFileSync(join(dir, 'run.sh'), RUN_SH, { mode: 0o755 });
  const bytes = sizeOf(dir);
  if (bytes > MAX_KIT_BYTES) throw new Error(`the kit is ${(bytes / 2 ** 20).toFixed(1)} MiB, over its ${MAX_KIT_BYTES / 2 ** 20} MiB limit`);
  return { dir, bytes };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const i = process.argv.indexOf('--out');
  const { dir, bytes } = await makeKit(i >= 0 ? (process.argv[i + 1] as string) : 'gpu-kit');
  console.log(`${dir}: ${(bytes / 2 ** 20).toFixed(1)} MiB (${readdirSync(dir).join(', ')}); run ./run.sh there`);
}
