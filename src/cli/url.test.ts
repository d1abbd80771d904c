// `npx playground url` as a user runs it: a real process, JSON out, the exit code says whether a field was refused.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG } from '../config/presets';

const run = promisify(execFile);
const BIN = new URL('../../bin/playground.mjs', import.meta.url).pathname;

interface Out { code: number; stdout: string; stderr: string }
async function playground(...args: string[]): Promise<Out> {
  try {
    const { stdout, stderr } = await run(process.execPath, [BIN, ...args], { timeout: 60_000 });
    return { code: 0, stdout, stderr };
  } catch (e) {
    const { code, stdout, stderr } = e as Out;
    return { code, stdout, stderr };
  }
}

describe('playground url', () => {
  it("prints the default config for '' and exits 0", async () => {
    const out = await playground('url', '');
    expect(out.code).toBe(0);
    expect(JSON.parse(out.stdout)).toEqual({ config: DEFAULT_CONFIG, errors: [] });
  });

  it('decodes a query, names each refused field, keeps its default and exits 1', async () => {
    const out = await playground('url', '?v=1&n=9&skip=off&batch=1e9&__proto__=1&opt=adamw&sched=cosine');
    expect(out.code).toBe(1);
    const { config, errors } = JSON.parse(out.stdout) as { config: typeof DEFAULT_CONFIG; errors: { field: string; message: string }[] };
    expect(config.model).toMatchObject({ blocksPerStage: 9, skip: false });
    expect(config.train).toMatchObject({ batchSize: 32, optimizer: 'adamw', schedule: 'cosine' });
    expect(errors.map((e) => e.field)).toEqual(['train.batchSize', '__proto__']);
    expect(errors[0]?.message).toMatch(/between 1 and 1024, got 1000000000; kept the default 32/);
  }, 120_000);

  it('encodes a config given as JSON, and what it prints decodes back to it', async () => {
    const out = await playground('url', '--encode', '{"model":{"blocksPerStage":9,"skip":false},"train":{"optimizer":"nesterov","labelSmoothing":0.1}}');
    expect(out).toMatchObject({ code: 0, stdout: 'v=1&n=9&skip=off&opt=nesterov&smooth=0.1\n' });
    const back = await playground('url', out.stdout.trim());
    expect(back.code).toBe(0);
    expect(JSON.parse(back.stdout).config.train.labelSmoothing).toBe(0.1);
  }, 120_000);

  it('refuses bad JSON with exit 2, and a bad field with exit 1, naming it', async () => {
    expect(await playground('url', '--encode', '{oops')).toMatchObject({ code: 2, stderr: expect.stringContaining('--encode needs a config as JSON') });
    const bad = await playground('url', '--encode', '{"train":{"batchSize":0,"speed":3}}');
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('train.speed: unknown field "train.speed", ignored');
    expect(bad.stderr).toContain('train.batchSize: train.batchSize must be between 1 and 1024, got 0');
  }, 120_000);
});
