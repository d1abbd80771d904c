// The production build under a strict Content-Security-Policy (issue 20,
// point 8): the preview server sends vite.config.ts's CSP (no unsafe-eval,
// no inline script; WASM by 'wasm-unsafe-eval'), every e2e test runs under
// it, and this one checks the header and that a WASM run, the sample grid
// and the charts raise no violation.
import { expect, test } from '@playwright/test';
import { Playground } from './pages/playground';

test('the page runs under the strict CSP with no violation', async ({ page }) => {
  await page.addInitScript(() => {
    (window as unknown as { violations: string[] }).violations = [];
    document.addEventListener('securitypolicyviolation', (e) => (window as unknown as { violations: string[] }).violations.push(`${e.violatedDirective}: ${e.blockedURI}`));
  });
  const app = new Playground(page);
  const response = await page.goto('/?backend=wasm&n=1&width=4&batch=8&steps=3&subset=32&test=8');
  const csp = response?.headers()['content-security-policy'] ?? '';
  expect(csp).toContain("script-src 'self' blob: 'wasm-unsafe-eval'");
  expect(csp).not.toMatch(/'unsafe-eval'|script-src[^;]*'unsafe-inline'/);
  await expect(app.run.train).toBeVisible();
  await expect(app.data.samples).toHaveAttribute('data-count', '32');
  await app.run.train.click();
  await app.run.waitForStatus('done');
  expect(await app.run.steps()).toBe(3);
  expect(await page.evaluate(() => (window as unknown as { violations: string[] }).violations)).toEqual([]);
  expect(app.errors).toEqual([]);
});
