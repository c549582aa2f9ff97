/**
 * Flashes a simulated ESP32 from the ESP panel in Chromium (`?sim&simLatency=zero`): plug in,
 * connect, pick an ESP Web Tools manifest with its three parts, flash, and see the monitor
 * show the application's boot output.
 */
import { expect, test } from '@playwright/test';
import { randomBytes } from '../src/sim/esp/test-helpers';
import { DevicePanelPage } from './pages/device-panel';

/** An ESP32 image: magic 0xE9, chip id 0, 4 MB flash in the header. */
function image(length: number, seed: number): Buffer {
  const b = Buffer.from(randomBytes(length, seed));
  b.fill(0, 0, 24);
  b[0] = 0xe9;
  b[1] = 1;
  b[2] = 2;
  b[3] = 0x2f;
  return b;
}

test('flash a simulated ESP32 from a manifest and see the monitor output', async ({ page }) => {
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto('/?sim&simLatency=zero');
  const panel = page.getByTestId('esp-panel');
  await panel.getByTestId('esp-plug-sim').click();
  await panel.getByTestId('esp-connect').click();
  await expect(panel.getByTestId('esp-chip')).toContainText('ESP32', { timeout: 20_000 });
  await expect(panel.getByTestId('esp-chip')).toContainText('4 MiB');

  const partitions = Buffer.alloc(0xc00, 0xff);
  partitions[0] = 0xaa;
  partitions[1] = 0x50;
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
    ],
  };
  await panel.getByTestId('esp-files').setInputFiles([
    { name: 'manifest.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(manifest)) },
    { name: 'bootloader.bin', mimeType: 'application/octet-stream', buffer: image(0x5000, 1) },
    { name: 'partitions.bin', mimeType: 'application/octet-stream', buffer: partitions },
    { name: 'app.bin', mimeType: 'application/octet-stream', buffer: image(0x20000, 2) },
  ]);
  await expect(panel.getByTestId('esp-map')).toContainText('bootloader');
  await expect(panel.getByTestId('esp-map')).toContainText('partition table');
  await expect(panel.getByTestId('esp-map')).toContainText('application');

  await panel.getByTestId('esp-flash').click();
  await expect(panel.getByTestId('esp-result')).toContainText('verified', { timeout: 30_000 });
  await expect(panel.getByTestId('esp-monitor')).toContainText('Calling app_main()', { timeout: 10_000 });
  await expect(panel.getByTestId('esp-error')).toHaveCount(0);
  expect(errors).toEqual([]);
});

test('an ESP32-S3 on its own USB port keeps its place in the device list while its port re-enumerates', async ({
  page,
}) => {
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto('/?sim&simLatency=zero');
  const devices = new DevicePanelPage(page);
  await devices.addSimulated('esp32s3-usb');
  await expect(devices.items).toHaveCount(1);
  const panel = page.getByTestId('esp-panel');
  await panel.getByTestId('esp-connect').click();
  // The reset into download mode drops the USB port; the worker follows the board to the new one.
  await expect(panel.getByTestId('esp-chip')).toContainText('ESP32-S3', { timeout: 20_000 });
  await expect(devices.items).toHaveCount(1);

  const app = image(0x8000, 3);
  app[12] = 9; // ESP32-S3 image chip id
  await panel
    .getByTestId('esp-files')
    .setInputFiles([{ name: 'merged.bin', mimeType: 'application/octet-stream', buffer: app }]);
  await panel.getByTestId('esp-flash').click();
  await expect(panel.getByTestId('esp-result')).toContainText('verified', { timeout: 30_000 });
  await expect(panel.getByTestId('esp-error')).toHaveCount(0);
  await expect(devices.items).toHaveCount(1);
  expect(errors).toEqual([]);
});
