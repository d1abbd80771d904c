// train.py's seconds per step in 1 process and under torchrun with N gloo
// processes, side by side in one run on this machine's CPUs: the exported
// project of a playground run (ResNet-20, batch 128, CIFAR-10 with crop and
// flip by default), trained for --steps steps each way on the real data.
//   npx tsx bench/node/torchrun.ts --archive cifar-10-binary.tar.gz [--steps 12] [--procs 2]
// Rows: 1 process with all the cores' threads, 1 process with one thread,
// and --procs processes of cores/procs threads each under torchrun
// (DistributedDataParallel over gloo, the global batch split between them).
// The median of the steps after --warmup; metrics.jsonl's 'ms' (the step's
// wall time, data included). Debian's torch 1.13 under Python 3.11 needs
// torchrun's --redirects 1 --tee 1 (README).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { exportCommand } from '../../src/cli/export';
import { PYTHON } from '../../src/testing/torch';
import { benchArgs } from '../args';

const args = benchArgs('npx tsx bench/node/torchrun.ts --archive FILE [flags]', {
  archive: { kind: 'string', arg: 'FILE', help: 'CIFAR-10\'s binary release (.tar.gz)' },
  config: { kind: 'string', default: 'n=3&data=cifar10&batch=128&crop=on&flip=on', help: 'the run, as a share link\'s query' },
  steps: { kind: 'number', default: 12, help: 'steps each way' },
  warmup: { kind: 'number', default: 2, help: 'first steps left out of the median' },
  procs: { kind: 'number', default: 2, help: 'torchrun processes' },
  json: { kind: 'boolean', help: 'one JSON object' },
});
if (args.archive === undefined) throw new Error('--archive FILE: CIFAR-10\'s binary release is needed');
const cores = os.availableParallelism();
const dir = mkdtempSync(join(os.tmpdir(), 'torchrun-bench-'));

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 === 1 ? (s[(s.length - 1) / 2] as number) : ((s[s.length / 2 - 1] as number) + (s[s.length / 2] as number)) / 2;
}

/** Runs one way, -> the median ms a step after the warm-up. */
function time(label: string, command: string[], threads: number): { label: string; msPerStep: number; steps: number } {
  const out = join(dir, label.replace(/\W+/g, '-'));
  const script = join(dir, 'project', 'train.py');
  const common = [script, '--data', args.archive as string, '--weights', join(dir, 'project', 'weights.safetensors'), '--steps', String(args.steps), '--threads', String(threads), '--no-log-grad-norms', '--out', out];
  const r = spawnSync(command[0] as string, [...command.slice(1), ...common], { encoding: 'utf8', env: { ...process.env, OMP_NUM_THREADS: String(threads) }, maxBuffer: 64 * 2 ** 20 });
  if (r.status !== 0) throw new Error(`${label}: exit ${r.status}\n${r.stderr.slice(-3000)}`);
  const steps = readFileSync(join(out, 'metrics.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { event?: string; ms: number }).filter((l) => l.event === undefined);
  return { label, msPerStep: median(steps.slice(args.warmup).map((s) => s.ms)), steps: steps.length };
}

try {
  const log = console.log;
  console.log = () => {};
  await exportCommand(['pytorch'], new Map([['config', `v=1&${args.config}&steps=${args.steps}`], ['out', join(dir, 'project')]]));
  console.log = log;
  const torchrun = [PYTHON, '-m', 'torch.distributed.run', '--standalone', `--nproc_per_node=${args.procs}`, '--redirects', '1', '--tee', '1'];
  const rows = [
    time(`1 process, ${cores} threads`, [PYTHON], cores),
    time('1 process, 1 thread', [PYTHON], 1),
    time(`torchrun, ${args.procs} processes x ${Math.max(1, Math.floor(cores / args.procs))} thread(s)`, torchrun, Math.max(1, Math.floor(cores / args.procs))),
  ];
  if (args.json) console.log(JSON.stringify({ config: args.config, cores, rows }));
  else {
    console.log(`train.py for ${args.config}, ${args.steps} steps each (median after ${args.warmup}), ${cores} cores:`);
    for (const r of rows) console.log(`  ${r.label.padEnd(36)} ${(r.msPerStep / 1000).toFixed(2)} s/step`);
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
