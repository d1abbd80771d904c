// The page layout: controls on the left, the run and its live charts on the right.
import { useEffect } from 'react';
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
  useEffect(() => {
    const compared = [...overlaid, ...pending];
    const query = encode(config, hidden, compared);
    const next = `${window.location.pathname}?${query}${window.location.hash}`;
    if (next !== `${window.location.pathname}${window.location.search}${window.location.hash}`) window.history.replaceState(null, '', next);
  }, [config, hidden, overlaid, pending]);
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
  return (
    <div className="app">
      <header className="app-header">
        <h1>ResNet Playground</h1>
        <p className="tagline">Build a ResNet, train it on real data in your browser, and watch the gradients reach the early layers, or fade when the skip connections are off.</p>
        <ShareLink />
      </header>
      <Notices />
      <FirstSteps />
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
        <aside className="sidebar" aria-label="Configuration">
          <Controls />
          <DataPanel />
          <WeightsPanel />
        </aside>
        <section className="main-rest" aria-label="Runs, evaluation and architecture">
          <RunsPanel />
          <EvalView />
          <PredictPanel />
          <ArchitectureView />
        </section>
      </div>
    </div>
  );
}
