// A grid of sample images with their class names, drawn on small canvases
// (scaled up with pixelated rendering). Plain bytes in, no tfjs.
import { useEffect, useRef } from 'react';

function SampleImage({ bytes, height, width, channels, title }: { bytes: Uint8Array; height: number; width: number; channels: number; title: string }) {
  const ref = useRef<HTMLCanvasElement>(null);
  useEffect(() => {
    const ctx = ref.current?.getContext('2d');
    if (!ctx) return;
    const img = ctx.createImageData(width, height);
    for (let p = 0; p < height * width; p++) {
      for (let c = 0; c < 3; c++) img.data[p * 4 + c] = bytes[p * channels + (channels === 1 ? 0 : c)] as number;
      img.data[p * 4 + 3] = 255;
    }
    ctx.putImageData(img, 0, 0);
  }, [bytes, height, width, channels]);
  return <canvas ref={ref} width={width} height={height} className="sample-image" role="img" aria-label={title} title={title} />;
}

export interface SampleGridProps {
  testId: string;
  images: Uint8Array;
  labels: number[];
  classNames: string[];
  height: number;
  width: number;
  channels: number;
}

export function SampleGrid({ testId, images, labels, classNames, height, width, channels }: SampleGridProps) {
  const size = height * width * channels;
  return (
    <div className="sample-grid" data-testid={testId} data-count={labels.length}>
      {labels.map((y, i) => {
        const name = classNames[y] ?? String(y);
        return (
          <figure key={i} className="sample">
            <SampleImage bytes={images.subarray(i * size, (i + 1) * size)} height={height} width={width} channels={channels} title={name} />
            <figcaption>{name}</figcaption>
          </figure>
        );
      })}
    </div>
  );
}
