// Predict: after a run has weights, drop or pick an image (or take a camera
// frame) and see the run's net's top 3 classes with their probabilities.
// The data worker fits the image to the run's input size (it decodes; the
// page does not); the training worker runs the kept run's latest checkpoint
// (src/train/predict.ts). No TF.js here.
import { useState, type DragEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { datasetShape } from '../../config/datasets';
import type { Prediction } from '../../protocol/messages';
import { predict } from '../../state/bridge';
import { fitImage } from '../../state/data';
import { useRuns } from '../../state/runs';
import type { ImageSource } from '../../protocol/data';
import { useCamera } from '../camera';
import { PixelImage } from '../PixelImage';

interface Shown {
  pixels: Uint8Array;
  size: number;
  from: string;
  top: Prediction[] | null;
}

export function PredictPanel() {
  const { t } = useTranslation('eval');
  const { t: tc } = useTranslation('common');
  const currentId = useRuns((s) => s.currentId);
  const run = useRuns((s) => s.runs.find((r) => r.id === s.currentId));
  const [shown, setShown] = useState<Shown | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const camera = useCamera();
  if (!run || currentId === null || run.steps.length === 0) return null;
  const shape = datasetShape(run.config.data);
  const [h, w] = shape.input;
  const fit = run.config.data.dataset === 'folder' ? run.config.data.fit : 'crop';

  const score = async (source: ImageSource, from: string) => {
    setBusy(true);
    setError(null);
    try {
      const pixels = await fitImage(source, h, fit);
      setShown({ pixels, size: h, from, top: null });
      const answer = await predict(currentId, run.config, { pixels, height: h, width: w, channels: 3 });
      if (answer.error !== undefined) setError(`${from}: ${answer.error}`);
      else setShown({ pixels, size: h, from, top: answer.top ?? [] });
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    } finally {
      setBusy(false);
    }
  };
  const onFile = (file: File | undefined) => {
    if (file) void score({ kind: 'file', file, name: file.name }, file.name);
  };
  const onDrop = (e: DragEvent) => {
    e.preventDefault();
    onFile(e.dataTransfer.files[0]);
  };
  const snap = async () => {
    const bitmap = await camera.frame();
    if (bitmap) await score({ kind: 'frame', bitmap }, t('predict.frame'));
  };
  return (
    <section className="predict" aria-labelledby="predict-title" data-testid="predict" onDragOver={(e) => e.preventDefault()} onDrop={onDrop}>
      <h2 id="predict-title">{t('predict.title', { name: run.name })}</h2>
      <div className="field">
        <label htmlFor="predict-file">{t('predict.drop')}</label>
        <input id="predict-file" type="file" accept="image/*" data-testid="predict.file" disabled={busy} onChange={(e) => (onFile(e.target.files?.[0]), (e.target.value = ''))} />
        <small className="field-help">
          {t('predict.help', { w, h, fit: fit === 'crop' ? t('predict.crop') : t('predict.padded') })}
        </small>
      </div>
      <div className="predict-camera">
        {camera.state.status !== 'on' && (
          <button type="button" data-testid="predict.cameraStart" onClick={() => void camera.start()} disabled={camera.state.status === 'starting'}>
            {t('predict.cameraStart')}
          </button>
        )}
        <video ref={camera.video} muted playsInline hidden={camera.state.status !== 'on'} width={160} height={120} data-testid="predict.video" />
        {camera.state.status === 'on' && (
          <>
            <button type="button" data-testid="predict.snap" disabled={busy} onClick={() => void snap()}>
              {t('predict.snap')}
            </button>
            <button type="button" onClick={camera.stop}>
              {t('predict.cameraStop')}
            </button>
          </>
        )}
        {camera.state.status === 'none' && (
          <p className="field-help" role="status" data-testid="predict.noCamera">
            {tc(`camera.${camera.state.problem.key}`, { detail: camera.state.problem.detail })}
          </p>
        )}
      </div>
      {error && (
        <p className="data-error" role="alert" data-testid="predict.error">
          {error}
        </p>
      )}
      {shown && (
        <figure className="predict-result" data-testid="predict.result" data-top={shown.top?.[0]?.name ?? ''}>
          <PixelImage bytes={shown.pixels} width={shown.size} height={shown.size} channels={3} label={shown.from} size={96} />
          <figcaption>
            {shown.top === null ? (
              t('predict.scoring')
            ) : (
              <ol data-testid="predict.top">
                {shown.top.map((t) => (
                  <li key={t.label}>
                    <span>{t.name}</span> <meter min={0} max={1} value={t.p} /> <span>{(t.p * 100).toFixed(1)}%</span>
                  </li>
                ))}
              </ol>
            )}
          </figcaption>
        </figure>
      )}
    </section>
  );
}
