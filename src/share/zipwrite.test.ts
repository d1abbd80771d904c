// The stored-zip writer against the readers: data/zip.ts (directory, CRC-32,
// bytes) and, where /usr/bin/python3 is at hand, Python's zipfile.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readZipDirectory, readZipEntry } from '../data/zip';
import { crc32, storedZip, ZipWriteError } from './zipwrite';

const binary = Uint8Array.from({ length: 1000 }, (_, i) => (i * 37) & 0xff);
const files = [
  { name: 'train.py', data: '#!/usr/bin/env python3\nprint("hi")\n' },
  { name: 'weights.safetensors', data: binary },
  { name: 'empty.txt', data: '' },
  { name: 'dir/naïve.md', data: 'ü' },
];

describe('storedZip', () => {
  it('CRC-32 is zip\'s: the check value of "123456789"', () => {
    expect(crc32(new TextEncoder().encode('123456789'))).toBe(0xcbf43926);
  });

  it('reads back with data/zip.ts: every name, in order, stored, same bytes', async () => {
    const zip = storedZip(files);
    const dir = readZipDirectory(zip, 'out.zip');
    expect([...dir.keys()]).toEqual(files.map((f) => f.name));
    for (const f of files) {
      const entry = dir.get(f.name)!;
      expect(entry.method).toBe(0);
      const want = typeof f.data === 'string' ? new TextEncoder().encode(f.data) : f.data;
      expect(await readZipEntry(zip, entry, 'out.zip')).toEqual(want);
    }
  });

  it('is the same bytes each time (a fixed date)', () => {
    expect(storedZip(files)).toEqual(storedZip(files));
  });

  it('an empty archive is just the end record', () => {
    const zip = storedZip([]);
    expect(zip.length).toBe(22);
    expect(readZipDirectory(zip, 'e.zip').size).toBe(0);
  });

  it('refuses a name given twice', () => {
    expect(() => storedZip([files[0]!, files[0]!])).toThrow(ZipWriteError);
    expect(() => storedZip([files[0]!, files[0]!])).toThrow(/train\.py is in the archive twice/);
  });

  it.skipIf(!existsSync('/usr/bin/python3'))("Python's zipfile lists and tests it", () => {
    const dir = mkdtempSync(join(tmpdir(), 'zipwrite-'));
    try {
      const path = join(dir, 'out.zip');
      writeFileSync(path, storedZip(files));
      const script = 'import sys, zipfile\nz = zipfile.ZipFile(sys.argv[1])\nassert z.testzip() is None\nprint("\\n".join(f"{i.filename} {i.file_size}" for i in z.infolist()))';
      const out = execFileSync('/usr/bin/python3', ['-c', script, path], { encoding: 'utf8' });
      expect(out.trim().split('\n')).toEqual(['train.py 35', 'weights.safetensors 1000', 'empty.txt 0', 'dir/naïve.md 2']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
