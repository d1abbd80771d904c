// Kept runs: every run is written to IndexedDB as it trains (config and
// metrics), listed, overlaid on the charts, exported and imported; the
// latest one comes back on screen after a reload. A slice of its own beside
// the live run's store; no tfjs.
import { create } from 'zustand';
import { formatValue } from '../config/format';
import { cifarDepth, type Config } from '../config/types';
import type { Checkpoint, EpochMetrics } from '../protocol/messages';
import { onCheckpoint, replaceWorker, startRun } from './bridge';
import { fileOverCap } from '../share/caps';
import { MAX_RUN_FILE_BYTES, parseRunFile, summarizeEpoch, type RunOutcome, type RunRecord } from '../share/runfile';
import { MAX_TORCH_RUN_BYTES, parseTorchRun } from '../share/torchrun-file';
import { openRunsDb, type RunsDb } from './runs-db';
import { isActive, useStore, type PlaygroundState, type RunStatus } from './store';

/** How often a training run's record is saved (and at every status change): its header and the steps new since the last save. */
export const SAVE_INTERVAL_MS = 2000;

export interface RunsState {
  runs: RunRecord[];
  /** Ids of kept runs drawn on the charts beside the live run. */
  overlay: string[];
  /** The record the live run writes to. */
  currentId: string | null;
  /** Why runs cannot be kept or a file cannot be read; null when all is well. */
  error: string | null;
  /**
   * Why runs are no longer being written (storage full, cleared, refused):
   * said once a page session; training goes on, Export works from memory.
   */
  storageWarning: string | null;
  dismissStorageWarning(): void;
  /**
   * The live run's worker hung or crashed: a new worker goes on from the
   * run's last checkpoint (kept in memory, else in the database), in the same
   * record, or starts it again when it has none.
   */
  recover(): Promise<void>;
  /** Runs a shared link compares that this browser has not trained: offered for training, kept in the URL. */
  pendingCompare: Config[];
  /** From the page URL: kept runs with these configs are overlaid, the others become pendingCompare. */
  setLinkCompare(configs: Config[]): void;
  /** Trains a run the link compares; it is overlaid once a later run takes the live view. */
  trainCompared(config: Config): void;
  toggleOverlay(id: string): void;
  remove(id: string): Promise<void>;
  importFile(file: File): Promise<void>;
  /**
   * What the Import button was given: run files (.json), or a train.py run,
   * its metrics.jsonl with or without the config.json beside it.
   */
  importFiles(files: readonly File[]): Promise<void>;
  dismissError(): void;
  /** Keeps the live run's latest checkpoint (weights in IndexedDB, its step in the record). */
  keepCheckpoint(runId: number, checkpoint: Checkpoint): void;
  /** Goes on training a kept run from its checkpoint, in the same record. */
  resume(id: string): Promise<void>;
  /** The run's latest checkpoint, for a model download. */
  checkpointOf(id: string): Promise<Checkpoint | undefined>;
}

let db: RunsDb | null = null;
/** The record the live run writes to, by its runId; `saved`: how many of its steps are already in the database. */
let live: { runId: number; id: string; createdAt: number; saved: number; lastStep?: number | undefined } | null = null;
/** A resume asked for: the next run continues this record. */
let resuming: { id: string; createdAt: number } | null = null;
/** Compared configs from the link, matched against the kept runs once they are listed. */
let linkCompare: Config[] = [];
/** Overlay the next live run (a compared run the link asked for). */
let overlayNext = false;
/**
 * The latest checkpoint of the live run, and of every run of this page
 * whose checkpoint the database refused: what Resume, a model download and
 * Export use when storage fails (by run id; the database's copy otherwise).
 */
const inMemory = new Map<string, Checkpoint>();
/** Runs whose latest checkpoint is in the database (its step): their memory copy can go once they stop being live. */
const storedStep = new Map<string, number>();
/** The storage warning was shown (once a page session; a dismissal stays dismissed). */
let warnedStorage = false;
/** Tells this origin's other tabs which run was written or removed, so that each tab lists them all. */
const CHANNEL = 'resnet-playground-runs';
type RunsMessage = { type: 'saved'; id: string } | { type: 'removed'; id: string };
let channel: BroadcastChannel | null = null;
/** Releases the lock on the live record (Web Locks): one tab at a time writes a run. */
let releaseLive: (() => void) | null = null;

