// What the next run starts from and how: the source (a fresh net, a cached
// weights entry with its size, or a kept run's checkpoint), what is frozen,
// the head's rate multiple and the normalization; the offer to switch to the
// net the weights were made for; and what the live run said it started from.
import { datasetShape } from '../../config/datasets';
import { formatBytes } from '../../config/format';
import { cifarDepth, FAMILY_FIELDS, type Config, type FreezePolicy, type ModelConfig, type Normalization } from '../../config/types';
import { isModelPresetId, modelFromPreset, presetOf, sameValue } from '../../config/presets';
import type { WeightsInfo } from '../../protocol/data';
import type { RunRecord } from '../../share/runfile';
import { useRuns } from '../../state/runs';
import { useStore } from '../../state/store';
import { chooseWeights, runWeightsId, useWeights } from '../../state/weights';
import { NumberField, SelectField } from '../fields';
import { useArchitecture } from '../useArchitecture';

const FREEZE_WORDS: Record<FreezePolicy, string> = {
  none: 'none: full fine-tuning, every layer trains',
  head: 'head: linear probe, only the classifier trains (features computed once)',
  stage1: 'stage1: stem and stage 1 frozen',
  stage2: 'stage2: stem and stages 1–2 frozen',
  stage3: 'stage3: stem and stages 1–3 frozen',
  stage4: 'stage4: stem and stages 1–4 frozen',
  stage5: 'stage5: stem and stages 1–5 frozen',
};

export const freezeWords = (p: FreezePolicy): string => FREEZE_WORDS[p];

/** Kept runs whose weights a new run can start from, newest first. */
export function useRunsWithWeights(): RunRecord[] {
  return useRuns((s) => s.runs).filter((r) => r.checkpointStep !== undefined).reverse();
}

/** The same net, whatever the input resolution (the weights fit either way). */
function sameNet(a: ModelConfig, b: ModelConfig): boolean {
  return a.family === b.family && FAMILY_FIELDS[a.family].every((k) => k === 'inputSize' || sameValue(a[k], b[k]));
}

/** A net in a few words: its preset, else its depth and width (CIFAR ResNets) or family. */
function netName(m: ModelConfig): string {
  const preset = presetOf({ ...m, inputSize: 0 });
  if (preset) return preset;
  return m.family === 'cifar-resnet' ? `ResNet-${cifarDepth(m.blocksPerStage)} at width ${m.baseWidth}` : `a custom ${m.family}`;
}

/** A size for people: MB as files are sized, KiB below 0.1 MB. */
export const sizeOf = (bytes: number): string => (bytes < 1e5 ? formatBytes(bytes) : formatBytes(bytes, 'MB'));

/** "Use <preset>" when the chosen weights were made for another net than the one configured. */
function NetOffer({ model, entry, run, setModel }: { model: ModelConfig; entry: WeightsInfo | undefined; run: RunRecord | undefined; setModel(m: ModelConfig): void }) {
  const preset = entry?.preset;
  if (preset !== undefined && isModelPresetId(preset)) {
    if (presetOf({ ...model, inputSize: 0 }) === preset) return null;
    return (
      <p className="weights-offer" data-testid="weights.netOffer">
        These weights are {preset}&apos;s; the model is {netName(model)}.{' '}
        <button type="button" data-testid="weights.usePreset" onClick={() => setModel(modelFromPreset(preset))}>
          Use {preset}
        </button>
      </p>
    );
  }
  const theirs = run?.config.model ?? entry?.config?.model;
  if (!theirs || sameNet(model, theirs)) return null;
  const name = netName(theirs);
  return (
    <p className="weights-offer" data-testid="weights.netOffer">
      These weights are {name}&apos;s; the model is {netName(model) === name ? 'another variant' : netName(model)}.{' '}
      <button type="button" data-testid="weights.usePreset" onClick={() => setModel(structuredClone(theirs))}>
        Use {name}
      </button>
    </p>
  );
}

function stagesOf(config: Config, summary: ReturnType<typeof useArchitecture>['summary']): number {
  if (!summary) return config.model.family === 'cifar-resnet' ? 3 : 4;
  return summary.layers.reduce((n, l) => Math.max(n, Number(/^stage(\d+)$/.exec(l.stage)?.[1] ?? 0)), 0);
}

