// The architecture view: totals, the stage table (as He et al. 2015's Table 1
// lays out ResNet-50), every layer on demand, and the training-memory estimate.
import { datasetShape } from '../config/datasets';
import { formatBytes } from '../config/format';
import { presetOf, PUBLISHED_TOP1 } from '../config/presets';
import { useStore } from '../state/store';
import { BlockView, ResidualFormula } from './BlockView';
import { useArchitecture } from './useArchitecture';

const count = (n: number) => n.toLocaleString('en-US');
const macs = (n: number) => (n >= 1e9 ? `${(n / 1e9).toFixed(2)} G` : n >= 1e6 ? `${(n / 1e6).toFixed(1)} M` : `${(n / 1e3).toFixed(1)} K`);

export function ArchitectureView() {
  const config = useStore((s) => s.config);
  const arch = useArchitecture(config);
  const preset = presetOf(config.model);
  const top1 = preset && PUBLISHED_TOP1[preset];
  const shape = datasetShape(config.data);
  return (
    <section className="architecture" aria-labelledby="arch-title" data-testid="arch">
      <h2 id="arch-title">Architecture</h2>
      {arch.problem && (
        <p className="arch-problem" role="alert" data-testid="arch.problem">
          {arch.problem}
        </p>
      )}
      {arch.summary && arch.memory && (
        <>
          <p className="arch-totals" data-testid="arch.totals">
            {arch.summary.depth} weighted layers · <span data-testid="arch.params">{count(arch.summary.params)}</span> parameters · {macs(arch.summary.macs)} multiply-accumulates per {shape.input.join('×')} image · training at batch {config.train.batchSize} needs about{' '}
            <span data-testid="arch.memory">{formatBytes(arch.memory.totalBytes)}</span> ({formatBytes(arch.memory.parameterBytes)} for weights, gradients and optimizer state, {formatBytes(arch.memory.activationBytes)} for activations)
          </p>
          {arch.block && (
            <>
              <ResidualFormula />
              <BlockView block={arch.block} />
            </>
          )}
          {top1 !== undefined && preset && (
            <p className="arch-top1" data-testid="arch.top1">
              Published ImageNet top-1 of torchvision's {preset} (skip connections and batch norm as designed, trained in full on ImageNet-1k, 224×224 centre crop): <strong>{top1}%</strong>.
            </p>
          )}
          <table className="stage-table" data-testid="arch.stages">
            <caption>Stages, for {shape.name} input</caption>
            <thead>
              <tr>
                <th scope="col">stage</th>
                <th scope="col">blocks</th>
                <th scope="col">block type</th>
                <th scope="col">output H×W×C</th>
                <th scope="col">parameters</th>
                <th scope="col">MACs</th>
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
            <summary>Every layer ({arch.summary.layers.length})</summary>
            <table data-testid="arch.layers">
              <caption>Every layer with weights or a change of shape</caption>
              <thead>
                <tr>
                  <th scope="col">layer</th>
                  <th scope="col">op</th>
                  <th scope="col">output</th>
                  <th scope="col">parameters</th>
                  <th scope="col">MACs</th>
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
