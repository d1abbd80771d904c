// Explained where it is used: the residual formula and why the gradient gets
// the identity term, in MathML (the browser renders it; no library), and the
// chosen net's block where the shape changes, drawn from the same layer tree
// as the stage table (arch/diagram.ts).
import type { BlockDiagram } from '../arch/diagram';

export function ResidualFormula() {
  return (
    <div className="formula" data-testid="arch.formula">
      <p>
        A residual block outputs{' '}
        <math display="inline" aria-label="H of x equals F of x plus x">
          <mi>H</mi><mo>(</mo><mi>x</mi><mo>)</mo><mo>=</mo><mi>F</mi><mo>(</mo><mi>x</mi><mo>)</mo><mo>+</mo><mi>x</mi>
        </math>
        : its layers learn only the change <math display="inline"><mi>F</mi></math>, and the shortcut adds the input back. Going back, the gradient keeps an identity term:
      </p>
      <math display="block" aria-label="the derivative of the loss with respect to x equals the derivative with respect to H times, one plus the derivative of F with respect to x">
        <mfrac><mrow><mo>∂</mo><mi>ℒ</mi></mrow><mrow><mo>∂</mo><mi>x</mi></mrow></mfrac>
        <mo>=</mo>
        <mfrac><mrow><mo>∂</mo><mi>ℒ</mi></mrow><mrow><mo>∂</mo><mi>H</mi></mrow></mfrac>
        <mrow><mo>(</mo><mn>1</mn><mo>+</mo><mfrac><mrow><mo>∂</mo><mi>F</mi></mrow><mrow><mo>∂</mo><mi>x</mi></mrow></mfrac><mo>)</mo></mrow>
      </math>
      <p>
        The <math display="inline"><mn>1</mn></math> carries the gradient to the block's input unchanged, whatever the layers do to it; a plain net has only the product of the
        layers' <math display="inline"><mfrac><mrow><mo>∂</mo><mi>F</mi></mrow><mrow><mo>∂</mo><mi>x</mi></mrow></mfrac></math> terms, which shrinks or grows with depth (He et al. 2016,
        "Identity Mappings in Deep Residual Networks", §2).
      </p>
    </div>
  );
}

export function BlockView({ block }: { block: BlockDiagram }) {
  return (
    <figure className="block-diagram" data-testid="arch.block" aria-labelledby="arch-block-title">
      <figcaption id="arch-block-title">
        <code>{block.name}</code>, where the shape changes{block.skip ? '' : ' (the plain twin: no shortcut, nothing added)'}
      </figcaption>
      <div className="block-columns">
        <div>
          <h4>Branch F(x)</h4>
          <ol data-testid="arch.block.branch">
            {block.branch.map((w, i) => (
              <li key={i}>{w}</li>
            ))}
          </ol>
        </div>
        {block.skip && (
          <div>
            <h4>Shortcut</h4>
            <ol data-testid="arch.block.shortcut">
              {block.shortcut.map((w, i) => (
                <li key={i}>{w}</li>
              ))}
            </ol>
          </div>
        )}
      </div>
      <p className="block-join">
        {block.skip ? 'Added: F(x) + shortcut' : 'No addition: H(x) = F(x)'}
        {block.after.length > 0 && `, then ${block.after.join(', ')}`}
      </p>
    </figure>
  );
}
