// The files of a PyTorch export, in the order `playground export pytorch`
// writes them: train.py, weights.safetensors, config.json, README.md. The
// page zips them (ui/runs/RunsPanel.tsx over share/zipwrite.ts); the CLI
// writes them to a folder (cli/export.ts). For a net the generator does not
// write (exportRefusal) but whose weights have PyTorch names, the files are
// the weights, config.json and a README that says why there is no train.py.
// Pure TS: no TF.js, no DOM.
import { DATASETS } from '../config/datasets';
import type { Config } from '../config/types';
import type { Naming } from '../weights/torch-names';
import { configJson, exportRefusal, trainPy } from './pytorch';
import { exportReadme } from './readme';

export interface ExportFile {
  name: string;
  data: string | Uint8Array;
}

export interface ExportBundle {
  files: ExportFile[];
  /** Why train.py is not among the files; null when it is. */
  refusal: string | null;
}

/**
 * The export's files. `weights`: the safetensors bytes under `naming`'s
 * names and a phrase saying what they are (README's table); `source`: where
 * the run came from (train.py's docstring).
 */
export function pytorchBundle(config: Config, naming: Naming, weights: { bytes: Uint8Array; what: string }, source: string): ExportBundle {
  const refusal = exportRefusal(config.model);
  if (refusal !== null) {
    return {
      refusal,
      files: [
        { name: 'weights.safetensors', data: weights.bytes },
        { name: 'config.json', data: configJson(config) },
        { name: 'README.md', data: refusedReadme(config, naming, weights.what, refusal) },
      ],
    };
  }
  return {
    refusal: null,
    files: [
      { name: 'train.py', data: trainPy(config, naming, source) },
      { name: 'weights.safetensors', data: weights.bytes },
      { name: 'config.json', data: configJson(config) },
      { name: 'README.md', data: exportReadme(config, naming, weights.what) },
    ],
  };
}

/** README.md for weights without a train.py: what the files are and why the script is missing. */
export function refusedReadme(config: Config, naming: Naming, weights: string, refusal: string): string {
  return `# A ${config.model.family} net on ${DATASETS[config.data.dataset].name}, in PyTorch: weights only

Exported from ResNet Playground.

There is no \`train.py\` here: ${refusal}.

| file | what it is |
|------|------------|
| \`weights.safetensors\` | ${weights}, as a PyTorch state dict under ${naming}'s names (BN running statistics and \`num_batches_tracked\` included, where the net has batch norm) |
| \`config.json\` | the run's config as the playground holds it (a run file's \`config\`) |

Load the weights into ${naming}'s own implementation of the net:

    from safetensors.torch import load_file
    model.load_state_dict(load_file('weights.safetensors'))
`;
}
