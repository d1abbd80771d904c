// The lesson open, where each lesson was left (kept on this machine), and the
// numbers the lessons measure in the training worker: the skip lesson's
// gradient-flow table, the degradation lesson's budget, the bottleneck
// lesson's timed steps. The steps themselves are data (src/lessons/lessons.ts).
import { create } from 'zustand';
import { buildArch, summarize } from '../arch/arch';
import { configFromPreset } from '../config/presets';
import type { Config } from '../config/types';
import type { FieldError } from '../config/validate';
import type { Measured } from '../lessons/checks';
import { DEFAULT_SETTINGS, LESSON_IDS, lessonById, SKIP_BATCH, SKIP_DEPTHS, stepsForBudget, type LessonSettings } from '../lessons/lessons';
import type { GradFlowRow } from '../protocol/messages';
import { estimateEpochs, gradFlowTable } from './bridge';
import { runMsFromEstimate } from './eta';
import type { PolicyEstimate } from '../protocol/messages';
import { useStore } from './store';

/** A measurement in the worker: its progress line, or why it failed. */
export interface Job {
  status: 'idle' | 'running' | 'done' | 'error';
  detail: string;
}

const IDLE: Job = { status: 'idle', detail: '' };

export interface LessonsState {
  open: { id: string; step: number } | null;
  /** The step each lesson was left at, by id. */
  progress: Record<string, number>;
  settings: LessonSettings;
  gradFlow: GradFlowRow[];
  gradFlowJob: Job;
  measured: Measured[];
  measureJob: Job;
  /** The degradation lesson's budget in minutes, once chosen and measured. */
  budget: number | null;
  budgetJob: Job;
  /** The open lesson's duration before it starts: its runs, each timed here; null until asked. */
  eta: { lesson: string; ms: number; runs: number } | null;
  etaJob: Job;
  /** Times a few steps of each run the open lesson sets (the estimate the run bar's "How long?" gives) and adds them up. */
  estimate(): void;
  /** Opens a lesson where it was left (from the list), or at its first step (`fromStart`, as a link does). */
  openLesson(id: string, fromStart?: boolean): void;
  /** Leaves the lesson; where it was is kept. */
  close(): void;
  go(step: number): void;
  /** Sets the config the open step sets. */
  setUp(): void;
  computeGradFlow(): void;
  measure(): void;
  chooseBudget(minutes: number): void;
}

const PROGRESS_KEY = 'playground.lessons';

function storedProgress(): Record<string, number> {
  try {
    const parsed: unknown = JSON.parse(globalThis.localStorage?.getItem(PROGRESS_KEY) ?? '{}');
    if (typeof parsed !== 'object' || parsed === null) return {};
    return Object.fromEntries(Object.entries(parsed).filter(([id, step]) => LESSON_IDS.includes(id) && Number.isInteger(step) && (step as number) >= 0)) as Record<string, number>;
  } catch {
    return {};
  }
}

function keepProgress(progress: Record<string, number>): void {
  try {
    globalThis.localStorage?.setItem(PROGRESS_KEY, JSON.stringify(progress));
  } catch {
    // Storage refused: the lesson is remembered for this page only.
  }
}

/** Times an epoch of `config` in the worker (steps measured on this machine, as the run bar's "How long?"). */
function timeEpoch(config: Config, onDetail: (detail: string) => void): Promise<PolicyEstimate> {
  return new Promise((resolve, reject) => {
    const stop = estimateEpochs(config, [config.train.freeze], (event) => {
      if (event.error !== undefined) {
        stop();
        reject(new Error(event.error));
      } else if (event.estimates) {
        stop();
        const estimate = event.estimates[0];
        if (!estimate) reject(new Error('the estimate timed no step'));
        else resolve(estimate);
      } else if (event.detail) onDetail(event.detail);
    });
  });
}

/** The time of one training step of `config`, measured in the worker. */
async function timeStep(config: Config, onDetail: (detail: string) => void): Promise<number> {
  return (await timeEpoch(config, onDetail)).msPerStep;
}

