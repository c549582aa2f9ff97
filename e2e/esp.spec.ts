/**
 * An ESP board in the one Flash flow, in Chromium against the simulated boards
 * (`?sim&simLatency=zero`): flashed with the same Flash button, file list, progress and result
 * line as a CMSIS-DAP probe (an ESP Web Tools manifest, `.bin` parts named with their offsets,
 * a single merged image), with no second Connect; its baud, erase-all and serial monitor belong
 * to it, and the hex view shows its flash. An image for another chip or a bigger flash is
 * refused before writing, with an expert override. Writes flash-esp-*.png.
 */
import { expect, test } from '@playwright/test';
import { randomBytes } from '../src/sim/esp/test-helpers';
import { AppPage, binaryFile } from './pages/app-page';
import { DevicePanelPage } from './pages/device-panel';
import { WorkflowPage } from './pages/workflow-page';
import { screenshotBothThemes } from './screenshots';

/** An ESP image: magic 0xE9, `chipId` in the extended header, `flashCode` (2 = 4 MB) in byte 3. */
function espImage(length: number, seed: number, chipId = 0, flashCode = 2): Buffer {
  const b = Buffer.from(randomBytes(length, seed));
  b.fill(0, 0, 24);
  b[0] = 0xe9;
  b[1] = 1;
  b[2] = 2;
  b[3] = (flashCode << 4) | 0x0f;
  b[12] = chipId;
  return b;
}

function partitionTable(): Buffer {
  const b = Buffer.alloc(0xc00, 0xff);
  b[0] = 0xaa;
  b[1] = 0x50;
  return b;
}

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

test('an ESP32 flashes an ESP Web Tools manifest through the Flash button, then its monitor shows the boot', async ({
  page,
}) => {
  await devices.addConnected('esp32');
  await expect(devices.identity('chip')).toContainText('ESP32');
  // No second Connect: the device panel connected it; the options belong to the device.
  await expect(page.getByTestId('esp-connect')).toHaveCount(0);
  await expect(page.getByTestId('esp-baud')).toBeVisible();
  await expect(page.getByTestId('esp-erase-all')).toBeVisible();

  const manifest = {
    name: 'E2E firmware',
    version: '1.0.0',
    builds: [
      {
        chipFamily: 'ESP32',
        parts: [
          { path: 'bootloader.bin', offset: 0x1000 },
          { path: 'partitions.bin', offset: 0x8000 },
          { path: 'app.bin', offset: 0x10000 },
        ],
      },
      { chipFamily: 'ESP32-C3', parts: [{ path: 'c3.bin', offset: 0 }] },
    ],
  };
  await page
    .getByTestId('file-input')
    .setInputFiles([
      { name: 'manifest.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(manifest)) },
      binaryFile('bootloader.bin', espImage(0x5000, 1)),
      binaryFile('partitions.bin', partitionTable()),
      binaryFile('app.bin', espImage(0x20000, 2)),
      binaryFile('c3.bin', espImage(0x8000, 3, 5)),
    ]);
  // One entry in the file list, the ESP32's build picked for this board.
  await expect(app.fileItem('manifest.json')).toBeVisible();
  await expect(page.getByTestId('file-item')).toHaveCount(1);
  await expect(page.getByTestId('summary-buffer')).toHaveText('manifest.json (ESP32 build)');
  // The hex view shows the ESP's flash, not a Nordic map.
  await expect(page.getByTestId('header-crumb')).toContainText('ESP32 flash (4 MiB)');
  await expect(page.getByTestId('header-crumb')).not.toContainText('nRF');

  await flow.flashButton.click();
  const done = await flow.waitForResult('done');
  await expect(done).toContainText('Flashed manifest.json');
  await expect(done).toContainText('verified');
  await expect(page.getByTestId('esp-monitor')).toContainText('Calling app_main()', { timeout: 20_000 });
  await screenshotBothThemes(page, 'flash-esp');

  // Verify and the block checksums run on the ESP through the same buttons.
  await flow.run('op-verify');
  await expect(await flow.waitForResult('done')).toContainText('Verified manifest.json');
});

test('.bin parts named with their offsets open as one firmware and flash an ESP32-C3', async ({ page }) => {
  await devices.addConnected('esp32c3');
  await page
    .getByTestId('file-input')
    .setInputFiles([
      binaryFile('bootloader@0x0.bin', espImage(0x4000, 4, 5)),
      binaryFile('partitions@0x8000.bin', partitionTable()),
      binaryFile('app@0x10000.bin', espImage(0x10000, 5, 5)),
    ]);
  await expect(page.getByTestId('file-item')).toHaveCount(1);
  await expect(page.getByTestId('bin-dialog')).toHaveCount(0);
  await flow.flashButton.click();
  await expect(await flow.waitForResult('done')).toContainText('verified');
  await expect(page.getByTestId('log')).toContainText('3 parts at their offsets');
  // Flashed again, every chunk is already there; with "Erase the whole flash first" all is written.
  await flow.flashButton.click();
  await expect(await flow.waitForResult('done')).toContainText('nothing to write');
  await page.getByTestId('esp-erase-all').check();
  await flow.flashButton.click();
  await expect(await flow.waitForResult('done')).toContainText(/wrote [\d.]+ KiB/);
});

test('a merged image flashes an ESP32-S3 on its own USB port, which keeps its place while it re-enumerates', async ({
  page,
}) => {
  await devices.addConnected('esp32s3-usb');
  await expect(devices.items).toHaveCount(1);
  await app.page.getByTestId('file-input').setInputFiles([binaryFile('merged.bin', espImage(0x8000, 6, 9))]);
  await page.getByTestId('bin-open').click();
  await flow.flashButton.click();
  await expect(await flow.waitForResult('done')).toContainText('verified', { timeout: 30_000 });
  await expect(devices.items).toHaveCount(1);
});

test('an ESP image built for another chip, or for a bigger flash, is refused before writing', async ({
  page,
}) => {
  await devices.addConnected('esp32');
  // ESP32-S3 image (chip id 9) on an ESP32.
  await page
    .getByTestId('file-input')
    .setInputFiles([binaryFile('s3-app@0x10000.bin', espImage(0x8000, 7, 9))]);
  await flow.flashButton.click();
  const refused = await flow.waitForRefusal('esp-header');
  await expect(refused).toContainText(
    's3-app@0x10000.bin at 0x00010000 is built for the ESP32-S3 (image chip id 9), but this board is an ESP32',
  );
  // 16 MB in the header of an image for a 4 MiB board.
  await page
    .getByTestId('file-input')
    .setInputFiles([binaryFile('big@0x10000.bin', espImage(0x8000, 8, 0, 4))]);
  // Flash takes the file shown: wait until the new file is open and shown.
  await app.waitUntilShown('big@0x10000.bin');
  await flow.flashButton.click();
  await expect((await flow.waitForRefusal('esp-header')).first()).toContainText('expects 16 MiB of flash');
  // The expert override writes it anyway, and says so.
  await page.getByText('I know what I am doing').click();
  await page.getByTestId('flash-anyway').click();
  await expect(await flow.waitForResult('done')).toContainText('checks overridden');
});
