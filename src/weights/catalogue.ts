// Well-known pretrained checkpoints the page offers to fetch, each only on a
// click: published top-1 on ImageNet-1k's validation set, size and address,
// as their publishers list them (torchvision's model docs, timm's model
// cards). Fetching needs the server to allow cross-origin requests; when it
// does not, the page names the address to download by hand and drop. Pure TS.
import type { ModelPresetId } from '../config/presets';
import type { Naming } from './torch-names';

export interface CatalogueEntry {
  /** The cache id, also written in a share link's `weights=`. */
  id: string;
  /** As the publisher names it. */
  title: string;
  /** The zoo preset the weights fit. */
  preset: ModelPresetId;
  naming: Naming;
  url: string;
  /** The file's size, about (the page shows it before fetching). */
  bytes: number;
  /** Published ImageNet-1k top-1 (%) and how it was measured. */
  top1: number;
  measured: string;
  /** Trained on ImageNet: runs from them normalize with ImageNet's mean and std. */
  imagenet: true;
}

export const CATALOGUE: readonly CatalogueEntry[] = [
  { id: 'torchvision/resnet18', title: 'torchvision ResNet-18 IMAGENET1K_V1', preset: 'resnet18', naming: 'torchvision', url: 'https://download.pytorch.org/models/resnet18-f37072fd.pth', bytes: 46_830_571, top1: 69.758, measured: 'torchvision docs, 224×224 centre crop', imagenet: true },
  { id: 'torchvision/resnet50', title: 'torchvision ResNet-50 IMAGENET1K_V1', preset: 'resnet50', naming: 'torchvision', url: 'https://download.pytorch.org/models/resnet50-0676ba61.pth', bytes: 102_530_333, top1: 76.13, measured: 'torchvision docs, 224×224 centre crop (the article\'s weights)', imagenet: true },
  { id: 'torchvision/resnet50-v2', title: 'torchvision ResNet-50 IMAGENET1K_V2', preset: 'resnet50', naming: 'torchvision', url: 'https://download.pytorch.org/models/resnet50-11ad3fa6.pth', bytes: 102_540_417, top1: 80.858, measured: 'torchvision docs, 232 resize, 224 crop', imagenet: true },
  { id: 'timm/resnet50.a1_in1k', title: 'timm resnet50.a1_in1k', preset: 'resnet50', naming: 'timm', url: 'https://huggingface.co/timm/resnet50.a1_in1k/resolve/main/model.safetensors', bytes: 102_000_000, top1: 81.22, measured: 'timm model card, at 288×288', imagenet: true },
];

export function catalogueEntry(id: string): CatalogueEntry | undefined {
  return CATALOGUE.find((e) => e.id === id);
}

/** File names every Hugging Face repository uses: they say nothing of which weights. */
const GENERIC_NAMES = new Set(['model.safetensors', 'pytorch_model.bin']);

/**
 * The entry a dropped file is, by its name: the last part of the entry's
 * address, where that is unique (torchvision's carry a hash, e.g.
 * resnet50-0676ba61.pth; timm's are all model.safetensors, so not those).
 */
export function catalogueFile(name: string): CatalogueEntry | undefined {
  const base = (e: CatalogueEntry) => e.url.slice(e.url.lastIndexOf('/') + 1);
  if (GENERIC_NAMES.has(name)) return undefined;
  const hits = CATALOGUE.filter((e) => base(e) === name);
  return hits.length === 1 ? hits[0] : undefined;
}
