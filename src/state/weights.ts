// The weights panel's state: imports of weights into the data worker's cache
// (a dropped .pth/.pt/.safetensors file, model.json with its .bin, an
// address) with progress and cancel, the cache listing, the training
// worker's time estimates per freeze policy, and what the live run said it
// started from. Starting from a kept run's weights is `run/ID`. No tfjs here.
import { create } from 'zustand';
import type { Config, FreezePolicy, Normalization } from '../config/types';
import type { DataEvent, LoadId, WeightsInfo, WeightsSource } from '../protocol/data';
import type { PolicyEstimate, RunId } from '../protocol/messages';
import type { RunRecord } from '../share/runfile';
import { estimateEpochs, startRun } from './bridge';
import { newLoadId, sendData, setWeightsRoute } from './data';
import { useStore } from './store';

export interface WeightsImport {
  loadId: LoadId | null;
  status: 'idle' | 'loading' | 'done' | 'error';
  /** What is read: a file's name or an address. */
  file: string;
  /** An address (a failed fetch says how to get the file by hand). */
  url: string | null;
  loaded: number;
  total: number;
  error: string | null;
  readMs: number | null;
  /** What the reader noted but did not refuse (e.g. tensors that are not weights). */
  problems: string[];
  /** The entry made. */
  id: string | null;
}

export interface Estimate {
  status: 'idle' | 'running' | 'done' | 'error';
  detail: string;
  rows: PolicyEstimate[];
  error: string | null;
  /** The config timed (its epochs give the totals; an edit makes the figures stale). */
  config: Config | null;
}

export interface WeightsState {
  import: WeightsImport;
  entries: WeightsInfo[];
  /** Whether the worker has answered a listing yet. */
  listed: boolean;
  estimate: Estimate;
  /** What the live run said it started from (the engine's line), kept past the phase that carried it. */
  startedFrom: { runId: RunId; text: string } | null;
}

const IDLE_IMPORT: WeightsImport = { loadId: null, status: 'idle', file: '', url: null, loaded: 0, total: 0, error: null, readMs: null, problems: [], id: null };
const IDLE_ESTIMATE: Estimate = { status: 'idle', detail: '', rows: [], error: null, config: null };

export const useWeights = create<WeightsState>()(() => ({ import: IDLE_IMPORT, entries: [], listed: false, estimate: IDLE_ESTIMATE, startedFrom: null }));

/** Takes the data worker's weights events; leaves the rest to the data panel. */
function route(e: DataEvent): boolean {
  const s = useWeights.getState();
  const set = useWeights.setState;
  const mine = 'loadId' in e && e.loadId === s.import.loadId;
  switch (e.type) {
    case 'weights':
      set({ entries: e.entries, listed: true, ...(e.error !== undefined ? { import: { ...s.import, status: 'error' as const, error: e.error } } : {}) });
      return true;
    case 'weightsImported':
      if (!mine) return true;
      set({ import: { ...s.import, status: 'done', loaded: s.import.total || s.import.loaded, readMs: e.readMs, problems: e.problems, id: e.info.id } });
      // What was just read is what the next run starts from, as a read data set becomes the one trained on.
      chooseWeights(e.info.id, e.info);
      return true;
    case 'progress':
      if (mine) set({ import: { ...s.import, loaded: e.loaded, total: e.total } });
      return mine;
    case 'failed':
      if (mine) set({ import: { ...s.import, status: 'error', error: e.message } });
      return mine;
    default:
      return false;
  }
}

setWeightsRoute({
  route,
  crashed: (message) => {
    const s = useWeights.getState();
    if (s.import.status === 'loading') useWeights.setState({ import: { ...s.import, status: 'error', error: message } });
  },
});

function begin(source: WeightsSource, file: string, total: number): void {
  const loadId = newLoadId();
  useWeights.setState({ import: { ...IDLE_IMPORT, loadId, status: 'loading', file, total, url: source.kind === 'url' ? source.url : null } });
  sendData({ type: 'importWeights', loadId, source });
}

/** What the files a user dropped or picked are: one weights file, or model.json with its .bin; else why not. */
export function weightsSourceOf(files: readonly File[]): Extract<WeightsSource, { kind: 'file' | 'manifest' }> | { error: string } {
  const named = (ext: string) => files.filter((f) => f.name.toLowerCase().endsWith(ext));
  const json = named('.json');
  const bin = named('.bin');
  if (files.length === 0) return { error: 'no file was dropped' };
  if (json.length === 1 && bin.length === 1 && files.length === 2) return { kind: 'manifest', json: json[0]!, bin: bin[0]!, name: json[0]!.name };
  if (json.length > 0 || bin.length > 0) {
    const names = files.map((f) => f.name).join(', ');
    return { error: `${names}: a model.json is read together with its .bin; drop or pick exactly those two files at once` };
  }
  if (files.length > 1) return { error: `${files.map((f) => f.name).join(', ')}: one weights file at a time (.pth, .pt or .safetensors)` };
  const f = files[0]!;
  return { kind: 'file', file: f, name: f.name };
}

