// The lessons panel: the list, or the open lesson's step (its text, the
// config it sets, what to press, what to look at) and the step's check, read
// live from the user's own runs. Steps and checks are data
// (src/lessons/lessons.ts, checks.ts); this only shows them.
import { useEffect } from 'react';
import { useTranslation } from 'react-i18next';
import { regime, ratioText, torchRatio, type CheckResult } from '../../lessons/checks';
import { BUDGETS_MIN, GRAD_FLOW_CELLS, lessonById, lessons, SKIP_DEPTHS, type LessonStep } from '../../lessons/lessons';
import { useLessons } from '../../state/lessons';
import { useRuns } from '../../state/runs';
import { formatDuration } from '../../config/format';

function Check({ result }: { result: CheckResult }) {
  const { t } = useTranslation('lessons');
  const overlay = useRuns((s) => s.overlay);
  const currentId = useRuns((s) => s.currentId);
  // The runs the check read, overlaid on the charts (the live one is drawn already).
  const missing = (result.runs ?? []).filter((id) => id !== currentId && !overlay.includes(id));
  return (
    <>
      <p className={`lesson-check lesson-check-${result.status}`} data-testid="lesson.check" data-status={result.status} role="status">
        <strong>{t(`status.${result.status}`)}</strong> {t(`checks.${result.key}`, result.values)}
      </p>
      {(result.runs?.length ?? 0) > 1 && (
        <button type="button" data-testid="lesson.overlay" disabled={missing.length === 0} onClick={() => missing.forEach((id) => useRuns.getState().toggleOverlay(id))}>
          {t('overlay')}
        </button>
      )}
    </>
  );
}

/** The lesson's duration before it starts: each run it sets, timed here. */
function LessonEta({ lessonId, trains }: { lessonId: string; trains: boolean }) {
  const { t } = useTranslation('lessons');
  const eta = useLessons((s) => s.eta);
  const job = useLessons((s) => s.etaJob);
  const estimate = useLessons((s) => s.estimate);
  if (!trains) return <p className="lesson-eta field-help">{t('eta.none')}</p>;
  return (
    <p className="lesson-eta" data-testid="lesson.eta">
      <button type="button" data-testid="lesson.estimate" disabled={job.status === 'running'} onClick={estimate}>
        {t('eta.button')}
      </button>{' '}
      {job.status === 'running' && <span role="status">{t('eta.measuring', { detail: job.detail })}</span>}
      {job.status === 'error' && <span role="alert">{job.detail}</span>}
      {job.status === 'done' && eta?.lesson === lessonId && <span role="status" data-testid="lesson.eta.result" data-ms={Math.round(eta.ms)}>{t('eta.result', { duration: formatDuration(eta.ms), runs: eta.runs })}</span>}
    </p>
  );
}

