// Your own images, in the data panel: pick a folder (one subfolder per
// class, or train/ and test/ above them) or a zip of one, or drop either on
// the panel; the size and fit they are read at and the test share; then
// what the import found: the classes with their counts in each split, the
// warnings (unbalanced classes, a class under 2 images) and every file
// skipped, by name. Or record the classes with the camera (CameraRecorder).
// The data worker reads and decodes everything
// (src/data/folder-browser.ts); no decoding and no TF.js here. Strings:
// locales/LANG/data.json (the worker's warnings and problems stay as sent).
import { Trans, useTranslation } from 'react-i18next';
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
  const { t } = useTranslation('data');
  const { counts } = info;
  const fitWord = (fit: DataConfig['fit']) => (fit === 'crop' ? t('folder.cropped') : t('folder.padded'));
  const stale = info.imageSize !== data.imageSize || info.fit !== data.fit;
  return (
    <div data-testid="data.folder.summary" data-classes={info.classNames.length} data-train={counts.train.reduce((a, b) => a + b, 0)} data-test={counts.test.reduce((a, b) => a + b, 0)}>
      <p className="field-help">
        {t('folder.summary', {
          name: info.name,
          classes: info.classNames.length,
          size: info.imageSize,
          fit: info.fit === 'crop' ? t('folder.centreCropped') : t('folder.padded'),
          layout: info.layout === 'split' ? t('folder.layoutSplit') : t('folder.layoutSeeded'),
        })}
        {info.notImages > 0 && ` ${t('folder.notImages', { n: info.notImages })}`}
      </p>
      {stale && (
        <p className="field-help" data-testid="data.folder.stale">
          {t('folder.stale', { heldSize: info.imageSize, heldFit: fitWord(info.fit), size: data.imageSize, fit: fitWord(data.fit) })}
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
        <caption>{t('folder.classes.caption')}</caption>
        <thead>
          <tr>
            <th scope="col">{t('folder.classes.class')}</th>
            <th scope="col">{t('folder.classes.train')}</th>
            <th scope="col">{t('folder.classes.test')}</th>
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
          <summary>{t('folder.problems', { count: info.problemCount })}</summary>
          <ul>
            {info.problems.map((p) => (
              <li key={`${p.file}:${p.problem}`}>
                <code>{p.file}</code>: {p.problem}
              </li>
            ))}
            {info.problemCount > info.problems.length && <li>{t('folder.more', { n: info.problemCount - info.problems.length })}</li>}
          </ul>
        </details>
      )}
    </div>
  );
}

export function FolderPanel({ data, seed, patch }: { data: DataConfig; seed: number; patch(p: Partial<DataConfig>): void }) {
  const { t } = useTranslation('data');
  const busy = useDataStore((s) => s.import.status === 'loading');
  const info = useDataStore((s) => s.cache.find((e) => e.id === 'folder')?.folder);
  return (
    <div className="folder-panel" data-testid="data.folder">
      <div className="field">
        <label htmlFor="data-folder">{t('folder.pick')}</label>
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
        <label htmlFor="data-folder-zip">{t('folder.zip')}</label>
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
          <Trans t={t} i18nKey="folder.help" components={{ code: <code /> }} />
        </small>
      </div>
      <SelectField<string>
        label={t('folder.size.label')}
        help={t('folder.size.help')}
        testId="data.folder.size"
        value={String(data.imageSize)}
        options={FOLDER_SIZES.map((s) => ({ value: String(s), label: `${s}×${s}` }))}
        onChange={(v) => patch({ imageSize: Number(v) })}
      />
      <SelectField<DataConfig['fit']>
        label={t('folder.fit.label')}
        help={t('folder.fit.help')}
        testId="data.folder.fit"
        value={data.fit}
        options={[
          { value: 'crop', label: t('folder.fit.crop') },
          { value: 'pad', label: t('folder.fit.pad') },
        ]}
        onChange={(v) => patch({ fit: v })}
      />
      <NumberField label={t('folder.testShare.label')} help={t('folder.testShare.help')} testId="data.folder.testShare" field="data.testShare" value={data.testShare} step={0.05} onChange={(v) => patch({ testShare: v })} />
      <CameraRecorder data={data} seed={seed} />
      {info && <Summary info={info} data={data} />}
    </div>
  );
}
