// The page's entry: restores the config from the URL, then renders the app.
// The page never imports TF.js; training lives in src/train/worker.ts.
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { initI18n } from './i18n/i18n';
import { decodeView } from './share/url';
import { openLessonFromLink } from './state/lessons';
import { useRuns } from './state/runs';
import { useStore } from './state/store';
import { App } from './ui/App';
import './ui/styles.css';

const { config, errors, hidden, compared, page } = decodeView(window.location.search);
await initI18n(page.lang);
useStore.getState().setConfig(() => config);
const lessonError = page.lesson ? openLessonFromLink(page.lesson) : undefined;
useStore.getState().setUrlErrors(lessonError ? [...errors, lessonError] : errors);
useStore.getState().setHidden(hidden);
useRuns.getState().setLinkCompare(compared);

const root = document.getElementById('root');
if (!root) throw new Error('index.html has no #root element');
createRoot(root).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