export const useLessons = create<LessonsState>()((set, get) => ({
  open: null,
  progress: storedProgress(),
  settings: DEFAULT_SETTINGS,
  gradFlow: [],
  gradFlowJob: IDLE,
  measured: [],
  measureJob: IDLE,
  budget: null,
  budgetJob: IDLE,
  eta: null,
  etaJob: IDLE,
  estimate: () => {
    const open = get().open;
    const lesson = open && lessonById(open.id, get().settings);
    if (!lesson || get().etaJob.status === 'running') return;
    const base = useStore.getState().config;
    const runs = lesson.steps.flatMap((s) => (s.press === 'train' && s.config ? [s.config(base)] : []));
    set({ eta: null, etaJob: { status: 'running', detail: '' } });
    void (async () => {
      try {
        let ms = 0;
        for (const [i, config] of runs.entries()) {
          const estimate = await timeEpoch(config, (detail) => set({ etaJob: { status: 'running', detail: `${i + 1}/${runs.length}: ${detail}` } }));
          ms += runMsFromEstimate(estimate, config.train);
        }
        set({ eta: { lesson: lesson.id, ms, runs: runs.length }, etaJob: { status: 'done', detail: '' } });
      } catch (e) {
        set({ etaJob: { status: 'error', detail: e instanceof Error ? e.message : String(e) } });
      }
    })();
  },
  openLesson: (id, fromStart = false) => {
    const lesson = lessonById(id);
    if (!lesson) return;
    const step = fromStart ? 0 : Math.min(get().progress[id] ?? 0, lesson.steps.length - 1);
    set({ open: { id, step } });
    get().go(step);
  },
  close: () => set({ open: null }),
  go: (step) => {
    const open = get().open;
    if (!open) return;
    const progress = { ...get().progress, [open.id]: step };
    keepProgress(progress);
    set({ open: { ...open, step }, progress });
  },
  setUp: () => {
    const open = get().open;
    const step = open && lessonById(open.id, get().settings)?.steps[open.step];
    if (step?.config) useStore.getState().setConfig(step.config);
  },
  computeGradFlow: () => {
    if (get().gradFlowJob.status === 'running') return;
    set({ gradFlow: [], gradFlowJob: { status: 'running', detail: '' } });
    const stop = gradFlowTable(useStore.getState().config, [...SKIP_DEPTHS], SKIP_BATCH, (event) => {
      if (event.row) set((s) => ({ gradFlow: [...s.gradFlow, event.row!], gradFlowJob: { status: 'running', detail: '' } }));
      else if (event.detail) set({ gradFlowJob: { status: 'running', detail: event.detail } });
      if (event.done || event.error !== undefined) {
        stop();
        set({ gradFlowJob: event.error !== undefined ? { status: 'error', detail: event.error } : { status: 'done', detail: '' } });
      }
    });
  },
  measure: () => {
    if (get().measureJob.status === 'running') return;
    set({ measured: [], measureJob: { status: 'running', detail: '' } });
    const base = useStore.getState().config;
    void (async () => {
      try {
        const measured: Measured[] = [];
        for (const preset of ['resnet34', 'resnet50'] as const) {
          const config = configFromPreset(preset, base);
          // Size as published: at ImageNet's 224×224 with 1,000 classes.
          const summary = summarize(buildArch(config.model, 1000), [224, 224, 3]);
          const msPerStep = await timeStep(config, (detail) => set({ measureJob: { status: 'running', detail: `${preset}: ${detail}` } }));
          measured.push({ preset, params: summary.params, macs: summary.macs, depth: summary.depth, msPerStep });
          set({ measured: [...measured] });
        }
        set({ measureJob: { status: 'done', detail: '' } });
      } catch (e) {
        set({ measureJob: { status: 'error', detail: e instanceof Error ? e.message : String(e) } });
      }
    })();
  },
  chooseBudget: (minutes) => {
    if (get().budgetJob.status === 'running') return;
    set({ budget: null, budgetJob: { status: 'running', detail: '' } });
    const lesson = lessonById('degradation', get().settings);
    const base = useStore.getState().config;
    const shallow = lesson?.steps.find((s) => s.id === 'res20')?.config?.(base);
    const deep = lesson?.steps.find((s) => s.id === 'res56')?.config?.(base);
    if (!shallow || !deep) return;
    void (async () => {
      try {
        const onDetail = (detail: string) => set({ budgetJob: { status: 'running', detail } });
        const msShallow = await timeStep(shallow, onDetail);
        const msDeep = await timeStep(deep, onDetail);
        set({ budget: minutes, settings: { ...get().settings, degradationSteps: stepsForBudget(minutes, msShallow, msDeep) }, budgetJob: { status: 'done', detail: '' } });
      } catch (e) {
        set({ budgetJob: { status: 'error', detail: e instanceof Error ? e.message : String(e) } });
      }
    })();
  },
}));

/** `lesson=ID` from a link: opens it at its first step; an unknown id is a FieldError naming the lessons there are. */
export function openLessonFromLink(id: string): FieldError | undefined {
  if (!LESSON_IDS.includes(id)) return { field: 'lesson', message: `lesson: there is no lesson "${id}" (the lessons: ${LESSON_IDS.join(', ')}), ignored` };
  useLessons.getState().openLesson(id, true);
  return undefined;
}
