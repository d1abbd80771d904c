// The data panel: which data set, how to get CIFAR in (drop or pick the
// tarball, or fetch it from a mirror on a click) or one's own images (a
// folder or a zip: FolderPanel), the progress with a cancel button, the
// cache with its sizes and a clear button, the augmentation switches, and
// sample grids (plain and augmented; a folder's by class).
// All parsing happens in the data worker (src/state/data.ts); no tfjs here.
// Strings: locales/LANG/data.json.
import { useEffect, useState, type DragEvent } from 'react';
import { Trans, useTranslation } from 'react-i18next';
import { CachedList } from './CachedList';
import { DATASETS, datasetShape, DATASET_IDS, isCifar } from '../config/datasets';
import { formatBytes } from '../config/format';
import type { Config, DataConfig, DatasetId } from '../config/types';
import { ARCHIVES_URL_DIR, CIFAR_LAYOUTS, type CifarId } from '../data/cifar';
import { checkAddress } from '../share/url';
import { cancelImport, clearDataCache, importFile, importFolder, importUrl, refreshCache, requestSamples, setOnImported, useDataStore } from '../state/data';
import { fromDrop } from './folder-drop';
import { FolderPanel, folderOptions } from './FolderPanel';
import { useStore } from '../state/store';
import { SelectField, ToggleField } from './fields';
import { SampleGrid } from './SampleGrid';


function useData() {
  const data = useStore((s) => s.config.data);
  const seed = useStore((s) => s.config.train.seed);
  const setConfig = useStore((s) => s.setConfig);
  const patch = (p: Partial<DataConfig>) => setConfig((c: Config) => ({ ...c, data: { ...c.data, ...p } }));
  return { data, seed, patch };
}

function Progress() {
  const { t } = useTranslation('data');
  const imp = useDataStore((s) => s.import);
  if (imp.status === 'idle') return null;
  const pct = imp.total > 0 ? Math.min(100, (100 * imp.loaded) / imp.total) : null;
  const loaded = imp.unit === 'images' ? imp.loaded.toLocaleString('en-US') : formatBytes(imp.loaded, 'MB');
  const total = imp.unit === 'images' ? imp.total.toLocaleString('en-US') : formatBytes(imp.total, 'MB');
  const amount = imp.unit === 'images'
    ? `${imp.total ? t('progress.imagesOf', { loaded, total }) : t('progress.images', { loaded })}${imp.current ? ` (${imp.current})` : ''}`
    : imp.total ? t('progress.of', { loaded, total }) : loaded;
  return (
    <div className="data-progress">
      <progress data-testid="data.progress" data-state={imp.status} data-loaded={imp.loaded} data-total={imp.total} data-parse-ms={imp.parseMs ?? ''} data-cache-ms={imp.cacheMs ?? ''} max={100} value={pct ?? undefined} aria-label={t('progress.reading', { file: imp.file })} />
      <small>
        {imp.status === 'loading' && t('progress.readingAmount', { file: imp.file, amount })}
        {imp.status === 'done' && t('progress.done', { file: imp.file, parse: ((imp.parseMs ?? 0) / 1000).toFixed(1), cache: ((imp.cacheMs ?? 0) / 1000).toFixed(1) })}
      </small>
      {imp.status === 'loading' && (
        <button type="button" data-testid="data.cancel" onClick={cancelImport}>
          {t('progress.cancel')}
        </button>
      )}
      {imp.status === 'error' && (
        <p className="data-error" role="alert" data-testid="data.error">
          {imp.error}
        </p>
      )}
    </div>
  );
}

function CacheList() {
  const { t } = useTranslation('data');
  const cache = useDataStore((s) => s.cache);
  return (
    <div data-testid="data.cache" data-count={cache.length}>
      <CachedList
        items={cache}
        empty={t('cache.empty')}
        render={(e) => (
          <li key={e.id} data-testid={`data.cache.${e.id}`}>
            {t('cache.entry', {
              name: e.folder ? t('cache.folder', { name: e.folder.name, classes: e.folder.classNames.length }) : DATASETS[e.id].name,
              train: e.train.toLocaleString('en-US'),
              test: e.test.toLocaleString('en-US'),
              size: formatBytes(e.bytes, 'MB'),
              source: e.source,
            })}
          </li>
        )}
      />
      <button type="button" data-testid="data.clear" disabled={cache.length === 0} onClick={clearDataCache}>
        {t('cache.clear')}
      </button>
    </div>
  );
}

function MirrorField({ value, onChange }: { value: string; onChange(v: string): void }) {
  const { t } = useTranslation('data');
  const [text, setText] = useState(value);
  useEffect(() => setText(value), [value]);
  const problem = checkAddress('address', text.trim());
  return (
    <div className="field">
      <label htmlFor="data-url">{t('mirror.label')}</label>
      <input id="data-url" type="url" data-testid="data.url" value={text} placeholder={t('mirror.placeholder')} onChange={(e) => setText(e.target.value)} onBlur={() => !problem && onChange(text.trim())} />
      <button type="button" data-testid="data.fetch" disabled={!text.trim() || !!problem} onClick={() => (onChange(text.trim()), importUrl(text.trim()))}>
        {t('mirror.fetch')}
      </button>
      <small className={problem ? 'field-error' : 'field-help'}>{problem ?? t('mirror.help')}</small>
    </div>
  );
}

