// Explained where it is used: the residual formula and why the gradient gets
// the identity term, in MathML (the browser renders it; no library), and the
// chosen net's block where the shape changes, drawn from the same layer tree
// as the stage table (arch/diagram.ts).
import { Trans, useTranslation } from 'react-i18next';
import type { BlockDiagram } from '../arch/diagram';

/** dF/dx, inline and in the block formula. */
const dFdx = (
  <mfrac><mrow><mo>∂</mo><mi>F</mi></mrow><mrow><mo>∂</mo><mi>x</mi></mrow></mfrac>
);

export function ResidualFormula() {
  const { t } = useTranslation('arch');
  // The formulas are <hx/>, <f/>, <one/> and <dfdx/> inside the translated
  // sentences, so each language places them in its own word order.
  return (
    <div className="formula" data-testid="arch.formula">
      <p>
        <Trans
          t={t}
          i18nKey="formula.intro"
          components={{
            hx: (
              <math display="inline" aria-label={t('formula.hxLabel')}>
                <mi>H</mi><mo>(</mo><mi>x</mi><mo>)</mo><mo>=</mo><mi>F</mi><mo>(</mo><mi>x</mi><mo>)</mo><mo>+</mo><mi>x</mi>
              </math>
            ),
            f: <math display="inline"><mi>F</mi></math>,
          }}
        />
      </p>
      <math display="block" aria-label={t('formula.gradientLabel')}>
        <mfrac><mrow><mo>∂</mo><mi>ℒ</mi></mrow><mrow><mo>∂</mo><mi>x</mi></mrow></mfrac>
        <mo>=</mo>
        <mfrac><mrow><mo>∂</mo><mi>ℒ</mi></mrow><mrow><mo>∂</mo><mi>H</mi></mrow></mfrac>
        <mrow><mo>(</mo><mn>1</mn><mo>+</mo>{dFdx}<mo>)</mo></mrow>
      </math>
      <p>
        <Trans t={t} i18nKey="formula.identity" components={{ one: <math display="inline"><mn>1</mn></math>, dfdx: <math display="inline">{dFdx}</math> }} />
      </p>
    </div>
  );
}

export function BlockView({ block }: { block: BlockDiagram }) {
  const { t } = useTranslation('arch');
  return (
    <figure className="block-diagram" data-testid="arch.block" aria-labelledby="arch-block-title">
      <figcaption id="arch-block-title">
        <code>{block.name}</code>{t(block.skip ? 'block.caption' : 'block.captionPlain')}
      </figcaption>
      <div className="block-columns">
        <div>
          <h4>{t('block.branch')}</h4>
          <ol data-testid="arch.block.branch">
            {block.branch.map((w, i) => (
              <li key={i}>{w}</li>
            ))}
          </ol>
        </div>
        {block.skip && (
          <div>
            <h4>{t('block.shortcut')}</h4>
            <ol data-testid="arch.block.shortcut">
              {block.shortcut.map((w, i) => (
                <li key={i}>{w}</li>
              ))}
            </ol>
          </div>
        )}
      </div>
      <p className="block-join">
        {t(block.skip ? 'block.added' : 'block.noAddition')}
        {block.after.length > 0 && t('block.then', { layers: block.after.join(', ') })}
      </p>
    </figure>
  );
}
