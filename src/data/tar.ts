// A streaming tar reader: feed it bytes as they arrive (push), it calls back
// with each entry's header and then its data in pieces, never holding more
// than one 512-byte block of its own. Pure TS: no node:*, no DOM, no tfjs.
//
// Format (POSIX.1-1988 ustar, as GNU tar writes it; `man 5 tar`):
//   each entry is a 512-byte header, then its data padded to 512 bytes;
//   the archive ends with two all-zero blocks.
//   header: name[100] mode[8] uid[8] gid[8] size[12] mtime[12] chksum[8]
//           typeflag[1] linkname[100] magic[6] version[2] uname[32] gname[32]
//           devmajor[8] devminor[8] prefix[155] (at 345)
//   chksum: the sum of the header's bytes as unsigned, with the chksum field
//   counted as 8 spaces, in octal. Sizes are octal text, or base-256 when the
//   first byte has its high bit set (GNU, for files of 8 GiB and more).
// Also read: GNU long names (typeflag 'L') and pax 'path' records ('x').

export const BLOCK = 512;

export type EntryType = 'file' | 'directory' | 'other';

export interface TarEntry {
  /** Full path inside the archive (prefix joined), e.g. 'cifar-10-batches-bin/data_batch_1.bin'. */
  name: string;
  /** Data bytes that follow the header. */
  size: number;
  type: EntryType;
}

/** Receives one entry's data; `end` is called once all `size` bytes have come. */
export interface EntrySink {
  write(chunk: Uint8Array): void;
  end(): void;
}

/** Called at each entry's header; return a sink for its data, or null to skip it. */
export type OnEntry = (entry: TarEntry) => EntrySink | null;

type State =
  | { kind: 'header' }
  | { kind: 'data'; entry: TarEntry; sink: EntrySink | null; left: number; meta: Uint8Array | null; metaAt: number; metaType: string }
  | { kind: 'padding'; left: number }
  | { kind: 'ended' };

export class TarReader {
  private state: State = { kind: 'header' };
  private readonly block = new Uint8Array(BLOCK);
  private blockFill = 0;
  /** Bytes of the archive consumed so far (for messages). */
  private offset = 0;
  private zeroBlocks = 0;
  private longName: string | null = null;
  private current: TarEntry | null = null;

  /** `archive` names the archive in error messages. */
  constructor(private readonly archive: string, private readonly onEntry: OnEntry) {}

  /** True once the end-of-archive marker has been read. */
  get ended(): boolean {
    return this.state.kind === 'ended';
  }

  push(chunk: Uint8Array): void {
    let at = 0;
    while (at < chunk.length) {
      const s = this.state;
      // After the end marker, GNU tar pads to a 10 KiB record with zeros: ignore what follows.
      if (s.kind === 'ended') return;
      if (s.kind === 'header') {
        const n = Math.min(BLOCK - this.blockFill, chunk.length - at);
        this.block.set(chunk.subarray(at, at + n), this.blockFill);
        this.blockFill += n;
        at += n;
        this.offset += n;
        if (this.blockFill === BLOCK) {
          this.blockFill = 0;
          this.header(this.block);
        }
      } else if (s.kind === 'data') {
        const n = Math.min(s.left, chunk.length - at);
        const piece = chunk.subarray(at, at + n);
        if (s.meta) {
          s.meta.set(piece, s.metaAt);
          s.metaAt += n;
        } else s.sink?.write(piece);
        s.left -= n;
        at += n;
        this.offset += n;
        if (s.left === 0) this.endData(s);
      } else {
        const n = Math.min(s.left, chunk.length - at);
        s.left -= n;
        at += n;
        this.offset += n;
        if (s.left === 0) this.state = { kind: 'header' };
      }
    }
  }

  /** Call when the input is over: throws if it stopped inside an entry. */
  end(): void {
    const s = this.state;
    if (s.kind === 'data') {
      const got = s.entry.size - s.left;
      throw new Error(`${this.archive}: truncated: ${s.entry.name} ends after ${got} of its ${s.entry.size} bytes`);
    }
    if (s.kind === 'padding' || this.blockFill > 0) {
      throw new Error(`${this.archive}: truncated: the archive ends inside a 512-byte block (at byte ${this.offset})`);
    }
    // A missing end marker is common (streams cut at a record boundary) and harmless here.
  }

