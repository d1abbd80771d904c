// `--trace FILE`: the run's trace (src/train/trace.ts) as JSON lines in FILE,
// a header then one line per step, and the initial variables beside it as
// FILE.init.safetensors (engine names and layouts). bench/reference/replay.py
// replays it in PyTorch. Node only.
import { closeSync, openSync, writeFileSync, writeSync } from 'node:fs';
import { basename } from 'node:path';
import { encodeSafetensors } from '../data/safetensors';
import type { TraceEval, TraceHeader, TraceSink, TraceStep } from '../train/trace';

export function fileTraceSink(file: string): TraceSink & { close(): void } {
  const fd = openSync(file, 'w');
  const line = (record: unknown) => writeSync(fd, JSON.stringify(record) + '\n');
  return {
    header(h: TraceHeader) {
      const weights = `${file}.init.safetensors`;
      writeFileSync(weights, encodeSafetensors(h.initial, { format: 'playground-trace', version: String(h.version) }));
      const { initial: _initial, ...rest } = h;
      line({ ...rest, weights: basename(weights) });
    },
    step(s: TraceStep) {
      line(s);
    },
    eval(e: TraceEval) {
      line(e);
    },
    close() {
      closeSync(fd);
    },
  };
}
