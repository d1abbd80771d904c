// `playground train`'s config: --arch's preset, then a flag per config field
// (src/cli/flags.ts, from the FIELDS table), and the help that lists them.
// Pure TS: no tfjs (main.ts runs the engine).
import { configFromPreset, isModelPresetId, MODEL_PRESET_IDS } from '../config/presets';
import type { Config } from '../config/types';
import { LIMITS, validateConfig } from '../config/validate';
import { FIELDS } from '../share/fields';
import { UsageError, type Flags } from './args';
import { applyFieldFlags, fieldHelp, flagNames, givenFlag } from './flags';

const DEFAULT_ARCH = 'resnet20';

/** What the command line adds to a field's help, by URL key. */
const NOTES: Readonly<Record<string, string>> = {
  n: 'as before, --blocks N is this n (the URL key blocks is --stage-blocks)',
  input: 'the net then sees N×N×3',
  steps: `without --epochs, trains up to ${LIMITS['train.epochs'].max} epochs`,
  backend: 'Node runs wasm (auto) or cpu',
  data: 'cifar10 and cifar100 need --archive FILE',
  dataurl: 'Node reads --archive instead',
};

const section = (name: string) => FIELDS.filter((f) => f.path.startsWith(`${name}.`));
const defaults = configFromPreset(DEFAULT_ARCH);

export const TRAIN_USAGE = [
  'usage: playground train [options]',
  '  Every config field is a flag named by its URL key, as in a share link',
  '  (--n 9 --skip off --wd 1e-4 is n=9&skip=off&wd=0.0001); the older names',
  '  still work as aliases. The model fields start from the --arch preset.',
  `  --arch ID             ${MODEL_PRESET_IDS.join(', ')} (default ${DEFAULT_ARCH})`,
  '  --archive FILE        the CIFAR tarball, for --data cifar10 or cifar100',
  '  --json                one JSON object per line',
  '  --trace FILE          write every step (batch, augmentation, rate, loss, every variable\'s',
  '                        gradient and weight norm, BN statistics) as JSON lines, the initial',
  '                        weights as FILE.init.safetensors; bench/reference/replay.py replays it',
  '  --save-weights FILE   write the final weights as safetensors under PyTorch\'s names (what',
  '                        --init-weights and PyTorch read)',
  '  --save-optimizer FILE the final optimizer state as torch\'s (momentum buffers, Adam\'s',
  '                        moments and step), for an exported train.py to resume the run from',
  '  --naming N            whose names --init-weights uses: torchvision, timm or akamaster',
  '                        (default: the first that fits; a new head when the classes differ;',
  '                        playground weights inspect checks a file first)',
  '  --help                this text',
  ` model (over --arch; defaults: ${DEFAULT_ARCH}'s):`,
  ...fieldHelp(section('model'), defaults, NOTES),
  ' train:',
  ...fieldHelp(section('train'), defaults, NOTES),
  ' data:',
  ...fieldHelp(section('data'), defaults, NOTES),
].join('\n');

/** Every option `train` takes but the boolean ones (--json, --help). */
export const TRAIN_FLAGS: ReadonlySet<string> = new Set(['arch', 'archive', 'trace', 'naming', 'save-weights', 'save-optimizer', ...flagNames()]);

/** Builds a Config from train flags over --arch's preset; throws UsageError naming a bad flag. */
export function configFromFlags(flags: Flags): Config {
  const arch = flags.get('arch') ?? DEFAULT_ARCH;
  if (typeof arch !== 'string' || !isModelPresetId(arch)) throw new UsageError(`--arch must be one of ${MODEL_PRESET_IDS.join(', ')}, got ${String(arch)}`);
  const c = applyFieldFlags(configFromPreset(arch), flags);
  // --steps alone should run that many steps, not stop at the epoch limit.
  if (givenFlag(flags, 'train.maxSteps') !== undefined && givenFlag(flags, 'train.epochs') === undefined) c.train.epochs = LIMITS['train.epochs'].max;
  const errors = validateConfig(c);
  if (errors.length > 0) throw new UsageError(errors.map((e) => e.message).join('; '));
  return c;
}
