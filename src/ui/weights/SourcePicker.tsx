// What the next run starts from and how: the source (a fresh net, a cached
// weights entry with its size, or a kept run's checkpoint), what is frozen,
// the head's rate multiple and the normalization; the offer to switch to the
// net the weights were made for; and what the live run said it started from.
// Strings: locales/LANG/weights.json.
import type { TFunction } from 'i18next';
import { useTranslation } from 'react-i18next';
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

/** A freeze policy in words: weights:freeze.POLICY. */
export const freezeWords = (t: TFunction<'weights'>, p: FreezePolicy): string => t(`freeze.${p}`);

/** Kept runs whose weights a new run can start from, newest first. */
export function useRunsWithWeights(): RunRecord[] {
  return useRuns((s) => s.runs).filter((r) => r.checkpointStep !== undefined).reverse();
}

/** The same net, whatever the input resolution (the weights fit either way). */
function sameNet(a: ModelConfig, b: ModelConfig): boolean {
  return a.family === b.family && FAMILY_FIELDS[a.family].every((k) => k === 'inputSize' || sameValue(a[k], b[k]));
}

/** A net in a few words: its preset, else its depth and width (CIFAR ResNets) or family. */
function netName(t: TFunction<'weights'>, m: ModelConfig): string {
  const preset = presetOf({ ...m, inputSize: 0 });
  if (preset) return preset;
  return m.family === 'cifar-resnet' ? t('net.cifar', { depth: cifarDepth(m.blocksPerStage), width: m.baseWidth }) : t('net.custom', { family: m.family });
}

/** A size for people: MB as files are sized, KiB below 0.1 MB. */
export const sizeOf = (bytes: number): string => (bytes < 1e5 ? formatBytes(bytes) : formatBytes(bytes, 'MB'));

/** "Use <preset>" when the chosen weights were made for another net than the one configured. */
function NetOffer({ model, entry, run, setModel }: { model: ModelConfig; entry: WeightsInfo | undefined; run: RunRecord | undefined; setModel(m: ModelConfig): void }) {
  const { t } = useTranslation('weights');
  const preset = entry?.preset;
  if (preset !== undefined && isModelPresetId(preset)) {
    if (presetOf({ ...model, inputSize: 0 }) === preset) return null;
    return (
      <p className="weights-offer" data-testid="weights.netOffer">
        {t('net.offer', { theirs: preset, model: netName(t, model) })}{' '}
        <button type="button" data-testid="weights.usePreset" onClick={() => setModel(modelFromPreset(preset))}>
          {t('net.use', { name: preset })}
        </button>
      </p>
    );
  }
  const theirs = run?.config.model ?? entry?.config?.model;
  if (!theirs || sameNet(model, theirs)) return null;
  const name = netName(t, theirs);
  return (
    <p className="weights-offer" data-testid="weights.netOffer">
      {t('net.offer', { theirs: name, model: netName(t, model) === name ? t('net.anotherVariant') : netName(t, model) })}{' '}
      <button type="button" data-testid="weights.usePreset" onClick={() => setModel(structuredClone(theirs))}>
        {t('net.use', { name })}
      </button>
    </p>
  );
}

function stagesOf(config: Config, summary: ReturnType<typeof useArchitecture>['summary']): number {
  if (!summary) return config.model.family === 'cifar-resnet' ? 3 : 4;
  return summary.layers.reduce((n, l) => Math.max(n, Number(/^stage(\d+)$/.exec(l.stage)?.[1] ?? 0)), 0);
}

export function SourcePicker() {
  const { t } = useTranslation('weights');
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
    .map((p) => ({ value: p, label: Number(p.slice(5)) > stages ? t('freeze.tooDeep', { policy: freezeWords(t, p), stages }) : freezeWords(t, p) }));
  const channels = datasetShape(config.data).input[2];
  const train = (patch: Partial<Config['train']>) => setConfig((c) => ({ ...c, train: { ...c.train, ...patch } }));
  const options = [
    { value: '', label: t('source.fresh') },
    ...entries.map((e) => ({ value: e.id, label: `${e.name} (${sizeOf(e.bytes)}${e.imagenet ? ', ImageNet' : ''})` })),
    ...runs.map((r) => ({ value: runWeightsId(r), label: t('source.keptRun', { name: r.name, step: r.checkpointStep, date: new Date(r.createdAt).toLocaleString() }) })),
    ...(known ? [] : [{ value: initWeights, label: t('source.notHere', { id: initWeights }) }]),
  ];
  return (
    <>
      <SelectField<string>
        label={t('source.label')}
        help={known ? (initWeights === '' ? t('source.helpFresh') : entry ? t('source.helpEntry', { format: entry.format, tensors: entry.tensors, from: entry.from }) : t('source.helpLoads')) : t('source.helpMissing', { id: initWeights })}
        testId="weights.source"
        path="train.initWeights"
        value={initWeights}
        options={options}
        onChange={(id) => chooseWeights(id, entries.find((e) => e.id === id), runs.find((r) => runWeightsId(r) === id))}
      />
      <NetOffer model={config.model} entry={entry} run={run} setModel={(model) => setConfig((c) => ({ ...c, model }))} />
      <SelectField<FreezePolicy>
        label={t('freeze.label')}
        help={initWeights === '' && freeze !== 'none' ? t('freeze.needsWeights', { freeze }) : t('freeze.help')}
        testId="weights.freeze"
        path="train.freeze"
        value={freeze}
        options={freezeOptions}
        onChange={(v) => train({ freeze: v })}
      />
      <NumberField label={t('headLr.label')} help={t('headLr.help')} testId="weights.headLr" field="train.headLrScale" value={headLrScale} onChange={(v) => train({ headLrScale: v })} />
      <SelectField<Normalization>
        label={t('normalize.label')}
        help={config.data.normalize === 'imagenet' && channels !== 3 ? t('normalize.needsColour', { name: datasetShape(config.data).name, channels }) : t('normalize.help')}
        testId="weights.normalize"
        path="data.normalize"
        value={config.data.normalize}
        options={[{ value: 'dataset', label: t('normalize.dataset') }, { value: 'imagenet', label: t('normalize.imagenet') }]}
        onChange={(v) => setConfig((c) => ({ ...c, data: { ...c.data, normalize: v } }))}
      />
      {startedFrom && startedFrom.runId === liveRunId && (
        <p className="weights-started" data-testid="weights.startedFrom">
          {t('source.startedFrom', { text: startedFrom.text })}
        </p>
      )}
    </>
  );
}
