// One test image from its bytes (grey or RGB, HWC), scaled up crisply.
import type { TestImage } from '../../protocol/messages';
import { PixelImage } from '../PixelImage';

export function TestImageThumb({ image, size = 56, label }: { image: TestImage; size?: number; label: string }) {
  return <PixelImage bytes={image.pixels} width={image.width} height={image.height} channels={image.channels} size={size} label={label} />;
}