  private header(block: Uint8Array): void {
    if (block.every((b) => b === 0)) {
      this.zeroBlocks += 1;
      if (this.zeroBlocks === 2 || this.offset === BLOCK) {
        if (this.offset === BLOCK) throw new Error(`${this.archive}: empty tar archive (starts with the end-of-archive marker)`);
        this.state = { kind: 'ended' };
      }
      return;
    }
    this.zeroBlocks = 0;
    const at = this.offset - BLOCK;
    const magic = ascii(block, 257, 5);
    if (magic !== 'ustar') {
      throw new Error(`${this.archive}: not a tar archive: no ustar header at byte ${at}${at === 0 ? '' : ' (corrupt or truncated data before it)'}`);
    }
    const stored = octal(block, 148, 8);
    const actual = checksum(block);
    if (stored !== actual) {
      throw new Error(`${this.archive}: corrupt tar header at byte ${at}: checksum ${stored} stored, ${actual} computed`);
    }
    const size = readSize(block);
    if (size === null) throw new Error(`${this.archive}: corrupt tar header at byte ${at}: bad size field`);
    const flag = String.fromCharCode(block[156] ?? 0);
    const prefix = text(block, 345, 155);
    const name = this.longName ?? (prefix ? `${prefix}/${text(block, 0, 100)}` : text(block, 0, 100));
    if (flag === 'L' || flag === 'x') {
      // Metadata for the next entry: collect it (bounded: names, not files).
      if (size > 1 << 20) throw new Error(`${this.archive}: tar ${flag === 'L' ? 'long-name' : 'pax'} header at byte ${at} is ${size} bytes, too big`);
      const entry: TarEntry = { name, size, type: 'other' };
      this.state = { kind: 'data', entry, sink: null, left: size, meta: new Uint8Array(size), metaAt: 0, metaType: flag };
      if (size === 0) this.endData(this.state);
      return;
    }
    this.longName = null;
    const type: EntryType = flag === '0' || flag === '\0' || flag === '7' ? 'file' : flag === '5' ? 'directory' : 'other';
    const entry: TarEntry = { name, size, type };
    this.current = entry;
    const sink = this.onEntry(entry);
    this.state = { kind: 'data', entry, sink, left: size, meta: null, metaAt: 0, metaType: '' };
    if (size === 0) this.endData(this.state);
  }

  private endData(s: Extract<State, { kind: 'data' }>): void {
    if (s.meta) {
      const body = new TextDecoder().decode(s.meta);
      if (s.metaType === 'L') this.longName = body.replace(/\0+$/, '');
      else {
        const path = /(?:^|\n)\d+ path=([^\n]*)\n/.exec(body);
        if (path?.[1]) this.longName = path[1];
      }
    } else {
      s.sink?.end();
      this.current = null;
    }
    const pad = (BLOCK - (s.entry.size % BLOCK)) % BLOCK;
    this.state = pad > 0 ? { kind: 'padding', left: pad } : { kind: 'header' };
  }

  /** The entry whose data is being read, if any (for messages). */
  get entry(): TarEntry | null {
    return this.current;
  }
}

function ascii(block: Uint8Array, start: number, length: number): string {
  return String.fromCharCode(...block.subarray(start, start + length));
}

/** A NUL-terminated field. */
function text(block: Uint8Array, start: number, length: number): string {
  const field = block.subarray(start, start + length);
  const end = field.indexOf(0);
  return new TextDecoder().decode(end < 0 ? field : field.subarray(0, end));
}

/** An octal number field (spaces and NULs around it allowed); NaN when not octal. */
function octal(block: Uint8Array, start: number, length: number): number {
  const s = ascii(block, start, length).replace(/[\0 ]+$/, '').replace(/^ +/, '');
  return /^[0-7]+$/.test(s) ? parseInt(s, 8) : NaN;
}

function readSize(block: Uint8Array): number | null {
  if ((block[124] ?? 0) & 0x80) {
    // GNU base-256: big-endian, the high bit of the first byte is the marker.
    let n = (block[124] ?? 0) & 0x7f;
    for (let i = 125; i < 136; i++) n = n * 256 + (block[i] ?? 0);
    return Number.isSafeInteger(n) ? n : null;
  }
  const n = octal(block, 124, 12);
  return Number.isFinite(n) ? n : null;
}

export function checksum(block: Uint8Array): number {
  let sum = 0;
  for (let i = 0; i < BLOCK; i++) sum += i >= 148 && i < 156 ? 0x20 : (block[i] as number);
  return sum;
}
