/**
 * A Renesas RA chip in the one Flash flow, in Chromium against the simulated boards
 * (`?sim&simLatency=zero`): an Arduino Uno R4 (RA4M1 in boot mode on its USB port) is added
 * from the chooser, shows its chip, areas and boot-mode steps, and flashes a hex file with the
 * same Flash button and result line as every board; a second flash finds every block already
 * right (the chip's own CRC) and writes nothing. The RA example script runs on it from the
 * script panel. A USB-UART is turned into an ESP board and back into an RA chip in boot mode
 * from the options, as a person with a bare chip on a USB-UART does, and then flashes; what was
 * said is kept across reloads. An Arduino Uno R4 WiFi is put into boot mode by WebProg through
 * its USB bridge and flashes.
 */
import { expect, test } from '@playwright/test';
import { writeIntelHex } from '../src/core/formats/intel-hex';
import { SparseData } from '../src/core/memory/sparse-data';
import { AppPage } from './pages/app-page';
import { DevicePanelPage } from './pages/device-panel';
import { ScriptPanelPage } from './pages/script-panel';
import { WorkflowPage } from './pages/workflow-page';

let app: AppPage;
let devices: DevicePanelPage;
let flow: WorkflowPage;

test.beforeEach(async ({ page }) => {
  await page.setViewportSize({ width: 1280, height: 720 });
  app = new AppPage(page);
  devices = new DevicePanelPage(page);
  flow = new WorkflowPage(page);
  await app.goto('?sim&simLatency=zero');
});

test.afterEach(() => {
  expect(app.errors, 'console errors').toEqual([]);
});

test('an Arduino Uno R4 (RA4M1) flashes a hex file from the Flash button, then a re-flash writes nothing', async ({
  page,
}) => {
  await devices.addConnected('ra4m1');
  const options = page.getByTestId('ra-options');
  await expect(options).toBeVisible();
  await expect(page.getByTestId('ra-chip')).toContainText('Renesas RA2/RA4 with 256 KiB code flash');
  await expect(page.getByTestId('ra-chip')).toContainText('Code Flash: 0x00000000, 256 KiB');
  await expect(page.getByTestId('ra-chip')).toContainText('Data Flash: 0x40100000, 8 KiB');
  await page.getByTestId('ra-boot-guide').locator('summary').click();
  await expect(page.getByTestId('ra-boot-guide')).toContainText('BOOT');

  const data = new SparseData();
  data.write(
    0,
    Uint8Array.from({ length: 40 * 1024 }, (_, i) => (i * 7 + (i >> 8)) & 0xff),
  );
  await page
    .getByTestId('file-input')
    .setInputFiles([{ name: 'blink.hex', mimeType: 'text/plain', buffer: Buffer.from(writeIntelHex(data)) }]);
  await expect(app.fileItem('blink.hex')).toBeVisible();

  await flow.flashButton.click();
  const done = await flow.waitForResult('done');
  await expect(done).toContainText('Flashed blink.hex');
  await expect(done).toContainText('verified');

  await flow.flashButton.click();
  const again = await flow.waitForResult('done');
  await expect(again).toContainText('blink.hex');
  await expect(again).toContainText('20 blocks skipped as unchanged');
});

test('the RA example script connects, lists the areas, flashes with CRC verify and dumps read_checksums', async ({
  page,
}) => {
  await devices.addConnected('ra4m1');
  const scripts = new ScriptPanelPage(page);
  await scripts.open();
  await scripts.chooseExample('ra_flash_crc.lua');
  await scripts.run.click();
  const finished = scripts.lines.filter({ hasText: 'ra_flash_crc.lua finished' });
  await expect(async () => {
    if (await scripts.question.isVisible()) await page.getByTestId('script-question-ok').click();
    await expect(finished).toHaveCount(1, { timeout: 500 });
  }).toPass({ timeout: 45_000 });
  const joined = (await scripts.lines.allInnerTexts()).join('\n');
  expect(joined).toContain('Chip: Renesas RA2/RA4 with 256 KiB code flash');
  expect(joined).toContain('Region Code Flash: 0x00000000..0x0003FFFF, 256 KiB, 2048-byte blocks');
  expect(joined).toContain("flash: written and verified by the chip's CRC-32");
  expect(joined).toContain('136 blocks');
  expect(joined).toMatch(/host CRC-32 of block 0: [0-9A-F]{8} \(matches\)/);
});

