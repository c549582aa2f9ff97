/**
 * The Scripts view as a person uses it: the output pane keeps its size whatever the script's
 * length, lines arrive in the order they were logged and all before "finished", an error's line
 * is marked in the editor, a run without a programmer ends as an error (no success line after
 * it), the example picker follows an opened file, and the Lua worker with its wasm is loaded
 * only when scripts are first used.
 */
import { expect, test, type Page } from '@playwright/test';
import { AppPage } from './pages/app-page';
import { ScriptPanelPage } from './pages/script-panel';

let app: AppPage;
let scripts: ScriptPanelPage;

test.beforeEach(async ({ page }) => {
  app = new AppPage(page);
  scripts = new ScriptPanelPage(page);
});

test.afterEach(() => {
  expect(app.errors, 'console errors').toEqual([]);
});

/** The output pane's box. */
async function outputBox(page: Page) {
  const box = await page.getByTestId('script-console').boundingBox();
  if (!box) throw new Error('The output pane is not shown.');
  return box;
}

test('the Lua worker and its wasm load when scripts are first used, not at start-up', async ({ page }) => {
  const wasm: string[] = [];
  page.on('request', (r) => {
    if (r.url().endsWith('.wasm')) wasm.push(r.url());
  });
  await app.goto();
  await expect(app.workerStatus('device')).toHaveAttribute('data-state', 'ready');
  await expect(app.workerStatus('lua')).toHaveAttribute('data-state', 'idle');
  // Give a start-up that would load Lua every chance to do so.
  await page.waitForTimeout(1000);
  expect(page.workers().filter((w) => /lua/.test(w.url()))).toEqual([]);
  expect(wasm).toEqual([]);
  await expect(app.workerStatus('lua')).toHaveAttribute('data-state', 'idle');

  await scripts.open();
  await expect(app.workerStatus('lua')).toHaveAttribute('data-state', 'ready');
  await expect(app.workerStatus('lua')).toHaveText('Lua 5.4 ready');
  expect(wasm.length).toBeGreaterThan(0);
  expect(page.workers().filter((w) => /lua/.test(w.url()))).toHaveLength(1);
});

test('the output pane keeps its size whatever the length of the script and its output', async ({ page }) => {
  await page.setViewportSize({ width: 1280, height: 720 });
  await app.goto();
  await scripts.open();
  const before = await outputBox(page);
  expect(before.height).toBeGreaterThanOrEqual(100);

  // A 600-line script that prints 600 lines.
  const body = Array.from({ length: 600 }, (_, i) => `print("line ${i + 1}")`).join('\n');
  await scripts.replaceCode(body);
  const long = await outputBox(page);
  expect(long.height).toBeGreaterThanOrEqual(before.height - 1);
  expect(long.y + long.height).toBeLessThanOrEqual(720);
  await scripts.run.click();
  // 600 lines through the worker and the console: a busy machine needs more than the default.
  await expect(scripts.lines.filter({ hasText: 'finished' })).toHaveCount(1, { timeout: 30_000 });
  const after = await outputBox(page);
  expect(after.height).toBeGreaterThanOrEqual(before.height - 1);
  expect(after.y + after.height).toBeLessThanOrEqual(720);
  // Nothing scrolls sideways or past the window.
  const overflow = await page.evaluate(() => ({
    x: document.documentElement.scrollWidth - window.innerWidth,
    y: document.documentElement.scrollHeight - window.innerHeight,
  }));
  expect(overflow.x).toBeLessThanOrEqual(0);
  expect(overflow.y).toBeLessThanOrEqual(0);
});

test('lines appear in the order they were logged, every one before "finished"', async () => {
  await app.goto();
  await scripts.open();
  await scripts.replaceCode(
    [
      'for i = 1, 1500 do',
      '  if i % 3 == 0 then mp.log.warn("n " .. i) elseif i % 3 == 1 then print("n " .. i) else mp.log.info("n " .. i) end',
      'end',
      'mp.ui.set_statusbar("done", "1500")',
    ].join('\n'),
  );
  await scripts.run.click();
  // 1,500 lines through the worker and the console: a busy machine needs more than the default.
  await expect(scripts.lines.filter({ hasText: 'finished' })).toHaveCount(1, { timeout: 30_000 });
  const texts = await scripts.lines.locator('.text').allInnerTexts();
  expect(texts[0]).toMatch(/^Running script\.lua/);
  expect(texts.slice(1, -1)).toEqual(Array.from({ length: 1500 }, (_, i) => `n ${i + 1}`));
  expect(texts.at(-1)).toMatch(/^script\.lua finished in /);
});

test('an error marks its line in the editor; editing clears the mark', async ({ page }) => {
  await app.goto();
  await scripts.open();
  await scripts.replaceCode('local a = 1\nlocal b = 2\nerror("boom")\nlocal c = 3\n');
  await scripts.run.click();
  await expect(scripts.lines.last()).toHaveAttribute('data-level', 'error');
  await expect(scripts.lines.last()).toContainText('boom');
  const marked = page.locator('[data-testid="script-editor-content"] .cm-line.script-error-line');
  await expect(marked).toHaveCount(1);
  await expect(marked).toHaveText('error("boom")');
  await expect(marked).toHaveAttribute('title', /boom/);
  await page.keyboard.press('ControlOrMeta+End');
  await page.keyboard.insertText('-- fixed\n');
  await expect(marked).toHaveCount(0);
});

test('"No programmer is selected" is an error and no success line follows it', async () => {
  await app.goto();
  await scripts.open();
  // The starter script connects first: with no device selected that fails.
  await scripts.run.click();
  await expect(scripts.lines.filter({ hasText: 'No programmer is selected' })).toHaveCount(1);
  await expect(scripts.lines.filter({ hasText: 'No programmer is selected' })).toHaveAttribute(
    'data-level',
    'error',
  );
  await expect(scripts.lines.last()).toHaveAttribute('data-level', 'error');
  await expect(scripts.lines.filter({ hasText: 'finished' })).toHaveCount(0);
  await expect(scripts.lines.last()).toContainText('ended with an error');
});

test('the example picker follows an opened file', async ({ page }) => {
  await app.goto();
  await scripts.open();
  const picker = page.getByTestId('script-example');
  await scripts.chooseExample('read_checksums.lua');
  await expect(picker).toHaveValue('read_checksums.lua');
  await page.getByTestId('script-open-input').setInputFiles({
    name: 'mine.lua',
    mimeType: 'text/plain',
    buffer: Buffer.from('print("mine")\n'),
  });
  await expect(page.getByTestId('script-file')).toHaveText('mine.lua');
  await expect(picker).toHaveValue('');
  await expect(picker.locator('option:checked')).toHaveText('Choose…');
  // The same example can be chosen again after another file was opened.
  await scripts.chooseExample('read_checksums.lua');
  await expect(picker).toHaveValue('read_checksums.lua');
  expect(await scripts.code()).toContain('checksum');
});
