// The signature view: every layer's gradient L2 norm (rows, input at the
// top) over the recent steps (columns, newest on the right), on a log colour
// scale whose range is taken over that window only, so the contrast follows
// the run. Drawn on a canvas: one pixel a cell in an ImageData, scaled up in
// one drawImage; skipped while off screen. A data table sits behind it.
import { useEffect, useMemo, useRef, useState, type MouseEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { colourRgb, heatWindow } from '../../state/gradflow';
import { useStore } from '../../state/store';
import { DataTable } from '../DataTable';
import { drawQueue } from './drawQueue';
import { useOnScreen } from './useOnScreen';

/** Steps in the window. */
export const HEAT_WINDOW = 200;
/** Steps in the data table (the newest of the window). */
const TABLE_STEPS = 10;
const WIDTH = 640;

export function GradHeatmap() {
  const { t } = useTranslation('charts');
  const names = useStore((s) => s.run.model?.kernelNames);
  const steps = useStore((s) => s.metrics.steps);
  const canvas = useRef<HTMLCanvasElement>(null);
  const cells = useRef<HTMLCanvasElement | null>(null);
  const image = useRef<ImageData | null>(null);
  const visible = useOnScreen(canvas);
  const drawKey = useRef({}).current;
  const w = useMemo(() => heatWindow(steps, names?.length ?? 0, HEAT_WINDOW), [steps, names]);
  const layers = names?.length ?? 0;
  const rowPx = Math.max(3, Math.min(14, Math.floor(360 / Math.max(1, layers))));
  const height = Math.max(1, layers * rowPx);

  useEffect(() => {
    const ctx = canvas.current?.getContext('2d');
    if (!ctx || w.steps.length === 0 || layers === 0 || !visible) return;
    // In an animation frame of its own, as the line charts (drawQueue).
    return drawQueue.add(drawKey, () => {
      // Right-aligned: the newest step at the right edge, as a scrolling strip.
      const x0 = HEAT_WINDOW - w.steps.length;
      // One ImageData and one cell canvas for the chart's life (new ones
      // only when the layer count changes): a fresh buffer per redraw is
      // garbage that brings on major GCs, and setting a canvas's size
      // reallocates its backing store even when the size is the same.
      if (image.current?.height !== layers) image.current = new ImageData(HEAT_WINDOW, layers);
      const px = image.current.data; // [layers, HEAT_WINDOW, RGBA]
      px.fill(0);
      w.rows.forEach((row, l) => row.forEach((v, c) => {
        const [r, g, b] = Number.isFinite(v) ? colourRgb((v - w.lo) / (w.hi - w.lo)) : [221, 221, 221];
        const at = 4 * (l * HEAT_WINDOW + x0 + c);
        px[at] = r;
        px[at + 1] = g;
        px[at + 2] = b;
        px[at + 3] = 255;
      }));
      cells.current ??= document.createElement('canvas');
      const off = cells.current;
      if (off.width !== HEAT_WINDOW) off.width = HEAT_WINDOW;
      if (off.height !== layers) off.height = layers;
      off.getContext('2d')?.putImageData(image.current, 0, 0);
      ctx.imageSmoothingEnabled = false;
      ctx.clearRect(0, 0, WIDTH, height);
      ctx.drawImage(off, 0, 0, HEAT_WINDOW, layers, 0, 0, WIDTH, height);
    });
  }, [w, height, layers, visible]);

  const [hover, setHover] = useState<string | null>(null);
  /** The cell under the pointer, in words (the canvas is scaled by CSS, so map through its box). */
  const onMove = (e: MouseEvent<HTMLCanvasElement>) => {
    const box = e.currentTarget.getBoundingClientRect();
    const col = Math.floor(((e.clientX - box.left) / box.width) * HEAT_WINDOW) - (HEAT_WINDOW - w.steps.length);
    const row = Math.floor(((e.clientY - box.top) / box.height) * layers);
    const v = w.rows[row]?.[col];
    setHover(col >= 0 && v !== undefined && names ? t('heatmap.hover', { layer: names[row], step: w.steps[col], value: Number.isFinite(v) ? (10 ** v).toExponential(2) : t('heatmap.noValue') }) : null);
  };
  const last = w.steps.length;
  const tableCols = w.steps.slice(-TABLE_STEPS);
  return (
    <figure className="chart wide" data-testid="chart.gradHeatmap" data-steps={last} data-layers={layers} aria-labelledby="chart-heat-title">
      <figcaption id="chart-heat-title">{t('heatmap.title', { n: HEAT_WINDOW })}</figcaption>
      <div className="chart-body">
        {last === 0 ? (
          <p className="empty">{t('heatmap.empty')}</p>
        ) : (
          <div className="heatmap">
            <div className="heatmap-axis" aria-hidden="true">
              <span>{names?.[0]}</span>
              <span>{names?.[layers - 1]}</span>
            </div>
            <canvas ref={canvas} width={WIDTH} height={height} onMouseMove={onMove} onMouseLeave={() => setHover(null)} role="img" aria-label={t('heatmap.label', { layers, from: w.steps[0], to: w.steps[last - 1] })} />
            <div className="heatmap-legend" data-testid="chart.gradHeatmap.legend">
              <span>10^{w.lo.toFixed(1)}</span>
              <span className="heatmap-ramp" aria-hidden="true" />
              <span>10^{w.hi.toFixed(1)}</span>
              <output className="heatmap-hover">{hover ?? t('heatmap.point')}</output>
            </div>
          </div>
        )}
      </div>
      <p className="chart-note">{t('heatmap.note')}</p>
      <DataTable>
        <table data-testid="chart.gradHeatmap.table">
          <caption>{t('heatmap.caption', { n: tableCols.length })}</caption>
          <thead>
            <tr>
              <th scope="col">{t('layer')}</th>
              {tableCols.map((s) => (
                <th scope="col" key={s}>{t('stepN', { step: s })}</th>
              ))}
            </tr>
          </thead>
          <tbody>
            {(names ?? []).map((n, l) => (
              <tr key={n}>
                <th scope="row">{n}</th>
                {w.rows[l]?.slice(-TABLE_STEPS).map((v, c) => (
                  <td key={c}>{Number.isFinite(v) ? (10 ** v).toExponential(2) : '–'}</td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </DataTable>
    </figure>
  );
}
