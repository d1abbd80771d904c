// A small image from raw bytes (grey or RGB, HWC), as an <img> with a PNG
// data URL, scaled up crisply. Not a canvas: every 2D canvas on the page is
// handed to the compositor again frame after frame while the charts animate,
// where an image is decoded once (a trace's figures: bench/LOG.md,
// 2026-11-28).
import { useMemo } from 'react';

let scratch: HTMLCanvasElement | null = null;

/** The bytes as a PNG data URL ('' where the page has no 2D canvas, e.g. in tests without one). */
export function pixelsToDataUrl(bytes: ArrayLike<number>, width: number, height: number, channels: number): string {
  scratch ??= document.createElement('canvas');
  scratch.width = width;
  scratch.height = height;
  const ctx = scratch.getContext('2d');
  if (!ctx) return '';
  const rgba = ctx.createImageData(width, height);
  for (let p = 0; p < width * height; p++) {
    for (let k = 0; k < 3; k++) rgba.data[p * 4 + k] = bytes[p * channels + (channels === 3 ? k : 0)] ?? 0;
    rgba.data[p * 4 + 3] = 255;
  }
  ctx.putImageData(rgba, 0, 0);
  return scratch.toDataURL('image/png');
}

export interface PixelImageProps {
  bytes: ArrayLike<number>;
  width: number;
  height: number;
  channels: number;
  label: string;
  className?: string;
  /** CSS size in pixels (square); omitted, the class decides. */
  size?: number;
  title?: string;
}

export function PixelImage({ bytes, width, height, channels, label, className, size, title }: PixelImageProps) {
  const src = useMemo(() => pixelsToDataUrl(bytes, width, height, channels), [bytes, width, height, channels]);
  return <img src={src} width={width} height={height} alt={label} title={title} className={className} style={{ imageRendering: 'pixelated', ...(size ? { width: size, height: size } : {}) }} />;
}
