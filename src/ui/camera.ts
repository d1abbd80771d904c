// The webcam, for recording a class's examples and for predicting: a video
// stream shown in a <video>, frames taken as ImageBitmaps (a copy of the
// frame, not a decode) and handed to the data worker to be fitted. Without a
// camera, or without permission, it says so in words. DOM only.
import { useCallback, useEffect, useRef, useState } from 'react';

/** Why no camera: a key under common:camera (the sentence in the page's language) and the browser's own words where it gave some. */
export interface CameraProblem {
  key: 'notFound' | 'notAllowed' | 'inUse' | 'failed' | 'unsupported';
  detail: string;
}

export type CameraState = { status: 'off' } | { status: 'starting' } | { status: 'on' } | { status: 'none'; problem: CameraProblem };

export function cameraProblem(e: unknown): CameraProblem {
  const name = e instanceof Error ? e.name : '';
  if (name === 'NotFoundError' || name === 'OverconstrainedError') return { key: 'notFound', detail: '' };
  if (name === 'NotAllowedError' || name === 'SecurityError') return { key: 'notAllowed', detail: '' };
  if (name === 'NotReadableError') return { key: 'inUse', detail: '' };
  return { key: 'failed', detail: e instanceof Error ? e.message : String(e) };
}

export function useCamera() {
  const video = useRef<HTMLVideoElement | null>(null);
  const stream = useRef<MediaStream | null>(null);
  const [state, setState] = useState<CameraState>({ status: 'off' });
  const stop = useCallback(() => {
    stream.current?.getTracks().forEach((t) => t.stop());
    stream.current = null;
    setState((s) => (s.status === 'none' ? s : { status: 'off' }));
  }, []);
  const start = useCallback(async () => {
    if (!navigator.mediaDevices?.getUserMedia) return setState({ status: 'none', problem: { key: 'unsupported', detail: '' } });
    setState({ status: 'starting' });
    try {
      const s = await navigator.mediaDevices.getUserMedia({ video: { width: { ideal: 640 }, height: { ideal: 480 } }, audio: false });
      stream.current = s;
      if (video.current) {
        video.current.srcObject = s;
        await video.current.play();
      }
      setState({ status: 'on' });
    } catch (e) {
      setState({ status: 'none', problem: cameraProblem(e) });
    }
  }, []);
  useEffect(() => stop, [stop]);
  /** The current frame as an ImageBitmap, or null when the camera is off. */
  const frame = useCallback(async (): Promise<ImageBitmap | null> => {
    const v = video.current;
    if (!v || !stream.current || v.readyState < 2) return null;
    return createImageBitmap(v);
  }, []);
  return { video, state, start, stop, frame };
}
