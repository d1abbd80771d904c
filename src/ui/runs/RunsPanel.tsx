// Every kept run, newest first: overlay it on the charts, pick two to compare
// their configs, export it (JSON, CSV), delete it; import a run file; start
// the live run's plain twin (skip off) with the live run overlaid; start a
// new run from a kept run's weights (state/weights.ts).
import { useState } from 'react';
import type { TFunction } from 'i18next';
import { useTranslation } from 'react-i18next';
import { startRun } from '../../state/bridge';
import { runName, useRuns } from '../../state/runs';
import { isActive, useStore } from '../../state/store';
import { startFromRun } from '../../state/weights';
import { decodeSpecs, modelJson } from '../../share/modelfile';
import { datasetShape } from '../../config/datasets';
import { encodeSafetensors } from '../../data/safetensors';
import { stateDictOf } from '../../weights/export';
import { defaultNaming, noNames } from '../../weights/torch-names';
import { toCsv, toRunFile, type RunRecord } from '../../share/runfile';
import { storedZip } from '../../share/zipwrite';
import { ConfigDiff } from './ConfigDiff';
import { overlayColor } from './colors';

function download(name: string, type: string, body: string | ArrayBuffer): void {
  const url = URL.createObjectURL(new Blob([body], { type }));
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  a.click();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

const fileStem = (r: RunRecord) => `${r.id}`.replace(/[^a-z0-9-]+/gi, '_');

/** model.json and its weights (TF.js weights-manifest format), from the run's latest checkpoint. */
async function downloadModel(r: RunRecord, t: TFunction<'runs'>): Promise<void> {
  const checkpoint = await useRuns.getState().checkpointOf(r.id);
  if (!checkpoint) return useRuns.setState({ error: t('error.noWeights', { name: r.name }) });
  const bin = `${fileStem(r)}.weights.bin`;
  download(`${fileStem(r)}.model.json`, 'application/json', modelJson(r.config, r.kernelNames, checkpoint, bin));
  download(bin, 'application/octet-stream', checkpoint.model.data);
}

/**
 * The run as a PyTorch project, one zip of the files `npx playground export
 * pytorch` writes (export/bundle.ts): train.py, weights.safetensors (the
 * run's latest checkpoint as PyTorch's state dict, under the names PyTorch's
 * own implementation of the net uses: torchvision, timm or akamaster's),
 * optimizer.safetensors (the checkpoint's optimizer state, from which
 * train.py resumes the run), config.json and README.md. What train.py
 * cannot express is refused by name. The generator loads on first use (its
 * own chunk). The `what` lines go into the zip's README, not onto the page,
 * so they stay in English whatever the page's language.
 */
async function downloadTorchProject(r: RunRecord, t: TFunction<'runs'>): Promise<void> {
  const checkpoint = await useRuns.getState().checkpointOf(r.id);
  if (!checkpoint) return useRuns.setState({ error: t('error.noWeights', { name: r.name }) });
  const naming = defaultNaming(r.config.model);
  if (naming === null) return useRuns.setState({ error: t('error.run', { name: r.name, message: noNames(r.config.model) }) });
  try {
    const classes = datasetShape(r.config.data).classes;
    const tensors = decodeSpecs(checkpoint.model.specs, new Uint8Array(checkpoint.model.data), r.name);
    const dict = stateDictOf(r.config.model, classes, tensors, naming, checkpoint.step);
    const bytes = encodeSafetensors(Object.fromEntries(dict), { format: 'pt', naming, generatedBy: 'ResNet Playground', steps: String(checkpoint.step) });
    const [{ pytorchBundle }, { optimizerSafetensors }] = await Promise.all([import('../../export/bundle'), import('../../export/optimizer')]);
    const what = `the weights of the page's run "${r.name}" at step ${checkpoint.step} (its latest checkpoint)`;
    const state = optimizerSafetensors(r.config, classes, checkpoint, naming);
    const optimizer = state === null ? null : { bytes: state, what: `the ${r.config.train.optimizer} state of that checkpoint` };
    const files = pytorchBundle(r.config, naming, { bytes, what }, optimizer, `the page's kept run "${r.name}" (ResNet Playground's Runs panel, Export: PyTorch)`);
    download(`${fileStem(r)}.pytorch.zip`, 'application/zip', storedZip(files).buffer as ArrayBuffer);
  } catch (e) {
    useRuns.setState({ error: t('error.torch', { name: r.name, message: e instanceof Error ? e.message : String(e) }) });
  }
}

export function RunsPanel() {
  const { t } = useTranslation('runs');
  const runs = useRuns((s) => s.runs);
  const overlay = useRuns((s) => s.overlay);
  const currentId = useRuns((s) => s.currentId);
  const error = useRuns((s) => s.error);
  const pending = useRuns((s) => s.pendingCompare);
  const liveConfig = useStore((s) => s.run.config);
  const [compare, setCompare] = useState<string[]>([]);
  const { toggleOverlay, remove, importFiles, dismissError, resume } = useRuns.getState();
  const training = useStore((s) => s.run.runId !== null && isActive(s.run.status));
  const pick = (id: string) => setCompare((c) => (c.includes(id) ? c.filter((x) => x !== id) : [...c, id].slice(-2)));
  const plainTwin = () => {
    if (!liveConfig) return;
    const id = useRuns.getState().currentId;
    if (id && !useRuns.getState().overlay.includes(id)) toggleOverlay(id);
    const twin = { ...liveConfig, model: { ...liveConfig.model, skip: false } };
    useStore.getState().setConfig(() => twin);
    startRun(twin);
  };
  const pair = compare.map((id) => runs.find((r) => r.id === id)).filter((r): r is RunRecord => r !== undefined);
  return (
    <section className="runs" aria-labelledby="runs-title" data-testid="runs">
      <h2 id="runs-title">{t('title')}</h2>
      <div className="runs-actions">
        <button type="button" data-testid="runs.plainTwin" disabled={!liveConfig?.model.skip} onClick={plainTwin} title={t('plainTwinTitle')}>
          {t('plainTwin')}
        </button>
        <label className="file-button">
          {t('import')}
          <input
            type="file"
            multiple
            accept=".json,.jsonl,application/json"
            data-testid="runs.import"
            title={t('importTitle')}
            onChange={(e) => { const fs = [...(e.target.files ?? [])]; if (fs.length > 0) void importFiles(fs); e.target.value = ''; }}
          />
        </label>
      </div>
      {error && (
        <p className="notice error" role="alert" data-testid="runs.error">
          {error} <button type="button" onClick={dismissError}>{t('dismiss')}</button>
        </p>
      )}
      {runs.length === 0 ? (
        <p className="empty">{t('empty')}</p>
      ) : (
        <table className="runs-table">
          <thead>
            <tr>
              <th scope="col">{t('column.overlay')}</th>
              <th scope="col">{t('column.compare')}</th>
              <th scope="col">{t('column.run')}</th>
              <th scope="col">{t('column.steps')}</th>
              <th scope="col">{t('column.testAcc')}</th>
              <th scope="col">{t('column.state')}</th>
              <th scope="col">{t('column.export')}</th>
            </tr>
          </thead>
          <tbody>
            {[...runs].reverse().map((r) => {
              const live = r.id === currentId;
              const last = r.epochs[r.epochs.length - 1];
              return (
                <tr key={r.id} data-testid={`runs.row.${r.id}`} data-checkpoint={r.checkpointStep ?? 0} data-outcome={r.outcome} data-steps={r.steps.length}>
                  <td>
                    <input type="checkbox" disabled={live} checked={overlay.includes(r.id)} onChange={() => toggleOverlay(r.id)} aria-label={t('overlayLabel', { name: r.name })} data-testid="runs.overlay" />
                    {overlay.includes(r.id) && <span className="swatch" style={{ background: overlayColor(overlay.indexOf(r.id)) }} />}
                  </td>
                  <td>
                    <input type="checkbox" checked={compare.includes(r.id)} onChange={() => pick(r.id)} aria-label={t('compareLabel', { name: r.name })} data-testid="runs.compare" />
                  </td>
                  <td>
                    {r.name}
                    {live && <strong> {t('live')}</strong>}
                    <div className="muted">{new Date(r.createdAt).toLocaleString()} {r.backend}</div>
                  </td>
                  <td>{r.steps.length}</td>
                  <td>{last ? last.testAcc.toFixed(4) : '–'}</td>
                  <td>
                    {t(`outcome.${r.outcome}`)}
                    {r.checkpointStep !== undefined && r.outcome !== 'finished' && !live && (
                      <button type="button" data-testid="runs.resume" disabled={training} onClick={() => void resume(r.id)} title={t('resumeTitle', { step: r.checkpointStep })}>
                        {t('resume', { step: r.checkpointStep })}
                      </button>
                    )}
                    {r.checkpointStep !== undefined && (
                      <button type="button" data-testid="runs.startFrom" disabled={training} onClick={() => startFromRun(r)} title={t('startFromTitle', { step: r.checkpointStep })}>
                        {t('startFrom')}
                      </button>
                    )}
                  </td>
                  <td className="export">
                    <button type="button" data-testid="runs.exportJson" onClick={() => download(`${fileStem(r)}.json`, 'application/json', toRunFile(r))}>{t('export.json')}</button>
                    <button type="button" data-testid="runs.exportCsv" onClick={() => download(`${fileStem(r)}.csv`, 'text/csv', toCsv(r))}>{t('export.csv')}</button>
                    <button type="button" data-testid="runs.exportModel" disabled={r.checkpointStep === undefined} onClick={() => void downloadModel(r, t)} title={t('export.modelTitle')}>{t('export.model')}</button>
                    <button type="button" data-testid="runs.exportTorch" disabled={r.checkpointStep === undefined} onClick={() => void downloadTorchProject(r, t)} title={t('export.torchTitle')}>{t('export.torch')}</button>
                    <button type="button" disabled={live} onClick={() => void remove(r.id)} aria-label={t('deleteLabel', { name: r.name })}>{t('delete')}</button>
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
      {pending.length > 0 && (
        <div className="pending-compare" data-testid="runs.pending">
          <p>{t('pending')}</p>
          <ul>
            {pending.map((c, i) => (
              <li key={i}>
                {runName(c)}{' '}
                <button type="button" data-testid="runs.trainCompared" disabled={training} onClick={() => useRuns.getState().trainCompared(c)}>
                  {t('train')}
                </button>
              </li>
            ))}
          </ul>
        </div>
      )}
      {pair.length === 2 && <ConfigDiff a={pair[0]!} b={pair[1]!} />}
    </section>
  );
}