/** Reads dropped or picked files into the cache (the worker checks them whole). */
export function importWeightsFiles(files: readonly File[]): void {
  const source = weightsSourceOf(files);
  if ('error' in source) return useWeights.setState({ import: { ...IDLE_IMPORT, status: 'error', file: files.map((f) => f.name).join(', '), error: source.error } });
  begin(source, source.name, source.kind === 'file' ? source.file.size : source.bin.size);
}

/** Downloads weights from an address (a catalogue entry's, with its id) into the cache. */
export function importWeightsUrl(url: string, catalogueId?: string): void {
  begin({ kind: 'url', url, ...(catalogueId !== undefined ? { catalogueId } : {}) }, url, 0);
}

export function cancelWeightsImport(): void {
  const { loadId, status } = useWeights.getState().import;
  if (loadId !== null && status === 'loading') sendData({ type: 'cancel', loadId });
}

export function refreshWeights(): void {
  sendData({ type: 'listWeights' });
}

export function deleteWeightsEntry(id: string): void {
  sendData({ type: 'deleteWeights', id });
}

/** The freeze policies an estimate times: full fine-tuning, the chosen frozen body if any, and the linear probe. */
export function estimatePolicies(freeze: FreezePolicy): FreezePolicy[] {
  return ['none', ...(freeze.startsWith('stage') ? [freeze] : []), 'head'];
}

let stopListening: (() => void) | null = null;

/** Asks the training worker to time an epoch of `config` under each policy (a run's start stops it). */
export function startEstimate(config: Config): void {
  stopListening?.();
  useWeights.setState({ estimate: { ...IDLE_ESTIMATE, status: 'running', config, detail: 'starting the training worker' } });
  stopListening = estimateEpochs(config, estimatePolicies(config.train.freeze), (e) => {
    const s = useWeights.getState().estimate;
    if (e.error !== undefined) useWeights.setState({ estimate: { ...s, status: 'error', error: e.error, detail: '' } });
    else if (e.estimates) useWeights.setState({ estimate: { ...s, status: 'done', rows: e.estimates, detail: '' } });
    else if (e.detail !== undefined) useWeights.setState({ estimate: { ...s, detail: e.detail } });
    if (e.error !== undefined || e.estimates) {
      stopListening?.();
      stopListening = null;
    }
  });
}

/** The id config.train.initWeights takes for a kept run's latest checkpoint (the training worker reads it). */
export const runWeightsId = (record: Pick<RunRecord, 'id'>): string => `run/${record.id}`;

/** `config` set to start from a kept run: its net (the weights fit it) and its normalization; data and training stay the user's. */
export function configFromRun(config: Config, record: RunRecord): Config {
  return {
    model: structuredClone(record.config.model),
    train: { ...config.train, initWeights: runWeightsId(record) },
    data: { ...config.data, normalize: record.config.data.normalize },
  };
}

/** Starts a new run from a kept run's weights on the config being edited (e.g. another data set). */
export function startFromRun(record: RunRecord): void {
  const config = configFromRun(useStore.getState().config, record);
  useStore.getState().setConfig(() => config);
  startRun(config);
}

/** The normalization a source's weights were trained with: a kept run's own, ImageNet's for ImageNet weights, else the data set's. */
export function normalizationFor(entry: Pick<WeightsInfo, 'imagenet'> | undefined, run?: RunRecord): Normalization {
  if (run) return run.config.data.normalize;
  return entry?.imagenet ? 'imagenet' : 'dataset';
}

/**
 * Makes `id` ('' for a fresh initialisation) what the next run starts from,
 * with the normalization its weights were trained with (the user can still
 * change it); a fresh net freezes nothing (the engine refuses that).
 */
export function chooseWeights(id: string, entry?: WeightsInfo, run?: RunRecord): void {
  useStore.getState().setConfig((c) => ({
    ...c,
    train: { ...c.train, initWeights: id, ...(id === '' ? { freeze: 'none' as const } : {}) },
    data: { ...c.data, normalize: normalizationFor(entry, run) },
  }));
}

// The engine says what a run started from in a building phase's detail,
// which the next phase replaces: keep the line for the panel.
useStore.subscribe((s, prev) => {
  const { runId, detail } = s.run;
  if (runId !== prev.run.runId) useWeights.setState({ startedFrom: null });
  if (runId !== null && detail !== prev.run.detail && detail.startsWith('started from ')) useWeights.setState({ startedFrom: { runId, text: detail } });
});
