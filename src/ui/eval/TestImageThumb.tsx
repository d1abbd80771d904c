// One test image drawn from its bytes (grey or RGB, HWC), scaled up crisply.
import { useEffect, useRef } from 'react';
import type { TestImage } from '../../protocol/messages';

export function TestImageThumb({ image, size = 56, label }: { image: TestImage; size?: number; label: string }) {
  const ref = useRef<HTMLCanvasElement>(null);
  useEffect(() => {
    const ctx = ref.current?.getContext('2d');
    if (!ctx) return;
    const { width, height, channels, pixels } = image;
    const rgba = new ImageData(width, height);
    for (let p = 0; p < width * height; p++) {
      for (let k = 0; k < 3; k++) rgba.data[p * 4 + k] = pixels[p * channels + (channels === 3 ? k : 0)] ?? 0;
      rgba.data[p * 4 + 3] = 255;
    }
    ctx.putImageData(rgba, 0, 0);
  }, [image]);
  return <canvas ref={ref} width={image.width} height={image.height} style={{ width: size, height: size, imageRendering: 'pixelated' }} role="img" aria-label={label} />;
}
