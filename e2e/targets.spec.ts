/**
 * Chip support in Chromium: load WebProg's own CMSIS-Pack, choose the STM32F411 device in it,
 * choose that target, plug in the simulated STM32F411 (it connects through the CMSIS algorithm)
 * and flash a file with it, verified; a loaded device script shows its footer.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { expect, test } from '@playwright/test';
import { AppPage } from './pages/app-page';
import { DevicePanelPage } from './pages/device-panel';
import { TargetPickerPage } from './pages/target-picker';
import { WorkflowPage } from './pages/workflow-page';

const PACK = path.join(process.cwd(), 'device-scripts/cmsis/build/WebProg.SimulatedChips.pack');
const SCRIPT = path.join(process.cwd(), 'device-scripts/build/nrf52833.20000000.m0.swds');

/** An Intel hex of `length` pseudo-random bytes at `address`. */
function intelHex(address: number, length: number): string {
  const record = (type: number, offset: number, data: number[]) => {
    const bytes = [data.length, (offset >> 8) & 0xff, offset & 0xff, type, ...data];
    const sum = (0x100 - (bytes.reduce((a, b) => a + b, 0) & 0xff)) & 0xff;
    return ':' + [...bytes, sum].map((b) => b.toString(16).padStart(2, '0').toUpperCase()).join('');
  };
  const lines = [record(4, 0, [(address >>> 24) & 0xff, (address >>> 16) & 0xff])];
  let x = 12345;
  for (let at = 0; at < length; at += 16) {
    const data = Array.from({ length: 16 }, () => ((x = (x * 1103515245 + 12345) >>> 0) >>> 16) & 0xff);
    lines.push(record(0, (address + at) & 0xffff, data));
  }
  lines.push(record(1, 0, []));
  return lines.join('\n') + '\n';
}

let app: AppPage;
let devices: DevicePanelPage;
let picker: TargetPickerPage;
let flow: WorkflowPage;

test.beforeEach(async ({ page }) => {
  app = new AppPage(page);
  devices = new DevicePanelPage(page);
  picker = new TargetPickerPage(page);
  flow = new WorkflowPage(page);
});

test.afterEach(() => {
  expect(app.errors, 'console errors').toEqual([]);
});

test('flashes the simulated STM32F411 through a CMSIS algorithm loaded from a pack', async ({
  page,
}, info) => {
  await app.goto('?sim&simLatency=zero');
  await picker.load([PACK]);
  const pending = page.getByTestId('target-pending');
  await expect(pending).toContainText('describes several devices');
  await pending.getByRole('button', { name: 'STM32F411RETx' }).click();
  const entry = picker.entry('STM32F411RETx', 'CMSIS-Pack');
  await expect(entry).toContainText('STMicroelectronics');
  await picker.search('stm32f411r');
  await expect(page.getByTestId('target-list').locator('li')).toHaveCount(1);
  await entry.getByRole('button', { name: 'Use' }).click();
  await expect(page.getByTestId('target-chosen')).toHaveText('STM32F411RETx');

  const board = await devices.addConnected('stm32f411');
  await expect(board).toHaveAttribute('data-status', 'connected');
  await expect(devices.identity('chip')).toHaveText('STM32F411RETx');

  const dir = info.outputPath('files');
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, 'f411.hex');
  writeFileSync(file, intelHex(0x0800_0000, 40 * 1024));
  await app.openWithInput([file]);
  await app.waitUntilShown('f411.hex');
  await flow.flashButton.click();
  const result = await flow.waitForResult('done', 120_000);
  await expect(result).toContainText('verified');
  // Loaded targets stay after a reload (IndexedDB).
  await page.reload();
  await expect(picker.entry('STM32F411RETx', 'CMSIS-Pack')).toBeVisible();
});

test('a loaded device script shows its footer', async ({ page }) => {
  await app.goto('?sim&simLatency=zero');
  await picker.load([SCRIPT]);
  const entry = picker.entry('Nordic nRF52833', 'device script');
  await expect(entry).toBeVisible();
  await entry.getByRole('button', { name: 'Footer' }).click();
  const footer = page.getByTestId('script-footer');
  await expect(footer).toContainText('0x20000000 / 0x20000800 + 0x20002000');
  await expect(footer).toContainText('PID4 0x0F');
  await expect(footer).toContainText('[0x10000100] & 0xFFFFFFFF = 0x00052833');
  await expect(footer).toContainText('version 2');
});

test('a connected chip lists the loaded targets that fit it, ranked, and one can be used', async ({
  page,
}) => {
  await app.goto('?sim&simLatency=zero');
  await picker.load([PACK]);
  await page.getByTestId('target-pending').getByRole('button', { name: 'STM32F411RETx' }).click();
  await page.getByTestId('target-pending').waitFor({ state: 'detached' });
  await picker.load([PACK]);
  await page.getByTestId('target-pending').getByRole('button', { name: 'nRF52833_xxAA' }).click();
  await expect(picker.entry('nRF52833_xxAA', 'CMSIS-Pack')).toBeVisible();

  // Identified automatically by the built-in STM32F4 script: the pack's STM32F411 fits (ST's
  // part 0x431), the nRF52833 (another designer) does not.
  const board = await devices.addConnected('stm32f411');
  await expect(board).toHaveAttribute('data-status', 'connected');
  const fits = page.getByTestId('target-suggestions');
  await expect(fits).toContainText('fit the connected chip');
  await expect(fits.locator('li')).toHaveCount(1);
  await expect(fits.locator('li').first()).toContainText('STM32F411RETx');
  await expect(fits).toContainText('designer STMicroelectronics');
  await expect(fits).toContainText('ROM table part 0x431 is STM32F411');
  await fits.getByRole('button', { name: 'Use STM32F411RETx' }).click();
  await expect(page.getByTestId('target-chosen')).toHaveText('STM32F411RETx');
});
