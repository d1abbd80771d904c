// The page layout: controls on the left, the run and its live charts on the right.
import { useEffect } from 'react';
import { useTranslation } from 'react-i18next';
import { isLanguage } from '../config/languages';
import { useShallow } from 'zustand/react/shallow';
import { keepRuns, useRuns } from '../state/runs';
import { encode } from '../share/url';
import { useStore } from '../state/store';
import { GradHeadline } from './charts/GradHeadline';
import { GradHeatmap } from './charts/GradHeatmap';
import { GradProfile } from './charts/GradProfile';
import { LayerUpdates } from './charts/LayerUpdates';
import { MetricChart } from './charts/MetricChart';
import { ArchitectureView } from './ArchitectureView';
import { Controls } from './Controls';
import { EvalView } from './eval/EvalView';
import { PredictPanel } from './eval/PredictPanel';
import { DataPanel } from './DataPanel';
import { FirstSteps } from './FirstSteps';
import { LanguageSwitch } from './LanguageSwitch';
import { LessonsPanel } from './lessons/LessonsPanel';
import { useLessons } from '../state/lessons';
import { Notices } from './Notices';
import { RunBar } from './RunBar';
import { RunStats } from './RunStats';
import { RunsPanel } from './runs/RunsPanel';
import { ShareLink } from './ShareLink';
import { WeightsPanel } from './weights/WeightsPanel';

/** Keeps the URL in step with the config and the compared runs, so a copied address restores the page. */
function useUrlSync(): void {
  const config = useStore((s) => s.config);
  const hidden = useStore((s) => s.hidden);
  // The compared configs only: a kept run's metrics being rewritten as it trains does not re-encode the URL.
  const overlaid = useRuns(useShallow((s) => s.overlay.flatMap((id) => s.runs.find((r) => r.id === id)?.config ?? [])));
  const pending = useRuns((s) => s.pendingCompare);
  const lesson = useLessons((s) => s.open?.id);
  const { i18n } = useTranslation();
  const lang = isLanguage(i18n.language) ? i18n.language : 'en';
  useEffect(() => {
    const compared = [...overlaid, ...pending];
    const query = encode(config, hidden, compared, { lang, lesson });
    const next = `${window.location.pathname}?${query}${window.location.hash}`;
    if (next !== `${window.location.pathname}${window.location.search}${window.location.hash}`) window.history.replaceState(null, '', next);
  }, [config, hidden, overlaid, pending, lang, lesson]);
}

/** Keeps every run in IndexedDB and brings the latest back after a reload. */
function useKeptRuns(): void {
  useEffect(() => {
    let stop: (() => void) | null = null;
    let cancelled = false;
    void keepRuns().then((s) => (cancelled ? s() : (stop = s)));
    return () => {
      cancelled = true;
      stop?.();
    };
  }, []);
}

export function App() {
  useUrlSync();
  useKeptRuns();
  const { t } = useTranslation('common');
  return (
    <div className="app">
      <header className="app-header">
        <h1>{t('app.title')}</h1>
        <p className="tagline">{t('app.tagline')}</p>
        <ShareLink />
        <LanguageSwitch />
      </header>
      <Notices />
      <FirstSteps />
      <LessonsPanel />
      {/* Train and the live charts come first in the page, so that a phone
          shows them before the knobs; a wide screen puts the knobs beside them (styles.css). */}
      <div className="layout">
        <main className="main">
          <RunBar />
          <RunStats />
          <div className="charts">
            <MetricChart kind="loss" />
            <MetricChart kind="acc" />
            <GradHeadline />
            <GradHeatmap />
            <GradProfile />
            <LayerUpdates />
          </div>
        </main>
        <aside className="sidebar" aria-label={t('app.configuration')}>
          <Controls />
          <DataPanel />
          <WeightsPanel />
        </aside>
        <section className="main-rest" aria-label={t('app.rest')}>
          <RunsPanel />
          <EvalView />
          <PredictPanel />
          <ArchitectureView />
        </section>
      </div>
    </div>
  );
}
