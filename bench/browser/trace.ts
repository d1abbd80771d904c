// Where a Chromium trace's long main-thread tasks spend their time: for the
// renderer main thread (CrRendererMain) of the traced page, every task over
// 50 ms, and the time of the events directly inside those tasks summed by
// name (UpdateLayoutTree, Layout, Paint, FunctionCall, ...), largest first.
// Used by bench/browser/smooth.ts --trace; alone:
//   npx tsx bench/browser/trace.ts trace.json
import { readFileSync } from 'node:fs';
import { benchArgs } from '../args';

interface TraceEvent { name: string; ph: string; ts: number; dur?: number; pid: number; tid: number; args?: { name?: string } }

export function summarizeTrace(path: string, longMs = 50): string {
  const raw = JSON.parse(readFileSync(path, 'utf8')) as { traceEvents: TraceEvent[] } | TraceEvent[];
  const events = Array.isArray(raw) ? raw : raw.traceEvents;
  const mains = new Set(events.filter((e) => e.ph === 'M' && e.name === 'thread_name' && e.args?.name === 'CrRendererMain').map((e) => `${e.pid}:${e.tid}`));
  const complete = events.filter((e) => e.ph === 'X' && mains.has(`${e.pid}:${e.tid}`) && e.dur !== undefined).sort((a, b) => a.ts - b.ts || (b.dur ?? 0) - (a.dur ?? 0));
  const tasks = complete.filter((e) => e.name === 'RunTask' || e.name === 'ThreadControllerImpl::RunTask');
  const long = tasks.filter((t) => (t.dur ?? 0) / 1000 > longMs);
  const byName = new Map<string, number>();
  let longTotal = 0;
  for (const t of long) {
    longTotal += (t.dur ?? 0) / 1000;
    const end = t.ts + (t.dur ?? 0);
    // Direct children: events inside the task not inside an earlier child.
    let childEnd = -Infinity;
    for (const e of complete) {
      if (e.ts < t.ts || e.ts >= end || e === t || e.pid !== t.pid || e.tid !== t.tid) continue;
      if (e.name === 'RunTask' || e.name === 'ThreadControllerImpl::RunTask') continue;
      if (e.ts < childEnd) continue;
      childEnd = e.ts + (e.dur ?? 0);
      byName.set(e.name, (byName.get(e.name) ?? 0) + (e.dur ?? 0) / 1000);
    }
  }
  // Inclusive time by name of every event inside long tasks (nested ones counted in their parents too).
  const inclusive = new Map<string, number>();
  for (const t of long) {
    const end = t.ts + (t.dur ?? 0);
    for (const e of complete) if (e !== t && e.ts >= t.ts && e.ts < end && e.pid === t.pid && e.tid === t.tid) inclusive.set(e.name, (inclusive.get(e.name) ?? 0) + (e.dur ?? 0) / 1000);
  }
  const top = [...byName].sort((a, b) => b[1] - a[1]).slice(0, 12);
  return [
    `trace: ${tasks.length} main-thread tasks, ${long.length} over ${longMs} ms (${longTotal.toFixed(0)} ms in all, longest ${Math.max(0, ...long.map((t) => (t.dur ?? 0) / 1000)).toFixed(0)} ms)`,
    ...top.map(([name, ms]) => `  ${name.padEnd(32)} ${ms.toFixed(0).padStart(7)} ms  ${((100 * ms) / Math.max(1, longTotal)).toFixed(0).padStart(3)}%`),
    'inclusive, by name (nested events counted in their parents too):',
    ...[...inclusive].sort((a, b) => b[1] - a[1]).slice(0, 25).map(([name, ms]) => `  ${name.padEnd(40)} ${ms.toFixed(0).padStart(7)} ms`),
  ].join('\n');
}

if (process.argv[1]?.endsWith('trace.ts')) {
  const { positionals } = benchArgs('npx tsx bench/browser/trace.ts TRACE.json', {}, 1);
  if (positionals[0]) console.log(summarizeTrace(positionals[0]));
}