/** Says once why runs are not being kept; training and everything in memory go on. */
function storageFailed(e: unknown): void {
  if (warnedStorage) return;
  warnedStorage = true;
  const name = e instanceof Error || (typeof DOMException !== 'undefined' && e instanceof DOMException) ? (e as Error).name : '';
  const message = e instanceof Error ? e.message : String(e);
  const why = name === 'QuotaExceededError' || /quota/i.test(message)
    ? `the browser's storage for this site is full (${name || 'quota exceeded'})`
    : name === 'InvalidStateError' || /closed|cleared|evicted/i.test(message)
      ? `${message}; runs kept before it may be gone, and the live run is written again whole once the store opens again`
      : `storage refused the write (${message})`;
  useRuns.setState({ storageWarning: `Runs are not being kept: ${why}. Training goes on; what is on screen, Resume and Export (run file, model, PyTorch) work from memory until this page closes. Free some space or export the run to keep it.` });
}

/** Holds the Web Lock on a run's record while it is live; -> false when another tab holds it. */
async function lockRun(id: string): Promise<boolean> {
  releaseLive?.();
  releaseLive = null;
  const locks = (globalThis.navigator as Navigator | undefined)?.locks;
  if (!locks) return true;
  return new Promise<boolean>((resolve) => {
    void locks.request(`${CHANNEL}:${id}`, { ifAvailable: true }, (lock) => {
      if (!lock) return resolve(false);
      resolve(true);
      return new Promise<void>((release) => (releaseLive = release));
    });
  });
}

/**
 * The record as the database may hold it: its checkpoint step only once that
 * checkpoint is stored (a refused checkpoint leaves the record naming none,
 * not one that is missing).
 */
function forStore(record: RunRecord): RunRecord {
  const { checkpointStep: _, ...rest } = record;
  const stored = storedStep.get(record.id);
  return stored !== undefined ? { ...rest, checkpointStep: stored } : rest;
}

/** Inserts or replaces a run in the list, in creation order. */
function upsert(runs: RunRecord[], record: RunRecord): RunRecord[] {
  return runs.some((r) => r.id === record.id) ? runs.map((r) => (r.id === record.id ? record : r)) : [...runs, record].sort((a, b) => a.createdAt - b.createdAt);
}

/** Whether two configs are the same run setup (every URL field equal). */
export function sameConfig(a: Config, b: Config): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/** Overlays the kept runs the link compares; the rest wait in pendingCompare. */
function matchCompare(): void {
  const { runs, overlay } = useRuns.getState();
  const matched: string[] = [];
  const pending: Config[] = [];
  for (const c of linkCompare) {
    const run = [...runs].reverse().find((r) => sameConfig(r.config, c) && !matched.includes(r.id));
    if (run) matched.push(run.id);
    else pending.push(c);
  }
  useRuns.setState({ overlay: [...new Set([...overlay, ...matched])], pendingCompare: pending });
}

/** The overlay survives a reload with the runs (a list of ids; storage may be missing or refused). */
const OVERLAY_KEY = 'resnet-playground.overlay';

function loadOverlay(ids: Set<string>): string[] {
  try {
    const raw: unknown = JSON.parse(globalThis.localStorage?.getItem(OVERLAY_KEY) ?? '[]');
    return Array.isArray(raw) ? raw.filter((id): id is string => typeof id === 'string' && ids.has(id)) : [];
  } catch {
    return [];
  }
}

function saveOverlay(overlay: string[]): void {
  try {
    globalThis.localStorage?.setItem(OVERLAY_KEY, JSON.stringify(overlay));
  } catch {
    // Storage refused (private mode, quota): the overlay just does not survive a reload.
  }
}

