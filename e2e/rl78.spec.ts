/**
 * A Renesas RL78 in the one Flash flow, in Chromium against the simulated RL78/G13 (R5F100LE
 * behind a CP2102, single-wire TOOL0, RESET on DTR; `?sim&simLatency=zero`): its options and
 * wiring help, a 60 KiB firmware flashed and verified through the Flash button, then MultiProg's
 * seed example for the extended operations (erase_blocks → blank_check → write_no_blank →
 * blank_check → write_at "Code Flash" 0x400 → write_no_blank) run from the script panel.
 */
import { expect, test } from '@playwright/test';
import { saveFile } from '../src/core/formats';
import { SparseData } from '../src/core/memory/sparse-data';
import { randomBytes } from '../src/sim/esp/test-helpers';
import { AppPage } from './pages/app-page';
import { DevicePanelPage } from './pages/device-panel';
import { ScriptPanelPage } from './pages/script-panel';
import { WorkflowPage } from './pages/workflow-page';

const SEED = `local ok, err = mp.backend.connect() if not ok then mp.log.error(err); return end
-- The buffer the seed assumes: some firmware (2 KiB of it here).
mp.memory.write_at("Code Flash", 0, string.rep("RL78", 512))
mp.app.allow_hw_writes(true)
ok, err = mp.backend.erase_blocks() if not ok then mp.log.error(err); return end
ok, err = mp.backend.blank_check()
mp.log.info("seed 1: blank_check " .. tostring(ok))
ok, err = mp.backend.write_no_blank() if not ok then mp.log.error(err); return end
ok, err = mp.backend.blank_check()
mp.log.info("seed 2: blank_check " .. tostring(ok) .. " " .. tostring(err))
mp.memory.write_at("Code Flash", 0x400, {0x00})
ok, err = mp.backend.write_no_blank()
mp.log.info("seed 3: write_no_blank " .. tostring(ok))
`;

let app: AppPage;
let devices: DevicePanelPage;
let flow: WorkflowPage;
let scripts: ScriptPanelPage;

test.beforeEach(async ({ page }) => {
  await page.setViewportSize({ width: 1280, height: 720 });
  app = new AppPage(page);
  devices = new DevicePanelPage(page);
  flow = new WorkflowPage(page);
  scripts = new ScriptPanelPage(page);
  await app.goto('?sim&simLatency=zero');
});

test.afterEach(() => {
  expect(app.errors, 'console errors').toEqual([]);
});

test('flashes a simulated RL78/G13 from the UI and runs the seed example', async ({ page }) => {
  test.setTimeout(180_000);
  await devices.addConnected('rl78-g13');
  await expect(devices.selected).toContainText('R5F100LE');
  await expect(page.getByTestId('rl78-options')).toBeVisible();
  await page.getByTestId('rl78-wiring-help').locator('summary').click();
  await expect(page.getByTestId('rl78-wiring-help')).toContainText('TOOL0');
  await expect(page.getByTestId('rl78-wiring-help')).toContainText('Not supported yet');

  const data = new SparseData();
  data.write(0, randomBytes(60 * 1024, 7));
  const hex = Buffer.from(saveFile(data, 'intel-hex'));
  await page
    .getByTestId('file-input')
    .setInputFiles([{ name: 'rl78-app.hex', mimeType: 'text/plain', buffer: hex }]);
  await expect(app.fileItem('rl78-app.hex')).toBeVisible();
  await flow.flashButton.click();
  const done = await flow.waitForResult('done', 120_000);
  await expect(done).toContainText('Flashed rl78-app.hex');
  await expect(done).toContainText('verified');

  await scripts.open();
  await scripts.replaceCode(SEED);
  await scripts.run.click();
  const third = scripts.lines.filter({ hasText: 'seed 3:' });
  await expect(async () => {
    if (await scripts.question.isVisible()) await page.getByTestId('script-question-ok').click();
    await expect(third).toHaveCount(1, { timeout: 500 });
  }).toPass({ timeout: 90_000 });
  const joined = (await scripts.lines.allInnerTexts()).join('\n');
  expect(joined).toContain('seed 1: blank_check true');
  expect(joined).toMatch(/seed 2: blank_check false Block 0 not blanked \(Code Flash at 0x00000000\)/);
  expect(joined).toContain('seed 3: write_no_blank true');
});
