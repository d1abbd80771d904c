// Two runs' configs side by side: only the fields that differ.
import { useTranslation } from 'react-i18next';
import { diffConfigs } from '../../share/diff';
import type { RunRecord } from '../../share/runfile';

export function ConfigDiff({ a, b }: { a: RunRecord; b: RunRecord }) {
  const { t } = useTranslation('runs');
  const rows = diffConfigs(a.config, b.config);
  return (
    <figure className="config-diff" data-testid="runs.diff">
      <figcaption>{t('diff.title')}</figcaption>
      {rows.length === 0 ? (
        <p>{t('diff.same')}</p>
      ) : (
        <table>
          <thead>
            <tr>
              <th scope="col">{t('diff.field')}</th>
              <th scope="col">{a.name}</th>
              <th scope="col">{b.name}</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((r) => (
              <tr key={r.path}>
                <th scope="row">{r.path}</th>
                <td>{r.a}</td>
                <td>{r.b}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </figure>
  );
}
