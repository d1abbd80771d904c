// The page from the keyboard alone: Tab reaches every control that can be
// used, each has an accessible name, and a user who never touches the mouse
// can change the config and train a run.
import { expect, test, type Page } from '@playwright/test';
import { Playground, TINY } from './pages/playground';

/** The controls a user can operate: visible, enabled, not taken out of the tab order; one per radio group (arrows move inside it). */
const OPERABLE = 'input:not([type=hidden]), select, textarea, button, summary, a[href], [tabindex]:not([tabindex="-1"])';

/** Marks each operable control with data-kbd="i" and returns their descriptions, in document order. */
function markControls(page: Page): Promise<string[]> {
  return page.evaluate((selector) => {
    const seenRadioGroups = new Set<string>();
    const out: string[] = [];
    for (const el of document.querySelectorAll<HTMLElement>(selector)) {
      const box = el.getBoundingClientRect();
      const style = getComputedStyle(el);
      if (box.width === 0 || box.height === 0 || style.visibility === 'hidden') continue;
      if ((el as HTMLInputElement).disabled || el.closest('fieldset:disabled') || el.tabIndex < 0) continue;
      // A closed <details> hides its content from Tab, as it should: only its summary counts.
      if (el.closest('details:not([open])') && el.tagName !== 'SUMMARY') continue;
      if (el instanceof HTMLInputElement && el.type === 'radio') {
        if (seenRadioGroups.has(el.name)) continue;
        seenRadioGroups.add(el.name);
      }
      el.dataset.kbd = String(out.length);
      out.push(el.dataset.testid ?? `${el.tagName.toLowerCase()} "${(el.textContent ?? '').trim().slice(0, 30)}"`);
    }
    return out;
  }, OPERABLE);
}

test('every control is reached with Tab and named; the config changes and a run trains from the keyboard', async ({ page }) => {
  const app = new Playground(page);
  await app.open(`${TINY}&backend=cpu&steps=2&epochs=1`);
  const controls = await markControls(page);
  expect(controls.length).toBeGreaterThan(20);

  // Tab through the whole page once: every operable control gets the focus.
  const reached = new Set<string>();
  await page.locator('body').focus();
  for (let i = 0; i < controls.length * 2 + 20; i++) {
    await page.keyboard.press('Tab');
    const kbd = await page.evaluate(() => (document.activeElement as HTMLElement | null)?.dataset.kbd ?? null);
    if (kbd !== null) reached.add(kbd);
    if (reached.size === controls.length) break;
  }
  const missed = controls.filter((_, i) => !reached.has(String(i)));
  expect(missed, 'controls Tab never reached').toEqual([]);

  // Every form control has an accessible name (a label, aria-label or aria-labelledby).
  for (const control of await page.locator('input:not([type=hidden]), select, textarea').all()) {
    if (!(await control.isVisible())) continue;
    await expect(control).toHaveAccessibleName(/\S/);
  }

  // Change the config from the keyboard: a number field, a checkbox, a select.
  await app.control('batchSize').focus();
  await page.keyboard.press('ControlOrMeta+A');
  await page.keyboard.type('4');
  await expect(page).toHaveURL(/batch=4/);
  await app.control('skip').focus();
  await page.keyboard.press('Space');
  await expect(page).toHaveURL(/skip=off/);
  await app.control('skip').focus();
  await page.keyboard.press('Space');
  await expect(page).not.toHaveURL(/skip=off/);
  await app.control('optimizer').focus();
  await page.keyboard.press('ArrowDown');
  await expect(page).toHaveURL(/opt=/);

  // Train with Enter on the focused button, and stop nothing: the run finishes its 2 steps.
  await app.run.train.focus();
  await page.keyboard.press('Enter');
  await app.run.waitForStatus('done');
  expect(await app.run.steps()).toBe(2);
  expect(app.errors).toEqual([]);
});
