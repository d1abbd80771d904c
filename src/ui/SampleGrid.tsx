// A grid of sample images with their class names (images from their bytes,
// scaled up with pixelated rendering). Plain bytes in, no tfjs.
import { PixelImage } from './PixelImage';

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
            <PixelImage bytes={images.subarray(i * size, (i + 1) * size)} height={height} width={width} channels={channels} label={name} title={name} className="sample-image" />
            <figcaption>{name}</figcaption>
          </figure>
        );
      })}
    </div>
  );
}
