// An image file's format and size from its first bytes, before any decoding:
// what the folder import needs to skip what is not an image and to refuse an
// image too large to decode (a 50-megapixel cap) without allocating its
// pixels. JPEG, PNG, GIF and WebP, the formats browsers decode everywhere.
// Pure TS over a Uint8Array.
//
//   PNG   89 50 4E 47 0D 0A 1A 0A, then the IHDR chunk: width@16, height@20 (big-endian u32)
//   JPEG  FF D8, then marker segments: a start-of-frame (C0-CF but C4, C8, CC)
//         holds precision@+4, height@+5, width@+7 (big-endian u16)
//   GIF   'GIF87a' or 'GIF89a', the logical screen's width@6, height@8 (little-endian u16)
//   WebP  'RIFF' size 'WEBP', then 'VP8 ' (lossy: 14-bit width@26, height@28),
//         'VP8L' (lossless: 14-bit sizes packed after the 0x2F signature@20)
//         or 'VP8X' (extended: 24-bit width-1@24, height-1@27)

export type ImageFormat = 'jpeg' | 'png' | 'gif' | 'webp';

export interface ImageHeader {
  format: ImageFormat;
  width: number;
  height: number;
}

/** The file-name endings of the formats read, for telling "not an image" from "a broken image". */
export const IMAGE_EXTENSIONS: Readonly<Record<string, ImageFormat>> = { jpg: 'jpeg', jpeg: 'jpeg', jfif: 'jpeg', png: 'png', gif: 'gif', webp: 'webp' };

/** The largest image decoded, in pixels (width × height). */
export const MAX_PIXELS = 50_000_000;
/**
 * The largest image file read: 64 MiB, past a 50-megapixel JPEG (about 25
 * MB) and most PNGs that size; with 8 read at once, a folder holds at most
 * 512 MiB of files in memory.
 */
export const MAX_IMAGE_BYTES = 64 * 2 ** 20;

const ascii = (b: Uint8Array, at: number, text: string) => [...text].every((c, i) => b[at + i] === c.charCodeAt(0));

/**
 * The format and size of the image in `b` (its first bytes: 64 KiB finds a
 * JPEG's frame header past most metadata), or null when `b` starts like none
 * of the four formats. Throws when it starts like one but the header is cut
 * short or malformed, naming what is missing.
 */
export function imageHeader(b: Uint8Array): ImageHeader | null {
  const view = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const need = (n: number, what: string) => {
    if (b.length < n) throw new Error(`the ${what} header is cut short`);
  };
  if (b[0] === 0x89 && ascii(b, 1, 'PNG\r\n\x1a\n')) {
    need(24, 'PNG');
    if (!ascii(b, 12, 'IHDR')) throw new Error('a PNG without its IHDR chunk first');
    return { format: 'png', width: view.getUint32(16), height: view.getUint32(20) };
  }
  if (b[0] === 0xff && b[1] === 0xd8) return jpegSize(b, view);
  if (ascii(b, 0, 'GIF87a') || ascii(b, 0, 'GIF89a')) {
    need(10, 'GIF');
    return { format: 'gif', width: view.getUint16(6, true), height: view.getUint16(8, true) };
  }
  if (ascii(b, 0, 'RIFF') && ascii(b, 8, 'WEBP')) {
    need(30, 'WebP');
    if (ascii(b, 12, 'VP8 ')) return { format: 'webp', width: view.getUint16(26, true) & 0x3fff, height: view.getUint16(28, true) & 0x3fff };
    if (ascii(b, 12, 'VP8L')) {
      const bits = view.getUint32(21, true);
      return { format: 'webp', width: (bits & 0x3fff) + 1, height: ((bits >>> 14) & 0x3fff) + 1 };
    }
    if (ascii(b, 12, 'VP8X')) {
      const u24 = (at: number) => (b[at] as number) | ((b[at + 1] as number) << 8) | ((b[at + 2] as number) << 16);
      return { format: 'webp', width: u24(24) + 1, height: u24(27) + 1 };
    }
    throw new Error('a WebP file with no VP8, VP8L or VP8X chunk first');
  }
  return null;
}

/** Walks a JPEG's marker segments to its start-of-frame. */
function jpegSize(b: Uint8Array, view: DataView): ImageHeader {
  let at = 2;
  while (at + 4 <= b.length) {
    if (b[at] !== 0xff) throw new Error(`a JPEG whose marker at byte ${at} is missing`);
    const marker = b[at + 1] as number;
    if (marker === 0xff) {
      at += 1; // fill byte
      continue;
    }
    // Markers without a length: RST0-7, SOI, TEM.
    if ((marker >= 0xd0 && marker <= 0xd8) || marker === 0x01) {
      at += 2;
      continue;
    }
    const length = view.getUint16(at + 2);
    if (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc) {
      if (at + 9 > b.length) break;
      return { format: 'jpeg', height: view.getUint16(at + 5), width: view.getUint16(at + 7) };
    }
    if (marker === 0xd9 || marker === 0xda) throw new Error('a JPEG with no frame header before its image data');
    at += 2 + length;
  }
  throw new Error('the JPEG header is cut short (no frame header in its first bytes)');
}