export const useRuns = create<RunsState>()((set, get) => ({
  runs: [],
  overlay: [],
  currentId: null,
  error: null,
  storageWarning: null,
  dismissStorageWarning: () => set({ storageWarning: null }),
  toggleOverlay: (id) => set((s) => ({ overlay: s.overlay.includes(id) ? s.overlay.filter((o) => o !== id) : [...s.overlay, id] })),
  remove: async (id) => {
    set((s) => ({ runs: s.runs.filter((r) => r.id !== id), overlay: s.overlay.filter((o) => o !== id) }));
    inMemory.delete(id);
    await db
      ?.remove(id)
      .then(() => channel?.postMessage({ type: 'removed', id } satisfies RunsMessage))
      .catch((e: unknown) => set({ error: String(e) }));
  },
  importFile: async (file) => {
    const big = fileOverCap(file.name, file.size, MAX_RUN_FILE_BYTES, 'a run file');
    if (big) return set({ error: big });
    const parsed = parseRunFile(await file.text(), file.name);
    if ('error' in parsed) return set({ error: parsed.error });
    await keepImported(parsed.record, parsed.warnings.length ? `${file.name}: ${parsed.warnings.map((w) => w.message).join('; ')} (defaults used)` : null);
  },
  importFiles: async (files) => {
    const metrics = files.filter((f) => /\.jsonl$/i.test(f.name));
    if (metrics.length === 0) {
      for (const f of files) await get().importFile(f);
      return;
    }
    const others = files.filter((f) => !metrics.includes(f));
    if (metrics.length > 1 || others.length > 1) return set({ error: `pick one train.py run at a time: its metrics.jsonl, and its config.json beside it (got ${files.map((f) => f.name).join(', ')})` });
    const [m, c] = [metrics[0]!, others[0]];
    const big = [m, c].map((f) => f && fileOverCap(f.name, f.size, MAX_TORCH_RUN_BYTES, "a train.py run's file")).find((e) => e);
    if (big) return set({ error: big });
    const parsed = parseTorchRun({ metrics: { name: m.name, text: await m.text() }, config: c && { name: c.name, text: await c.text() } });
    if ('error' in parsed) return set({ error: parsed.error });
    const record = parsed.configKnown ? { ...parsed.record, name: `PyTorch ${runName(parsed.record.config)}` } : parsed.record;
    await keepImported(record, parsed.warnings.length ? parsed.warnings.map((w) => w.message).join('; ') : null);
  },
  dismissError: () => set({ error: null }),
  pendingCompare: [],
  setLinkCompare: (configs) => {
    linkCompare = configs;
    matchCompare();
  },
  trainCompared: (config) => {
    set((s) => ({ pendingCompare: s.pendingCompare.filter((c) => c !== config) }));
    overlayNext = true;
    startRun(config);
  },
  keepCheckpoint: (runId, checkpoint) => {
    if (live?.runId !== runId) return;
    const id = live.id;
    inMemory.set(id, checkpoint);
    set((s) => ({ runs: s.runs.map((r) => (r.id === id ? { ...r, checkpointStep: checkpoint.step } : r)) }));
    if (!db) return;
    const keptDb = db;
    keptDb
      .putCheckpoint(id, checkpoint)
      .then(async () => {
        storedStep.set(id, checkpoint.step);
        // The record says so too, even when the run's last save came before this.
        const record = get().runs.find((r) => r.id === id);
        if (record) await keptDb.putFrom(forStore(record), record.steps.length);
      })
      .catch(storageFailed);
  },
  checkpointOf: async (id) => inMemory.get(id) ?? (await db?.getCheckpoint(id).catch(() => undefined)),
  resume: async (id) => {
    const record = get().runs.find((r) => r.id === id);
    const checkpoint = await get().checkpointOf(id);
    if (!record || !checkpoint) return set({ error: `run ${record?.name ?? id} has no checkpoint to resume from` });
    const held = live?.id === id && releaseLive !== null;
    if (!held && !(await lockRun(id))) return set({ error: `run ${record.name} is training in another tab: resume it there, or stop it there first` });
    resuming = { id: record.id, createdAt: record.createdAt };
    useStore.getState().setConfig(() => record.config);
    const epochs: EpochMetrics[] = record.epochs.filter((e) => e.step <= checkpoint.step).map((e) => ({ ...e, predictions: new Uint8Array(0), labels: new Uint8Array(0), examples: [] }));
    startRun(record.config, { checkpoint, carried: { steps: record.steps.filter((s) => s.step <= checkpoint.step), epochs } });
  },
  recover: async () => {
    const id = get().currentId;
    replaceWorker();
    const record = get().runs.find((r) => r.id === id);
    if (!id || !record) return;
    if (await get().checkpointOf(id)) return get().resume(id);
    // No checkpoint yet: the same record starts again from step 0.
    resuming = { id: record.id, createdAt: record.createdAt };
    startRun(record.config);
  },
}));

