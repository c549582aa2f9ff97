/**
 * MultiProg's checksum scripts and profiles in Chromium: a Lua script marked
 * `-- @checksum-script` is kept from the Scripts job, offered beside the built-in checksums in
 * Inspect files, and a profile makes a matching simulated chip's connection compute it over the
 * file shown, with its status-bar value as the result.
 */
import { expect, test } from '@playwright/test';
import { AppPage } from './pages/app-page';
import { DevicePanelPage } from './pages/device-panel';
import { ScriptPanelPage } from './pages/script-panel';
import { V2_NAME, V2_PATH, v2Bytes } from './v2-hex';

const SCRIPT = [
  '-- @checksum-script',
  'local bytes = mp.memory.read_at(0, 0x400)',
  'mp.ui.set_statusbar("Block 0", string.format("0x%04X", mp.checksum.sum_rl78(bytes)))',
  '',
].join('\n');

test('a kept checksum script runs from Inspect files and from a profile when a matching chip connects', async ({
  page,
}) => {
  const app = new AppPage(page);
  const devices = new DevicePanelPage(page);
  const scripts = new ScriptPanelPage(page);
  const block0 = v2Bytes(0, 0x400);
  const expected = `0x${((0x10000 - (block0.reduce((a, b) => a + b, 0) & 0xffff)) & 0xffff).toString(16).toUpperCase().padStart(4, '0')}`;

  await app.goto('?sim&simLatency=zero');
  await scripts.open();
  await expect(page.getByTestId('script-keep-checksum')).toHaveCount(0);
  await scripts.replaceCode(SCRIPT);
  await page.getByTestId('script-keep-checksum').click();
  await expect(page.getByTestId('script-keep-checksum')).toHaveText('Kept as checksum script');
  await page.getByTestId('script-close').click();

  await app.showTask('inspect');
  await app.openWithInput([V2_PATH]);
  await app.waitUntilShown(V2_NAME);
  await page.getByTestId('checksum-algorithm').selectOption('script:script.lua');
  await page.getByTestId('checksum-compute').click();
  await expect(page.getByTestId('checksum-script-result')).toHaveText(`Block 0: ${expected}`, {
    timeout: 30_000,
  });

  // A profile: micro:bit V2 chips get this script; a built-in in between shows it is re-chosen.
  await page.locator('[data-testid="checksum-profiles"] summary').click();
  await page.getByTestId('checksum-profile-pattern').fill('Nordic nRF52833');
  await page.getByTestId('checksum-profile-add').click();
  await expect(page.getByTestId('checksum-profiles')).toContainText('Nordic nRF52833 → script.lua');
  await page.getByTestId('checksum-algorithm').selectOption('crc32');
  await expect(page.getByTestId('checksum-script-result')).toHaveCount(0);

  const item = await devices.addSimulated('microbit-v2');
  await expect(item).toHaveAttribute('data-status', 'connected');
  await app.showTask('inspect');
  await expect(page.getByTestId('checksum-algorithm')).toHaveValue('script:script.lua');
  await expect(page.getByTestId('checksum-script-result')).toHaveText(`Block 0: ${expected}`, {
    timeout: 30_000,
  });
  await expect(
    page.getByText('Checksum profile "Nordic nRF52833" for Nordic nRF52833: script.lua.'),
  ).toHaveCount(1);
  expect(app.errors, 'console errors').toEqual([]);
});
