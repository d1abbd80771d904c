// The page's entry: restores the config from the URL, then renders the app.
// The page never imports TF.js; training lives in src/train/worker.ts.
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { decodeView } from './share/url';
import { useRuns } from './state/runs';
import { useStore } from './state/store';
import { App } from './ui/App';
import './ui/styles.css';

const { config, errors, hidden, compared } = decodeView(window.location.search);
useStore.getState().setConfig(() => config);
useStore.getState().setUrlErrors(errors);
useStore.getState().setHidden(hidden);
useRuns.getState().setLinkCompare(compared);

const root = document.getElementById('root');
if (!root) throw new Error('index.html has no #root element');
createRoot(root).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