/** Adds an imported run to the list (a fresh id if its own is taken), overlaid, and keeps it; `notice`: what to tell about it. */
async function keepImported(imported: RunRecord, notice: string | null): Promise<void> {
  const { runs } = useRuns.getState();
  const record = { ...imported, id: runs.some((r) => r.id === imported.id) ? `${imported.id}-${Date.now()}` : imported.id };
  useRuns.setState((s) => ({ runs: [...s.runs, record], overlay: [...s.overlay, record.id], error: notice }));
  await db
    ?.put(record)
    .then(() => channel?.postMessage({ type: 'saved', id: record.id } satisfies RunsMessage))
    .catch(storageFailed);
}

/** A short name for a run: its preset-like shape and the switches that matter here. */
export function runName(config: Config): string {
  const m = config.model;
  const depth = m.family === 'cifar-resnet' ? `resnet${cifarDepth(m.blocksPerStage)}` : m.family;
  return `${depth}, skip ${formatValue(m.skip)}, BN ${formatValue(m.batchNorm)}, ${config.train.optimizer} lr ${config.train.learningRate}`;
}

function outcomeOf(status: RunStatus): RunOutcome {
  if (isActive(status)) return 'running';
  if (status === 'done') return 'finished';
  return status === 'error' ? 'error' : 'stopped';
}

/** The live run as a record, or null before it has a model. */
function liveRecord(state: PlaygroundState, id: string, createdAt: number): RunRecord | null {
  const { run, metrics } = state;
  const kept = useRuns.getState().runs.find((r) => r.id === id);
  if (!run.config || !run.model) return null;
  return {
    id,
    name: runName(run.config),
    createdAt,
    config: run.config,
    outcome: outcomeOf(run.status),
    kernelNames: run.model.kernelNames,
    backend: run.backend?.backend ?? '',
    steps: metrics.steps,
    epochs: metrics.epochs.map(summarizeEpoch),
    ...(kept?.checkpointStep !== undefined ? { checkpointStep: kept.checkpointStep } : {}),
  };
}

/** Shows a kept run as the live view (after a reload): the same numbers, nothing training. */
function restore(record: RunRecord): void {
  const epochs: EpochMetrics[] = record.epochs.map((e) => ({ ...e, predictions: new Uint8Array(0), labels: new Uint8Array(0), examples: [] }));
  useStore.setState((s) => ({
    run: {
      ...s.run,
      runId: null,
      status: record.outcome === 'finished' ? 'done' : record.outcome === 'error' ? 'error' : 'stopped',
      detail: `restored from ${new Date(record.createdAt).toLocaleString()}${record.outcome === 'running' ? ', where it was still training when the page closed' : ''}`,
      config: record.config,
      model: { kernelNames: record.kernelNames, params: 0, depth: record.kernelNames.length, inputShape: [0, 0, 0], classNames: [] },
      error: null,
      pending: null,
      fault: null,
    },
    metrics: { steps: record.steps, epochs, testImages: new Map(), marks: [], evalMs: null },
  }));
}

/**
 * Opens the database, lists the kept runs, restores the latest on screen,
 * and from then on writes the live run every SAVE_INTERVAL_MS and whenever
 * its status changes. Returns a function that stops the writing.
 */
