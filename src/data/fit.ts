// An image fitted to a square of side `size`: 'crop' scales the short side
// to `size` and keeps the centre (torchvision's Resize(size) then
// CenterCrop(size)); 'pad' scales the long side to `size` and centres the
// image on black. Area averaging (each output pixel the mean of the source
// pixels it covers, in fractions at the edges), separable: what downscaling
// a photo needs to keep its detail without aliasing. RGBA in (transparency
// over black), RGB out.
// Pure TS: the CLI's path (the page's data worker lets the browser resize).

export type Fit = 'crop' | 'pad';

/** Where the image lands in the square: the source rectangle taken and the destination rectangle it fills. */
export interface Placement {
  sx: number;
  sy: number;
  sw: number;
  sh: number;
  dx: number;
  dy: number;
  dw: number;
  dh: number;
}

/** The placement of a w×h image in a size×size square under `fit`. */
export function placement(w: number, h: number, size: number, fit: Fit): Placement {
  if (fit === 'crop') {
    const side = Math.min(w, h);
    return { sx: (w - side) / 2, sy: (h - side) / 2, sw: side, sh: side, dx: 0, dy: 0, dw: size, dh: size };
  }
  const scale = size / Math.max(w, h);
  const dw = Math.max(1, Math.round(w * scale));
  const dh = Math.max(1, Math.round(h * scale));
  return { sx: 0, sy: 0, sw: w, sh: h, dx: Math.floor((size - dw) / 2), dy: Math.floor((size - dh) / 2), dw, dh };
}

/** For each of `n` outputs over the source span [start, start + span) of `limit` pixels: the source pixels and their weights (summing to 1). */
function taps(n: number, start: number, span: number, limit: number): Array<{ first: number; weights: Float64Array }> {
  const step = span / n;
  return Array.from({ length: n }, (_, i) => {
    const lo = start + i * step;
    const hi = lo + step;
    const first = Math.max(0, Math.floor(lo));
    const last = Math.min(limit - 1, Math.ceil(hi) - 1);
    const weights = new Float64Array(Math.max(1, last - first + 1));
    let total = 0;
    for (let p = first; p <= last; p++) {
      const w = Math.min(hi, p + 1) - Math.max(lo, p);
      weights[p - first] = Math.max(0, w);
      total += weights[p - first] as number;
    }
    for (let k = 0; k < weights.length; k++) weights[k] = total > 0 ? (weights[k] as number) / total : 1 / weights.length;
    return { first, weights };
  });
}

/** `rgba` (w×h, 4 bytes a pixel) fitted into a size×size RGB square. */
export function fitImage(rgba: Uint8Array, w: number, h: number, size: number, fit: Fit): Uint8Array {
  const p = placement(w, h, size, fit);
  const xs = taps(p.dw, p.sx, p.sw, w);
  const ys = taps(p.dh, p.sy, p.sh, h);
  // Rows first: h source rows -> dw columns, 3 channels, in float.
  const rows = new Float64Array(h * p.dw * 3);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < p.dw; x++) {
      const { first, weights } = xs[x] as { first: number; weights: Float64Array };
      let r = 0;
      let g = 0;
      let b = 0;
      for (let k = 0; k < weights.length; k++) {
        const at = (y * w + first + k) * 4;
        // Transparency over black, as a canvas filled black before drawing.
        const wt = ((weights[k] as number) * (rgba[at + 3] as number)) / 255;
        r += (rgba[at] as number) * wt;
        g += (rgba[at + 1] as number) * wt;
        b += (rgba[at + 2] as number) * wt;
      }
      const o = (y * p.dw + x) * 3;
      rows[o] = r;
      rows[o + 1] = g;
      rows[o + 2] = b;
    }
  }
  const out = new Uint8Array(size * size * 3);
  for (let y = 0; y < p.dh; y++) {
    const { first, weights } = ys[y] as { first: number; weights: Float64Array };
    for (let x = 0; x < p.dw; x++) {
      for (let c = 0; c < 3; c++) {
        let v = 0;
        for (let k = 0; k < weights.length; k++) v += (rows[((first + k) * p.dw + x) * 3 + c] as number) * (weights[k] as number);
        out[((p.dy + y) * size + p.dx + x) * 3 + c] = Math.min(255, Math.max(0, Math.round(v)));
      }
    }
  }
  return out;
}
