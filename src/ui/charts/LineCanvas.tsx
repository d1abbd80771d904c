// A small line chart drawn on <canvas>: dense series (thousands of points)
// redraw in one path per series instead of an SVG element tree that the
// browser must style, lay out and paint on every update. Axes with ticks,
// an HTML legend, a read-out of the values nearest the pointer; the numbers
// themselves sit in each chart's data table. No tfjs.
import { useEffect, useRef, useState, type MouseEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { extent, linearTicks, logTicks, nearest } from './axes';
import { drawQueue } from './drawQueue';
import { useOnScreen } from './useOnScreen';

export interface LineSeries {
  name: string;
  color: string;
  /** Steps, ascending. */
  xs: readonly number[];
  ys: readonly number[];
  width?: number;
  dash?: number[];
  /** Draw dots only (e.g. the test value per epoch). */
  dots?: boolean;
  /** A dot on each point of the line too (a few points, e.g. one per layer). */
  markers?: boolean;
}

interface Props {
  series: LineSeries[];
  height: number;
  /** Fixed y range; from the data when omitted. */
  yDomain?: [number, number];
  log?: boolean;
  /** A dashed horizontal reference line. */
  refY?: number;
  /** Vertical lines at these steps, each labelled (where a run went on from a checkpoint on another backend). */
  marks?: readonly { x: number; label: string }[];
  format(v: number): string;
  /** Names for integer x positions (layers): ticks and the read-out show these instead of steps. */
  xLabels?: readonly string[];
  label: string;
  testId?: string;
}

const M = { top: 8, right: 12, bottom: 22, left: 56 };

/** About `count` evenly spread indices of `n` labels, the first and the last always among them. */
function labelTicks(n: number, count: number): number[] {
  if (n <= 1) return n === 1 ? [0] : [];
  const k = Math.min(n, count);
  return [...new Set(Array.from({ length: k }, (_, i) => Math.round((i * (n - 1)) / (k - 1))))];
}

function tickText(v: number, log: boolean): string {
  if (log) return v.toExponential(0);
  return Math.abs(v) >= 1e4 || (v !== 0 && Math.abs(v) < 1e-3) ? v.toExponential(1) : String(Number(v.toPrecision(4)));
}

export function LineCanvas({ series, height, yDomain, log = false, refY, marks = [], format, xLabels, label, testId }: Props) {
  const { t } = useTranslation('charts');
  const box = useRef<HTMLDivElement>(null);
  const canvas = useRef<HTMLCanvasElement>(null);
  const [width, setWidth] = useState(0);
  const [hover, setHover] = useState<{ x: number; text: string } | null>(null);
  const visible = useOnScreen(box);
  const drawKey = useRef({}).current;

  useEffect(() => {
    const el = box.current;
    if (!el) return;
    setWidth(Math.floor(el.clientWidth));
    const observer = new ResizeObserver(() => setWidth(Math.floor(el.clientWidth)));
    observer.observe(el);
    return () => observer.disconnect();
  }, []);

  const xr = extent(series.flatMap((s) => [s.xs[0] ?? NaN, s.xs[s.xs.length - 1] ?? NaN]), false);
  const xLo = xr ? Math.min(...series.map((s) => s.xs[0] ?? Infinity)) : 0;
  const xHi = xr ? Math.max(...series.map((s) => s.xs[s.xs.length - 1] ?? -Infinity), xLo + 1) : 1;
  const yr = yDomain ?? extent(series.flatMap((s) => s.ys as number[]).concat(refY ?? []), log) ?? [0, 1];
  const [yLo, yHi] = yr;
  const plotW = Math.max(1, width - M.left - M.right);
  const plotH = Math.max(1, height - M.top - M.bottom);
  const sx = (x: number) => M.left + ((x - xLo) / Math.max(1e-12, xHi - xLo)) * plotW;
  const sy = (y: number) => {
    const t = log ? (Math.log10(y) - Math.log10(yLo)) / Math.max(1e-12, Math.log10(yHi) - Math.log10(yLo)) : (y - yLo) / Math.max(1e-12, yHi - yLo);
    return M.top + (1 - t) * plotH;
  };

  useEffect(() => {
    const ctx = canvas.current?.getContext('2d');
    // Off screen: no redraw (the next render after it scrolls back draws the latest).
    if (!ctx || width === 0 || !visible) return;
    // Each chart draws in an animation frame of its own (drawQueue): one update's painting is spread over frames.
    return drawQueue.add(drawKey, () => {
      const dpr = window.devicePixelRatio || 1;
      ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
      ctx.clearRect(0, 0, width, height);
      ctx.font = '11px system-ui, sans-serif';
      ctx.fillStyle = '#555';
      ctx.strokeStyle = '#e3e7ee';
      ctx.lineWidth = 1;
      ctx.setLineDash([3, 3]);
      ctx.textAlign = 'right';
      ctx.textBaseline = 'middle';
      for (const t of log ? logTicks(yLo, yHi) : linearTicks(yLo, yHi)) {
        const y = Math.round(sy(t)) + 0.5;
        ctx.beginPath();
        ctx.moveTo(M.left, y);
        ctx.lineTo(M.left + plotW, y);
        ctx.stroke();
        ctx.fillText(tickText(t, log), M.left - 4, y);
      }
      ctx.textAlign = 'center';
      ctx.textBaseline = 'top';
      const xTicks = xLabels ? labelTicks(xLabels.length, Math.max(2, Math.floor(plotW / 110))) : linearTicks(xLo, xHi, Math.max(2, Math.floor(plotW / 80)));
      xTicks.forEach((t, k) => {
        const x = Math.round(sx(t)) + 0.5;
        ctx.beginPath();
        ctx.moveTo(x, M.top);
        ctx.lineTo(x, M.top + plotH);
        ctx.stroke();
        ctx.textAlign = k === 0 && xLabels ? 'left' : k === xTicks.length - 1 && xLabels ? 'right' : 'center';
        ctx.fillText(xLabels ? (xLabels[t] ?? '') : String(t), x, M.top + plotH + 4);
      });
      ctx.save();
      ctx.beginPath();
      ctx.rect(M.left, M.top, plotW, plotH);
      ctx.clip();
      if (refY !== undefined) {
        ctx.strokeStyle = '#999';
        ctx.setLineDash([4, 4]);
        ctx.beginPath();
        ctx.moveTo(M.left, sy(refY));
        ctx.lineTo(M.left + plotW, sy(refY));
        ctx.stroke();
      }
      for (const s of series) {
        ctx.strokeStyle = s.color;
        ctx.fillStyle = s.color;
        ctx.lineWidth = s.width ?? 1.5;
        ctx.setLineDash(s.dash ?? []);
        ctx.beginPath();
        let pen = false;
        for (let i = 0; i < s.xs.length; i++) {
          const y = s.ys[i] as number;
          if (!Number.isFinite(y) || (log && y <= 0)) {
            pen = false;
            continue;
          }
          const px = sx(s.xs[i] as number);
          const py = sy(y);
          if (s.dots) {
            ctx.moveTo(px + 3, py);
            ctx.arc(px, py, 3, 0, 2 * Math.PI);
          } else if (pen) ctx.lineTo(px, py);
          else ctx.moveTo(px, py);
          pen = true;
        }
        if (s.dots) ctx.fill();
        else ctx.stroke();
        if (s.markers) {
          ctx.beginPath();
          for (let i = 0; i < s.xs.length; i++) {
            const y = s.ys[i] as number;
            if (!Number.isFinite(y) || (log && y <= 0)) continue;
            ctx.moveTo(sx(s.xs[i] as number) + 2, sy(y));
            ctx.arc(sx(s.xs[i] as number), sy(y), 2, 0, 2 * Math.PI);
          }
          ctx.fill();
        }
      }
      for (const m of marks) {
        const x = Math.round(sx(m.x)) + 0.5;
        ctx.strokeStyle = '#c2410c';
        ctx.fillStyle = '#c2410c';
        ctx.setLineDash([2, 3]);
        ctx.beginPath();
        ctx.moveTo(x, M.top);
        ctx.lineTo(x, M.top + plotH);
        ctx.stroke();
        ctx.textAlign = 'left';
        ctx.textBaseline = 'top';
        ctx.fillText(m.label, x + 3, M.top + 2);
      }
      ctx.restore();
      if (hover) {
        ctx.strokeStyle = '#888';
        ctx.setLineDash([]);
        ctx.beginPath();
        ctx.moveTo(Math.round(hover.x) + 0.5, M.top);
        ctx.lineTo(Math.round(hover.x) + 0.5, M.top + plotH);
        ctx.stroke();
      }
    });
  });

  const onMove = (e: MouseEvent<HTMLCanvasElement>) => {
    const px = e.clientX - e.currentTarget.getBoundingClientRect().left;
    const x = xLo + ((px - M.left) / plotW) * (xHi - xLo);
    const parts = series.flatMap((s) => {
      const i = nearest(s.xs, x);
      const y = s.ys[i];
      const at = xLabels ? xLabels[s.xs[i] as number] : t('stepN', { step: s.xs[i] });
      return i < 0 || y === undefined || !Number.isFinite(y) ? [] : [`${s.name} ${format(y)} (${at})`];
    });
    setHover(parts.length ? { x: Math.min(Math.max(px, M.left), M.left + plotW), text: parts.join(' · ') } : null);
  };

  const dpr = typeof window === 'undefined' ? 1 : window.devicePixelRatio || 1;
  return (
    <div className="line-canvas" ref={box} data-testid={testId}>
      <canvas
        ref={canvas}
        width={Math.max(1, width * dpr)}
        height={height * dpr}
        style={{ width: '100%', height }}
        role="img"
        aria-label={t('canvas.label', { label, marked: marks.length ? t('canvas.marked', { marks: marks.map((m) => t('canvas.markAt', { label: m.label, step: m.x })).join(t('canvas.separator')) }) : '' })}
        onMouseMove={onMove}
        onMouseLeave={() => setHover(null)}
      />
      <ul className="legend" aria-label={t('canvas.legend')}>
        {series.map((s) => (
          <li key={s.name}>
            <span className="swatch" style={{ background: s.color }} aria-hidden="true" />
            {s.name}
          </li>
        ))}
      </ul>
      <output className="line-canvas-hover">{hover?.text ?? ''}</output>
    </div>
  );
}
