// `playground data check FILE [--json]`: validates a CIFAR binary tarball
// with the same code the browser worker runs (src/data/archive.ts), and
// loads one for `playground train --archive FILE`. Node only.
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { basename } from 'node:path';
import { Readable } from 'node:stream';
import { readCifarArchive } from '../data/archive';
import type { CifarId } from '../data/cifar';
import type { Dataset } from '../data/types';
import { UsageError } from './args';

export const DATA_USAGE = `usage: playground data check FILE [--json]
  Validates a CIFAR-10 or CIFAR-100 binary release (cifar-10-binary.tar.gz,
  cifar-100-binary.tar.gz): layout, file sizes, labels, class names.
  Prints a summary and exits 0; on a bad archive, prints why and exits 1.
  --json              print { "dataset", "train", "test", "classes" }`;

/** Reads and checks the archive at `path`; errors name the file. */
export async function readArchiveFile(path: string, expect?: CifarId): Promise<Dataset> {
  const name = basename(path);
  const size = await stat(path).then(
    (s) => s.size,
    (e: NodeJS.ErrnoException) => {
      throw new Error(`${path}: ${e.code === 'ENOENT' ? 'no such file' : e.message}`);
    },
  );
  const body = Readable.toWeb(createReadStream(path, { highWaterMark: 1 << 20 })) as unknown as ReadableStream<Uint8Array>;
  return readCifarArchive(body, { name, total: size, ...(expect ? { expect } : {}) });
}

export async function dataCommand(positional: string[], json: boolean): Promise<number> {
  const [sub, file, ...extra] = positional;
  if (sub !== 'check') throw new UsageError(sub === undefined ? 'data needs a subcommand: check' : `unknown data subcommand ${sub}`);
  if (!file) throw new UsageError('data check needs a FILE');
  if (extra.length > 0) throw new UsageError(`unexpected argument ${extra[0]}`);
  const t0 = performance.now();
  const ds = await readArchiveFile(file);
  const summary = { dataset: ds.id, train: ds.train.count, test: ds.test.count, classes: ds.classNames };
  if (json) process.stdout.write(JSON.stringify(summary) + '\n');
  else {
    process.stdout.write(`${file}: ${ds.id}, ${ds.train.count} training and ${ds.test.count} test images of ${ds.height}×${ds.width}×${ds.channels}, ${ds.numClasses} classes (${ds.classNames.slice(0, 10).join(', ')}${ds.numClasses > 10 ? ', …' : ''}); checked in ${((performance.now() - t0) / 1000).toFixed(1)} s\n`);
  }
  return 0;
}
