// A first visit's three pointers: Train, the skip switch, the gradient views.
// Not modal (the page works around it); each step outlines its target and
// scrolls it into view; dismissed or finished, it is remembered and not shown
// again.
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';

/** Each step's target; its title and text are common:tour.STEP.title/text. */
const STEPS = [
  { target: 'run.train', id: 'train' },
  { target: 'controls.skip', id: 'skip' },
  { target: 'chart.gradHeadline', id: 'gradients' },
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
  const { t } = useTranslation('common');
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
    <section className="notice tour" aria-label={t('tour.label')} data-testid="tour" data-step={step + 1}>
      <strong>{t('tour.heading', { step: step + 1, steps: STEPS.length, title: t(`tour.${current.id}.title`) })}</strong> {t(`tour.${current.id}.text`)}
      <span className="tour-buttons">
        {step > 0 && (
          <button type="button" onClick={() => go(step - 1)}>
            {t('tour.back')}
          </button>
        )}
        {step < STEPS.length - 1 ? (
          <button type="button" data-testid="tour.next" onClick={() => go(step + 1)}>
            {t('tour.next')}
          </button>
        ) : (
          <button type="button" data-testid="tour.done" onClick={done}>
            {t('tour.done')}
          </button>
        )}
        <button type="button" data-testid="tour.dismiss" onClick={done}>
          {t('tour.dismiss')}
        </button>
      </span>
    </section>
  );
}
