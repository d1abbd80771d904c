// Getting weights in: a drop zone and a file input (.pth, .pt, .safetensors,
// or model.json with its .bin), an address with Fetch, the catalogue's
// well-known checkpoints (each fetched only on a click), the byte progress
// with Cancel, the reader's refusal naming the file and the problem, and the
// cache with sizes and Delete. The data worker reads and checks everything.
// Strings: locales/LANG/weights.json (the reader's problems stay as sent).
import { useState, type DragEvent } from 'react';
import { Trans, useTranslation } from 'react-i18next';
import { CachedList } from '../CachedList';
import { formatBytes } from '../../config/format';
import { checkAddress } from '../../share/fields';
import { cancelWeightsImport, chooseWeights, deleteWeightsEntry, importWeightsFiles, importWeightsUrl, useWeights } from '../../state/weights';
import { useStore } from '../../state/store';
import { CATALOGUE, type CatalogueEntry } from '../../weights/catalogue';
import { sizeOf } from './SourcePicker';

const ACCEPT = '.pth,.pt,.safetensors,.json,.bin';

function Progress() {
  const { t } = useTranslation('weights');
  const imp = useWeights((s) => s.import);
  if (imp.status === 'idle') return null;
  const pct = imp.total > 0 ? Math.min(100, (100 * imp.loaded) / imp.total) : null;
  return (
    <div className="data-progress">
      {imp.status !== 'error' && <progress data-testid="weights.progress" data-state={imp.status} data-loaded={imp.loaded} data-total={imp.total} max={100} value={pct ?? undefined} aria-label={t('progress.reading', { file: imp.file })} />}
      <small>
        {imp.status === 'loading' && t('progress.readingAmount', { file: imp.file, amount: imp.total ? t('progress.of', { loaded: formatBytes(imp.loaded, 'MB'), total: formatBytes(imp.total, 'MB') }) : formatBytes(imp.loaded, 'MB') })}
        {imp.status === 'done' && t('progress.done', { file: imp.file, s: ((imp.readMs ?? 0) / 1000).toFixed(1) })}
      </small>
      {imp.status === 'loading' && (
        <button type="button" data-testid="weights.cancel" onClick={cancelWeightsImport}>
          {t('progress.cancel')}
        </button>
      )}
      {imp.status === 'done' && imp.problems.length > 0 && (
        <ul className="weights-problems" data-testid="weights.problems">
          {imp.problems.map((p, i) => <li key={i}>{p}</li>)}
        </ul>
      )}
      {imp.status === 'error' && (
        <div className="data-error" role="alert" data-testid="weights.error">
          <p>{imp.error}</p>
          {imp.url && (
            <p data-testid="weights.byHand">
              <Trans t={t} i18nKey="progress.byHand" values={{ url: imp.url }} components={{ code: <code /> }} />
            </p>
          )}
        </div>
      )}
    </div>
  );
}

function UrlField({ busy }: { busy: boolean }) {
  const { t } = useTranslation('weights');
  const [text, setText] = useState('');
  const url = text.trim();
  const problem = checkAddress('address', url);
  return (
    <div className="field">
      <label htmlFor="weights-url">{t('url.label')}</label>
      <input id="weights-url" type="url" data-testid="weights.url" value={text} placeholder={t('url.placeholder')} onChange={(e) => setText(e.target.value)} />
      <button type="button" data-testid="weights.fetch" disabled={busy || !url || !!problem} onClick={() => importWeightsUrl(url)}>
        {t('url.fetch')}
      </button>
      <small className={problem ? 'field-error' : 'field-help'}>{problem ?? t('url.help')}</small>
    </div>
  );
}

function CatalogueItem({ e, busy }: { e: CatalogueEntry; busy: boolean }) {
  const { t } = useTranslation('weights');
  const cached = useWeights((s) => s.entries.some((w) => w.id === e.id));
  const chosen = useStore((s) => s.config.train.initWeights === e.id);
  const entry = useWeights((s) => s.entries.find((w) => w.id === e.id));
  return (
    <li data-testid={`weights.catalogue.${e.id}`}>
      <Trans t={t} i18nKey="catalogue.item" values={{ title: e.title, top1: e.top1, measured: e.measured, size: formatBytes(e.bytes, 'MB'), preset: e.preset }} components={{ strong: <strong /> }} />
      <div className="weights-address"><code>{e.url}</code></div>
      {cached ? (
        <button type="button" disabled={chosen} onClick={() => chooseWeights(e.id, entry)}>{chosen ? t('catalogue.chosen') : t('catalogue.startFrom')}</button>
      ) : (
        <button type="button" data-testid="weights.catalogue.fetch" disabled={busy} onClick={() => importWeightsUrl(e.url, e.id)}>
          {t('fetchSize', { size: formatBytes(e.bytes, 'MB') })}
        </button>
      )}
    </li>
  );
}

function CacheList() {
  const { t } = useTranslation('weights');
  const entries = useWeights((s) => s.entries);
  return (
    <div data-testid="weights.cache" data-count={entries.length}>
      <CachedList
        items={entries}
        empty={t('cache.empty')}
        render={(e) => (
          <li key={e.id} data-testid="weights.entry" data-id={e.id} data-bytes={e.bytes}>
            {t(e.imagenet ? 'cache.entryImagenet' : 'cache.entry', { name: e.name, size: sizeOf(e.bytes), tensors: e.tensors.toLocaleString('en-US'), format: e.format, from: e.from })}{' '}
            <button type="button" data-testid="weights.delete" onClick={() => deleteWeightsEntry(e.id)} aria-label={t('cache.deleteLabel', { name: e.name })}>
              {t('cache.delete')}
            </button>
          </li>
        )}
      />
    </div>
  );
}

export function WeightsImport() {
  const { t } = useTranslation('weights');
  const busy = useWeights((s) => s.import.status === 'loading');
  const [dragging, setDragging] = useState(false);
  const onDrop = (e: DragEvent) => {
    e.preventDefault();
    setDragging(false);
    if (e.dataTransfer.files.length > 0) importWeightsFiles([...e.dataTransfer.files]);
  };
  return (
    <>
      <div className={`weights-drop${dragging ? ' dragging' : ''}`} data-testid="weights.drop" onDragOver={(e) => (e.preventDefault(), setDragging(true))} onDragLeave={() => setDragging(false)} onDrop={onDrop}>
        <label htmlFor="weights-file">{t('file.label')}</label>
        <input id="weights-file" type="file" multiple accept={ACCEPT} data-testid="weights.file" disabled={busy} onChange={(e) => { const f = e.target.files; if (f && f.length > 0) importWeightsFiles([...f]); e.target.value = ''; }} />
        <small className="field-help">{t('file.help')}</small>
      </div>
      <UrlField busy={busy} />
      <Progress />
      <details className="weights-catalogue" data-testid="weights.catalogue">
        <summary>{t('catalogue.summary', { n: CATALOGUE.length })}</summary>
        <ul>
          {CATALOGUE.map((e) => <CatalogueItem key={e.id} e={e} busy={busy} />)}
        </ul>
      </details>
      <CacheList />
    </>
  );
}
