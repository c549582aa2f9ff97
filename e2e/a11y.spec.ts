/**
 * Accessibility: axe-core (WCAG 2.1 A and AA rules) finds no serious or critical violation on
 * the main views — home, Flash a board (with a file and a connected simulated board), micro:bit
 * Python (with the serial pane), Classroom, Scripts — in the light and then the dark theme, on
 * the same page.
 */
import AxeBuilder from '@axe-core/playwright';
import { expect, test, type Page } from '@playwright/test';
import { AppPage } from './pages/app-page';
import { ClassroomPage } from './pages/classroom-page';
import { DevicePanelPage } from './pages/device-panel';
import { MicrobitProjectPage } from './pages/microbit-project-page';
import { ScriptPanelPage } from './pages/script-panel';
import { V2_NAME, V2_PATH } from './v2-hex';

type View = 'home' | 'flash' | 'microbit' | 'classroom' | 'scripts';

/** Opens `view` the way a person would, ready to be checked. */
async function show(page: Page, view: View): Promise<void> {
  const app = new AppPage(page);
  if (view === 'microbit') await new MicrobitProjectPage(page).routeFirmware();
  await app.goto('?sim&simLatency=zero');
  switch (view) {
    case 'home':
      await page.getByTestId('task-home').waitFor();
      break;
    case 'flash':
      await app.showTask('flash');
      await app.openWithInput([V2_PATH]);
      await app.waitUntilShown(V2_NAME);
      await new DevicePanelPage(page).addConnected('microbit-v2');
      break;
    case 'microbit':
      await new MicrobitProjectPage(page).open();
      await page.getByTestId('mb-serial').waitFor();
      break;
    case 'classroom':
      await new ClassroomPage(page).open();
      break;
    case 'scripts':
      await new ScriptPanelPage(page).open();
      break;
  }
}

/** The serious and critical violations on the page, one line each. */
async function seriousViolations(page: Page): Promise<string[]> {
  const results = await new AxeBuilder({ page })
    .withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'])
    .analyze();
  return results.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .flatMap((v) =>
      v.nodes.map((n) => `${v.id} (${v.impact}): ${n.target.join(' ')} — ${n.failureSummary ?? ''}`),
    );
}

for (const view of ['home', 'flash', 'microbit', 'classroom', 'scripts'] as const) {
  test(`${view}, light and dark theme: no serious or critical axe violations`, async ({ page }) => {
    test.setTimeout(120_000);
    await page.setViewportSize({ width: 1280, height: 720 });
    await page.emulateMedia({ colorScheme: 'light', reducedMotion: 'reduce' });
    await show(page, view);
    expect(await seriousViolations(page), 'light theme').toEqual([]);
    // The same view in the dark theme: the app follows the system's scheme as it changes.
    await page.emulateMedia({ colorScheme: 'dark' });
    await expect(page.locator('html')).toHaveCSS('color-scheme', /dark/);
    expect(await seriousViolations(page), 'dark theme').toEqual([]);
  });
}
