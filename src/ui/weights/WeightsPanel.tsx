// The "Start from pretrained weights" panel: what the next run starts from
// and what it freezes, how weights get in (files, an address, the
// catalogue), the cache, recipes, and the measured time per epoch of each
// policy. State in src/state/weights.ts; the data worker reads and caches
// the weights, the training worker loads them. No tfjs here.
import { useEffect } from 'react';
import { refreshWeights } from '../../state/weights';
import { EstimateTable } from './EstimateTable';
import { Recipes } from './Recipes';
import { SourcePicker } from './SourcePicker';
import { WeightsImport } from './WeightsImport';

export function WeightsPanel() {
  useEffect(() => refreshWeights(), []);
  return (
    <section className="weights-panel" aria-label="Pretrained weights" data-testid="weights.panel">
      <fieldset>
        <legend>Start from pretrained weights</legend>
        <SourcePicker />
      </fieldset>
      <fieldset>
        <legend>Import weights</legend>
        <WeightsImport />
      </fieldset>
      <fieldset>
        <legend>Recipes</legend>
        <Recipes kind="transfer" />
      </fieldset>
      <fieldset>
        <legend>Time per epoch</legend>
        <EstimateTable />
      </fieldset>
    </section>
  );
}
