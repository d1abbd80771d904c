// The files of a PyTorch export, in the order `playground export pytorch`
// writes them: train.py, weights.safetensors, optimizer.safetensors (when
// the run's optimizer keeps state: train.py then resumes the run),
// config.json, README.md. The page zips them (ui/runs/RunsPanel.tsx over
// share/zipwrite.ts); the CLI writes them to a folder (cli/export.ts).
// What train.py cannot express is refused by name (ExportError from trainPy).
// Pure TS: no TF.js, no DOM.
import type { Config } from '../config/types';
import type { Naming } from '../weights/torch-names';
import { OPTIMIZER_FILE } from './optimizer';
import { configJson, trainPy } from './pytorch';
import { exportReadme } from './readme';

export interface ExportFile {
  name: string;
  data: string | Uint8Array;
}

/**
 * The export's files. `weights`: the safetensors bytes under `naming`'s
 * names and a phrase saying what they are (README's table); `optimizer`:
 * the optimizer state (export/optimizer.ts) and what it is, or null;
 * `source`: where the run came from (train.py's docstring).
 */
export function pytorchBundle(config: Config, naming: Naming, weights: { bytes: Uint8Array; what: string }, optimizer: { bytes: Uint8Array; what: string } | null, source: string): ExportFile[] {
  return [
    { name: 'train.py', data: trainPy(config, naming, source) },
    { name: 'weights.safetensors', data: weights.bytes },
    ...(optimizer === null ? [] : [{ name: OPTIMIZER_FILE, data: optimizer.bytes }]),
    { name: 'config.json', data: configJson(config) },
    { name: 'README.md', data: exportReadme(config, naming, weights.what, optimizer?.what) },
  ];
}