export async function keepRuns(factory?: IDBFactory): Promise<() => void> {
  /** Opens the database; when the browser closes it under the page, the next save opens it again and writes the live run whole. */
  const open = () =>
    openRunsDb(factory, (why) => {
      db = null;
      if (live) live.saved = 0;
      storageFailed(new Error(why));
    });
  let reopening: Promise<void> | null = null;
  const reopen = () =>
    (reopening ??= open()
      .then((opened) => {
        db = opened;
        const checkpoint = live && inMemory.get(live.id);
        if (live && checkpoint) void opened.putCheckpoint(live.id, checkpoint).then(() => storedStep.set((live as { id: string }).id, checkpoint.step), storageFailed);
      })
      .catch(storageFailed)
      .finally(() => (reopening = null)));
  try {
    db = await open();
    const runs = await db.list();
    for (const r of runs) if (r.checkpointStep !== undefined) storedStep.set(r.id, r.checkpointStep);
    useRuns.setState({ runs, overlay: loadOverlay(new Set(runs.map((r) => r.id))) });
    matchCompare();
    const latest = runs[runs.length - 1];
    if (latest && useStore.getState().run.runId === null) restore(latest);
  } catch (e) {
    // Runs are still listed, shown and exported from memory.
    db = null;
    storageFailed(e);
  }
  channel = typeof BroadcastChannel === 'function' ? new BroadcastChannel(CHANNEL) : null;
  if (channel) {
    channel.onmessage = (e: MessageEvent<RunsMessage>) => {
      const { type, id } = e.data;
      if (id === live?.id) return;
      if (type === 'removed') return useRuns.setState((s) => ({ runs: s.runs.filter((r) => r.id !== id), overlay: s.overlay.filter((o) => o !== id) }));
      void db?.get(id).then((record) => {
        if (!record) return;
        if (record.checkpointStep !== undefined) storedStep.set(id, record.checkpointStep);
        useRuns.setState((s) => ({ runs: upsert(s.runs, record) }));
        matchCompare();
      });
    };
  }
  let timer: ReturnType<typeof setTimeout> | null = null;
  const save = (state = useStore.getState(), replaced = false) => {
    timer = null;
    if (!live) return;
    const fresh = liveRecord(state, live.id, live.createdAt);
    if (!fresh) return;
    const record: RunRecord = replaced && fresh.outcome === 'running' ? { ...fresh, outcome: 'stopped' } : fresh;
    useRuns.setState((s) => ({ runs: upsert(s.runs, record) }));
    if (!db) {
      if (warnedStorage) void reopen();
      return;
    }
    // Steps cut back (a run going on from a checkpoint after its GPU was lost): the stored steps are rewritten.
    const from = record.steps[live.saved - 1]?.step === live.lastStep ? live.saved : 0;
    live.saved = record.steps.length;
    live.lastStep = record.steps.at(-1)?.step;
    db.putFrom(forStore(record), from)
      .then(() => channel?.postMessage({ type: 'saved', id: record.id } satisfies RunsMessage))
      .catch((e: unknown) => {
        // Not kept: the next save writes these steps again.
        if (live?.id === record.id) live.saved = Math.min(live.saved, from);
        storageFailed(e);
      });
  };
  const unsubscribeCheckpoints = onCheckpoint((runId, checkpoint) => useRuns.getState().keepCheckpoint(runId, checkpoint));
  const unsubscribeOverlay = useRuns.subscribe((s, prev) => {
    if (s.overlay !== prev.overlay) saveOverlay(s.overlay);
  });
  const unsubscribe = useStore.subscribe((s, prev) => {
    const runId = s.run.runId;
    if (runId === null) return;
    if (live?.runId !== runId) {
      // A restart replaced the run: keep the old one's last numbers, from the state before.
      if (timer) {
        clearTimeout(timer);
        save(prev, true);
      }
      const createdAt = Date.now();
      const previous = live?.id;
      const resumed = resuming !== null;
      // Two tabs may start runs in the same millisecond: the id has a random part.
      live = resuming ? { runId, ...resuming, saved: 0 } : { runId, id: `run-${createdAt}-${runId}-${Math.random().toString(36).slice(2, 8)}`, createdAt, saved: 0 };
      resuming = null;
      if (previous && previous !== live.id && storedStep.get(previous) === inMemory.get(previous)?.step) inMemory.delete(previous);
      // A resume took its record's lock already (resume, recover).
      if (!resumed) void lockRun(live.id);
      if (overlayNext) useRuns.setState((r) => ({ overlay: [...r.overlay, (live as { id: string }).id] }));
      overlayNext = false;
      useRuns.setState({ currentId: live.id });
    }
    if (s.run.status !== prev.run.status || s.run.model !== prev.run.model) {
      if (timer) clearTimeout(timer);
      save();
    }
    // An ended run may be resumed in another tab.
    if (isActive(prev.run.status) && !isActive(s.run.status)) {
      releaseLive?.();
      releaseLive = null;
    }
    else if (s.metrics !== prev.metrics && !timer) timer = setTimeout(() => save(), SAVE_INTERVAL_MS);
  });
  return () => {
    unsubscribe();
    unsubscribeOverlay();
    unsubscribeCheckpoints();
    if (timer) clearTimeout(timer);
    channel?.close();
    channel = null;
  };
}
