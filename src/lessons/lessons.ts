// Lessons as data: each is a list of steps, and a step is its text (by key:
// lessons:ID.STEP.text in src/i18n/locales), the config it sets, what to
// press, what to look at, and a check that reads the user's own runs and
// says whether the expected effect appeared, in words built from the
// measured numbers (checks.ts). One panel (src/ui/lessons/) shows any of
// them; `lesson=ID` in the link opens one. Pure TS: no tfjs, no React.
import { applyRecipe, recipeById } from '../config/recipes';
import { modelFromPreset } from '../config/presets';
import type { Config } from '../config/types';
import { bottleneckCheck, degradationCheck, fastCheck, skipCheck, transferCheck, vanishingCheck, type Check } from './checks';

/** What a step asks the user to press: the lesson panel's own buttons, or the page's Train. */
export type LessonAction = 'train' | 'gradflow' | 'budget' | 'measure';

export interface LessonStep {
  /** Its key under the lesson's in the locale files: text (what and why), and press / look where those are given. */
  id: string;
  /** The config this step sets when the user presses "Set up this step" (a function of the user's config). */
  config?: (c: Config) => Config;
  press?: LessonAction;
  /** data-testid of what to look at: outlined while the step is open. */
  look?: string;
  check?: Check;
}

export interface Lesson {
  /** Its URL id (`lesson=skip`); its title and summary are lessons:ID.title and .summary. */
  id: string;
  steps: LessonStep[];
}

/** The depths of the skip lesson's table: as the paper's CIFAR nets, and torch_gradflow.py's reference rows. */
export const SKIP_DEPTHS = [20, 56, 110] as const;
/** The table's columns: residual + BN, plain + BN, residual, plain (torch_gradflow.py's order). */
export const GRAD_FLOW_CELLS = [
  { id: 'resBn', skip: true, bn: true },
  { id: 'plainBn', skip: false, bn: true },
  { id: 'res', skip: true, bn: false },
  { id: 'plain', skip: false, bn: false },
] as const;

/** Images in the batch the table's gradients are taken on. */
export const SKIP_BATCH = 32;

/** The degradation lesson's budgets, in minutes, for all four runs together. */
export const BUDGETS_MIN = [10, 30, 60] as const;

/** A CIFAR ResNet (6n + 2) or its plain twin, with or without batch norm; the rest of the user's model stays. */
function cifarNet(c: Config, depth: number, skip: boolean, batchNorm: boolean): Config {
  return { ...c, model: { ...modelFromPreset('resnet20'), blocksPerStage: (depth - 2) / 6, skip, batchNorm } };
}

/** `steps` steps, no epoch limit of their own; norms and the data set are the user's. */
function forSteps(c: Config, maxSteps: number): Config {
  return { ...c, train: { ...c.train, maxSteps, epochs: Math.max(c.train.epochs, 1) } };
}

/**
 * The degradation lesson's runs: CIFAR-10's first 5,000 training images
 * (He et al. 2015 Fig. 6 train on all of it for 64k iterations; a subset
 * keeps a short budget's steps on the same images), 1,000 test images, He et
 * al.'s optimizer at a constant rate (the figure's curves before the first
 * decay), crop and flip.
 */
function degradationRun(c: Config, depth: number, skip: boolean, steps: number): Config {
  const net = cifarNet(c, depth, skip, true);
  return {
    ...net,
    train: { ...net.train, batchSize: 128, optimizer: 'momentum', learningRate: 0.1, momentum: 0.9, weightDecay: 1e-4, schedule: 'constant', labelSmoothing: 0, initWeights: '', freeze: 'none', maxSteps: steps, epochs: 1000 },
    data: { ...net.data, dataset: 'cifar10', trainSubset: 5000, testSubset: 1000, randomCrop: true, horizontalFlip: true, cutout: false, normalize: 'dataset' },
  };
}

/** The steps each degradation run gets: set by the budget step (state/lessons.ts), read when a run's step is set up. */
export interface LessonSettings {
  degradationSteps: number;
}
export const DEFAULT_SETTINGS: LessonSettings = { degradationSteps: 100 };

/** The lessons, in the order the panel lists them. Steps that depend on the user's settings read them through `settings`. */
export function lessons(settings: LessonSettings = DEFAULT_SETTINGS): Lesson[] {
  const steps = settings.degradationSteps;
  return [
    {
      id: 'skip',
      steps: [
        { id: 'why', look: 'chart.gradHeadline' },
        { id: 'table', press: 'gradflow', look: 'lesson.gradflow', check: skipCheck },
      ],
    },
    {
      id: 'vanishing',
      steps: [
        { id: 'resnet', config: (c) => forSteps(cifarNet(c, 56, true, true), 300), press: 'train', look: 'chart.gradHeatmap' },
        { id: 'plain', config: (c) => forSteps(cifarNet(c, 56, false, false), 300), press: 'train', look: 'chart.gradHeatmap' },
        { id: 'compare', look: 'chart.gradHeadline', check: vanishingCheck },
      ],
    },
    {
      id: 'degradation',
      steps: [
        { id: 'budget', config: (c) => degradationRun(c, 20, false, steps), press: 'budget', look: 'lesson.budget' },
        { id: 'plain20', config: (c) => degradationRun(c, 20, false, steps), press: 'train', look: 'chart.acc' },
        { id: 'plain56', config: (c) => degradationRun(c, 56, false, steps), press: 'train', look: 'chart.acc' },
        { id: 'res20', config: (c) => degradationRun(c, 20, true, steps), press: 'train', look: 'chart.acc' },
        { id: 'res56', config: (c) => degradationRun(c, 56, true, steps), press: 'train', look: 'chart.acc' },
        { id: 'compare', look: 'chart.acc', check: degradationCheck },
      ],
    },
    {
      id: 'bottleneck',
      steps: [
        { id: 'blocks', look: 'arch.block' },
        { id: 'measure', press: 'measure', look: 'lesson.measure', check: bottleneckCheck },
      ],
    },
    {
      id: 'transfer',
      steps: [
        { id: 'probe', config: (c) => applyRecipe(c, recipeById('article-probe')!), press: 'train', look: 'weights.recipe.status' },
        { id: 'finetune', config: (c) => applyRecipe(c, recipeById('article-finetune')!), press: 'train', look: 'chart.acc' },
        { id: 'compare', look: 'chart.acc', check: transferCheck },
      ],
    },
    {
      id: 'fast-cifar',
      steps: [
        { id: 'recipe', config: (c) => applyRecipe({ ...c, model: modelFromPreset('resnet20') }, recipeById('fast')!), press: 'train', look: 'chart.acc' },
        { id: 'result', look: 'run.stats', check: fastCheck },
      ],
    },
  ];
}

export const LESSON_IDS = lessons().map((l) => l.id);

export function lessonById(id: string, settings?: LessonSettings): Lesson | undefined {
  return lessons(settings).find((l) => l.id === id);
}

/** The steps for a budget of `minutes` for the four runs, from measured milliseconds a step of the shallow and the deep net (the plain twins cost the same). */
export function stepsForBudget(minutes: number, msShallow: number, msDeep: number): number {
  return Math.max(1, Math.floor((minutes * 60_000) / (2 * msShallow + 2 * msDeep)));
}
