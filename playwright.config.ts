import { defineConfig } from '@playwright/test';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from './e2e/chromium';

// E2E_PORT lets several checkouts run their suites side by side.
const PORT = Number(process.env.E2E_PORT ?? 4173);
/** The fault tests' build (`npm run build:faults`), served beside the production one. */
export const FAULTS_URL = `http://127.0.0.1:${PORT + 1}`;

// The specs run against the production build (`vite build` first), served by
// `vite preview`. Software GPUs are slow, so one worker and long timeouts.
export default defineConfig({
  testDir: 'e2e',
  timeout: 240_000,
  expect: { timeout: 60_000 },
  workers: 1,
  fullyParallel: false,
  forbidOnly: true,
  retries: 0,
  reporter: [['list']],
  use: {
    baseURL: `http://127.0.0.1:${PORT}`,
    browserName: 'chromium',
    launchOptions: { executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS },
    trace: 'off',
  },
  webServer: [
    {
      command: `npx vite preview --port ${PORT} --strictPort`,
      url: `http://127.0.0.1:${PORT}`,
      reuseExistingServer: !process.env.CI,
      timeout: 60_000,
    },
    {
      command: `npx vite preview --mode faults --port ${PORT + 1} --strictPort`,
      url: FAULTS_URL,
      reuseExistingServer: !process.env.CI,
      timeout: 60_000,
    },
  ],
});
