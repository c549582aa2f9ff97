/**
 * Classroom and micro:bit polish against the simulated boards: a board is named as soon as it is
 * plugged in (no flash), a failure says what to do in plain words with the technical detail one
 * click away, "Connect a micro:bit…" offers the simulated boards under `?sim`, the Python editor
 * indents 4 spaces, and the editors' syntax colours reach 4.5:1 contrast in both themes.
 * ("Use in classroom" opening classroom mode is in microbit-project.spec.ts.)
 */
import { expect, test, type Page } from '@playwright/test';
import { AppPage } from './pages/app-page';
import { ClassroomPage } from './pages/classroom-page';
import { MicrobitProjectPage } from './pages/microbit-project-page';
import { ScriptPanelPage } from './pages/script-panel';
import { V2_NAME, V2_PATH } from './v2-hex';

let app: AppPage;

test.beforeEach(async ({ page }) => {
  app = new AppPage(page);
});

test.afterEach(() => {
  expect(app.errors, 'console errors').toEqual([]);
});

test('classroom: a plugged-in board shows its friendly name before any flash', async ({ page }) => {
  await app.goto('?sim&simLatency=zero');
  const classroom = new ClassroomPage(page);
  await classroom.open();
  await classroom.plugSimulatedV2();
  await expect(classroom.row(1).getByTestId('classroom-friendly')).toHaveText(/^[a-z]{5}$/);
  await expect(classroom.row(1)).toHaveAttribute('data-status', 'waiting');
  await expect(page.getByTestId('classroom-start')).toBeVisible();
});

test('classroom: a board that does not answer says what to do; the detail is one click away', async ({
  page,
}) => {
  await app.goto('?sim&simLatency=zero');
  await app.openWithInput([V2_PATH]);
  await expect(app.fileItem(V2_NAME)).toBeVisible();
  const classroom = new ClassroomPage(page);
  await classroom.open();
  await classroom.useOpenFileAndStart();
  await classroom.plugSimulatedV2({ failFirstFlash: true });
  const row = classroom.row(1);
  await expect(row).toHaveAttribute('data-status', 'failed', { timeout: 60_000 });
  await expect(row.getByTestId('classroom-result')).toHaveText(
    'The board did not answer: unplug it and plug it in again; check the cable.',
  );
  const detail = row.getByTestId('classroom-detail');
  await expect(detail.locator('.mono')).toBeHidden();
  await detail.getByText('Details').click();
  await expect(detail.locator('.mono')).toBeVisible();
  await expect(detail.locator('.mono')).toContainText('DEVICE_PROTOCOL');
});

test('"Connect a micro:bit…" offers the simulated boards under ?sim, named before anything is sent', async ({
  page,
}) => {
  const mb = new MicrobitProjectPage(page);
  await mb.routeFirmware();
  await app.goto('?sim&simLatency=zero');
  await mb.open();
  await page.getByTestId('mb-send-connect').click();
  const choices = page.getByTestId('mb-send-choices');
  await expect(choices.getByRole('button')).toHaveText([
    'A micro:bit on USB…',
    'Simulated micro:bit V1',
    'Simulated micro:bit V2',
  ]);
  await page.getByTestId('mb-send-choice-microbit-v1').click();
  await expect(choices).toBeHidden();
  const target = page.getByTestId('mb-send-target');
  await expect(target.locator('option:checked')).toHaveText(/^micro:bit V1\.\d+ \(simulated\) · [a-z]{5}$/);
  await expect(page.getByTestId('mb-send')).toBeEnabled();
});

test('without ?sim, "Connect a micro:bit…" goes straight to the USB chooser', async ({ page }) => {
  const mb = new MicrobitProjectPage(page);
  await mb.routeFirmware();
  await app.goto();
  await mb.open();
  await expect(page.getByTestId('mb-send-connect')).not.toHaveAttribute('aria-expanded');
});

test('the Python editor indents 4 spaces', async ({ page }) => {
  const mb = new MicrobitProjectPage(page);
  await mb.routeFirmware();
  await app.goto();
  await page.evaluate(() => localStorage.clear());
  await mb.open();
  await mb.replaceCode('while True:');
  await page.keyboard.press('Enter');
  await page.keyboard.insertText('x = 1');
  await page.keyboard.press('Enter');
  // Tab indents one more level: 4 more spaces.
  await page.keyboard.press('Tab');
  await page.keyboard.insertText('y = 2');
  const lines = await mb.editor.locator('.cm-line').allInnerTexts();
  expect(lines.map((l) => l.replace(/\u00a0/g, ' '))).toEqual(['while True:', '    x = 1', '        y = 2']);
});

/** Contrast of every syntax-coloured token in `editor` against the editor's own background. */
async function tokenContrasts(page: Page, editor: string) {
  return page.locator(editor).evaluate((root) => {
    const rgb = (css: string) => {
      const m = css.match(/rgba?\(([^)]+)\)/);
      if (!m) throw new Error(`Not a colour: ${css}`);
      const [r, g, b, a = 1] = m[1]
        .split(/[ ,/]+/)
        .filter(Boolean)
        .map(Number);
      return { r, g, b, a };
    };
    const luminance = ({ r, g, b }: { r: number; g: number; b: number }) => {
      const f = (c: number) => ((c /= 255) <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4);
      return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b);
    };
    const background = (el: Element | null): { r: number; g: number; b: number } => {
      for (let e = el; e; e = e.parentElement) {
        const c = rgb(getComputedStyle(e).backgroundColor);
        if (c.a > 0) return c;
      }
      return { r: 255, g: 255, b: 255 };
    };
    return [...root.querySelectorAll('.cm-line span')]
      .filter((span) => span.textContent?.trim())
      .map((span) => {
        const fg = luminance(rgb(getComputedStyle(span).color));
        const bg = luminance(background(span));
        const ratio = (Math.max(fg, bg) + 0.05) / (Math.min(fg, bg) + 0.05);
        return { text: span.textContent ?? '', ratio: Math.round(ratio * 100) / 100 };
      });
  });
}

for (const scheme of ['dark', 'light'] as const) {
  test(`the editors' syntax colours reach 4.5:1 in the ${scheme} theme`, async ({ page }) => {
    await page.emulateMedia({ colorScheme: scheme });
    const mb = new MicrobitProjectPage(page);
    await mb.routeFirmware();
    await app.goto();
    await page.evaluate(() => localStorage.clear());
    await mb.open();
    await mb.replaceCode(
      '# comment\nfrom microbit import *\n\ndef show(n=3, s="text"):\n    return True\n\nclass Board:\n    pass\n',
    );
    const python = await tokenContrasts(page, '[data-testid="mb-editor-content"]');
    expect(python.length).toBeGreaterThanOrEqual(8);
    expect(python.filter((t) => t.ratio < 4.5)).toEqual([]);
    await page.getByTestId('mb-close').click();

    const scripts = new ScriptPanelPage(page);
    await scripts.open();
    await scripts.replaceCode(
      '-- comment\nlocal n = 42\nlocal s = "text"\nif n then print(s) end\nreturn nil\n',
    );
    const lua = await tokenContrasts(page, '[data-testid="script-editor-content"]');
    expect(lua.length).toBeGreaterThanOrEqual(6);
    expect(lua.filter((t) => t.ratio < 4.5)).toEqual([]);
  });
}
