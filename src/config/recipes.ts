// Recipes: whole training setups as data (the optimizer, its schedule, the
// augmentation, and for transfer the model preset and its starting weights),
// applied to a Config by one builder, as presets are records over
// DEFAULT_MODEL. A new recipe or variant is a new record. Pure TS: imports no
// tfjs and no React, only config/.
import { modelFromPreset, type ModelPresetId } from './presets';
import type { Config, DataConfig, TrainConfig } from './types';

/** The fields a recipe sets; everything else (seed, backend, mirror) stays the user's. */
type RecipeTrain = Omit<TrainConfig, 'seed' | 'backend'>;
type RecipeData = Pick<DataConfig, 'dataset' | 'trainSubset' | 'testSubset' | 'randomCrop' | 'horizontalFlip' | 'cutout' | 'normalize'>;

/** 'training': a recipe for any model from its initialisation (the user's model stays); 'transfer': a pretrained model and its data. */
export type RecipeKind = 'training' | 'transfer';

export interface Recipe {
  id: string;
  kind: RecipeKind;
  /** The recipe, then the variant, as the panel shows them. */
  title: string;
  variant: string;
  /** Where the numbers come from, in a line. */
  source: string;
  /** Transfer: the model preset and the square size the images are resized to (the weights' ImageNet shape). */
  model?: { preset: ModelPresetId; inputSize: number };
  train: RecipeTrain;
  data: RecipeData;
}

/** The training fields no recipe from scratch changes: no starting weights, everything trains. */
const FROM_SCRATCH = { warmupEpochs: 0, decayEvery: 1, maxSteps: 0, initWeights: '', freeze: 'none', headLrScale: 1 } as const;

/** CIFAR-10 in full, per-channel normalized, with the standard augmentation of He et al. 2015 §4.2 (pad 4 and crop, mirror). */
const CIFAR_AUGMENTED = { dataset: 'cifar10', trainSubset: 0, testSubset: 0, randomCrop: true, horizontalFlip: true, cutout: false, normalize: 'dataset' } as const;

/**
 * He et al. 2015 §4.2, the CIFAR-10 recipe of the paper's ResNet-20..110:
 * SGD with momentum 0.9, batch 128, lr 0.1, weight decay 1e-4, pad-and-crop
 * and mirroring, the rate ÷10 at 32k and 48k of 64k iterations (50% and 75%).
 * The paper runs 164 epochs; here 10 (about 45 minutes of ResNet-20 on one
 * CPU core), the decays kept at the same fractions of the run.
 */
const HE_2015: Recipe = {
  id: 'he2015',
  kind: 'training',
  title: 'He et al. 2015 §4.2 (CIFAR-10)',
  variant: 'the paper’s recipe, 10 epochs',
  source: 'batch 128, SGD momentum 0.9, lr 0.1 ÷10 at 50% and 75% of the run, weight decay 1e-4, crop + flip',
  train: { ...FROM_SCRATCH, batchSize: 128, optimizer: 'momentum', learningRate: 0.1, momentum: 0.9, weightDecay: 1e-4, schedule: 'multistep', decayFactor: 0.1, labelSmoothing: 0, epochs: 10 },
  data: CIFAR_AUGMENTED,
};

/**
 * A recipe for time to accuracy on a CPU: one-cycle (Smith & Topin 2019,
 * super-convergence: a high peak rate for a short run) with Nesterov's
 * momentum, label smoothing 0.1 (Szegedy et al. 2016 §7), weight decay 5e-4
 * as the fast CIFAR-10 runs use (Page 2018, "How to train your ResNet"), crop
 * and flip. Batch 256 at twice He et al.'s rate (Goyal et al. 2017 §2.1's
 * linear scaling), then doubled again for one-cycle's peak.
 */
const FAST: Recipe = {
  id: 'fast',
  kind: 'training',
  title: 'Fast CIFAR-10',
  variant: 'one-cycle, Nesterov, label smoothing, 10 epochs',
  source: 'batch 256, Nesterov 0.9, one-cycle to lr 0.4, weight decay 5e-4, label smoothing 0.1, crop + flip',
  train: { ...FROM_SCRATCH, batchSize: 256, optimizer: 'nesterov', learningRate: 0.4, momentum: 0.9, weightDecay: 5e-4, schedule: 'onecycle', decayFactor: 0.1, labelSmoothing: 0.1, epochs: 10 },
  data: CIFAR_AUGMENTED,
};

/**
 * The article's transfer recipe: torchvision's ResNet-50 with its ImageNet
 * weights (IMAGENET1K_V1, src/weights/catalogue.ts's 'torchvision/resnet50'),
 * CIFAR-10 resized to 224×224 and normalized with ImageNet's mean and std,
 * torch.optim.SGD(lr=0.001, momentum=0.9) at a constant rate, 5 epochs, no
 * augmentation, no weight decay, one rate for all layers. Batch 8: at 224
 * the WASM heap's budget (src/arch/memory.ts WASM_LIMITS) holds at most 9.
 */
const ARTICLE = {
  kind: 'transfer',
  title: "The article's recipe: ResNet-50, ImageNet weights → CIFAR-10",
  source: 'torchvision ResNet-50 IMAGENET1K_V1; torch SGD, lr 0.001, momentum 0.9; batch 8; 5 epochs at 224×224',
  model: { preset: 'resnet50', inputSize: 224 },
  train: { optimizer: 'momentum', learningRate: 0.001, momentum: 0.9, weightDecay: 0, schedule: 'constant', warmupEpochs: 0, decayEvery: 1, decayFactor: 0.1, epochs: 5, batchSize: 8, maxSteps: 0, labelSmoothing: 0, initWeights: 'torchvision/resnet50', headLrScale: 1 },
  data: { dataset: 'cifar10', trainSubset: 0, testSubset: 0, randomCrop: false, horizontalFlip: false, cutout: false, normalize: 'imagenet' },
} as const satisfies Omit<Recipe, 'id' | 'variant' | 'train'> & { train: Omit<RecipeTrain, 'freeze'> };

export const RECIPES: readonly Recipe[] = [
  HE_2015,
  FAST,
  { ...ARTICLE, id: 'article-finetune', variant: 'full fine-tuning (every layer trains)', train: { ...ARTICLE.train, freeze: 'none' } },
  { ...ARTICLE, id: 'article-probe', variant: 'linear probe (only the new head trains)', train: { ...ARTICLE.train, freeze: 'head' } },
];

export function recipeById(id: string): Recipe | undefined {
  return RECIPES.find((r) => r.id === id);
}

/** `config` with the recipe applied: a transfer recipe's whole model at its input size (a training recipe keeps the user's), its train and data fields over the user's. */
export function applyRecipe(config: Config, recipe: Recipe): Config {
  return {
    model: recipe.model ? { ...modelFromPreset(recipe.model.preset), inputSize: recipe.model.inputSize } : config.model,
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
