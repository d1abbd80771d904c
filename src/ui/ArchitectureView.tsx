// The architecture view: totals, the stage table (as He et al. 2015's Table 1
// lays out ResNet-50), every layer on demand, and the training-memory estimate.
import { Trans, useTranslation } from 'react-i18next';
import { datasetShape } from '../config/datasets';
import { formatBytes } from '../config/format';
import { presetOf, PUBLISHED_TOP1 } from '../config/presets';
import { useStore } from '../state/store';
import { BlockView, ResidualFormula } from './BlockView';
import { useArchitecture } from './useArchitecture';

const count = (n: number) => n.toLocaleString('en-US');
const macs = (n: number) => (n >= 1e9 ? `${(n / 1e9).toFixed(2)} G` : n >= 1e6 ? `${(n / 1e6).toFixed(1)} M` : `${(n / 1e3).toFixed(1)} K`);

export function ArchitectureView() {
  const { t } = useTranslation('arch');
  const config = useStore((s) => s.config);
  const arch = useArchitecture(config);
  const preset = presetOf(config.model);
  const top1 = preset && PUBLISHED_TOP1[preset];
  const shape = datasetShape(config.data);
  return (
    <section className="architecture" aria-labelledby="arch-title" data-testid="arch">
      <h2 id="arch-title">{t('title')}</h2>
      {arch.problem && (
        <p className="arch-problem" role="alert" data-testid="arch.problem">
          {arch.problem}
        </p>
      )}
      {arch.summary && arch.memory && (
        <>
          <p className="arch-totals" data-testid="arch.totals">
            <Trans
              t={t}
              i18nKey="totals"
              values={{
                depth: arch.summary.depth,
                params: count(arch.summary.params),
                macs: macs(arch.summary.macs),
                input: shape.input.join('×'),
                batch: config.train.batchSize,
                memory: formatBytes(arch.memory.totalBytes),
                parameterBytes: formatBytes(arch.memory.parameterBytes),
                activationBytes: formatBytes(arch.memory.activationBytes),
              }}
              components={{ params: <span data-testid="arch.params" />, memory: <span data-testid="arch.memory" /> }}
            />
          </p>
          {arch.block && (
            <>
              <ResidualFormula />
              <BlockView block={arch.block} />
            </>
          )}
          {top1 !== undefined && preset && (
            <p className="arch-top1" data-testid="arch.top1">
              <Trans t={t} i18nKey="top1" values={{ preset, top1 }} components={{ strong: <strong /> }} />
            </p>
          )}
          <table className="stage-table" data-testid="arch.stages">
            <caption>{t('stages.caption', { name: shape.name })}</caption>
            <thead>
              <tr>
                <th scope="col">{t('stages.stage')}</th>
                <th scope="col">{t('stages.blocks')}</th>
                <th scope="col">{t('stages.blockType')}</th>
                <th scope="col">{t('stages.output')}</th>
                <th scope="col">{t('stages.parameters')}</th>
                <th scope="col">{t('stages.macs')}</th>
              </tr>
            </thead>
            <tbody>
              {arch.stages.map((s) => (
                <tr key={s.stage}>
                  <th scope="row">{s.stage}</th>
                  <td>{s.blocks || '–'}</td>
                  <td>{s.blockType}</td>
                  <td>{s.outShape.join('×')}</td>
                  <td>{count(s.params)}</td>
                  <td>{macs(s.macs)}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <details className="data-table">
            <summary>{t('layers.summary', { n: arch.summary.layers.length })}</summary>
            <table data-testid="arch.layers">
              <caption>{t('layers.caption')}</caption>
              <thead>
                <tr>
                  <th scope="col">{t('layers.layer')}</th>
                  <th scope="col">{t('layers.op')}</th>
                  <th scope="col">{t('layers.output')}</th>
                  <th scope="col">{t('layers.parameters')}</th>
                  <th scope="col">{t('layers.macs')}</th>
                </tr>
              </thead>
              <tbody>
                {arch.summary.layers.map((l, i) => (
                  <tr key={`${l.name}-${i}`}>
                    <td>{l.name}</td>
                    <td>{l.op}</td>
                    <td>{l.outShape.join('×')}</td>
                    <td>{count(l.params)}</td>
                    <td>{macs(l.macs)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </details>
        </>
      )}
    </section>
  );
}
