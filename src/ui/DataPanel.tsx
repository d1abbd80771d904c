// The data panel: which data set, how to get CIFAR in (drop or pick the
// tarball, or fetch it from a mirror on a click) or one's own images (a
// folder or a zip: FolderPanel), the progress with a cancel button, the
// cache with its sizes and a clear button, the augmentation switches, and
// sample grids (plain and augmented; a folder's by class).
// All parsing happens in the data worker (src/state/data.ts); no tfjs here.
import { useEffect, useState, type DragEvent } from 'react';
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
  const imp = useDataStore((s) => s.import);
  if (imp.status === 'idle') return null;
  const pct = imp.total > 0 ? Math.min(100, (100 * imp.loaded) / imp.total) : null;
  const amount = imp.unit === 'images'
    ? `${imp.loaded.toLocaleString('en-US')}${imp.total ? ` of ${imp.total.toLocaleString('en-US')}` : ''} images${imp.current ? ` (${imp.current})` : ''}`
    : `${formatBytes(imp.loaded, 'MB')}${imp.total ? ` of ${formatBytes(imp.total, 'MB')}` : ''}`;
  return (
    <div className="data-progress">
      <progress data-testid="data.progress" data-state={imp.status} data-loaded={imp.loaded} data-total={imp.total} data-parse-ms={imp.parseMs ?? ''} data-cache-ms={imp.cacheMs ?? ''} max={100} value={pct ?? undefined} aria-label={`Reading ${imp.file}`} />
      <small>
        {imp.status === 'loading' && `Reading ${imp.file}: ${amount}`}
        {imp.status === 'done' && `Read, checked and cached ${imp.file} (parsed in ${((imp.parseMs ?? 0) / 1000).toFixed(1)} s, cached in ${((imp.cacheMs ?? 0) / 1000).toFixed(1)} s).`}
      </small>
      {imp.status === 'loading' && (
        <button type="button" data-testid="data.cancel" onClick={cancelImport}>
          Cancel
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
  const cache = useDataStore((s) => s.cache);
  return (
    <div data-testid="data.cache" data-count={cache.length}>
      <CachedList
        items={cache}
        empty="The browser cache holds no data set."
        render={(e) => (
          <li key={e.id} data-testid={`data.cache.${e.id}`}>
            {e.folder ? `${e.folder.name} (your images, ${e.folder.classNames.length} classes)` : DATASETS[e.id].name}: {e.train.toLocaleString('en-US')} + {e.test.toLocaleString('en-US')} images, {formatBytes(e.bytes, 'MB')} (from {e.source})
          </li>
        )}
      />
      <button type="button" data-testid="data.clear" disabled={cache.length === 0} onClick={clearDataCache}>
        Clear cache
      </button>
    </div>
  );
}

function MirrorField({ value, onChange }: { value: string; onChange(v: string): void }) {
  const [text, setText] = useState(value);
  useEffect(() => setText(value), [value]);
  const problem = checkAddress('address', text.trim());
  return (
    <div className="field">
      <label htmlFor="data-url">Or fetch from a mirror (CORS-enabled URL of the tarball)</label>
      <input id="data-url" type="url" data-testid="data.url" value={text} placeholder="https://…/cifar-10-binary.tar.gz" onChange={(e) => setText(e.target.value)} onBlur={() => !problem && onChange(text.trim())} />
      <button type="button" data-testid="data.fetch" disabled={!text.trim() || !!problem} onClick={() => (onChange(text.trim()), importUrl(text.trim()))}>
        Fetch
      </button>
      <small className={problem ? 'field-error' : 'field-help'}>{problem ?? 'Downloaded only when you press Fetch; at most 256 MiB.'}</small>
    </div>
  );
}

export function DataPanel() {
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
      return held ? `Your images (${held.folder?.name ?? 'cached'})` : 'Your images (a folder or zip)';
    }
    if (!isCifar(id)) return `${ds.name} (embedded)`;
    const state = cache.some((e) => e.id === id) ? 'cached' : served.includes(id) ? 'served' : 'drop the tarball below';
    return `${ds.name} (${state})`;
  };
  return (
    <section className={`data-panel${dragging ? ' dragging' : ''}`} aria-label="Data" data-testid="data.panel" onDragOver={(e) => (e.preventDefault(), setDragging(true))} onDragLeave={() => setDragging(false)} onDrop={onDrop}>
      <fieldset>
        <legend>Data set</legend>
        <SelectField<DatasetId> label="Data set" help={`${datasetShape(data).input.join('×')} images, ${datasetShape(data).classes} classes: ${datasetShape(data).source}.`} testId="data.select" value={data.dataset} options={DATASET_IDS.map((id) => ({ value: id, label: label(id) }))} onChange={(v) => patch({ dataset: v })} />
        {folder && <FolderPanel data={data} seed={seed} patch={patch} />}
        {!folder && (
        <div className="field">
          <label htmlFor="data-file">CIFAR tarball: drop it on this panel, or pick it</label>
          <input id="data-file" type="file" accept=".gz,.tgz,.tar,application/gzip" data-testid="data.file" disabled={importStatus === 'loading'} onChange={(e) => { const f = e.target.files?.[0]; if (f) importFile(f); e.target.value = ''; }} />
          <small className="field-help">
            The official binary releases, cifar-10-binary.tar.gz or cifar-100-binary.tar.gz (cs.toronto.edu/~kriz/cifar.html), or <code>npm run data -- cifar10</code>. Read here, then kept in this browser.
          </small>
        </div>
        )}
        {servedOnly && (
          <button type="button" data-testid="data.readServed" disabled={importStatus === 'loading'} onClick={() => importUrl(new URL(`${ARCHIVES_URL_DIR}/${CIFAR_LAYOUTS[data.dataset as CifarId].release}`, document.baseURI).href)}>
            Read the served {CIFAR_LAYOUTS[data.dataset as CifarId].release}
          </button>
        )}
        {!folder && <MirrorField value={data.dataUrl} onChange={(v) => patch({ dataUrl: v })} />}
        <Progress />
        <CacheList />
      </fieldset>
      <fieldset>
        <legend>Augmentation (training only)</legend>
        <ToggleField label="Random crop" help="Pad 4 pixels with black, crop back at a random offset (He et al. 2015 §4.2)." testId="data.randomCrop" value={data.randomCrop} onChange={(v) => patch({ randomCrop: v })} />
        <ToggleField label="Horizontal flip" help="Mirror half of the images left-right (He et al. 2015 §4.2). Not for digits." testId="data.horizontalFlip" value={data.horizontalFlip} onChange={(v) => patch({ horizontalFlip: v })} />
        <ToggleField label="Cutout" help="Blank a random square of half the side (DeVries & Taylor 2017)." testId="data.cutout" value={data.cutout} onChange={(v) => patch({ cutout: v })} />
      </fieldset>
      <fieldset>
        <legend>Samples</legend>
        {!available && <small className="field-help" data-testid="data.samples.missing">{datasetShape(data).name} is not loaded yet: {folder ? 'pick or drop a folder of images above' : servedOnly ? 'read the served tarball above' : 'drop its tarball above'}.</small>}
        {samplesError && available && <p className="data-error" role="alert">{samplesError}</p>}
        {samples && samples.dataset === data.dataset && available && (
          <div data-testid="data.samples.box" data-from={samples.from} data-load-ms={samples.loadMs.toFixed(0)}>
            <SampleGrid testId="data.samples" images={samples.images} labels={samples.labels} classNames={samples.classNames} height={samples.height} width={samples.width} channels={samples.channels} />
            {samples.augmented && (
              <>
                <small className="field-help">The same images, augmented as for one training step:</small>
                <SampleGrid testId="data.augmented" images={samples.augmented} labels={samples.labels} classNames={samples.classNames} height={samples.height} width={samples.width} channels={samples.channels} />
              </>
            )}
          </div>
        )}
      </fieldset>
    </section>
  );
}