export function DataPanel() {
  const { t } = useTranslation('data');
  const { data, seed, patch } = useData();
  const cache = useDataStore((s) => s.cache);
  const served = useDataStore((s) => s.served);
  const samples = useDataStore((s) => s.samples);
  const samplesError = useDataStore((s) => s.samplesError);
  const importStatus = useDataStore((s) => s.import.status);
  const [dragging, setDragging] = useState(false);
  const cifar = isCifar(data.dataset);
  const folder = data.dataset === 'folder';
  const entry = cache.find((e) => e.id === data.dataset);
  const cached = entry !== undefined;
  // A served tarball is read into the cache on a click, with the byte progress bar and Cancel.
  const servedOnly = cifar && !cached && served.includes(data.dataset);
  const available = !(cifar || folder) || cached;

  useEffect(() => {
    // An import selects its data set; a folder also sets the run's classes and the size read.
    setOnImported((info) => patch(info.folder ? { dataset: 'folder', images: info.folder.name, classes: info.folder.classNames.length, imageSize: info.folder.imageSize, fit: info.folder.fit } : { dataset: info.id }));
    refreshCache();
  }, []);
  const { randomCrop, horizontalFlip, cutout } = data;
  const savedAt = entry?.savedAt;
  useEffect(() => {
    if (available) requestSamples(data.dataset, { randomCrop, horizontalFlip, cutout }, seed, 32, folder ? 6 : undefined);
  }, [data.dataset, available, randomCrop, horizontalFlip, cutout, seed, savedAt]);

  const onDrop = (e: DragEvent) => {
    e.preventDefault();
    setDragging(false);
    void fromDrop(e.dataTransfer).then((d) => {
      if (d.kind === 'folder') importFolder(d.source, folderOptions(data, seed));
      else if (d.kind === 'file') importFile(d.file);
    });
  };
  const label = (id: DatasetId) => {
    const ds = DATASETS[id];
    if (id === 'folder') {
      const held = cache.find((e) => e.id === 'folder');
      return held ? t('select.folderHeld', { name: held.folder?.name ?? t('select.folderCached') }) : t('select.folder');
    }
    if (!isCifar(id)) return t('select.embedded', { name: ds.name });
    if (cache.some((e) => e.id === id)) return t('select.cached', { name: ds.name });
    return served.includes(id) ? t('select.served', { name: ds.name }) : t('select.drop', { name: ds.name });
  };
  return (
    <section className={`data-panel${dragging ? ' dragging' : ''}`} aria-label={t('panel.label')} data-testid="data.panel" onDragOver={(e) => (e.preventDefault(), setDragging(true))} onDragLeave={() => setDragging(false)} onDrop={onDrop}>
      <fieldset>
        <legend>{t('select.legend')}</legend>
        <SelectField<DatasetId> label={t('select.label')} help={t('select.help', { shape: datasetShape(data).input.join('×'), classes: datasetShape(data).classes, source: datasetShape(data).source })} testId="data.select" value={data.dataset} options={DATASET_IDS.map((id) => ({ value: id, label: label(id) }))} onChange={(v) => patch({ dataset: v })} />
        {folder && <FolderPanel data={data} seed={seed} patch={patch} />}
        {!folder && (
        <div className="field">
          <label htmlFor="data-file">{t('tarball.label')}</label>
          <input id="data-file" type="file" accept=".gz,.tgz,.tar,application/gzip" data-testid="data.file" disabled={importStatus === 'loading'} onChange={(e) => { const f = e.target.files?.[0]; if (f) importFile(f); e.target.value = ''; }} />
          <small className="field-help">
            <Trans t={t} i18nKey="tarball.help" components={{ code: <code /> }} />
          </small>
        </div>
        )}
        {servedOnly && (
          <button type="button" data-testid="data.readServed" disabled={importStatus === 'loading'} onClick={() => importUrl(new URL(`${ARCHIVES_URL_DIR}/${CIFAR_LAYOUTS[data.dataset as CifarId].release}`, document.baseURI).href)}>
            {t('served.read', { file: CIFAR_LAYOUTS[data.dataset as CifarId].release })}
          </button>
        )}
        {!folder && <MirrorField value={data.dataUrl} onChange={(v) => patch({ dataUrl: v })} />}
        <Progress />
        <CacheList />
      </fieldset>
      <fieldset>
        <legend>{t('augment.legend')}</legend>
        <ToggleField label={t('augment.randomCrop.label')} help={t('augment.randomCrop.help')} testId="data.randomCrop" value={data.randomCrop} onChange={(v) => patch({ randomCrop: v })} />
        <ToggleField label={t('augment.horizontalFlip.label')} help={t('augment.horizontalFlip.help')} testId="data.horizontalFlip" value={data.horizontalFlip} onChange={(v) => patch({ horizontalFlip: v })} />
        <ToggleField label={t('augment.cutout.label')} help={t('augment.cutout.help')} testId="data.cutout" value={data.cutout} onChange={(v) => patch({ cutout: v })} />
      </fieldset>
      <fieldset>
        <legend>{t('samples.legend')}</legend>
        {!available && <small className="field-help" data-testid="data.samples.missing">{t(folder ? 'samples.missingFolder' : servedOnly ? 'samples.missingServed' : 'samples.missingTarball', { name: datasetShape(data).name })}</small>}
        {samplesError && available && <p className="data-error" role="alert">{samplesError}</p>}
        {samples && samples.dataset === data.dataset && available && (
          <div data-testid="data.samples.box" data-from={samples.from} data-load-ms={samples.loadMs.toFixed(0)}>
            <SampleGrid testId="data.samples" images={samples.images} labels={samples.labels} classNames={samples.classNames} height={samples.height} width={samples.width} channels={samples.channels} />
            {samples.augmented && (
              <>
                <small className="field-help">{t('samples.augmented')}</small>
                <SampleGrid testId="data.augmented" images={samples.augmented} labels={samples.labels} classNames={samples.classNames} height={samples.height} width={samples.width} channels={samples.channels} />
              </>
            )}
          </div>
        )}
      </fieldset>
    </section>
  );
}
