// PyTorch as the oracle in tests: Debian's python3-torch and
// python3-torchvision (.ci/run installs them). Where they are missing, the
// tests that need them are skipped with the reason printed, never passed.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { REPO_ROOT } from './imports';

/** Debian's interpreter: its dist-packages hold python3-torch (a pyenv or venv python may not). */
export const PYTHON = process.env.PLAYGROUND_PYTHON ?? '/usr/bin/python3';

let available: string | null | undefined;

/** null when torch and torchvision import; else why not. */
export function torchMissing(): string | null {
  if (available === undefined) {
    const r = spawnSync(PYTHON, ['-c', 'import torch, torchvision'], { encoding: 'utf8' });
    available = r.status === 0 ? null : `${PYTHON} cannot import torch and torchvision (${(r.stderr || r.error?.message || '').trim().split('\n').pop()}); install python3-torch python3-torchvision`;
    if (available) console.warn(`skipped: ${available}`);
  }
  return available;
}

/** Runs a script of bench/reference/ with arguments and stdin; -> exit status, stdout, stderr. */
export function runReference(script: string, args: string[], input?: string): { status: number; stdout: string; stderr: string } {
  const r = spawnSync(PYTHON, [join(REPO_ROOT, 'bench', 'reference', script), ...args], { encoding: 'utf8', input, maxBuffer: 256 * 2 ** 20, env: { ...process.env, OMP_NUM_THREADS: '1' } });
  return { status: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}
