// Record one's own images with the camera, as Teachable Machine does: name
// the classes, hold a class's button to record its frames (about ten a
// second, each fitted by the data worker to the size chosen), then keep them
// as the data set 'your images' (seeded split, cached like a folder).
// Without a camera, or without permission, the panel says so. Strings:
// locales/LANG/data.json.
import { useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { DataConfig } from '../config/types';
import { fitImage, saveRecorded, useDataStore } from '../state/data';
import { useCamera } from './camera';
import { PixelImage } from './PixelImage';

/** Frames a second while a button is held. */
const FPS = 10;

interface RecordedClass {
  name: string;
  frames: Uint8Array[];
}

export function CameraRecorder({ data, seed }: { data: DataConfig; seed: number }) {
  const { t } = useTranslation('data');
  const { t: tc } = useTranslation('common');
  const camera = useCamera();
  const busy = useDataStore((s) => s.import.status === 'loading');
  const [classes, setClasses] = useState<RecordedClass[]>(() => [{ name: t('camera.defaultName', { n: 1 }), frames: [] }, { name: t('camera.defaultName', { n: 2 }), frames: [] }]);
  const [recording, setRecording] = useState<number | null>(null);
  const [error, setError] = useState<string | null>(null);
  const timer = useRef<ReturnType<typeof setInterval> | null>(null);
  const size = data.imageSize;

  const addFrame = async (c: number) => {
    const bitmap = await camera.frame();
    if (!bitmap) return;
    try {
      const px = await fitImage({ kind: 'frame', bitmap }, size, data.fit);
      setClasses((all) => all.map((k, i) => (i === c ? { ...k, frames: [...k.frames, px] } : k)));
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    }
  };
  const hold = (c: number) => {
    setRecording(c);
    void addFrame(c);
    timer.current = setInterval(() => void addFrame(c), 1000 / FPS);
  };
  const release = () => {
    if (timer.current) clearInterval(timer.current);
    timer.current = null;
    setRecording(null);
  };
  const total = classes.reduce((n, c) => n + c.frames.length, 0);
  const stale = classes.some((c) => c.frames.some((f) => f.length !== size * size * 3));
  return (
    <div className="camera-recorder" data-testid="data.camera">
      {camera.state.status !== 'on' && (
        <button type="button" data-testid="data.camera.start" disabled={camera.state.status === 'starting'} onClick={() => void camera.start()}>
          {t('camera.start')}
        </button>
      )}
      {camera.state.status === 'none' && (
        <p className="field-help" role="status" data-testid="data.camera.none">
          {tc(`camera.${camera.state.problem.key}`, { detail: camera.state.problem.detail })} {t('camera.instead')}
        </p>
      )}
      <video ref={camera.video} muted playsInline hidden={camera.state.status !== 'on'} width={160} height={120} />
      {camera.state.status === 'on' && (
        <>
          <ul className="camera-classes">
            {classes.map((c, i) => (
              <li key={i} data-testid={`data.camera.class.${i}`} data-count={c.frames.length}>
                <input aria-label={t('camera.name', { n: i + 1 })} value={c.name} onChange={(e) => setClasses((all) => all.map((k, j) => (j === i ? { ...k, name: e.target.value } : k)))} />
                <button
                  type="button"
                  data-testid={`data.camera.hold.${i}`}
                  aria-pressed={recording === i}
                  onPointerDown={() => hold(i)}
                  onPointerUp={release}
                  onPointerLeave={() => recording === i && release()}
                  onKeyDown={(e) => (e.key === ' ' || e.key === 'Enter') && recording === null && hold(i)}
                  onKeyUp={release}
                >
                  {t('camera.hold')}
                </button>
                <span>{t('camera.count', { n: c.frames.length })}</span>
                {c.frames.length > 0 && <PixelImage bytes={c.frames[c.frames.length - 1] as Uint8Array} width={size} height={size} channels={3} label={t('camera.last', { name: c.name })} size={32} />}
                {c.frames.length > 0 && (
                  <button type="button" onClick={() => setClasses((all) => all.map((k, j) => (j === i ? { ...k, frames: [] } : k)))}>
                    {t('camera.clear')}
                  </button>
                )}
              </li>
            ))}
          </ul>
          <button type="button" data-testid="data.camera.add" onClick={() => setClasses((all) => [...all, { name: t('camera.defaultName', { n: all.length + 1 }), frames: [] }])}>
            {t('camera.add')}
          </button>
          <button
            type="button"
            data-testid="data.camera.use"
            disabled={busy || total === 0 || stale}
            onClick={() => saveRecorded('camera', classes.map((c) => c.name.trim()), classes.map((c) => c.frames), { imageSize: size, fit: data.fit, testShare: data.testShare, seed })}
          >
            {t('camera.use', { n: total })}
          </button>
          {stale && <small className="field-help">{t('camera.stale')}</small>}
          <button type="button" onClick={camera.stop}>
            {t('camera.stop')}
          </button>
        </>
      )}
      {error && (
        <p className="data-error" role="alert">
          {error}
        </p>
      )}
    </div>
  );
}