test('a USB-UART is said to be an RA chip in boot mode (and not), remembered for the port, then flashes', async ({
  page,
}) => {
  const board = await devices.addSimulated('ra4m1-uart');
  await expect(page.getByTestId('ra-options')).toBeVisible();
  // "Not an RA chip": the port is an ESP board from now on.
  await page.getByTestId('ra-use-as-esp').click();
  await expect(page.getByTestId('esp-options')).toBeVisible();
  await expect(page.getByTestId('ra-options')).toBeHidden();
  // "An RA chip in boot mode on this USB-UART?": the RA options again, and the chip answers.
  await page.getByTestId('use-as-ra').click();
  await expect(page.getByTestId('ra-options')).toBeVisible();
  await expect(page.getByTestId('esp-options')).toBeHidden();
  // The panel connects the selected device again by itself, now as an RA chip over the UART.
  await expect(board).toHaveAttribute('data-status', 'connected', { timeout: 30_000 });
  await expect(page.getByTestId('ra-chip')).toContainText('Code Flash: 0x00000000, 256 KiB');

  const data = new SparseData();
  data.write(
    0,
    Uint8Array.from({ length: 8 * 1024 }, (_, i) => (i * 11) & 0xff),
  );
  await page
    .getByTestId('file-input')
    .setInputFiles([{ name: 'uart.hex', mimeType: 'text/plain', buffer: Buffer.from(writeIntelHex(data)) }]);
  await expect(app.fileItem('uart.hex')).toBeVisible();
  await flow.flashButton.click();
  const done = await flow.waitForResult('done');
  await expect(done).toContainText('Flashed uart.hex');
  await expect(done).toContainText('verified');
  // Remembered for the port: after disconnecting it is still an RA chip.
  await board.getByTestId('device-disconnect').click();
  await expect(board.getByTestId('device-connect')).toBeVisible();
  await expect(page.getByTestId('ra-options')).toBeVisible();

  // Kept across a reload, by the port's USB ids (Web Serial gives a granted port no other
  // identity after a reload): "not an RA chip" holds even though the simulation says otherwise…
  await page.getByTestId('ra-use-as-esp').click();
  await expect(page.getByTestId('esp-options')).toBeVisible();
  await page.reload();
  const again = await devices.addSimulated('ra4m1-uart');
  await expect(again).toBeVisible();
  await expect(page.getByTestId('esp-options')).toBeVisible();
  await expect(page.getByTestId('ra-options')).toBeHidden();
  // …and "an RA chip in boot mode" holds too: after the next reload it connects as one by itself.
  await page.getByTestId('use-as-ra').click();
  await expect(page.getByTestId('ra-options')).toBeVisible();
  await page.reload();
  const third = await devices.addSimulated('ra4m1-uart');
  await expect(page.getByTestId('ra-options')).toBeVisible();
  await expect(third).toHaveAttribute('data-status', 'connected', { timeout: 30_000 });
  await expect(page.getByTestId('ra-chip')).toContainText('Code Flash: 0x00000000, 256 KiB');
});

test('an Arduino Uno R4 WiFi: WebProg puts the RA4M1 into boot mode through the bridge (2400 baud) and flashes', async ({
  page,
}) => {
  const board = await devices.addConnected('uno-r4-wifi');
  await expect(board).toContainText('Arduino Uno R4 WiFi');
  await expect(page.getByTestId('ra-options')).toBeVisible();
  await expect(page.getByTestId('ra-chip')).toContainText('Code Flash: 0x00000000, 256 KiB');
  await page.getByTestId('ra-boot-guide').locator('summary').click();
  await expect(page.getByTestId('ra-boot-guide')).toContainText('Arduino Uno R4 WiFi');
  await expect(page.getByTestId('ra-boot-guide')).toContainText('2400 baud');
  const data = new SparseData();
  data.write(
    0x4000,
    Uint8Array.from({ length: 8 * 1024 }, (_, i) => (i * 5) & 0xff),
  );
  await page
    .getByTestId('file-input')
    .setInputFiles([
      { name: 'sketch.hex', mimeType: 'text/plain', buffer: Buffer.from(writeIntelHex(data)) },
    ]);
  await expect(app.fileItem('sketch.hex')).toBeVisible();
  await flow.flashButton.click();
  const done = await flow.waitForResult('done');
  await expect(done).toContainText('Flashed sketch.hex');
  await expect(done).toContainText('verified');
});
