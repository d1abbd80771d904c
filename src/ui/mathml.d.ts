// MathML's elements for JSX: React DOM renders them in the MathML namespace
// (inside <math>), and Chromium draws them; React's types do not list them.
import 'react';

type MathProps = import('react').HTMLAttributes<HTMLElement> & { display?: 'block' | 'inline' };

declare module 'react' {
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace JSX {
    interface IntrinsicElements {
      math: MathProps;
      mi: MathProps;
      mo: MathProps;
      mn: MathProps;
      mrow: MathProps;
      mfrac: MathProps;
    }
  }
}
