/**
 * The Lua script panel in Chromium with `?sim`: the erase_blocks / blank_check example runs
 * against the simulated micro:bit V2 in the device worker (through the Lua worker's own
 * MessageChannel), its log lines appear with timestamps, confirmations are asked in a dialog,
 * and Stop ends an infinite loop, after which the next script runs.
 */
import { expect, test } from '@playwright/test';
import { AppPage } from './pages/app-page';
import { DevicePanelPage } from './pages/device-panel';
import { ScriptPanelPage } from './pages/script-panel';

let app: AppPage;
let devices: DevicePanelPage;
let scripts: ScriptPanelPage;

test.beforeEach(async ({ page }) => {
  app = new AppPage(page);
  devices = new DevicePanelPage(page);
  scripts = new ScriptPanelPage(page);
});

test.afterEach(() => {
  expect(app.errors, 'console errors').toEqual([]);
});

test('runs the erase_blocks / blank_check example on the simulated micro:bit and stops an infinite loop', async ({
  page,
}) => {
  await app.goto('?sim&simLatency=zero');
  const item = await devices.addSimulated('microbit-v2');
  await expect(item).toHaveAttribute('data-status', 'connected');

  await scripts.open();
  await expect(page.getByTestId('script-device')).toContainText('micro:bit V2');
  await scripts.chooseExample('erase_blocks_blank_check.lua');
  expect(await scripts.code()).toContain('mp.backend.erase_blocks()');

  await scripts.run.click();
  // Erasing from a script may ask first; the dialog passes the answer back.
  const finished = scripts.lines.filter({ hasText: 'erase_blocks_blank_check.lua finished' });
  await expect(async () => {
    if (await scripts.question.isVisible()) await page.getByTestId('script-question-ok').click();
    await expect(finished).toHaveCount(1, { timeout: 500 });
  }).toPass({ timeout: 45_000 });

  const text = await scripts.lines.allInnerTexts();
  const joined = text.join('\n');
  expect(joined).toContain('erase_blocks: done');
  expect(joined).toContain('blank_check after erase: blank');
  expect(joined).toMatch(/blank_check after write: Block 0 .*not blank/);
  expect(joined).toContain('verify after 0x57 -> 0x00: ok');
  expect(joined).toMatch(/verify after 0x00 -> 0xFF: Verify failed at 0x0*400/);
  // Each line carries its time and level.
  await expect(scripts.lines.first().locator('time')).toHaveText(/^\d\d:\d\d:\d\d\.\d{3}$/);
  await expect(scripts.lines.first()).toHaveAttribute('data-level', 'info');

  // An infinite loop: Stop ends it.
  await scripts.replaceCode('mp.log.info("looping")\nwhile true do end\n');
  await scripts.run.click();
  await expect(scripts.lines.filter({ hasText: 'looping' })).toHaveCount(1);
  await expect(scripts.stop).toBeVisible();
  await page.waitForTimeout(300);
  await scripts.stop.click();
  await expect(scripts.lines.filter({ hasText: 'was stopped after' })).toHaveCount(1);
  await expect(scripts.run).toBeVisible();

  // The next run works (on a fresh Lua worker when the old one had to be ended).
  await scripts.replaceCode(
    'mp.ui.set_statusbar("Board", "ok")\nlocal ok = mp.backend.connect()\nmp.log.info("connect", ok)\n',
  );
  await scripts.run.click();
  await expect(scripts.lines.filter({ hasText: 'connect true' })).toHaveCount(1);
  await expect(scripts.status).toContainText('Board ok');
});

test('"Allow writes" lets a MultiProg script erase without allow_hw_writes, after one confirmation naming the board', async ({
  page,
}) => {
  await app.goto('?sim&simLatency=zero');
  const item = await devices.addSimulated('microbit-v2');
  await expect(item).toHaveAttribute('data-status', 'connected');
  await scripts.open();
  // As MultiProg's examples do: no mp.app.allow_hw_writes(true) before writing.
  await scripts.replaceCode(
    [
      'local c = mp.config.get()',
      'mp.log.info("config " .. c.target .. " / " .. c.family .. " / " .. c.programmer)',
      'assert(mp.backend.connect())',
      'local ok, err = mp.backend.erase_segment(0x70000, 0x1000)',
      'mp.log.info("erase_segment", ok, err)',
      '',
    ].join('\n'),
  );

  // Without the option the write is refused by the gate.
  await scripts.run.click();
  await expect(scripts.lines.filter({ hasText: /finished|ended with/ })).toHaveCount(1, { timeout: 30_000 });
  await expect(scripts.lines.filter({ hasText: 'config nRF52833 / nRF52 / cmsis-dap' })).toHaveCount(1);
  await expect(
    scripts.lines.filter({ hasText: /erase_segment\s+false.*hardware writes are not allowed/ }),
  ).toHaveCount(1);

  // With it, the run asks once, naming the board, and the erase goes through.
  await page.getByTestId('script-allow-writes').check();
  await scripts.run.click();
  await expect(scripts.question).toContainText('Allow script.lua to erase and program micro:bit V2');
  await page.getByTestId('script-question-ok').click();
  const done = scripts.lines.filter({ hasText: /erase_segment\s+true/ });
  await expect(async () => {
    // erase_segment itself asks the person to confirm the erase.
    if (await scripts.question.isVisible()) await page.getByTestId('script-question-ok').click();
    await expect(done).toHaveCount(1, { timeout: 500 });
  }).toPass({ timeout: 45_000 });
  await expect(scripts.lines.filter({ hasText: 'This run may erase and program micro:bit V2' })).toHaveCount(
    1,
  );
});
