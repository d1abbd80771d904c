// How values are written for people and links, in one place: a config
// value as the URL, the CLI and the page spell it (on/off, lists joined by
// '-'), and byte counts. Pure TS: imports no tfjs and no React.

/**
 * A config value as text: switches as on|off, lists of whole numbers joined
 * by '-' (`3-4-6-3`), anything else by String() (a number: the shortest text
 * that reads back to the same double). The URL codec writes this.
 */
export function formatValue(value: unknown): string {
  if (typeof value === 'boolean') return value ? 'on' : 'off';
  if (Array.isArray(value)) return value.join('-');
  return String(value);
}

/**
 * A byte count for people. 'binary' (default), for memory estimates: GiB to
 * 2 decimals, else MiB or KiB to 1 ('1.53 GiB', '256.0 MiB'); 'MB': decimal
 * megabytes to 0.1, as downloads and files are sized ('184.4 MB'); 'MiB':
 * whole mebibytes, for caps ('190 MiB').
 */
export function formatBytes(bytes: number, unit: 'binary' | 'MB' | 'MiB' = 'binary'): string {
  if (unit === 'MB') return `${(bytes / 1e6).toFixed(1)} MB`;
  if (unit === 'MiB') return `${Math.round(bytes / 2 ** 20)} MiB`;
  if (bytes >= 2 ** 30) return `${(bytes / 2 ** 30).toFixed(2)} GiB`;
  if (bytes >= 2 ** 20) return `${(bytes / 2 ** 20).toFixed(1)} MiB`;
  return `${(bytes / 2 ** 10).toFixed(1)} KiB`;
}

/** A duration for people: '45 s', '3 min 20 s', '1 h 05 min'. */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return '–';
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min ${String(s % 60).padStart(2, '0')} s`;
  return `${Math.floor(m / 60)} h ${String(m % 60).padStart(2, '0')} min`;
}
