// A first visit's three pointers: Train, the skip switch, the gradient views.
// Not modal (the page works around it); each step outlines its target and
// scrolls it into view; dismissed or finished, it is remembered and not shown
// again.
import { useEffect, useState } from 'react';

const STEPS = [
  { target: 'run.train', title: 'Train', text: 'Press Train: a ResNet learns to read digits here, in your browser, in about a minute. The loss falls as you watch.' },
  { target: 'controls.skip', title: 'The skip connections', text: 'Turn the skip connections off and train again (or press "Run the plain twin"): the same net without its shortcuts.' },
  { target: 'chart.gradHeadline', title: 'The gradients', text: "Compare the gradient views: with shortcuts the first layers get a gradient about as large as the last ones'; without them it fades on the way back, and the deeper the net, the more." },
] as const;

/** Remembered once the tour is dismissed or done (storage may be refused: then it shows again next visit). */
const SEEN_KEY = 'resnet-playground.first-steps';

function seen(): boolean {
  try {
    return globalThis.localStorage?.getItem(SEEN_KEY) === 'seen';
  } catch {
    return false;
  }
}

export function FirstSteps() {
  const [step, setStep] = useState<number | null>(() => (seen() ? null : 0));
  const current = step === null ? null : STEPS[step];
  useEffect(() => {
    if (!current) return;
    const el = document.querySelector(`[data-testid="${current.target}"]`);
    el?.classList.add('tour-target');
    return () => el?.classList.remove('tour-target');
  }, [current]);
  if (step === null || !current) return null;
  const done = () => {
    try {
      globalThis.localStorage?.setItem(SEEN_KEY, 'seen');
    } catch {
      // Storage refused: shown again on the next visit.
    }
    setStep(null);
  };
  const go = (to: number) => {
    setStep(to);
    document.querySelector(`[data-testid="${STEPS[to]!.target}"]`)?.scrollIntoView({ block: 'center', behavior: 'smooth' });
  };
  return (
    <section className="notice tour" aria-label="First steps" data-testid="tour" data-step={step + 1}>
      <strong>
        First steps, {step + 1} of {STEPS.length}: {current.title}.
      </strong>{' '}
      {current.text}
      <span className="tour-buttons">
        {step > 0 && (
          <button type="button" onClick={() => go(step - 1)}>
            Back
          </button>
        )}
        {step < STEPS.length - 1 ? (
          <button type="button" data-testid="tour.next" onClick={() => go(step + 1)}>
            Next
          </button>
        ) : (
          <button type="button" data-testid="tour.done" onClick={done}>
            Done
          </button>
        )}
        <button type="button" data-testid="tour.dismiss" onClick={done}>
          Skip the tour
        </button>
      </span>
    </section>
  );
}
