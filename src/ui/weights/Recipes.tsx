// One-click recipes (src/config/recipes.ts): applying one sets the whole
// config; while the config is a recipe, what it still needs is listed: its
// weights (cached, or a Fetch button with the size) and its data set (loaded,
// or a pointer to the data panel), then the estimate and Train. Strings:
// locales/LANG/weights.json, the recipes' own by id (recipes.ID.title ...);
// recipes.ts keeps the English to group the variants by.
import { useTranslation } from 'react-i18next';
import { DATASETS } from '../../config/datasets';
import { formatBytes } from '../../config/format';
import { applyRecipe, recipeOf, RECIPES, type Recipe, type RecipeKind } from '../../config/recipes';
import { useDataStore } from '../../state/data';
import { useStore } from '../../state/store';
import { importWeightsUrl, useWeights } from '../../state/weights';
import { catalogueEntry } from '../../weights/catalogue';

function goToDataPanel(): void {
  const panel = document.querySelector<HTMLElement>('[data-testid="data.panel"]');
  panel?.scrollIntoView({ behavior: 'smooth', block: 'start' });
  panel?.querySelector<HTMLElement>('input, select')?.focus({ preventScroll: true });
}

function Needs({ recipe }: { recipe: Recipe }) {
  const { t } = useTranslation('weights');
  const id = recipe.train.initWeights;
  const cached = useWeights((s) => s.entries.find((e) => e.id === id));
  const busy = useWeights((s) => s.import.status === 'loading');
  const dataLoaded = useDataStore((s) => s.cache.some((e) => e.id === recipe.data.dataset));
  const entry = catalogueEntry(id);
  const data = DATASETS[recipe.data.dataset].name;
  return (
    <ul className="recipe-needs" data-testid={`${recipe.kind === 'transfer' ? 'weights' : 'train'}.recipe.status`} data-weights={id === '' ? 'none' : cached ? 'cached' : 'missing'} data-data={dataLoaded ? 'loaded' : 'missing'}>
      {id !== '' && <li>
        {cached ? (
          <>{t('recipe.weightsCached', { name: cached.name, size: formatBytes(cached.bytes, 'MB') })}</>
        ) : (
          <>
            {t('recipe.weightsMissing', { name: entry?.title ?? id })}{' '}
            {entry && (
              <button type="button" data-testid="weights.recipe.fetch" disabled={busy} onClick={() => importWeightsUrl(entry.url, entry.id)}>
                {t('fetchSize', { size: formatBytes(entry.bytes, 'MB') })}
              </button>
            )}
          </>
        )}
      </li>}
      <li>
        {dataLoaded ? (
          <>{t('recipe.dataLoaded', { name: data })}</>
        ) : (
          <>
            {t('recipe.dataMissing', { name: data })}{' '}
            <button type="button" data-testid="weights.recipe.data" onClick={goToDataPanel}>
              {t('recipe.goToData')}
            </button>
          </>
        )}
      </li>
      <li>{t('recipe.then')}</li>
    </ul>
  );
}

/** The recipes of one kind: training recipes in the training controls, transfer recipes in the weights panel. */
export function Recipes({ kind }: { kind: RecipeKind }) {
  const { t } = useTranslation('weights');
  const config = useStore((s) => s.config);
  const setConfig = useStore((s) => s.setConfig);
  const current = recipeOf(config);
  const ofKind = RECIPES.filter((r) => r.kind === kind);
  const titles = [...new Set(ofKind.map((r) => r.title))];
  const prefix = kind === 'transfer' ? 'weights' : 'train';
  return (
    <div className="recipes" data-testid={`${prefix}.recipes`}>
      {titles.map((title) => {
        const variants = ofKind.filter((r) => r.title === title);
        return (
          <div key={title}>
            <p className="recipe-title">{t(`recipes.${variants[0]!.id}.title`)}</p>
            <small className="field-help">{t(`recipes.${variants[0]!.id}.source`)}</small>
            <div className="recipe-buttons">
              {variants.map((r) => (
                <button key={r.id} type="button" data-testid={`${prefix}.recipe.${r.id}`} aria-pressed={current?.id === r.id} onClick={() => setConfig((c) => applyRecipe(c, r))}>
                  {t(`recipes.${r.id}.variant`)}
                </button>
              ))}
            </div>
          </div>
        );
      })}
      {current?.kind === kind && <Needs recipe={current} />}
    </div>
  );
}
