/**
 * The device panel in Chromium: with `?sim` the simulated micro:bit is picked in the app's
 * device chooser and shows its identity (probe, DAPLink firmware, serial, board version,
 * friendly name from FICR DEVICEID[1], chip and regions); unplugging it says so in plain words.
 * Without `?sim` there is no simulated chooser, and a closed WebUSB chooser is no error.
 */
import { expect, test } from '@playwright/test';
import { microbitFriendlyName } from '../src/core/microbit/board';
import { AppPage } from './pages/app-page';
import { DevicePanelPage } from './pages/device-panel';

let app: AppPage;
let devices: DevicePanelPage;

test.beforeEach(async ({ page }) => {
  app = new AppPage(page);
  devices = new DevicePanelPage(page);
});

test.afterEach(() => {
  expect(app.errors, 'console errors').toEqual([]);
});

test('picks the simulated micro:bit V2 in the device chooser with ?sim and shows its identity', async ({
  page,
}) => {
  await app.goto('?sim&simLatency=zero');
  await expect(page.getByTestId('log')).toContainText('Simulated devices are on (?sim)');
  const item = await devices.addSimulated('microbit-v2');
  await expect(item).toHaveAttribute('data-status', 'connected');

  const serial = (await devices.identity('serial').textContent())!.trim();
  expect(serial).toMatch(/^9903[0-9A-F]{44}$/);
  // The simulator's serial carries FICR DEVICEID[1] (characters 16–23), the friendly name's source.
  const name = microbitFriendlyName(parseInt(serial.slice(16, 24), 16));
  await expect(item.getByTestId('device-title')).toHaveText(`micro:bit V2.00 · ${name}`);
  await expect(devices.identity('probe')).toHaveText('BBC micro:bit CMSIS-DAP');
  await expect(devices.identity('firmware')).toHaveText('DAPLink 0257');
  await expect(devices.identity('board')).toHaveText('micro:bit V2.00 (board id 9903)');
  await expect(devices.identity('name')).toHaveText(name);
  await expect(devices.identity('chip')).toContainText('nRF52833');
  await expect(devices.identity('flash')).toHaveText(/KiB$/);
  await expect(item.locator('dt', { hasText: 'Code Flash' })).toBeVisible();
  await expect(page.getByTestId('log')).toContainText(
    `Connected micro:bit V2.00 · ${name} (BBC micro:bit CMSIS-DAP`,
  );

  // The workflow now knows the chip's regions.
  await expect(page.locator('[data-testid="region-choice"][data-region="Code Flash"]')).toBeVisible();
});

test('offers the NUCLEO-G071RB and the Arduino Zero in the ?sim chooser; each connects with its regions', async () => {
  await app.goto('?sim&simLatency=zero');
  const g0 = await devices.addSimulated('stm32g071');
  await expect(g0).toHaveAttribute('data-status', 'connected');
  await expect(devices.identity('chip')).toContainText('STM32G0');
  await expect(g0.locator('dt', { hasText: 'Option Bytes' })).toBeVisible();
  const zero = await devices.addSimulated('arduino-zero');
  await expect(zero).toHaveAttribute('data-status', 'connected');
  await expect(devices.identity('chip')).toContainText('SAM D21');
  await expect(zero.locator('dt', { hasText: 'User Row' })).toBeVisible();
});

test('lists several simulated boards and says plainly when one is unplugged', async ({ page }) => {
  await app.goto('?sim&simLatency=zero');
  await devices.addSimulated('microbit-v1');
  const v2 = await devices.addSimulated('microbit-v2');
  await expect(v2).toHaveAttribute('data-status', 'connected');
  await expect(devices.items).toHaveCount(2);
  const title = (await v2.getByTestId('device-title').textContent())!.trim();

  await devices.unplugSelected();
  await expect(devices.items).toHaveCount(1);
  await expect(devices.notice).toContainText(`${title} was unplugged`);
  await expect(devices.notice).toContainText('Plug it back in');
  await expect(page.getByTestId('log')).toContainText(`${title} was unplugged.`);
  // The other board is selected and still connected.
  await expect(devices.items.first()).toHaveAttribute('data-status', 'connected');
  await expect(devices.identity('board')).toHaveText('micro:bit V1.3 (board id 9900)');
});

test('offers no simulated devices without ?sim; a cancelled WebUSB chooser is not an error', async ({
  page,
}) => {
  // The browser's chooser is a native window Playwright cannot press Cancel in: this makes
  // requestDevice fail as Chrome does when the person closes it.
  await page.addInitScript(() => {
    Object.defineProperty(USB.prototype, 'requestDevice', {
      value: () => Promise.reject(new DOMException('No device selected.', 'NotFoundError')),
    });
  });
  await app.goto();
  await expect(app.workerStatus('device')).toHaveAttribute('data-state', 'ready');
  await expect(page.getByTestId('add-simulated')).toHaveCount(0);
  await expect(page.getByTestId('no-webusb')).toHaveCount(0);
  await page.getByTestId('add-usb').click();
  await expect(devices.notice).toContainText('No device was chosen');
  await expect(devices.notice).toHaveAttribute('role', 'status');
  await expect(page.getByTestId('log')).toContainText('The device chooser was closed without a choice.');
});

test('says plainly when the browser has no WebUSB', async ({ page }) => {
  await page.addInitScript(() => {
    delete (Navigator.prototype as { usb?: unknown }).usb;
  });
  await app.goto();
  await expect(page.getByTestId('no-webusb')).toContainText('This browser has no WebUSB');
  await expect(page.getByTestId('no-webusb')).toContainText('Use Chrome, Edge or Opera on a computer');
});