export function SourcePicker() {
  const config = useStore((s) => s.config);
  const setConfig = useStore((s) => s.setConfig);
  const entries = useWeights((s) => s.entries);
  const startedFrom = useWeights((s) => s.startedFrom);
  const liveRunId = useStore((s) => s.run.runId);
  const runs = useRunsWithWeights();
  const { summary } = useArchitecture(config);
  const { initWeights, freeze, headLrScale } = config.train;
  const entry = entries.find((e) => e.id === initWeights);
  const run = runs.find((r) => runWeightsId(r) === initWeights);
  const known = initWeights === '' || entry !== undefined || run !== undefined;
  const stages = stagesOf(config, summary);
  const freezeOptions = (['none', 'head', 'stage1', 'stage2', 'stage3', 'stage4', 'stage5'] as const)
    .filter((p) => !p.startsWith('stage') || Number(p.slice(5)) <= stages || p === freeze)
    .map((p) => ({ value: p, label: Number(p.slice(5)) > stages ? `${FREEZE_WORDS[p]} (this net has ${stages} stages)` : FREEZE_WORDS[p] }));
  const channels = datasetShape(config.data).input[2];
  const train = (patch: Partial<Config['train']>) => setConfig((c) => ({ ...c, train: { ...c.train, ...patch } }));
  const options = [
    { value: '', label: 'Fresh initialisation (no weights)' },
    ...entries.map((e) => ({ value: e.id, label: `${e.name} (${sizeOf(e.bytes)}${e.imagenet ? ', ImageNet' : ''})` })),
    ...runs.map((r) => ({ value: runWeightsId(r), label: `Kept run: ${r.name}, step ${r.checkpointStep} (${new Date(r.createdAt).toLocaleString()})` })),
    ...(known ? [] : [{ value: initWeights, label: `${initWeights} (not on this machine)` }]),
  ];
  return (
    <>
      <SelectField<string>
        label="Start from"
        help={known ? (initWeights === '' ? 'A fresh net, initialised by the initializer above.' : `The next run loads these weights, then trains${entry ? ` (${entry.format}, ${entry.tensors} tensors, from ${entry.from})` : ''}.`) : `${initWeights} is not cached here: import it below (a catalogue entry's Fetch, or drop its file), or pick another source.`}
        testId="weights.source"
        path="train.initWeights"
        value={initWeights}
        options={options}
        onChange={(id) => chooseWeights(id, entries.find((e) => e.id === id), runs.find((r) => runWeightsId(r) === id))}
      />
      <NetOffer model={config.model} entry={entry} run={run} setModel={(model) => setConfig((c) => ({ ...c, model }))} />
      <SelectField<FreezePolicy>
        label="Freeze"
        help={initWeights === '' && freeze !== 'none' ? `freeze ${freeze} needs starting weights: a fresh net has nothing worth freezing (the run will be refused).` : 'What stays fixed while the rest trains. Frozen layers keep their weights and their batch norm statistics.'}
        testId="weights.freeze"
        path="train.freeze"
        value={freeze}
        options={freezeOptions}
        onChange={(v) => train({ freeze: v })}
      />
      <NumberField label="Head learning-rate multiple" help="The classifier's rate as a multiple of the learning rate: a new head starts from nothing while the body is near a good solution (1: one rate for all)." testId="weights.headLr" field="train.headLrScale" value={headLrScale} onChange={(v) => train({ headLrScale: v })} />
      <SelectField<Normalization>
        label="Normalization"
        help={config.data.normalize === 'imagenet' && channels !== 3 ? `ImageNet's statistics need colour images; ${datasetShape(config.data).name} has ${channels} channel: the run will be refused (use the data set's own).` : "ImageNet's mean and std for weights trained on ImageNet (chosen with them); otherwise the training images' own."}
        testId="weights.normalize"
        path="data.normalize"
        value={config.data.normalize}
        options={[{ value: 'dataset', label: "the data set's own mean and std" }, { value: 'imagenet', label: "ImageNet's mean and std" }]}
        onChange={(v) => setConfig((c) => ({ ...c, data: { ...c.data, normalize: v } }))}
      />
      {startedFrom && startedFrom.runId === liveRunId && (
        <p className="weights-started" data-testid="weights.startedFrom">
          The live run {startedFrom.text}.
        </p>
      )}
    </>
  );
}
