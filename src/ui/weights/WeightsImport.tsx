// Getting weights in: a drop zone and a file input (.pth, .pt, .safetensors,
// or model.json with its .bin), an address with Fetch, the catalogue's
// well-known checkpoints (each fetched only on a click), the byte progress
// with Cancel, the reader's refusal naming the file and the problem, and the
// cache with sizes and Delete. The data worker reads and checks everything.
import { useState, type DragEvent } from 'react';
import { CachedList } from '../CachedList';
import { formatBytes } from '../../config/format';
import { checkAddress } from '../../share/fields';
import { cancelWeightsImport, chooseWeights, deleteWeightsEntry, importWeightsFiles, importWeightsUrl, useWeights } from '../../state/weights';
import { useStore } from '../../state/store';
import { CATALOGUE, type CatalogueEntry } from '../../weights/catalogue';
import { sizeOf } from './SourcePicker';

const ACCEPT = '.pth,.pt,.safetensors,.json,.bin';

function Progress() {
  const imp = useWeights((s) => s.import);
  if (imp.status === 'idle') return null;
  const pct = imp.total > 0 ? Math.min(100, (100 * imp.loaded) / imp.total) : null;
  return (
    <div className="data-progress">
      {imp.status !== 'error' && <progress data-testid="weights.progress" data-state={imp.status} data-loaded={imp.loaded} data-total={imp.total} max={100} value={pct ?? undefined} aria-label={`Reading ${imp.file}`} />}
      <small>
        {imp.status === 'loading' && `Reading ${imp.file}: ${formatBytes(imp.loaded, 'MB')}${imp.total ? ` of ${formatBytes(imp.total, 'MB')}` : ''}`}
        {imp.status === 'done' && `Read, checked and cached ${imp.file} in ${((imp.readMs ?? 0) / 1000).toFixed(1)} s; the next run starts from it.`}
      </small>
      {imp.status === 'loading' && (
        <button type="button" data-testid="weights.cancel" onClick={cancelWeightsImport}>
          Cancel
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
              You can download <code>{imp.url}</code> by hand (in a browser tab, or with curl) and drop the file here; it is then listed by its file name.
            </p>
          )}
        </div>
      )}
    </div>
  );
}

function UrlField({ busy }: { busy: boolean }) {
  const [text, setText] = useState('');
  const url = text.trim();
  const problem = checkAddress('address', url);
  return (
    <div className="field">
      <label htmlFor="weights-url">Or fetch from an address (CORS-enabled)</label>
      <input id="weights-url" type="url" data-testid="weights.url" value={text} placeholder="https://…/model.safetensors" onChange={(e) => setText(e.target.value)} />
      <button type="button" data-testid="weights.fetch" disabled={busy || !url || !!problem} onClick={() => importWeightsUrl(url)}>
        Fetch
      </button>
      <small className={problem ? 'field-error' : 'field-help'}>{problem ?? 'Downloaded only when you press Fetch; capped in size.'}</small>
    </div>
  );
}

function CatalogueItem({ e, busy }: { e: CatalogueEntry; busy: boolean }) {
  const cached = useWeights((s) => s.entries.some((w) => w.id === e.id));
  const chosen = useStore((s) => s.config.train.initWeights === e.id);
  const entry = useWeights((s) => s.entries.find((w) => w.id === e.id));
  return (
    <li data-testid={`weights.catalogue.${e.id}`}>
      <strong>{e.title}</strong>: ImageNet top-1 {e.top1}% ({e.measured}), {formatBytes(e.bytes, 'MB')}, for {e.preset}
      <div className="weights-address"><code>{e.url}</code></div>
      {cached ? (
        <button type="button" disabled={chosen} onClick={() => chooseWeights(e.id, entry)}>{chosen ? 'Chosen' : 'Start from it'}</button>
      ) : (
        <button type="button" data-testid="weights.catalogue.fetch" disabled={busy} onClick={() => importWeightsUrl(e.url, e.id)}>
          Fetch ({formatBytes(e.bytes, 'MB')})
        </button>
      )}
    </li>
  );
}

function CacheList() {
  const entries = useWeights((s) => s.entries);
  return (
    <div data-testid="weights.cache" data-count={entries.length}>
      <CachedList
        items={entries}
        empty="No weights are cached in this browser."
        render={(e) => (
          <li key={e.id} data-testid="weights.entry" data-id={e.id} data-bytes={e.bytes}>
            {e.name}: {sizeOf(e.bytes)}, {e.tensors.toLocaleString('en-US')} tensors ({e.format}{e.imagenet ? ', ImageNet' : ''}, from {e.from}){' '}
            <button type="button" data-testid="weights.delete" onClick={() => deleteWeightsEntry(e.id)} aria-label={`delete ${e.name}`}>
              Delete
            </button>
          </li>
        )}
      />
    </div>
  );
}

export function WeightsImport() {
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
        <label htmlFor="weights-file">Weights file: drop it here, or pick it</label>
        <input id="weights-file" type="file" multiple accept={ACCEPT} data-testid="weights.file" disabled={busy} onChange={(e) => { const f = e.target.files; if (f && f.length > 0) importWeightsFiles([...f]); e.target.value = ''; }} />
        <small className="field-help">A PyTorch state dict (.pth, .pt), a .safetensors file, or this page&apos;s model download (model.json and its .bin, both at once). Read and checked here, then kept in this browser.</small>
      </div>
      <UrlField busy={busy} />
      <Progress />
      <details className="weights-catalogue" data-testid="weights.catalogue">
        <summary>Well-known ImageNet weights ({CATALOGUE.length})</summary>
        <ul>
          {CATALOGUE.map((e) => <CatalogueItem key={e.id} e={e} busy={busy} />)}
        </ul>
      </details>
      <CacheList />
    </>
  );
}
