// The IDX container (the format of the MNIST files): header parsing and size
// checks. Pure TS: no node:*, no tfjs, no DOM.
//
// Layout (http://yann.lecun.com/exdb/mnist/, "FILE FORMATS"):
//   bytes 0-1  zero
//   byte  2    dtype (0x08 = unsigned byte; the only one MNIST uses)
//   byte  3    number of dimensions N
//   N × uint32 big-endian dimension sizes
//   the data, row-major, product(dims) elements

/** A parsed IDX file: its dimensions and its data as a zero-copy view. */
export interface IdxArray {
  /** Dimension sizes as in the header, outermost first, e.g. [60000, 28, 28]. */
  dims: number[];
  /** product(dims) bytes, a subarray of the input (no copy). */
  data: Uint8Array;
}

const UBYTE = 0x08;

/** The IDX dtype codes, so an error can say what it found. */
const DTYPE_NAMES: Record<number, string> = {
  0x08: 'ubyte',
  0x09: 'byte',
  0x0b: 'int16',
  0x0c: 'int32',
  0x0d: 'float32',
  0x0e: 'float64',
};

/**
 * Parses an unsigned-byte IDX file. `file` names it in error messages.
 * Throws on a short header, a bad magic, a dtype other than ubyte, or data
 * shorter or longer than the dims say.
 */
export function parseIdx(bytes: Uint8Array, file: string): IdxArray {
  if (bytes.length < 4) {
    throw new Error(`${file}: too short for an IDX header (${bytes.length} bytes, need at least 4)`);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const magic = view.getUint32(0);
  if (view.getUint16(0) !== 0) {
    throw new Error(`${file}: bad IDX magic 0x${hex(magic, 8)} (expected 0x000008NN)`);
  }
  const dtype = view.getUint8(2);
  if (dtype !== UBYTE) {
    const name = DTYPE_NAMES[dtype] ?? 'unknown';
    throw new Error(`${file}: IDX dtype 0x${hex(dtype, 2)} (${name}) is not supported; only ubyte (0x08) is`);
  }
  const rank = view.getUint8(3);
  const headerBytes = 4 + 4 * rank;
  if (bytes.length < headerBytes) {
    throw new Error(
      `${file}: too short for an IDX header of ${rank} dims (${bytes.length} bytes, need ${headerBytes})`,
    );
  }
  const dims: number[] = [];
  for (let i = 0; i < rank; i++) dims.push(view.getUint32(4 + 4 * i));
  // Exact for any real file; a product past 2^53 is absurd and still unequal to got.
  const expected = dims.reduce((a, b) => a * b, 1);
  const got = bytes.length - headerBytes;
  if (got !== expected) {
    const which = got < expected ? 'shorter' : 'longer';
    throw new Error(
      `${file}: data ${which} than dims [${dims.join(', ')}] say: expected ${expected} bytes, got ${got}`,
    );
  }
  return { dims, data: bytes.subarray(headerBytes) };
}

function hex(n: number, digits: number): string {
  return n.toString(16).padStart(digits, '0');
}
