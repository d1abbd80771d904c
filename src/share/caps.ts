// One refusal for an input over its size cap, worded alike by the page's
// readers and the CLI's, and checked on what is known before reading (a
// File's size, a stat, a string's length), never after reading it whole:
//   run.json: 300.0 MiB, larger than a run file can be (128 MiB); not read
// The caps live beside their readers; README's "Limits on what the page
// reads" lists them. Pure TS: no tfjs, no React.
import { formatBytes } from '../config/format';

const UNITS = [[2 ** 30, 'GiB'], [2 ** 20, 'MiB'], [2 ** 10, 'KiB']] as const;

/** A cap in its largest whole unit: '128 MiB', '1 GiB', '1,000 bytes'. */
export function capText(bytes: number): string {
  for (const [size, unit] of UNITS) if (bytes >= size && bytes % size === 0) return `${(bytes / size).toLocaleString('en-US')} ${unit}`;
  return `${bytes.toLocaleString('en-US')} bytes`;
}

/**
 * `bytes` over `cap` in words, e.g. '300.0 MiB, larger than a run file can
 * be (128 MiB)', with exact byte counts where rounding would show the two
 * equal; null within the cap. `what`: the kind of file, with its article.
 */
export function overCap(bytes: number, cap: number, what: string): string | null {
  if (!(bytes > cap)) return null;
  const [size, limit] = formatBytes(bytes) === formatBytes(cap) ? [`${bytes.toLocaleString('en-US')} bytes`, `${cap.toLocaleString('en-US')} bytes`] : [formatBytes(bytes), capText(cap)];
  return `${size}, larger than ${what} can be (${limit})`;
}

/** The refusal of a file `name` of `bytes` bytes over `cap`, naming both; null within the cap. */
export function fileOverCap(name: string, bytes: number, cap: number, what: string): string | null {
  const over = overCap(bytes, cap, what);
  return over && `${name}: ${over}; not read`;
}

/** `length` characters over `cap` in words, e.g. '10,485,760 characters, longer than a link can be (65,536)'; null within it. */
export function textOverCap(length: number, cap: number, what: string): string | null {
  if (!(length > cap)) return null;
  return `${length.toLocaleString('en-US')} characters, longer than ${what} can be (${cap.toLocaleString('en-US')})`;
}
