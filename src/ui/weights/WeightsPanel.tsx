// The "Start from pretrained weights" panel: what the next run starts from
// and what it freezes, how weights get in (files, an address, the
// catalogue), the cache, recipes, and the measured time per epoch of each
// policy. State in src/state/weights.ts; the data worker reads and caches
// the weights, the training worker loads them. No tfjs here. Strings:
// locales/LANG/weights.json.
import { useEffect } from 'react';
import { useTranslation } from 'react-i18next';
import { refreshWeights } from '../../state/weights';
import { EstimateTable } from './EstimateTable';
import { Recipes } from './Recipes';
import { SourcePicker } from './SourcePicker';
import { WeightsImport } from './WeightsImport';

export function WeightsPanel() {
  const { t } = useTranslation('weights');
  useEffect(() => refreshWeights(), []);
  return (
    <section className="weights-panel" aria-label={t('panel.label')} data-testid="weights.panel">
      <fieldset>
        <legend>{t('panel.start')}</legend>
        <SourcePicker />
      </fieldset>
      <fieldset>
        <legend>{t('panel.import')}</legend>
        <WeightsImport />
      </fieldset>
      <fieldset>
        <legend>{t('panel.recipes')}</legend>
        <Recipes kind="transfer" />
      </fieldset>
      <fieldset>
        <legend>{t('panel.time')}</legend>
        <EstimateTable />
      </fieldset>
    </section>
  );
}