/** The skip lesson's table: ours beside PyTorch's, each cell read as exploding, vanishing or balanced. */
function GradFlowTable() {
  const { t } = useTranslation('lessons');
  const rows = useLessons((s) => s.gradFlow);
  const job = useLessons((s) => s.gradFlowJob);
  const compute = useLessons((s) => s.computeGradFlow);
  const cell = (depth: number, skip: boolean, bn: boolean) => rows.find((r) => r.depth === depth && r.skip === skip && r.bn === bn);
  return (
    <div data-testid="lesson.gradflow" data-rows={rows.length}>
      <button type="button" data-testid="lesson.gradflow.compute" disabled={job.status === 'running'} onClick={compute}>
        {t('gradflow.compute')}
      </button>{' '}
      {job.status === 'running' && <span role="status">{t('gradflow.running', { done: rows.length, total: SKIP_DEPTHS.length * 4 })} {job.detail}</span>}
      {job.status === 'error' && <span role="alert">{job.detail}</span>}
      <table className="lesson-table numbers">
        <caption>{t('gradflow.caption')}</caption>
        <thead>
          <tr>
            <th scope="col">{t('gradflow.depth')}</th>
            {GRAD_FLOW_CELLS.map((v) => (
              <th scope="col" key={v.id}>
                {t(`gradflow.variant.${v.id}`)}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {SKIP_DEPTHS.map((depth) => (
            <tr key={depth}>
              <th scope="row">{depth}</th>
              {GRAD_FLOW_CELLS.map((v) => {
                const ours = cell(depth, v.skip, v.bn)?.firstOverLast;
                const torch = torchRatio(depth, v.skip, v.bn);
                return (
                  <td key={v.id} data-testid={`lesson.gradflow.${depth}.${v.id}`} data-value={ours ?? ''}>
                    {ours === undefined ? '…' : `${ratioText(ours)}×`} <small>({t('gradflow.torch', { value: torch === undefined ? '?' : `${ratioText(torch)}×` })})</small>
                    {ours !== undefined && <small className="lesson-regime"> {t(`gradflow.regime.${regime(ours)}`)}</small>}
                  </td>
                );
              })}
            </tr>
          ))}
        </tbody>
      </table>
      <ul className="field-help">
        {GRAD_FLOW_CELLS.map((v) => (
          <li key={v.id}>{t(`gradflow.means.${v.id}`)}</li>
        ))}
      </ul>
    </div>
  );
}

function Budget() {
  const { t } = useTranslation('lessons');
  const budget = useLessons((s) => s.budget);
  const steps = useLessons((s) => s.settings.degradationSteps);
  const job = useLessons((s) => s.budgetJob);
  const choose = useLessons((s) => s.chooseBudget);
  return (
    <div data-testid="lesson.budget" data-steps={budget === null ? '' : steps}>
      {BUDGETS_MIN.map((m) => (
        <button key={m} type="button" data-testid={`lesson.budget.${m}`} aria-pressed={budget === m} disabled={job.status === 'running'} onClick={() => choose(m)}>
          {t('budget.minutes', { minutes: m })}
        </button>
      ))}
      {job.status === 'running' && <span role="status"> {t('budget.measuring')} {job.detail}</span>}
      {job.status === 'error' && <span role="alert"> {job.detail}</span>}
      {budget !== null && job.status === 'done' && <p role="status">{t('budget.result', { minutes: budget, steps })}</p>}
    </div>
  );
}

function Measure() {
  const { t } = useTranslation('lessons');
  const measured = useLessons((s) => s.measured);
  const job = useLessons((s) => s.measureJob);
  const measure = useLessons((s) => s.measure);
  return (
    <div data-testid="lesson.measure" data-count={measured.length}>
      <button type="button" data-testid="lesson.measure.run" disabled={job.status === 'running'} onClick={measure}>
        {t('measure.run')}
      </button>
      {job.status === 'running' && <span role="status"> {job.detail}</span>}
      {job.status === 'error' && <span role="alert"> {job.detail}</span>}
      {measured.length > 0 && (
        <table className="lesson-table numbers">
          <thead>
            <tr>
              <th scope="col">{t('measure.net')}</th>
              <th scope="col">{t('measure.depth')}</th>
              <th scope="col">{t('measure.params')}</th>
              <th scope="col">{t('measure.macs')}</th>
              <th scope="col">{t('measure.step')}</th>
            </tr>
          </thead>
          <tbody>
            {measured.map((m) => (
              <tr key={m.preset}>
                <th scope="row">{m.preset}</th>
                <td>{m.depth}</td>
                <td>{(m.params / 1e6).toFixed(1)} M</td>
                <td>{(m.macs / 1e9).toFixed(2)} G</td>
                <td>{t('measure.ms', { ms: m.msPerStep.toFixed(0) })}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}

/** Outlines what the step asks the user to look at, as the first-visit tour does. */
function useOutline(target: string | undefined): void {
  useEffect(() => {
    if (!target) return;
    const el = document.querySelector(`[data-testid="${target}"]`);
    el?.classList.add('tour-target');
    return () => el?.classList.remove('tour-target');
  }, [target]);
}

function Step({ lessonId, step }: { lessonId: string; step: LessonStep }) {
  const { t } = useTranslation('lessons');
  const setUp = useLessons((s) => s.setUp);
  const runs = useRuns((s) => s.runs);
  const gradFlow = useLessons((s) => s.gradFlow);
  const measured = useLessons((s) => s.measured);
  useOutline(step.look);
  const key = `${lessonId}.${step.id}`;
  return (
    <div data-testid="lesson.step" data-step={step.id}>
      <p>{t(`${key}.text`)}</p>
      {step.config && (
        <p>
          <button type="button" data-testid="lesson.setup" onClick={setUp}>
            {t('setUp')}
          </button>{' '}
          <small className="field-help">{t(`${key}.sets`)}</small>
        </p>
      )}
      {step.press === 'train' && <p className="lesson-press">{t('press.train')}</p>}
      {step.press === 'gradflow' && <GradFlowTable />}
      {step.press === 'budget' && <Budget />}
      {step.press === 'measure' && <Measure />}
      {step.look && <p className="lesson-look">{t('look', { what: t(`${key}.look`) })}</p>}
      {step.check && <Check result={step.check({ runs, gradFlow, measured })} />}
    </div>
  );
}

export function LessonsPanel() {
  const { t } = useTranslation('lessons');
  const open = useLessons((s) => s.open);
  const progress = useLessons((s) => s.progress);
  const settings = useLessons((s) => s.settings);
  const { openLesson, close, go } = useLessons.getState();
  const lesson = open ? lessonById(open.id, settings) : undefined;
  const step = lesson && open ? lesson.steps[open.step] : undefined;
  return (
    <section className="lessons" data-testid="lessons.panel" aria-labelledby="lessons-title">
      {!lesson || !step || !open ? (
        // Folded while no lesson is open: on a phone Train and the charts stay near the top.
        <details data-testid="lessons.list">
          <summary>
            <h2 id="lessons-title" className="inline-heading">{t('panel.title')}</h2> <small className="field-help">{t('panel.hint', { count: lessons(settings).length })}</small>
          </summary>
        <ul className="lesson-list">
          {lessons(settings).map((l) => (
            <li key={l.id}>
              <button type="button" data-testid={`lessons.open.${l.id}`} onClick={() => openLesson(l.id)}>
                {t(`${l.id}.title`)}
              </button>{' '}
              <small className="field-help">
                {t(`${l.id}.summary`)}
                {progress[l.id] !== undefined && progress[l.id]! > 0 && ` ${t('panel.leftAt', { step: progress[l.id]! + 1, steps: l.steps.length })}`}
              </small>
            </li>
          ))}
        </ul>
        </details>
      ) : (
        <div data-testid="lesson" data-lesson={lesson.id}>
          <h2 id="lessons-title">{t(`${lesson.id}.title`)}</h2>
          <p className="lesson-progress">{t('panel.step', { step: open.step + 1, steps: lesson.steps.length })}</p>
          <LessonEta lessonId={lesson.id} trains={lesson.steps.some((s) => s.press === 'train')} />
          <Step lessonId={lesson.id} step={step} />
          <p className="lesson-nav">
            <button type="button" data-testid="lesson.back" disabled={open.step === 0} onClick={() => go(open.step - 1)}>
              {t('panel.back')}
            </button>{' '}
            <button type="button" data-testid="lesson.next" disabled={open.step === lesson.steps.length - 1} onClick={() => go(open.step + 1)}>
              {t('panel.next')}
            </button>{' '}
            <button type="button" data-testid="lesson.close" onClick={close}>
              {t('panel.leave')}
            </button>
          </p>
        </div>
      )}
    </section>
  );
}
