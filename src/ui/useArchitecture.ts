// The architecture of the config being edited, computed in the page from the
// pure layer tree (no TF.js): summary, stage table, memory estimate, and
// whether it fits before anything is allocated.
import { useMemo } from 'react';
import { datasetShape } from '../config/datasets';
import type { Config } from '../config/types';
import { buildArch, summarize, type ArchSummary } from '../arch/arch';
import { blockDiagram, type BlockDiagram } from '../arch/diagram';
import { checkFits, DEFAULT_LIMITS, trainingMemory, type MemoryEstimate } from '../arch/memory';
import { stageTable, type StageSummary } from '../arch/stages';

export interface Architecture {
  summary: ArchSummary | null;
  stages: StageSummary[];
  memory: MemoryEstimate | null;
  /** Why this config cannot run: a shape error or too much memory. */
  problem: string | null;
  /** The block a diagram shows (where the shape changes); null without residual blocks. */
  block: BlockDiagram | null;
}

export function useArchitecture(config: Config): Architecture {
  const { model, train, data } = config;
  return useMemo(() => {
    const shape = datasetShape(data);
    try {
      const layers = buildArch(model, shape.classes);
      const summary = summarize(layers, shape.input);
      const memory = trainingMemory(summary, train.batchSize, train.optimizer);
      const tooBig = checkFits(memory, DEFAULT_LIMITS, train.batchSize);
      return { summary, stages: stageTable(model, summary), memory, problem: tooBig && `This configuration is ${tooBig}`, block: blockDiagram(layers) };
    } catch (e) {
      return { summary: null, stages: [], memory: null, block: null, problem: `This architecture cannot take ${shape.name}'s ${shape.input.join('×')} images: ${e instanceof Error ? e.message : String(e)}` };
    }
  }, [model, train.batchSize, train.optimizer, data]);
}
