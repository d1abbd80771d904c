// Recipes: whole fine-tuning setups as data (a model preset, the data, the
// optimizer and the starting weights), applied to a Config by one builder,
// as presets are records over DEFAULT_MODEL. A new recipe or variant is a
// new record. Pure TS: imports no tfjs and no React, only config/.
import { modelFromPreset, type ModelPresetId } from './presets';
import type { Config, DataConfig, TrainConfig } from './types';

/** The fields a recipe sets; everything else (seed, backend, mirror) stays the user's. */
type RecipeTrain = Pick<TrainConfig, 'optimizer' | 'learningRate' | 'momentum' | 'weightDecay' | 'schedule' | 'epochs' | 'batchSize' | 'maxSteps' | 'labelSmoothing' | 'initWeights' | 'freeze' | 'headLrScale'>;
type RecipeData = Pick<DataConfig, 'dataset' | 'trainSubset' | 'testSubset' | 'randomCrop' | 'horizontalFlip' | 'cutout' | 'normalize'>;

export interface Recipe {
  id: string;
  /** The recipe, then the variant, as the panel shows them. */
  title: string;
  variant: string;
  /** Where the numbers come from, in a line. */
  source: string;
  preset: ModelPresetId;
  /** The square size the images are resized to (the weights' ImageNet shape). */
  inputSize: number;
  train: RecipeTrain;
  data: RecipeData;
}

/**
 * The article's transfer recipe: torchvision's ResNet-50 with its ImageNet
 * weights (IMAGENET1K_V1, src/weights/catalogue.ts's 'torchvision/resnet50'),
 * CIFAR-10 resized to 224×224 and normalized with ImageNet's mean and std,
 * torch.optim.SGD(lr=0.001, momentum=0.9) at a constant rate, 5 epochs, no
 * augmentation, no weight decay, one rate for all layers. Batch 8: at 224
 * the WASM heap's budget (src/arch/memory.ts WASM_LIMITS) holds at most 9.
 */
const ARTICLE = {
  title: "The article's recipe: ResNet-50, ImageNet weights → CIFAR-10",
  source: 'torchvision ResNet-50 IMAGENET1K_V1; torch SGD, lr 0.001, momentum 0.9; batch 8; 5 epochs at 224×224',
  preset: 'resnet50',
  inputSize: 224,
  train: { optimizer: 'momentum', learningRate: 0.001, momentum: 0.9, weightDecay: 0, schedule: 'constant', epochs: 5, batchSize: 8, maxSteps: 0, labelSmoothing: 0, initWeights: 'torchvision/resnet50', headLrScale: 1 },
  data: { dataset: 'cifar10', trainSubset: 0, testSubset: 0, randomCrop: false, horizontalFlip: false, cutout: false, normalize: 'imagenet' },
} as const satisfies Omit<Recipe, 'id' | 'variant' | 'train'> & { train: Omit<RecipeTrain, 'freeze'> };

export const RECIPES: readonly Recipe[] = [
  { ...ARTICLE, id: 'article-finetune', variant: 'full fine-tuning (every layer trains)', train: { ...ARTICLE.train, freeze: 'none' } },
  { ...ARTICLE, id: 'article-probe', variant: 'linear probe (only the new head trains)', train: { ...ARTICLE.train, freeze: 'head' } },
];

export function recipeById(id: string): Recipe | undefined {
  return RECIPES.find((r) => r.id === id);
}

/** `config` with the recipe applied: the preset's whole model at the recipe's input size, its train and data fields over the user's. */
export function applyRecipe(config: Config, recipe: Recipe): Config {
  return {
    model: { ...modelFromPreset(recipe.preset), inputSize: recipe.inputSize },
    train: { ...config.train, ...recipe.train },
    data: { ...config.data, ...recipe.data },
  };
}

/** The recipe `config` is, field for field (seed, backend and the mirror aside); undefined when none. */
export function recipeOf(config: Config): Recipe | undefined {
  return RECIPES.find((r) => same(applyRecipe(config, r), config));
}

/** Deep equality of plain config values, whatever the order of their keys. */
function same(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  const ka = Object.keys(a);
  return ka.length === Object.keys(b).length && ka.every((k) => same((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
}
