// Your own images, in the data panel: pick a folder (one subfolder per
// class, or train/ and test/ above them) or a zip of one, or drop either on
// the panel; the size and fit they are read at and the test share; then
// what the import found: the classes with their counts in each split, the
// warnings (unbalanced classes, a class under 2 images) and every file
// skipped, by name. Or record the classes with the camera (CameraRecorder).
// The data worker reads and decodes everything
// (src/data/folder-browser.ts); no decoding and no TF.js here.
import { FOLDER_SIZES } from '../data/imagefolder';
import type { DataConfig } from '../config/types';
import type { FolderInfo } from '../protocol/data';
import { importFolder, useDataStore } from '../state/data';
import { fromPickedFolder } from './folder-drop';
import { CameraRecorder } from './CameraRecorder';
import { NumberField, SelectField } from './fields';

/** The read options from the config, with the seed that splits the classes. */
export function folderOptions(data: DataConfig, seed: number) {
  return { imageSize: data.imageSize, fit: data.fit, testShare: data.testShare, seed };
}

function Summary({ info, data }: { info: FolderInfo; data: DataConfig }) {
  const { counts } = info;
  const stale = info.imageSize !== data.imageSize || info.fit !== data.fit;
  return (
    <div data-testid="data.folder.summary" data-classes={info.classNames.length} data-train={counts.train.reduce((a, b) => a + b, 0)} data-test={counts.test.reduce((a, b) => a + b, 0)}>
      <p className="field-help">
        {info.name}: {info.classNames.length} classes at {info.imageSize}×{info.imageSize} ({info.fit === 'crop' ? 'centre-cropped' : 'padded'}),{' '}
        {info.layout === 'split' ? "split by the folder's train/ and test/" : 'a seeded split of each class'}.
        {info.notImages > 0 && ` ${info.notImages} files that are not images were skipped.`}
      </p>
      {stale && (
        <p className="field-help" data-testid="data.folder.stale">
          The images held are {info.imageSize}×{info.imageSize}, {info.fit === 'crop' ? 'cropped' : 'padded'}: pick or drop the folder again to read it at {data.imageSize}×{data.imageSize}, {data.fit === 'crop' ? 'cropped' : 'padded'}.
        </p>
      )}
      {info.warnings.length > 0 && (
        <ul className="folder-warnings" role="status" data-testid="data.folder.warnings">
          {info.warnings.map((w) => (
            <li key={w}>{w}</li>
          ))}
        </ul>
      )}
      <table className="folder-classes" data-testid="data.folder.classes">
        <caption>Images per class</caption>
        <thead>
          <tr>
            <th scope="col">class</th>
            <th scope="col">train</th>
            <th scope="col">test</th>
          </tr>
        </thead>
        <tbody>
          {info.classNames.map((name, c) => (
            <tr key={name}>
              <th scope="row">{name}</th>
              <td>{counts.train[c]}</td>
              <td>{counts.test[c]}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {info.problemCount > 0 && (
        <details data-testid="data.folder.problems" data-count={info.problemCount}>
          <summary>
            {info.problemCount} {info.problemCount === 1 ? 'file' : 'files'} skipped or doubtful
          </summary>
          <ul>
            {info.problems.map((p) => (
              <li key={`${p.file}:${p.problem}`}>
                <code>{p.file}</code>: {p.problem}
              </li>
            ))}
            {info.problemCount > info.problems.length && <li>… and {info.problemCount - info.problems.length} more</li>}
          </ul>
        </details>
      )}
    </div>
  );
}

export function FolderPanel({ data, seed, patch }: { data: DataConfig; seed: number; patch(p: Partial<DataConfig>): void }) {
  const busy = useDataStore((s) => s.import.status === 'loading');
  const info = useDataStore((s) => s.cache.find((e) => e.id === 'folder')?.folder);
  return (
    <div className="folder-panel" data-testid="data.folder">
      <div className="field">
        <label htmlFor="data-folder">Your images: a folder with one subfolder per class, or drop it (or a zip of it) on this panel</label>
        <input
          id="data-folder"
          type="file"
          multiple
          data-testid="data.folder.pick"
          disabled={busy}
          // Not in React's types: lets the picker choose a folder.
          {...{ webkitdirectory: '', directory: '' }}
          onChange={(e) => {
            const source = e.target.files ? fromPickedFolder(e.target.files) : null;
            if (source) importFolder(source, folderOptions(data, seed));
            e.target.value = '';
          }}
        />
        <label htmlFor="data-folder-zip">Or a zip of one</label>
        <input
          id="data-folder-zip"
          type="file"
          accept=".zip,application/zip"
          data-testid="data.folder.zip"
          disabled={busy}
          onChange={(e) => {
            const file = e.target.files?.[0];
            if (file) importFolder({ kind: 'zip', name: file.name, file }, folderOptions(data, seed));
            e.target.value = '';
          }}
        />
        <small className="field-help">
          As torchvision's ImageFolder: <code>cat/1.jpg</code>, <code>dog/2.png</code>, … (JPEG, PNG, WebP, GIF), or <code>train/cat/…</code> and <code>test/cat/…</code>. Read and decoded in this browser, kept in its cache; nothing is uploaded.
        </small>
      </div>
      <SelectField<string>
        label="Image size"
        help="The side images are fitted to; applies to the next folder read."
        testId="data.folder.size"
        value={String(data.imageSize)}
        options={FOLDER_SIZES.map((s) => ({ value: String(s), label: `${s}×${s}` }))}
        onChange={(v) => patch({ imageSize: Number(v) })}
      />
      <SelectField<DataConfig['fit']>
        label="Fit"
        help="Crop keeps the centre square (the short side fills it); pad keeps the whole image on black."
        testId="data.folder.fit"
        value={data.fit}
        options={[
          { value: 'crop', label: 'centre crop' },
          { value: 'pad', label: 'pad' },
        ]}
        onChange={(v) => patch({ fit: v })}
      />
      <NumberField label="Test share" help="Without train/ and test/ folders: each class's share held out for testing (seeded by the run's seed)." testId="data.folder.testShare" field="data.testShare" value={data.testShare} step={0.05} onChange={(v) => patch({ testShare: v })} />
      <CameraRecorder data={data} seed={seed} />
      {info && <Summary info={info} data={data} />}
    </div>
  );
}
